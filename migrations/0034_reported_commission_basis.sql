-- A reported offer's commission as its sender last stated it, and the amount stated with it: the
-- one figure the shop's refunds scale the commission from (money/sale_recorder, apply_refund in
-- money/shop_webhooks_api). Each refund scaled the commission already rounded at the previous
-- one: 7.03 on 100.00, three refunds of 10.00, came to 4.93 where 7.03 x 70.00 / 100.00 is 4.92,
-- the network's figure. Written whenever a postback, a report row or a sale by hand states a
-- commission for a reported sale, before the shop's refunds take their share of it.
ALTER TABLE conversions
    ADD COLUMN stated_commission_minor bigint CHECK (stated_commission_minor >= 0),
    ADD COLUMN stated_amount_minor bigint CHECK (stated_amount_minor >= 0);

-- Sales already booked whose order no shop refunded: their commission is still the figure stated
-- for their amount. For the others what was stated is no longer known (NULL): their refunds go on
-- scaling the commission they hold.
UPDATE conversions c SET stated_commission_minor = c.commission_minor, stated_amount_minor = c.amount_minor
WHERE c.commission_type = 'reported'
  AND NOT EXISTS (SELECT 1 FROM shop_refunds r WHERE r.offer_id = c.offer_id AND r.txid = c.txid);
