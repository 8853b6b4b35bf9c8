-- A link in an event (link.created, link.updated, link.deleted) says its clicks as the links list
-- does: from click_totals_daily (0022), which the list, the click budget and the reports by link
-- read. 0011 summed click_rollups_daily, the finer table the shipper fills in the same
-- transaction: the two agree while both are whole, but one link had two figures should the
-- detail ever be thinned or repaired apart. Otherwise as 0011.
CREATE OR REPLACE FUNCTION linkledger_link_json(l links) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT ((to_jsonb(l) - 'deleted_at')
            || jsonb_build_object(
                'clicks', (SELECT COALESCE(sum(t.clicks), 0) FROM click_totals_daily t WHERE t.link_id = l.id),
                'created_at', to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'updated_at', to_char(l.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'qr_svg', '/api/v1/links/' || l.id || '/qr.svg',
                'qr_png', '/api/v1/links/' || l.id || '/qr.png'))::json
$$;
