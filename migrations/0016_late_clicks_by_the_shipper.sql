-- Late clicks (0009) are settled by a statement the shipper runs in each batch's transaction
-- (clicks/click_shipper), no longer by a statement trigger on the clicks partitions: the
-- trigger's transition table copied every stored row into a tuplestore that was read only
-- while a sale was pending (nearly never), a cost PostgreSQL paid on every click shipped
-- (issue 18, bench/RESULTS.md). Settled exactly as before, by linkledger_attribute_pending,
-- in the transaction that stores the clicks, whichever instance stores them.
DROP TRIGGER IF EXISTS clicks_attribute_late_sales ON clicks;
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'clicks'::regclass LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS clicks_attribute_late_sales ON %I', p.relname);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION linkledger_ensure_click_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', day)::date;
    name text := 'clicks_' || to_char(first_day, 'YYYYMM');
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('linkledger_click_partitions'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
                       name, first_day::text || ' 00:00:00+00',
                       (first_day + interval '1 month')::date::text || ' 00:00:00+00');
    END IF;
    RETURN name;
END $$;

DROP FUNCTION linkledger_add_late_click_trigger(text);
DROP FUNCTION linkledger_attribute_late_clicks();

-- Every pending sale whose click is now stored, settled; when none is pending (nearly always)
-- one probe of the small partial index conversions_pending_click. Returns how many it settled.
CREATE FUNCTION linkledger_attribute_stored_clicks() RETURNS integer
LANGUAGE sql AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM conversions WHERE attribution = 'pending')
                THEN linkledger_attribute_pending(ARRAY(SELECT click_id FROM conversions
                                                        WHERE attribution = 'pending'))
                ELSE 0 END
$$;
