-- The Unicode spaces around a txid are no longer part of it either (clicks::trim_spaces): a
-- postback's " ORD-88" with a no-break space and a report's "ORD-88" booked two sales. As 0021
-- did for ASCII blanks: a sale stored padded gets its trimmed id, the first of each offer's
-- spellings, only where the trimmed id is not taken (two rows already stored for one sale stay:
-- which is right is for the creator to say).
CREATE FUNCTION linkledger_trim_spaces(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace($1, '^[ \t\r\n\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+|[ \t\r\n\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+$', '', 'g')
$$;

UPDATE conversions c
SET txid = t.trimmed
FROM (SELECT DISTINCT ON (offer_id, linkledger_trim_spaces(txid)) id, linkledger_trim_spaces(txid) AS trimmed
      FROM conversions
      WHERE txid <> linkledger_trim_spaces(txid)
      ORDER BY offer_id, linkledger_trim_spaces(txid), id) t
WHERE c.id = t.id
  AND t.trimmed <> ''
  AND NOT EXISTS (SELECT 1 FROM conversions d WHERE d.offer_id = c.offer_id AND d.txid = t.trimmed);

-- A shop's refunds find their sale by its txid, and a sale's code its promo code: both lose the
-- same padding (codes are not unique per sale, refunds are keyed by their own id).
UPDATE shop_refunds SET txid = linkledger_trim_spaces(txid)
WHERE txid <> linkledger_trim_spaces(txid) AND linkledger_trim_spaces(txid) <> '';
UPDATE conversions SET code = linkledger_trim_spaces(code) WHERE code <> linkledger_trim_spaces(code);

-- Txids that differ only in case or in leading zeros ("ord-77" and "ORD-77"; "000123" and the
-- "123" a spreadsheet makes of it) stay two sales, since a merchant may use both, but a new sale
-- whose id is such a twin of a booked one is said in the answer's warnings: found by this index.
CREATE INDEX conversions_txid_folded ON conversions (offer_id, lower(ltrim(txid, '0')));
