-- sale.updated is sent when a sale's money changes too, not only its status: a partial refund by
-- postback, a shop refund or a corrected report changed amount_minor with the status as it was,
-- and a consumer keeping totals from the events (a sheet, an accounting tool) kept the old
-- figures for good. data carries what the sale was before: previous_status (as since 0011),
-- previous_amount_minor and previous_commission_minor.
CREATE OR REPLACE FUNCTION linkledger_webhook_conversion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM linkledger_webhook_enqueue('sale.created', linkledger_conversion_json(NEW),
                                           linkledger_sale_context(NEW));
    ELSE
        PERFORM linkledger_webhook_enqueue(
            'sale.updated',
            (linkledger_conversion_json(NEW)::jsonb
                || jsonb_build_object('previous_status', OLD.status,
                                      'previous_amount_minor', OLD.amount_minor,
                                      'previous_commission_minor', OLD.commission_minor))::json,
            linkledger_sale_context(NEW));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER conversions_webhook_status ON conversions;
CREATE TRIGGER conversions_webhook_status AFTER UPDATE OF status, amount_minor, commission_minor ON conversions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
                       OR OLD.commission_minor IS DISTINCT FROM NEW.commission_minor)
    EXECUTE FUNCTION linkledger_webhook_conversion();
