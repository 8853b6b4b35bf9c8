-- Each distinct User-Agent is stored once; a click keeps its id. The User-Agent was nearly half
-- of a click row, and PostgreSQL pays for every byte of a row in COPY's parsing, the heap page
-- and the WAL, on the cores that answer the redirects (bench/copy_indexes.sh). Visitors bring
-- a few thousand distinct User-Agents a day, not one per click.
-- last_seen (UTC day) is refreshed by each node at least once a day for the texts it ships, so
-- click_retention can forget the texts no kept click can still point to.
CREATE TABLE user_agents (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_agent text NOT NULL UNIQUE,
    last_seen  date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date
);

-- Clicks shipped from now on have user_agent '' and this id; those shipped before keep their
-- text and no id. No foreign key: PostgreSQL would check it for every row of every COPY.
ALTER TABLE clicks ADD COLUMN user_agent_id bigint;

-- A click's User-Agent, either way it was stored: linkledger_click_user_agent(c.user_agent,
-- c.user_agent_id). For many clicks at once, a LEFT JOIN on user_agents does the same.
CREATE FUNCTION linkledger_click_user_agent(text, bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE((SELECT u.user_agent FROM user_agents u WHERE u.id = $2), $1)
$$;
