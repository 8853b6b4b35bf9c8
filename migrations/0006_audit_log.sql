-- The audit log: who changed what, when and from where, through the API, the dashboard or the
-- command line. Written after each successful change; never updated. (0005 belongs to another
-- change; this file does not depend on it.)

CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    -- 'user' (a dashboard session), 'api_key', or 'cli' (a command run on the server).
    actor_kind  text        NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'cli')),
    -- The user's or API key's id (no foreign key: the entry outlives a removed user or key).
    actor_id    bigint,
    -- The user's email or the API key's name at the time, as the entry's reader knows them.
    actor_name  text        NOT NULL,
    -- "link.create", "offer.update", "user.add", "api_key.revoke", ...
    action      text        NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    target_id   bigint,
    -- A few descriptive fields of the target ("slug=haul"), never a secret.
    summary     text        NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
    -- The client's address (behind a trusted proxy, the one it names); null from the CLI.
    ip          text
);

CREATE INDEX audit_log_at ON audit_log (at);
