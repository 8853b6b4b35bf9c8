-- A sale keeps the commission rule it was booked under. Before, every repeat of a sale (a
-- network's retry, a status change, a shop refund) priced it again at the offer's rule of the
-- moment, so changing an offer's rate silently changed sales already booked, paid ones too.
-- Sales booked before this migration take their offer's rule as it stands now, the best
-- record there is. Nullable: an older node of a rolling upgrade books without them, and its
-- sales fall back to the offer's rule, as before.
ALTER TABLE conversions
    ADD COLUMN commission_type text CHECK (commission_type IN ('percent', 'fixed', 'reported')),
    ADD COLUMN commission_rate_bps bigint,
    ADD COLUMN commission_fixed_minor bigint;

UPDATE conversions c
SET commission_type = o.commission_type, commission_rate_bps = o.rate_bps, commission_fixed_minor = o.amount_minor
FROM offers o
WHERE o.id = c.offer_id;
