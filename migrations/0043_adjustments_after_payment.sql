-- A sale the network has paid is on a payout statement: its month is settled. A refund, a
-- chargeback or a rejection that comes after that rewrote the sale in place, so the paid month
-- lost what was paid (November 10.00 paid -> 4.00, then 0.00) and the month the clawback came in
-- showed nothing (hostile probe 5, P5-8). Such a change is now also booked as an adjustment,
-- dated when it arrived: the sale's month keeps the figures it was paid at, the adjustment's
-- month carries the difference (-6.00, then -4.00), and the sum over both is the sale as it
-- stands. Every door changes a sale with one UPDATE of its row, so one trigger sees them all.

-- paid_at: when the sale was first paid. A sale once paid stays settled whatever status it
-- moves to (paid -> approved by a re-imported report, then a chargeback, must still leave the
-- paid month alone). adjusted_*: the sums of its adjustments, kept on the row so that reports
-- read a sale's month figures without a join (the figures as they stand, less these).
ALTER TABLE conversions
    ADD COLUMN paid_at                   timestamptz,
    ADD COLUMN adjusted_amount_minor     bigint  NOT NULL DEFAULT 0,
    ADD COLUMN adjusted_commission_minor bigint  NOT NULL DEFAULT 0,
    ADD COLUMN adjusted_approved_minor   bigint  NOT NULL DEFAULT 0,
    ADD COLUMN adjustment_count          integer NOT NULL DEFAULT 0;
-- When a sale paid before this migration was paid is not known: its last change stands in.
UPDATE conversions SET paid_at = updated_at WHERE status = 'paid';

CREATE TABLE conversion_adjustments (
    id               bigserial   PRIMARY KEY,
    conversion_id    bigint      NOT NULL REFERENCES conversions (id) ON DELETE CASCADE,
    at               timestamptz NOT NULL DEFAULT now(),
    -- Differences of what the reports count: amount and commission of a sale not rejected, and
    -- the commission of an approved or paid one.
    amount_minor     bigint      NOT NULL,
    commission_minor bigint      NOT NULL,
    approved_minor   bigint      NOT NULL,
    status_before    text        NOT NULL,
    status_after     text        NOT NULL
);
CREATE INDEX conversion_adjustments_of_sale ON conversion_adjustments (conversion_id, id);
CREATE INDEX conversion_adjustments_at ON conversion_adjustments (at);

-- What a sale in a given state counts for in the reports.
CREATE FUNCTION linkledger_counted_amount(status text, amount bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN status <> 'rejected' THEN amount ELSE 0 END $$;
CREATE FUNCTION linkledger_approved_commission(status text, commission bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN status IN ('approved', 'paid') THEN commission ELSE 0 END $$;

-- Before the row is written: a change of what a paid sale counts for is booked as an
-- adjustment and added to the row's sums, in the same statement.
CREATE FUNCTION linkledger_adjust_settled_sale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    amount     bigint;
    commission bigint;
    approved   bigint;
    made_at    timestamptz;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.paid_at IS NOT NULL THEN
        amount := linkledger_counted_amount(NEW.status, NEW.amount_minor)
                  - linkledger_counted_amount(OLD.status, OLD.amount_minor);
        commission := linkledger_counted_amount(NEW.status, NEW.commission_minor)
                      - linkledger_counted_amount(OLD.status, OLD.commission_minor);
        approved := linkledger_approved_commission(NEW.status, NEW.commission_minor)
                    - linkledger_approved_commission(OLD.status, OLD.commission_minor);
        IF amount <> 0 OR commission <> 0 OR approved <> 0 THEN
            -- When the change was made, if its sender said (a shop's refund: its created_at, set
            -- for the statement by set_config('linkledger.adjustment_at', ..., true)), within
            -- [paid_at, now]; otherwise when it arrived. Read here only: the parse opens a
            -- subtransaction, which every other insert and update of a sale need not pay.
            made_at := linkledger_time_or_null(NULLIF(current_setting('linkledger.adjustment_at', true), ''));
            INSERT INTO conversion_adjustments (conversion_id, at, amount_minor, commission_minor, approved_minor,
                                                status_before, status_after)
            VALUES (NEW.id, LEAST(now(), GREATEST(COALESCE(made_at, now()), OLD.paid_at)), amount, commission,
                    approved, OLD.status, NEW.status);
            NEW.adjusted_amount_minor := OLD.adjusted_amount_minor + amount;
            NEW.adjusted_commission_minor := OLD.adjusted_commission_minor + commission;
            NEW.adjusted_approved_minor := OLD.adjusted_approved_minor + approved;
            NEW.adjustment_count := OLD.adjustment_count + 1;
        END IF;
    END IF;
    IF NEW.status = 'paid' AND NEW.paid_at IS NULL THEN
        NEW.paid_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER conversions_adjust_settled BEFORE INSERT OR UPDATE OF status, amount_minor, commission_minor
ON conversions FOR EACH ROW EXECUTE FUNCTION linkledger_adjust_settled_sale();

-- The money rows every report sums: each sale in its own month at the figures it counts for
-- there (as it stands, less its adjustments: what it was paid at), and each adjustment in the
-- month it arrived, with its sale's attribution. A sale rejected after payment still counts
-- in its month, as the payout statement that paid it does; an adjustment is no sale
-- (`conversions` 0). Filtering on occurred_at reaches both branches' own times.
CREATE VIEW conversion_money AS
SELECT c.id, c.offer_id, c.currency, c.click_id, c.link_id, c.video_id, c.promo_code_id, c.code, c.source,
       c.attribution, c.status, c.occurred_at, false AS adjustment, 1 AS conversions,
       linkledger_counted_amount(c.status, c.amount_minor) - c.adjusted_amount_minor AS amount_minor,
       linkledger_counted_amount(c.status, c.commission_minor) - c.adjusted_commission_minor AS commission_minor,
       linkledger_approved_commission(c.status, c.commission_minor) - c.adjusted_approved_minor AS approved_minor
FROM conversions c
WHERE c.status <> 'rejected' OR c.paid_at IS NOT NULL
UNION ALL
SELECT c.id, c.offer_id, c.currency, c.click_id, c.link_id, c.video_id, c.promo_code_id, c.code, c.source,
       c.attribution, c.status, a.at, true, 0, a.amount_minor, a.commission_minor, a.approved_minor
FROM conversion_adjustments a JOIN conversions c ON c.id = a.conversion_id;

-- A sale's adjustments as the API shows them with the sale: the last 20, oldest first (a sale
-- flipped between paid and pending a thousand times must not make each answer and event carry
-- them all; the reports count every one).
CREATE FUNCTION linkledger_sale_adjustments(sale bigint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT COALESCE(json_agg(json_build_object(
               'at', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
               'amount_minor', a.amount_minor, 'commission_minor', a.commission_minor,
               'approved_commission_minor', a.approved_minor,
               'status_before', a.status_before, 'status', a.status_after) ORDER BY a.id), '[]'::json)
    FROM (SELECT * FROM conversion_adjustments WHERE conversion_id = sale ORDER BY id DESC LIMIT 20) a
$$;

-- What all of a sale's adjustments add up to (the list above shows the last 20 only): what its
-- month's figures differ from it by, and how many there are.
CREATE FUNCTION linkledger_sale_adjusted(c conversions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('amount_minor', c.adjusted_amount_minor, 'commission_minor', c.adjusted_commission_minor,
                             'approved_commission_minor', c.adjusted_approved_minor, 'count', c.adjustment_count)
$$;

-- The sale as events carry it is the sale as the API shows it, adjustments included (booked
-- before the row is written, so an event carries its own adjustment).
CREATE OR REPLACE FUNCTION linkledger_conversion_json(c conversions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'offer_id', c.offer_id, 'txid', c.txid, 'status', c.status,
        'amount_minor', c.amount_minor, 'commission_minor', c.commission_minor,
        'network_commission_minor', c.network_commission_minor, 'currency', c.currency,
        'click_id', c.click_id, 'link_id', c.link_id, 'video_id', c.video_id, 'code', c.code,
        'source', c.source, 'attribution', c.attribution, 'via', c.via,
        'occurred_at', to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'occurred_at_given', c.occurred_at_given,
        'created_at', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'adjustments', linkledger_sale_adjustments(c.id), 'adjusted', linkledger_sale_adjusted(c))
$$;
