-- The Idempotency-Key of a POST that books money (a sale by hand, a CSV of sales, an income
-- entry), kept with the answer it got, so a client that retries after a timeout is answered
-- again instead of booking twice (money/idempotency_store). A row is written in the transaction
-- of its booking: both are kept, or neither. Only answers that booked (2xx) are kept; a refused
-- request rolled back and left no row, so the client may fix it and send it with the same key.
CREATE TABLE idempotency_keys (
    -- Who sent it: keys are the caller's own, two callers' equal keys are two keys.
    caller_kind text        NOT NULL CHECK (caller_kind IN ('api_key', 'user')),
    caller_id   bigint      NOT NULL,
    -- SHA-256 of the key as sent: a fixed 32 bytes whatever its length, and a key a client
    -- made of something of its own (an order number, an address) is not readable in a backup.
    key_sha256  bytea       NOT NULL CHECK (length(key_sha256) = 32),
    -- SHA-256 of the method, the request-target and the body: the same key with another
    -- request is refused (422), not answered with this one's answer.
    fingerprint bytea       NOT NULL CHECK (length(fingerprint) = 32),
    status      smallint    NOT NULL CHECK (status BETWEEN 200 AND 299),
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller_kind, caller_id, key_sha256)
);
-- Keys live 24 hours: a row older is never replayed, and the next keyed POST deletes it.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
