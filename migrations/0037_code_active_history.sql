-- Whether a promo code was on, and since when, as 0029 keeps a link's offer and a code's link. A
-- sale is attributed when it is reported, often days after it was made (a network's monthly
-- report, a late postback): a code turned off in between (PATCH {"active": false}) found no code,
-- and a sale made while followers could use it went to no code and no video. A sale now finds
-- the code that was on at the sale's time; one made after the code was turned off still does not.
-- What came before is not known: each code's present state counts from the beginning, as it did.
-- A new code's state counts from the beginning too: a code said in a video before it was typed in
-- here found its earlier sales, and still does (valid_from bounds it when given).
-- Nothing turns a code on or off between the history's first rows and its trigger.
LOCK TABLE promo_codes IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE code_activity (
    code_id bigint      NOT NULL REFERENCES promo_codes (id),
    since   timestamptz NOT NULL,
    active  boolean     NOT NULL,
    PRIMARY KEY (code_id, since)
);

INSERT INTO code_activity (code_id, since, active) SELECT id, '-infinity', active FROM promo_codes;

CREATE FUNCTION linkledger_record_code_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO code_activity (code_id, since, active) VALUES (NEW.id, '-infinity', NEW.active);
    ELSIF NEW.active IS DISTINCT FROM OLD.active THEN
        -- Turned off and on again in one transaction: the last one stands.
        INSERT INTO code_activity (code_id, since, active) VALUES (NEW.id, now(), NEW.active)
        ON CONFLICT (code_id, since) DO UPDATE SET active = EXCLUDED.active;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER promo_codes_record_activity AFTER INSERT OR UPDATE OF active ON promo_codes
    FOR EACH ROW EXECUTE FUNCTION linkledger_record_code_activity();

-- Each stretch of time a code was on or off: [since, until).
CREATE VIEW code_activity_spans AS
SELECT code_id, active, since,
       lead(since, 1, 'infinity') OVER (PARTITION BY code_id ORDER BY since) AS until
FROM code_activity;
