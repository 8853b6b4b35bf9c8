-- The walking skeleton's schema: API keys, links and the clicks they receive.

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The public part of the key, used to find the row; the secret is only ever stored hashed.
    prefix       text        NOT NULL UNIQUE,
    sha256       bytea       NOT NULL CHECK (length(sha256) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE links (
    id          bigserial PRIMARY KEY,
    -- Slugs stay unique even after a soft delete, so an old short link never points elsewhere.
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[A-Za-z0-9_-]{1,64}$'),
    target_url  text        NOT NULL CHECK (length(target_url) BETWEEN 1 AND 2048),
    title       text        NOT NULL DEFAULT '',
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);

CREATE TABLE clicks (
    click_id     text        PRIMARY KEY,
    link_id      bigint      NOT NULL REFERENCES links (id),
    at           timestamptz NOT NULL,
    -- Only the truncated address is kept (IPv4 /24, IPv6 /48): the full one is personal data.
    ip_anon      text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT '',
    referer      text        NOT NULL DEFAULT '',
    utm_source   text        NOT NULL DEFAULT '',
    utm_medium   text        NOT NULL DEFAULT '',
    utm_campaign text        NOT NULL DEFAULT '',
    utm_term     text        NOT NULL DEFAULT '',
    utm_content  text        NOT NULL DEFAULT ''
);

CREATE INDEX clicks_link_at ON clicks (link_id, at);
