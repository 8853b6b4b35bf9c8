-- Events carry the sale as the API shows it (money::to_json, money::k_conversion_columns), so
-- they say whether its time was given too (occurred_at_given, migration 0026): a consumer
-- totalling by month can tell a postback's arrival time, which the network's report may still
-- replace (a sale.updated then), from a time the merchant or network stated. It turns true
-- when a time is given, which moves occurred_at and so sends a sale.updated carrying it; a
-- change of it alone sends nothing (0026's trigger is left as it is).
CREATE OR REPLACE FUNCTION linkledger_conversion_json(c conversions) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'offer_id', c.offer_id, 'txid', c.txid, 'status', c.status,
        'amount_minor', c.amount_minor, 'commission_minor', c.commission_minor,
        'network_commission_minor', c.network_commission_minor, 'currency', c.currency,
        'click_id', c.click_id, 'link_id', c.link_id, 'video_id', c.video_id, 'code', c.code,
        'source', c.source, 'attribution', c.attribution, 'via', c.via,
        'occurred_at', to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'occurred_at_given', c.occurred_at_given,
        'created_at', to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;
