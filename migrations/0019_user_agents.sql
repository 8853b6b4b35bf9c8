-- Each distinct User-Agent is stored once; a click keeps its id. The User-Agent was about 150
-- of a click row's ~330 bytes, and PostgreSQL pays for every byte of a row at least three
-- times (COPY's parsing, the heap page, the WAL): a row without it loads 0.8 µs faster of about
-- 6.5 (bench/copy_indexes.sh), and the table is about half the size on disk. Visitors bring
-- a few thousand distinct User-Agents a day, not one per click.
CREATE TABLE user_agents (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_agent text NOT NULL UNIQUE
);

-- Clicks shipped from now on have user_agent '' and this id; those shipped before keep their
-- text and no id. No foreign key: PostgreSQL would check it for every row of every COPY.
ALTER TABLE clicks ADD COLUMN user_agent_id bigint;

-- A click's User-Agent, either way it was stored: linkledger_click_user_agent(c.user_agent,
-- c.user_agent_id).
CREATE FUNCTION linkledger_click_user_agent(user_agent text, user_agent_id bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE((SELECT u.user_agent FROM user_agents u WHERE u.id = user_agent_id), user_agent)
$$;
