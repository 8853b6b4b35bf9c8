-- A WooCommerce refund lists only its gross amount; the part of it a subtotal offer loses is the
-- order's share (subtotal over total). That share was rounded refund by refund and the rounded
-- pieces summed: three refunds of 0.01 on a 60.00 order whose subtotal is 45.00 took 0.03 off
-- where the merchant's figures say 0.0225, i.e. 0.02. A refund marked here is summed with the
-- order's other such refunds by its gross amount, and the share of that sum rounded once
-- (money/shop_refund_totals.cpp); its subtotal_minor is then only what it was alone.
ALTER TABLE shop_refunds ADD COLUMN share_of_order boolean NOT NULL DEFAULT false;

-- Refunds already kept: those of sales booked from a WooCommerce order (the only shop whose
-- refunds are a share of their order). The sale's amount follows at its order's next delivery.
UPDATE shop_refunds r SET share_of_order = true
FROM conversions c
WHERE c.offer_id = r.offer_id AND c.txid = r.txid AND c.via = 'woocommerce';

-- Whether a sale's order bases are the shop's (an order delivery set them) or a copy of what the
-- sale was booked at when a refund came before any order delivery (a postback's amount). Only
-- the shop's own figures cap what another door books (money/sale_recorder, keep_shop_refunds): a
-- network correcting its amount upwards after a refund was held at the copy less the refund.
-- Sales booked from an order have the shop's; the others are taken as copies.
ALTER TABLE conversions ADD COLUMN order_bases_from_shop boolean NOT NULL DEFAULT false;
UPDATE conversions SET order_bases_from_shop = true
WHERE via IN ('shopify', 'woocommerce') AND order_subtotal_minor IS NOT NULL AND order_total_minor IS NOT NULL;
