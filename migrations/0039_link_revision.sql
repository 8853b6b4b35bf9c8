-- A process holds a link's redirect entry from two roads: its own API's write, put at once, and
-- a read made on the link's notification. A read begun just before an edit committed could be
-- put after the edit's own entry and serve the older link (a deleted link redirected again) until
-- the next notification. Every change now counts up the link's revision, and the redirect table
-- keeps the higher of two versions, whichever arrives last. Instant: a constant default.
ALTER TABLE links ADD COLUMN revision bigint NOT NULL DEFAULT 1;

CREATE FUNCTION linkledger_count_link_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER links_count_revision BEFORE UPDATE ON links
FOR EACH ROW EXECUTE FUNCTION linkledger_count_link_revision();
