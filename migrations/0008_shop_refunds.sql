-- Shop orders (issue 15, items 3 and 11): the commission base an offer pays on, the order's own
-- amounts before refunds, refunds counted once by their id, and deliveries counted once by theirs.
-- A shop sale's booked amount is max(0, order base - refunds of that base), recomputed from
-- these facts whenever either arrives, so repeats and the order of arrival change nothing.

-- 'subtotal': after discounts, without shipping, tax and tips (what shop affiliate programmes
-- pay on); 'total': what the customer paid. Existing offers take the default.
ALTER TABLE offers ADD COLUMN commission_base text NOT NULL DEFAULT 'subtotal'
    CHECK (commission_base IN ('subtotal', 'total'));

-- What the order itself says, before any refund (NULL for sales that did not come from a shop,
-- and for shop sales booked before this migration until their next delivery).
ALTER TABLE conversions ADD COLUMN order_subtotal_minor bigint CHECK (order_subtotal_minor >= 0),
                        ADD COLUMN order_total_minor    bigint CHECK (order_total_minor >= 0);

-- One row per refund the shop made, whether it came as refunds/create or inside an order; it
-- may arrive before its order does. amount_minor is the money returned, subtotal_minor the
-- part of it that lowers a subtotal base (without tax and shipping).
CREATE TABLE shop_refunds (
    offer_id       bigint      NOT NULL REFERENCES offers (id),
    refund_id      text        NOT NULL CHECK (length(refund_id) BETWEEN 1 AND 200),
    txid           text        NOT NULL CHECK (length(txid) BETWEEN 1 AND 200),
    amount_minor   bigint      NOT NULL CHECK (amount_minor >= 0),
    subtotal_minor bigint      NOT NULL CHECK (subtotal_minor >= 0),
    currency       text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (offer_id, refund_id)
);
CREATE INDEX shop_refunds_order ON shop_refunds (offer_id, txid);

-- Deliveries already handled (Shopify's X-Shopify-Webhook-Id, WooCommerce's
-- X-WC-Webhook-Delivery-ID). Shops retry for hours, not weeks: rows older than 30 days are
-- pruned as new deliveries arrive.
CREATE TABLE shop_deliveries (
    offer_id    bigint      NOT NULL REFERENCES offers (id),
    shop        text        NOT NULL CHECK (shop IN ('shopify', 'woocommerce')),
    delivery_id text        NOT NULL CHECK (length(delivery_id) BETWEEN 1 AND 200),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (offer_id, shop, delivery_id)
);
CREATE INDEX shop_deliveries_received_at ON shop_deliveries (received_at);
