-- A change (a sale, a link) written while one of the endpoints subscribed to it is being
-- deleted: the delivery's foreign key waited for the delete and then failed, and with it the
-- whole change (the sale was refused, the link not made). The endpoints are now read with the
-- lock the foreign key would take: PostgreSQL waits for the delete the same way, then leaves
-- the deleted endpoint out and the change goes through.
CREATE OR REPLACE FUNCTION linkledger_webhook_enqueue(event_type text, event_data json, event_context json)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    event_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE active AND event_type = ANY (events)) THEN
        RETURN;
    END IF;
    INSERT INTO webhook_events (type, data, context) VALUES (event_type, event_data, event_context)
    RETURNING id INTO event_id;
    INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id)
    SELECT id, event_id, 'msg_' || replace(gen_random_uuid()::text, '-', '')
    FROM webhook_endpoints WHERE active AND event_type = ANY (events)
    FOR KEY SHARE;
    -- Wakes the senders at commit (one notification per transaction, however many rows).
    PERFORM pg_notify('linkledger_webhooks', '');
END
$$;
