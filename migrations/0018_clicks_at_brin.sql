-- clicks_at (0007) was a B-tree on the time alone: PostgreSQL kept it up at every shipped click,
-- 1.5-2.5 µs of the ~14 µs its COPY spends per click (bench/copy_indexes.sh), on the same cores
-- as the redirects. Clicks arrive in time order, so a BRIN index (one summary per 128 pages)
-- finds a time range nearly as well for almost no upkeep; the reports' time ranges use it.
-- The newest clicks of every link (GET /api/v1/clicks without a link), which needed the
-- B-tree's order, walk the primary key instead: a click id begins with its millisecond. That
-- walk needs the database's collation to order digits and capital letters as their bytes do,
-- as C, C.UTF-8 and en_US do; one that sorts a pair of letters as one (Czech "CH", Danish
-- "AA", Hungarian "CS") would list some clicks out of order or not at all.
DROP INDEX clicks_at;
CREATE INDEX clicks_at ON clicks USING brin (at) WITH (autosummarize = on);

-- The smallest click id of a click made at `t` or later: its millisecond as the first ten
-- Crockford base32 digits (two spare bits, then 48), the random part all zeros.
CREATE FUNCTION linkledger_click_id_floor(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> (5 * (9 - i))) & 31)::int + 1, 1), ''
                      ORDER BY i) || repeat('0', 16)
    FROM (SELECT GREATEST(floor(extract(epoch FROM t) * 1000), 0)::bigint AS ms) m, generate_series(0, 9) i
$$;
