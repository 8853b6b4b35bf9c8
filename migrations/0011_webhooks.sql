-- Events out (issue 16): webhook endpoints, and the outbox their deliveries are sent from.
--
-- The outbox is written by triggers, so an event's row is committed in the very transaction
-- of the change that caused it, whichever code path made the change (API, postback, shop
-- webhook, CSV import, late-click attribution, psql): no event without its row, no row without
-- its event. Each event is fanned out at once to the endpoints subscribed to it then, one
-- delivery row each; the sender (server/events/webhook_sender) claims due deliveries with
-- FOR UPDATE SKIP LOCKED, so several instances never send the same attempt.
--
-- `data` is a snapshot taken in the transaction of the change: the object the API returns for
-- the sale, link or offer, built here by SQL in the API's shape (the row, with the API's time
-- format and computed members; see linkledger_link_json and its siblings). A consumer thus sees the
-- sale as it was when the event happened, even when the delivery is retried hours later after
-- further changes. Only the members derived from LINKLEDGER_PUBLIC_URL (a link's short_url, an
-- offer's postback_url and webhook_urls) are added when the event is sent, since SQL does not
-- know that setting.

CREATE TABLE webhook_endpoints (
    id                    bigserial PRIMARY KEY,
    url                   text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    events                text[]      NOT NULL,
    format                text        NOT NULL DEFAULT 'standard' CHECK (format IN ('standard', 'discord', 'slack')),
    active                boolean     NOT NULL DEFAULT true,
    description           text        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- Kept as is (an HMAC key we must use), never listed: shown once at creation or rotation.
    secret                text        NOT NULL,
    -- After a rotation the old secret signs beside the new one until previous_secret_until.
    previous_secret       text,
    previous_secret_until timestamptz,
    -- Why the sender turned the endpoint off: 'gone' (it answered 410) or 'failures'
    -- (20 failed attempts in a row). Cleared when it is made active again.
    disabled_reason       text        CHECK (disabled_reason IN ('gone', 'failures')),
    consecutive_failures  integer     NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_events (
    id          bigserial PRIMARY KEY,
    type        text        NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    data        json        NOT NULL,
    -- What the human formats (Discord, Slack) say beside data: a video's title, a link's slug.
    context     json        NOT NULL DEFAULT '{}'
);

CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    endpoint_id     bigint      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        bigint      NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    -- webhook-id: the same on every attempt, so a receiver can drop a repeat.
    message_id      text        NOT NULL UNIQUE,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    -- Incremented by each claim: a result is written only by the claim it belongs to, so a
    -- sender whose lease ran out (it hung, or its instance died) cannot overwrite a newer one.
    claims          bigint      NOT NULL DEFAULT 0,
    -- When due. A claim moves it a lease ahead, so a delivery whose sender died is sent again
    -- once the lease is over.
    next_attempt_at timestamptz DEFAULT now(),
    response_code   integer,
    latency_ms      integer,
    response_body   text,       -- the first 1 KB of the last answer
    error           text,       -- the last attempt's failure, when it had no HTTP answer
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

-- One row per attempt: what the deliveries list shows as a delivery's history.
CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    delivery_id   bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt       integer     NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    response_code integer,
    latency_ms    integer     NOT NULL,
    error         text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Writes an event and one delivery per active endpoint subscribed to its type. Nothing when no
-- endpoint wants it: a change then costs one indexed look-up.
CREATE FUNCTION linkledger_webhook_enqueue(event_type text, event_data json, event_context json)
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
    FROM webhook_endpoints WHERE active AND event_type = ANY (events);
    -- Wakes the senders at commit (one notification per transaction, however many rows).
    PERFORM pg_notify('linkledger_webhooks', '');
END
$$;

-- The link and offer snapshots start from the whole row (to_jsonb), so a column added later by
-- another migration shows up in events as it does in the API without touching them; then
-- what the API shows differently is set on top (its time format, computed members), and what
-- it never shows (secrets, internal columns) is taken out.

-- A conversion as GET /api/v1/conversions shows it: that list names its columns
-- (money::k_conversion_columns), so this one does too.
CREATE FUNCTION linkledger_conversion_json(c conversions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'offer_id', c.offer_id, 'txid', c.txid, 'status', c.status,
        'amount_minor', c.amount_minor, 'commission_minor', c.commission_minor, 'currency', c.currency,
        'click_id', c.click_id, 'link_id', c.link_id, 'video_id', c.video_id, 'code', c.code,
        'source', c.source, 'attribution', c.attribution, 'via', c.via,
        'occurred_at', to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'created_at', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;

-- A link as /api/v1/links shows it (links_api to_json), short_url added when sent.
CREATE FUNCTION linkledger_link_json(l links) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT ((to_jsonb(l) - 'deleted_at')
            || jsonb_build_object(
                'clicks', (SELECT COALESCE(sum(r.clicks), 0) FROM click_rollups_daily r WHERE r.link_id = l.id),
                'created_at', to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'updated_at', to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'qr_svg', '/api/v1/links/' || l.id || '/qr.svg',
                'qr_png', '/api/v1/links/' || l.id || '/qr.png'))::json
$$;

-- An offer as /api/v1/offers shows it (offers_api offer_json), postback_url and webhook_urls
-- added when sent. Secrets never appear.
CREATE FUNCTION linkledger_offer_json(o offers) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT ((to_jsonb(o) - 'postback_token_sha256' - 'webhook_secret' - 'commission_type' - 'rate_bps'
             - 'amount_minor')
            || jsonb_build_object(
                'created_at', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'updated_at', to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'commission', CASE o.commission_type
                    WHEN 'percent' THEN jsonb_build_object('type', 'percent', 'rate_bps', o.rate_bps)
                    WHEN 'fixed' THEN jsonb_build_object('type', 'fixed', 'amount_minor', o.amount_minor)
                    ELSE jsonb_build_object('type', o.commission_type) END))::json
$$;

CREATE FUNCTION linkledger_sale_context(c conversions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'video_title', (SELECT v.title FROM videos v WHERE v.id = c.video_id),
        'offer_name', (SELECT o.name FROM offers o WHERE o.id = c.offer_id))
$$;

CREATE FUNCTION linkledger_webhook_conversion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM linkledger_webhook_enqueue('sale.created', linkledger_conversion_json(NEW),
                                           linkledger_sale_context(NEW));
    ELSE
        -- sale.updated is a status change; data carries the status it had before.
        PERFORM linkledger_webhook_enqueue(
            'sale.updated',
            (linkledger_conversion_json(NEW)::jsonb || jsonb_build_object('previous_status', OLD.status))::json,
            linkledger_sale_context(NEW));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER conversions_webhook_created AFTER INSERT ON conversions
    FOR EACH ROW EXECUTE FUNCTION linkledger_webhook_conversion();
CREATE TRIGGER conversions_webhook_status AFTER UPDATE OF status ON conversions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION linkledger_webhook_conversion();

CREATE FUNCTION linkledger_webhook_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM linkledger_webhook_enqueue('link.created', linkledger_link_json(NEW),
                                           json_build_object('slug', NEW.slug));
    ELSIF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
        PERFORM linkledger_webhook_enqueue('link.deleted', linkledger_link_json(NEW),
                                           json_build_object('slug', NEW.slug));
    ELSIF NEW.deleted_at IS NULL THEN
        PERFORM linkledger_webhook_enqueue('link.updated', linkledger_link_json(NEW),
                                           json_build_object('slug', NEW.slug));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER links_webhook_created AFTER INSERT ON links
    FOR EACH ROW EXECUTE FUNCTION linkledger_webhook_link();
-- Only a change a client can see is an event (not, say, a touch of updated_at alone).
CREATE TRIGGER links_webhook_changed AFTER UPDATE ON links
    FOR EACH ROW WHEN ((OLD.target_url, OLD.title, OLD.active, OLD.bio, OLD.bio_position, OLD.disclosure,
                        OLD.offer_id, OLD.video_id, OLD.deleted_at)
                       IS DISTINCT FROM
                       (NEW.target_url, NEW.title, NEW.active, NEW.bio, NEW.bio_position, NEW.disclosure,
                        NEW.offer_id, NEW.video_id, NEW.deleted_at))
    EXECUTE FUNCTION linkledger_webhook_link();

CREATE FUNCTION linkledger_webhook_offer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM linkledger_webhook_enqueue('offer.updated', linkledger_offer_json(NEW),
                                       json_build_object('name', NEW.name));
    RETURN NULL;
END
$$;
-- A new postback token or shop secret is no client-visible change: no event.
CREATE TRIGGER offers_webhook_changed AFTER UPDATE ON offers
    FOR EACH ROW WHEN ((OLD.name, OLD.currency, OLD.commission_type, OLD.rate_bps, OLD.amount_minor,
                        OLD.attribution_window_days, OLD.active, OLD.commission_base)
                       IS DISTINCT FROM
                       (NEW.name, NEW.currency, NEW.commission_type, NEW.rate_bps, NEW.amount_minor,
                        NEW.attribution_window_days, NEW.active, NEW.commission_base))
    EXECUTE FUNCTION linkledger_webhook_offer();
