-- A code counts its link's clicks from the moment it was created, not from the link's
-- beginning: 0029 recorded a new code's link since '-infinity', so a code created today for a
-- link with a year of clicks counted that year as its own (clicks made before the code existed,
-- that nobody could have heard it in). A link's clicks before its code was created go to no code.
-- The codes already there keep their history: whether one was given with another link before
-- 0029 is not known. A move is recorded as before.
CREATE OR REPLACE FUNCTION linkledger_record_code_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO code_links (code_id, since, link_id) VALUES (NEW.id, now(), NEW.link_id);
    ELSIF NEW.link_id IS DISTINCT FROM OLD.link_id THEN
        -- Two moves in one transaction (or a move in the one that created the code): the last
        -- one stands.
        INSERT INTO code_links (code_id, since, link_id) VALUES (NEW.id, now(), NEW.link_id)
        ON CONFLICT (code_id, since) DO UPDATE SET link_id = EXCLUDED.link_id;
    END IF;
    RETURN NULL;
END $$;
