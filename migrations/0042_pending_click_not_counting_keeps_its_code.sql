-- A sale naming its click and a code waits for its click when it beat it (money/sale_recorder.cpp,
-- attribute()). Stored, the click may not count (a bot's, or made after the sale): such a sale
-- was left 'none' and its code never looked at, where the code attributes a sale whose click is
-- stored and does not count at once. It now stays pending with its deadline now: the late-click
-- sweep attributes it by its code (attribute_given_up_by_code), and gives it up when the code
-- finds nothing. 0025's rules otherwise unchanged.
CREATE OR REPLACE FUNCTION linkledger_attribute_pending(click_ids text[]) RETURNS integer
LANGUAGE sql AS $$
    WITH hits AS (
        SELECT DISTINCT ON (c.id) c.id, n.link_id, n.source, c.code IS NOT NULL AS has_code,
               linkledger_link_video_at(n.link_id, n.at) AS link_video,
               (NOT n.bot AND n.at <= COALESCE(c.click_until, c.occurred_at) + interval '5 minutes'
                AND n.at >= c.occurred_at - make_interval(days => o.attribution_window_days)) AS counts,
               (SELECT v.id FROM videos v
                WHERE linkledger_link_video_at(n.link_id, n.at) IS NULL AND v.posted_at <= n.at
                  AND v.posted_at > n.at - make_interval(hours => COALESCE(c.model_hours, 72))
                ORDER BY v.posted_at DESC, v.id DESC LIMIT 1) AS model_video
        FROM conversions c
        JOIN clicks n ON n.click_id = c.click_id
        JOIN offers o ON o.id = c.offer_id
        WHERE c.attribution = 'pending' AND c.click_id = ANY (click_ids)
        ORDER BY c.id, n.at
    ), settled AS (
        UPDATE conversions c
        SET attribution = CASE WHEN NOT h.counts AND h.has_code THEN 'pending'
                               WHEN NOT h.counts THEN 'none'
                               WHEN h.link_video IS NULL AND h.model_video IS NOT NULL THEN 'model'
                               ELSE 'click' END,
            source = CASE WHEN h.counts THEN h.source WHEN h.has_code THEN 'pending' ELSE 'unattributed' END,
            link_id = CASE WHEN h.counts THEN h.link_id END,
            video_id = CASE WHEN h.counts THEN COALESCE(h.link_video, h.model_video) END,
            attribution_deadline = CASE WHEN NOT h.counts AND h.has_code THEN now() END,
            updated_at = now()
        FROM hits h
        -- Once handed to its code (deadline now), a sale is not handed again at every batch.
        WHERE c.id = h.id AND (h.counts OR NOT h.has_code OR c.attribution_deadline > now())
        RETURNING 1
    )
    SELECT count(*)::integer FROM settled
$$;
