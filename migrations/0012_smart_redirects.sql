-- Smart redirects (issue 14): per link, whether the visitor's query is forwarded, an ordered
-- list of rules (conditions -> target), a validity window, a click budget with where to send
-- once past, and the in-app browser escape page. The redirect compiles these into its
-- in-memory table when a link changes (links_notify_change already fires on every update).
-- Each click records the rule that sent it: NULL the link's own target, 0.. the rule's index,
-- -2 the expired_url.

ALTER TABLE links
    ADD COLUMN forward_query   boolean     NOT NULL DEFAULT true,
    ADD COLUMN rules           jsonb       NOT NULL DEFAULT '[]'
        CHECK (jsonb_typeof(rules) = 'array' AND jsonb_array_length(rules) <= 20),
    ADD COLUMN valid_from      timestamptz,
    ADD COLUMN valid_until     timestamptz,
    ADD COLUMN max_clicks      bigint      CHECK (max_clicks > 0),
    ADD COLUMN expired_url     text        CHECK (length(expired_url) BETWEEN 1 AND 2048),
    ADD COLUMN open_in_browser text        NOT NULL DEFAULT 'off' CHECK (open_in_browser IN ('off', 'auto')),
    ADD CONSTRAINT links_validity_order CHECK (valid_until > valid_from);

-- On the partitioned table: every partition, present and future, gets it.
ALTER TABLE clicks ADD COLUMN rule smallint CHECK (rule >= -2);

-- The revenue report's rule grouping: a rule's key as text ('' the link's own target, 'expired'
-- the expired_url, else the index), and the key of a sale's click. A function, so the report's
-- own CTE named "clicks" cannot shadow the table.
CREATE FUNCTION linkledger_rule_key(rule smallint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN rule IS NULL THEN '' WHEN rule = -2 THEN 'expired' ELSE rule::text END
$$;
CREATE FUNCTION linkledger_rule_of_click(id text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT linkledger_rule_key(rule) FROM clicks WHERE click_id = id LIMIT 1
$$;
