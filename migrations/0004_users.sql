-- The creator's side: dashboard users and their server-side sessions, the public profile
-- behind the bio page, and the link fields that place a link on it.

CREATE TABLE users (
    id            bigserial   PRIMARY KEY,
    -- Stored lower-cased so that one address is one account whatever its spelling.
    email         text        NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    role          text        NOT NULL CHECK (role IN ('owner', 'viewer')),
    -- "scrypt$N$r$p$<salt hex>$<hash hex>": the parameters travel with the hash, so they can
    -- be raised later without invalidating existing passwords.
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's value: a leaked table does not hand out live sessions.
    id_sha256  bytea       PRIMARY KEY CHECK (length(id_sha256) = 32),
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE INDEX sessions_user ON sessions (user_id);

-- One instance serves one creator: the profile is a single row.
CREATE TABLE profile (
    only_row     boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    handle       text        NOT NULL UNIQUE CHECK (handle ~ '^[A-Za-z0-9_.]{1,30}$'),
    display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    avatar_url   text,
    language     text        NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE links
    ADD COLUMN bio          boolean NOT NULL DEFAULT false,
    ADD COLUMN bio_position integer NOT NULL DEFAULT 0,
    -- French law 2023-451 labels: "ad" -> Publicité, "collaboration" -> Collaboration
    -- commerciale, "affiliate" -> Lien affilié.
    ADD COLUMN disclosure   text CHECK (disclosure IN ('ad', 'collaboration', 'affiliate'));

CREATE INDEX links_bio ON links (bio_position, id) WHERE bio AND deleted_at IS NULL;
