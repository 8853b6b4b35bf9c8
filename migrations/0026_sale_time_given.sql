-- 1. Whether a sale's time was stated by whoever sent it (a report's date column, the API's
-- occurred_at, a shop order's creation time) or is only the moment the sale arrived (a postback
-- has no date parameter). A sale booked by postback took its arrival time, and a later report row
-- or API call giving the real date was answered "unchanged": a postback arriving after midnight on
-- the last of the month put the sale in the next month against the network's statement, and a
-- late one shifted the attribution window. A stated time now replaces an arrival time (once); a
-- stated time is never replaced (money/sale_recorder.cpp).
-- Sales already booked: a postback's was always its arrival time (postbacks never carried a
-- date), so those can be corrected by the network's next report; for any other door the time may
-- have been stated and is kept as it is.
ALTER TABLE conversions ADD COLUMN occurred_at_given boolean NOT NULL DEFAULT true;
UPDATE conversions SET occurred_at_given = false WHERE via = 'postback';

-- 2. sale.updated is sent when a sale's time or its attribution changes too (a click or a code
-- found by a later postback or import, a pending sale settled when its click is stored): a
-- consumer totalling by month, video or source from the events kept the sale where it first
-- landed. data carries previous_link_id, previous_video_id, previous_source,
-- previous_attribution and previous_occurred_at beside 0023's previous_* figures.
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
                                      'previous_commission_minor', OLD.commission_minor,
                                      'previous_link_id', OLD.link_id,
                                      'previous_video_id', OLD.video_id,
                                      'previous_source', OLD.source,
                                      'previous_attribution', OLD.attribution,
                                      'previous_occurred_at',
                                      to_char(OLD.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))::json,
            linkledger_sale_context(NEW));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER conversions_webhook_status ON conversions;
CREATE TRIGGER conversions_webhook_status
    AFTER UPDATE OF status, amount_minor, commission_minor, link_id, video_id, source, attribution, occurred_at
    ON conversions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
                       OR OLD.commission_minor IS DISTINCT FROM NEW.commission_minor
                       OR OLD.link_id IS DISTINCT FROM NEW.link_id
                       OR OLD.video_id IS DISTINCT FROM NEW.video_id
                       OR OLD.source IS DISTINCT FROM NEW.source
                       OR OLD.attribution IS DISTINCT FROM NEW.attribution
                       OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at)
    EXECUTE FUNCTION linkledger_webhook_conversion();
