-- Which offer a link sold and which link a code was given with, and since when, as 0025 keeps a
-- link's video. Reports by offer and by code counted every past click of a link under its
-- current offer, and of a code under its current link: moving a link to another offer left the
-- old offer its sales and no clicks, and gave the new one clicks that never sold it.
-- Nothing moves a link or a code between the history's first rows and its trigger (an older
-- node of a rolling upgrade would otherwise move one unrecorded).
LOCK TABLE links, promo_codes IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE link_offers (
    link_id  bigint      NOT NULL REFERENCES links (id),
    since    timestamptz NOT NULL,
    offer_id bigint      REFERENCES offers (id),
    PRIMARY KEY (link_id, since)
);

CREATE TABLE code_links (
    code_id bigint      NOT NULL REFERENCES promo_codes (id),
    since   timestamptz NOT NULL,
    link_id bigint      REFERENCES links (id),
    PRIMARY KEY (code_id, since)
);
-- The codes of a link, for the reports that start from a link's clicks.
CREATE INDEX code_links_link ON code_links (link_id);

-- What came before is not known: each link's present offer, and each code's present link,
-- counts from the beginning, as it did.
INSERT INTO link_offers (link_id, since, offer_id) SELECT id, '-infinity', offer_id FROM links;
INSERT INTO code_links (code_id, since, link_id) SELECT id, '-infinity', link_id FROM promo_codes;

CREATE FUNCTION linkledger_record_link_offer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO link_offers (link_id, since, offer_id) VALUES (NEW.id, '-infinity', NEW.offer_id);
    ELSIF NEW.offer_id IS DISTINCT FROM OLD.offer_id THEN
        -- Two moves in one transaction: the last one stands.
        INSERT INTO link_offers (link_id, since, offer_id) VALUES (NEW.id, now(), NEW.offer_id)
        ON CONFLICT (link_id, since) DO UPDATE SET offer_id = EXCLUDED.offer_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER links_record_offer AFTER INSERT OR UPDATE OF offer_id ON links
    FOR EACH ROW EXECUTE FUNCTION linkledger_record_link_offer();

-- A new code counts its link's clicks from the beginning, as a link its video (0025) and as a
-- code always did: a code given with a link is the link's, whenever it was written down.
CREATE FUNCTION linkledger_record_code_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO code_links (code_id, since, link_id) VALUES (NEW.id, '-infinity', NEW.link_id);
    ELSIF NEW.link_id IS DISTINCT FROM OLD.link_id THEN
        INSERT INTO code_links (code_id, since, link_id) VALUES (NEW.id, now(), NEW.link_id)
        ON CONFLICT (code_id, since) DO UPDATE SET link_id = EXCLUDED.link_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER promo_codes_record_link AFTER INSERT OR UPDATE OF link_id ON promo_codes
    FOR EACH ROW EXECUTE FUNCTION linkledger_record_code_link();

-- Each stretch of time a link sold one offer (or none), a code went with one link (or none):
-- [since, until).
CREATE VIEW link_offer_spans AS
SELECT link_id, offer_id, since,
       lead(since, 1, 'infinity') OVER (PARTITION BY link_id ORDER BY since) AS until
FROM link_offers;

CREATE VIEW code_link_spans AS
SELECT code_id, link_id, since,
       lead(since, 1, 'infinity') OVER (PARTITION BY code_id ORDER BY since) AS until
FROM code_links;
