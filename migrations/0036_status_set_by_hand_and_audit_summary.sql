-- Whether a sale's status is the creator's own decision (PATCH /api/v1/conversions/{id}, or a
-- sale by hand stating one), which a shop's routine order update must not undo: a shop sends its
-- order's state with every delivery (a tag or a fulfilment is enough), and an orders/updated put
-- a sale rejected by hand back to approved, its commission counted again (hostile probe D1). A
-- shop's delivery moves such a sale only into rejected (a cancellation, a refund in full); any
-- status change by another sender hands the status back to it (money/sale_recorder.cpp).
ALTER TABLE conversions ADD COLUMN status_set_by_hand boolean NOT NULL DEFAULT false;

-- The status a shop's last delivery stated for the sale, carried out or not: a cancellation or
-- a refund in full is restated by every later update of the order (Shopify's cancelled_at, the
-- refunds listed), and only one the shop had not stated before moves a status set by hand.
-- Unknown (NULL) for sales booked before: their next delivery states it.
ALTER TABLE conversions ADD COLUMN shop_stated_status text;

-- Sales already booked whose last change was a PATCH by the creator: the change and its audit
-- entry share their transaction, so updated_at is the entry's time to the microsecond.
UPDATE conversions c SET status_set_by_hand = true
WHERE EXISTS (SELECT 1 FROM audit_log a
              WHERE a.action = 'conversion.update' AND a.target_id = c.id AND a.at = c.updated_at);

-- An audit entry's summary keeps up to 4,000 characters (audit/audit_log.cpp): a sale's intake
-- entry lists every warning its sender was told (money/intake_audit.cpp), each up to 400 bytes,
-- and was cut at 300, so a second warning never survived and the first lost its end.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_summary_check;
-- NOT VALID: every row holds the stricter old check already, and the audit log is the largest
-- table, which validating would scan under the migration's exclusive lock.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_summary_check CHECK (length(summary) <= 4000) NOT VALID;
