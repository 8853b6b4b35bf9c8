-- A sale keeps the commission base it was booked on, as it keeps its rule (0021). A shop sale's
-- amount is priced again from its order at every delivery (a tag, a fulfilment) and every
-- refund, and it read the offer's base of the moment: a sale booked on the subtotal 45.00 went
-- to the total 60.00 at its order's next delivery after the offer was switched to "total", paid
-- and settled sales too. Sales booked before this migration take their offer's base as it stands
-- now, the best record there is. Nullable: an older node of a rolling upgrade books without it,
-- and its sales fall back to the offer's base, as before.
ALTER TABLE conversions
    ADD COLUMN commission_base text CHECK (commission_base IN ('subtotal', 'total'));

UPDATE conversions c
SET commission_base = o.commission_base
FROM offers o
WHERE o.id = c.offer_id;
