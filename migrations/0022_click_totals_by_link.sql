-- A link's human clicks so far (for its max_clicks) are summed from click_totals_daily, whose
-- key starts with the day: the bio page asks for them at every view, for each card with a
-- click budget, and would scan the whole table each time. The rollup's upserts change only
-- counters, so they stay HOT updates.
CREATE INDEX click_totals_daily_link ON click_totals_daily (link_id);
