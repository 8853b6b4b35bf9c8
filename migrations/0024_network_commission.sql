-- The network's own commission figure, kept beside ours. An offer whose rule is percent or
-- fixed computes the commission itself; a postback's payout= or a report's commission column
-- for it was read and then dropped without a word, so a network paying 8.00 where we counted
-- 10.00 showed nowhere. Written whenever a postback or a CSV row states a figure (for a reported
-- offer it is the commission itself), replaced by the next one that states one, never cleared by
-- one that states none. NULL: the network never gave one, or the sale was booked before this
-- migration (what a reported sale's commission came from was not recorded, so nothing is
-- filled in for sales already booked).
ALTER TABLE conversions
    ADD COLUMN network_commission_minor bigint CHECK (network_commission_minor >= 0);

-- Events carry the sale as GET /api/v1/conversions shows it (money::k_conversion_columns), so
-- they carry the network's figure too. A change of it alone is no sale.updated: the sale's
-- money (status, amount, commission) is what that event reports.
CREATE OR REPLACE FUNCTION linkledger_conversion_json(c conversions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'offer_id', c.offer_id, 'txid', c.txid, 'status', c.status,
        'amount_minor', c.amount_minor, 'commission_minor', c.commission_minor,
        'network_commission_minor', c.network_commission_minor, 'currency', c.currency,
        'click_id', c.click_id, 'link_id', c.link_id, 'video_id', c.video_id, 'code', c.code,
        'source', c.source, 'attribution', c.attribution, 'via', c.via,
        'occurred_at', to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'created_at', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;
