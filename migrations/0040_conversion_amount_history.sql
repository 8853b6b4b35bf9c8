-- The amounts a sale was booked at, each from when. A Shopify refund is taken off its order's
-- base; with no order delivery, that base was the sale's amount when the refund arrived. A
-- network that lowered the sale to its net figure (100.00 -> 60.00 after the shop refunded
-- 40.00) before the refund's delivery arrived (late, or retried by Shopify for up to 48 hours)
-- had the refund taken off twice: 20.00 (hostile probe 4, D2). The amount the sale stood at when
-- the shop made the refund is kept here for that. Instant: a new table, and a trigger on
-- changes of the amount only (sales are booked and changed one at a time, imports by the
-- thousand: one small row each).
CREATE TABLE conversion_amounts (
    id            bigserial   PRIMARY KEY,
    conversion_id bigint      NOT NULL REFERENCES conversions (id) ON DELETE CASCADE,
    amount_minor  bigint      NOT NULL,
    since         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversion_amounts_of_sale ON conversion_amounts (conversion_id, since);

CREATE FUNCTION linkledger_keep_conversion_amount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.amount_minor IS DISTINCT FROM OLD.amount_minor THEN
        INSERT INTO conversion_amounts (conversion_id, amount_minor) VALUES (NEW.id, NEW.amount_minor);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversions_keep_amount AFTER INSERT OR UPDATE OF amount_minor ON conversions
FOR EACH ROW EXECUTE FUNCTION linkledger_keep_conversion_amount();

-- A time a shop wrote (a refund's created_at), or NULL when PostgreSQL cannot read it: the
-- delivery is booked as before rather than refused over a field that only refines it.
CREATE FUNCTION linkledger_time_or_null(t text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN t::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
