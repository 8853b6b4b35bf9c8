-- Seed for bench/reports.sh: psql -v clicks=N -v conversions=M -f bench/reports_seed.sql
SET TIME ZONE 'UTC';
INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret)
SELECT 'Offer ' || g, CASE WHEN g = 5 THEN 'USD' ELSE 'EUR' END, 'percent', 500 + 100 * g,
       sha256(g::text::bytea), 'secret' || g
FROM generate_series(1, 5) g;
INSERT INTO videos (platform, title, posted_at)
SELECT 'tiktok', 'Video ' || g, now() - (g * interval '9 days') FROM generate_series(1, 40) g;
INSERT INTO links (slug, target_url, title, offer_id, video_id)
SELECT 'l' || g, 'https://shop.example/p' || g || '?subid={click_id}', 'Link ' || g, 1 + g % 5,
       CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + g % 40 END
FROM generate_series(1, 50) g;
INSERT INTO promo_codes (code, offer_id, video_id, link_id)
SELECT 'CODE' || g, 1 + g % 5, 1 + g % 40, CASE WHEN g <= 50 THEN g END FROM generate_series(1, 100) g;

SELECT linkledger_ensure_click_partition(d::date)
FROM generate_series(date_trunc('month', now() - interval '366 days'), date_trunc('month', now()), interval '1 month') d;

-- Each click draws its link, source and country independently, skewed as a TikTok creator's
-- traffic is (a few links and sources take most clicks), so the rollups hold as many
-- combinations as real traffic makes. They are written in time order, as the shipper writes
-- them (clicks_at is a BRIN index, which relies on it: migration 0018).
INSERT INTO clicks (click_id, at, link_id, node_id, source, in_app, device, os, country, bot)
SELECT lpad(to_hex(g), 26, '0'), now() - interval '365 days' + (g - random()) * (interval '365 days' / :clicks), 1 + floor(50 * power(random(), 2))::int,
       'bench', s.source, s.in_app, 'mobile', CASE WHEN random() < 0.35 THEN 'android' ELSE 'ios' END,
       (ARRAY['FR', 'FR', 'FR', 'FR', 'BE', 'CH', 'CA', 'US', 'DE', 'ES', 'IT', 'MA'])[1 + floor(12 * random())::int],
       random() < 0.02
FROM generate_series(1::bigint, :clicks) g,
     LATERAL (SELECT (ARRAY['tiktok', 'tiktok', 'tiktok', 'tiktok', 'bio', 'bio', 'instagram', 'youtube', 'direct',
                            'google', 'snapchat', 'newsletter'])[1 + floor(12 * random() + 0 * g)::int] AS source) pick,
     LATERAL (SELECT pick.source, CASE WHEN pick.source IN ('tiktok', 'instagram', 'youtube', 'snapchat') THEN pick.source
                                       WHEN pick.source = 'bio' THEN 'tiktok' ELSE 'none' END AS in_app) s;

INSERT INTO click_rollups_daily (link_id, day, source, in_app, country, clicks, unique_clicks, bot_hits)
SELECT link_id, (at AT TIME ZONE 'UTC')::date, source, in_app, country,
       count(*) FILTER (WHERE NOT bot), (count(*) FILTER (WHERE NOT bot)) * 8 / 10, count(*) FILTER (WHERE bot)
FROM clicks GROUP BY 1, 2, 3, 4, 5;
INSERT INTO click_totals_daily (day, link_id, source, clicks, unique_clicks, bot_hits)
SELECT day, link_id, source, sum(clicks), sum(unique_clicks), sum(bot_hits) FROM click_rollups_daily GROUP BY 1, 2, 3;
INSERT INTO click_totals_quarter_hourly (bucket, link_id, source, clicks, unique_clicks, bot_hits)
SELECT date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00'), link_id, source,
       count(*) FILTER (WHERE NOT bot), (count(*) FILTER (WHERE NOT bot)) * 8 / 10, count(*) FILTER (WHERE bot)
FROM clicks GROUP BY 1, 2, 3;
INSERT INTO click_rollups_quarter_hourly (bucket, source, clicks, unique_clicks, bot_hits)
SELECT bucket, source, sum(clicks), sum(unique_clicks), sum(bot_hits) FROM click_totals_quarter_hourly GROUP BY 1, 2;

INSERT INTO conversions (offer_id, txid, status, amount_minor, commission_minor, currency, link_id, video_id,
                         promo_code_id, code, source, attribution, via, occurred_at)
SELECT o, 'T' || g, (ARRAY['pending', 'approved', 'approved', 'paid', 'rejected'])[1 + g % 5],
       amount, amount * (500 + 100 * o) / 10000, CASE WHEN o = 5 THEN 'USD' ELSE 'EUR' END,
       CASE WHEN g % 3 <> 0 THEN 1 + g % 50 END, 1 + g % 40,
       CASE WHEN g % 3 = 0 THEN 1 + g % 100 END, CASE WHEN g % 3 = 0 THEN 'CODE' || (1 + g % 100) END,
       CASE WHEN g % 3 = 0 THEN 'promo_code' ELSE (ARRAY['tiktok', 'bio', 'instagram'])[1 + g % 3] END,
       CASE WHEN g % 3 = 0 THEN 'code' WHEN g % 7 = 0 THEN 'model' ELSE 'click' END, 'postback',
       now() - random() * interval '365 days'
FROM generate_series(1::bigint, :conversions) g, LATERAL (SELECT 1 + g % 5 AS o, 500 + (g * 7) % 20000 AS amount) v;
INSERT INTO income (stream, amount_minor, currency, day)
SELECT (ARRAY['creator_rewards', 'live_gifts', 'subscriptions', 'brand_deals', 'own_products'])[1 + g % 5],
       1000 + g % 5000, 'EUR', (now() - (g % 365) * interval '1 day')::date
FROM generate_series(1, 2000) g;
-- What the platform's analytics report per video and day (migration 0013), and Creator Rewards
-- per video: group_by=video reads both for views, RPM and earnings per follower.
INSERT INTO video_stats (video_id, day, views, likes, comments, shares, average_watch_ms, followers_gained)
SELECT v.id, d::date, 200 + (v.id * 7919 + n * 104729) % 40000, (v.id * 31 + n * 17) % 3000, n % 90, n % 40,
       4000 + (v.id * 13 + n) % 9000, (v.id + n) % 120
FROM videos v, generate_series(1, 365) n, LATERAL (SELECT (now() - n * interval '1 day')::date AS d) x;
INSERT INTO income (stream, amount_minor, currency, day, video_id)
SELECT 'creator_rewards', 100 + g % 900, 'EUR', (now() - (g % 365) * interval '1 day')::date, v.id
FROM generate_series(1, 2000) g, LATERAL (SELECT id FROM videos ORDER BY id OFFSET g % 40 LIMIT 1) v;
ANALYZE;
