-- Limits that hold across instances and restarts: the login throttle's failure counts, by
-- account and by address. Unlogged: after a crash of PostgreSQL itself the counts start again
-- from zero, which costs an attacker a database crash, and spares every login a WAL write.
CREATE UNLOGGED TABLE login_failures (
    key          text        PRIMARY KEY,   -- 'email:<address>' or 'ip:<address>'
    failures     integer     NOT NULL CHECK (failures > 0),
    last_failure timestamptz NOT NULL
);
CREATE INDEX login_failures_last_failure ON login_failures (last_failure);

-- A network's reported commission above the sale's amount is refused unless the offer says it
-- may be (lead offers pay for a sign-up worth 0).
ALTER TABLE offers ADD COLUMN allow_commission_above_amount boolean NOT NULL DEFAULT false;

-- The request rate buckets of the routes worth abusing (login, postback, webhook, API; never the
-- redirect), one per route class and client (an address, or an IPv6 /64), shared by every
-- instance: auth/shared_rate_limiter. Unlogged, like the failures above.
CREATE UNLOGGED TABLE rate_buckets (
    route_class text             NOT NULL,
    client      text             NOT NULL,
    tokens      double precision NOT NULL,
    at          timestamptz      NOT NULL,
    taken       boolean          NOT NULL DEFAULT true,
    PRIMARY KEY (route_class, client)
);
