-- A sale keeps the commission rule it was booked under. Before, every repeat of a sale (a
-- network's retry, a status change, a shop refund) priced it again at the offer's rule of the
-- moment, so changing an offer's rate silently changed sales already booked, paid ones too.
-- Sales booked before this migration take their offer's rule as it stands now, the best
-- record there is. Nullable: an older node of a rolling upgrade books without them, and its
-- sales fall back to the offer's rule, as before.
ALTER TABLE conversions
    ADD COLUMN commission_type text CHECK (commission_type IN ('percent', 'fixed', 'reported')),
    ADD COLUMN commission_rate_bps bigint,
    ADD COLUMN commission_fixed_minor bigint;

UPDATE conversions c
SET commission_type = o.commission_type, commission_rate_bps = o.rate_bps, commission_fixed_minor = o.amount_minor
FROM offers o
WHERE o.id = c.offer_id;

-- Spaces around a txid are no longer part of it (money/sale_recorder trims every door's), so a
-- sale stored padded (" ORD-9" by a postback) is given its trimmed id, or a network's next
-- retry would not find it and would book it again. Only the first of each offer's spellings,
-- and only where the trimmed id is not taken: two rows already stored for one sale stay as they
-- are (which one is right is for the creator to say).
UPDATE conversions c
SET txid = t.trimmed
FROM (SELECT DISTINCT ON (offer_id, btrim(txid, E' \t\r\n')) id, btrim(txid, E' \t\r\n') AS trimmed
      FROM conversions
      WHERE txid <> btrim(txid, E' \t\r\n')
      ORDER BY offer_id, btrim(txid, E' \t\r\n'), id) t
WHERE c.id = t.id
  AND t.trimmed <> ''
  AND NOT EXISTS (SELECT 1 FROM conversions d WHERE d.offer_id = c.offer_id AND d.txid = t.trimmed);
