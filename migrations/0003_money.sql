-- Money: offers, videos, promo codes, conversions with their attribution, other income, and
-- the hourly click rollup that reports by hour (and the dashboard's heatmap) read.
-- Amounts are integer minor units of an ISO 4217 currency, never floating point.

CREATE TABLE offers (
    id                      bigserial PRIMARY KEY,
    name                    text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    currency                text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    commission_type         text        NOT NULL CHECK (commission_type IN ('percent', 'fixed', 'reported')),
    rate_bps                integer     CHECK (rate_bps BETWEEN 0 AND 10000),
    amount_minor            bigint      CHECK (amount_minor >= 0),
    attribution_window_days integer     NOT NULL DEFAULT 30 CHECK (attribution_window_days BETWEEN 1 AND 365),
    -- The postback token is shown once; only its SHA-256 is kept. The webhook secret keys an
    -- HMAC we must recompute, so it is kept as is (and never logged or listed).
    postback_token_sha256   bytea       NOT NULL CHECK (length(postback_token_sha256) = 32),
    webhook_secret          text        NOT NULL,
    active                  boolean     NOT NULL DEFAULT true,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK ((commission_type = 'percent') = (rate_bps IS NOT NULL)),
    CHECK ((commission_type = 'fixed') = (amount_minor IS NOT NULL))
);

CREATE TABLE videos (
    id         bigserial PRIMARY KEY,
    platform   text        NOT NULL CHECK (platform ~ '^[a-z0-9_]{1,32}$'),
    url        text        NOT NULL DEFAULT '' CHECK (length(url) <= 2048),
    title      text        NOT NULL DEFAULT '' CHECK (length(title) <= 300),
    posted_at  timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- The attribution model looks for the latest video posted before a moment.
CREATE INDEX videos_posted_at ON videos (posted_at);

ALTER TABLE links ADD COLUMN offer_id bigint REFERENCES offers (id),
                  ADD COLUMN video_id bigint REFERENCES videos (id);

CREATE TABLE promo_codes (
    id          bigserial PRIMARY KEY,
    code        text        NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
    offer_id    bigint      NOT NULL REFERENCES offers (id),
    video_id    bigint      REFERENCES videos (id),
    link_id     bigint      REFERENCES links (id),
    valid_from  timestamptz,
    valid_until timestamptz,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);
-- "LEA10" and "lea10" are one code: followers type it as they heard it.
CREATE UNIQUE INDEX promo_codes_code ON promo_codes (lower(code));

CREATE TABLE conversions (
    id                bigserial PRIMARY KEY,
    offer_id          bigint      NOT NULL REFERENCES offers (id),
    txid              text        NOT NULL CHECK (length(txid) BETWEEN 1 AND 200),
    status            text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'paid')),
    amount_minor      bigint      NOT NULL CHECK (amount_minor >= 0),
    commission_minor  bigint      NOT NULL CHECK (commission_minor >= 0),
    currency          text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    click_id          text,
    link_id           bigint,
    video_id          bigint,
    promo_code_id     bigint,
    code              text,
    source            text        NOT NULL,
    attribution       text        NOT NULL CHECK (attribution IN ('click', 'code', 'model', 'none')),
    via               text        NOT NULL CHECK (via IN ('postback', 'shopify', 'woocommerce', 'csv', 'manual')),
    occurred_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- A network retries; a shop sends the same order on every update: one sale, one row.
    UNIQUE (offer_id, txid)
);
CREATE INDEX conversions_occurred_at ON conversions (occurred_at);

CREATE TABLE income (
    id           bigserial PRIMARY KEY,
    stream       text        NOT NULL CHECK (stream IN ('creator_rewards', 'live_gifts', 'subscriptions',
                                                        'brand_deals', 'own_products', 'other')),
    amount_minor bigint      NOT NULL CHECK (amount_minor >= 0),
    currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    day          date        NOT NULL,
    video_id     bigint      REFERENCES videos (id),
    note         text        NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX income_day ON income (day);

-- Two coarser rollups the shipper keeps beside click_rollups_daily, in the same transaction,
-- so reports sum a few rows per day instead of one per (source, in-app browser, country):
-- clicks per link, day and source, and clicks per hour and source (reports by hour, and the
-- time-of-day heatmap; hours are UTC, shifted to the creator's time zone when read).
CREATE TABLE click_totals_daily (
    day           date   NOT NULL,
    link_id       bigint NOT NULL,
    source        text   NOT NULL,
    clicks        bigint NOT NULL DEFAULT 0,
    unique_clicks bigint NOT NULL DEFAULT 0,
    bot_hits      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, link_id, source)
);
INSERT INTO click_totals_daily (day, link_id, source, clicks, unique_clicks, bot_hits)
SELECT day, link_id, source, sum(clicks), sum(unique_clicks), sum(bot_hits)
FROM click_rollups_daily GROUP BY 1, 2, 3;

CREATE TABLE click_rollups_hourly (
    hour          timestamptz NOT NULL,
    source        text        NOT NULL,
    clicks        bigint      NOT NULL DEFAULT 0,
    unique_clicks bigint      NOT NULL DEFAULT 0,
    bot_hits      bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, source)
);
-- Unique visitors of past clicks are not known per hour: only clicks and bot hits carry over.
INSERT INTO click_rollups_hourly (hour, source, clicks, bot_hits)
SELECT date_trunc('hour', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', source,
       count(*) FILTER (WHERE NOT bot), count(*) FILTER (WHERE bot)
FROM clicks GROUP BY 1, 2;
