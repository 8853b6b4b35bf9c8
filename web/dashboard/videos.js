// What each video earned for what it was seen (issue 17): in the Videos section the rankings
// (earned most, best RPM, brought most followers) and the import of a creator-analytics export;
// and a page per video (#video/<id>) with its day-by-day curve of views, clicks and commission
// and its figures (RPM, clicks per 1,000 views, earnings per follower).
// Money is integer minor units from the API; a rate the API cannot give (0 views) is null: "–".
"use strict";
(function () {
  const { $, el, t, api, say, money, sections } = window.LL;

  const dash = "–";
  const count = (n) => n === null || n === undefined ? dash : Number(n).toLocaleString(LL.lang());
  const decimal = (n) => n === null || n === undefined ? dash : Number(n).toLocaleString(LL.lang(), { maximumFractionDigits: 2 });
  const amount = (minor, currency) => minor === null || minor === undefined || !currency ? dash : money(minor, currency);
  const seconds = (s) => s === null || s === undefined ? dash : decimal(s) + " s";

  // ---- rankings ----
  // The title stays in view on a phone (app.css) with what the video earned next to it.
  const cell = window.LL_EXPORT.cell;
  const RANK_COLUMNS = [
    { label: "col.title", render: (r) => el("a", { href: "#video/" + r.key }, r.label), export: (r) => r.label },
    { label: "col.earned", render: (r) => amount(r.earnings_minor, r.currency), export: (r) => cell.money(r.earnings_minor, r.currency) },
    { label: "col.commission", render: (r) => amount(r.commission_minor, r.currency), export: (r) => cell.money(r.commission_minor, r.currency) },
    { label: "col.other_income", render: (r) => amount(r.other_income_minor, r.currency), export: (r) => cell.money(r.other_income_minor, r.currency) },
    { label: "col.rpm", render: (r) => amount(r.rpm_minor, r.currency), export: (r) => cell.money(r.rpm_minor, r.currency) },
    { label: "col.views", render: (r) => count(r.views), export: (r) => cell.count(r.views) },
    { label: "col.clicks", render: (r) => count(r.clicks), export: (r) => cell.count(r.clicks) },
    { label: "col.clicks_per_1000", render: (r) => decimal(r.clicks_per_1000_views),
      export: (r) => r.clicks_per_1000_views === null || r.clicks_per_1000_views === undefined ? ""
        : (LL.lang() === "fr" ? String(r.clicks_per_1000_views).replace(".", ",") : String(r.clicks_per_1000_views)) },
    { label: "col.followers", render: (r) => count(r.followers_gained), export: (r) => cell.count(r.followers_gained) },
    { label: "col.per_follower", render: (r) => amount(r.earnings_per_follower_minor, r.currency),
      export: (r) => cell.money(r.earnings_per_follower_minor, r.currency) },
    { label: "col.currency", only: "export", export: (r) => r.currency || "" }
  ];
  const RANK_SIZE = 20;

  async function loadRankings() {
    await LL.zoneKnown();
    const range = LL.periodRange();
    const q = new URLSearchParams({ group_by: "video", from: range.from, to: range.to, tz: LL.zone(), sort: $("video-ranking").value });
    const rows = (await api("GET", "/api/v1/reports/revenue?" + q)).rows.filter((r) => r.key !== null);
    LL.table($("video-ranking-table"), RANK_COLUMNS, rows.slice(0, RANK_SIZE));
    // The file holds every video of the ranking, not only the first RANK_SIZE on screen.
    window.LL_EXPORT.attach($("video-ranking-table"), "video_economics", async () => window.LL_EXPORT.sheet(RANK_COLUMNS, rows));
  }

  // ---- import of an analytics export ----
  function showImport(report) {
    const summary = t("stats.result").replace("{created}", report.created).replace("{updated}", report.updated)
      .replace("{unchanged}", report.unchanged).replace("{failed}", report.failed).replace("{videos}", report.videos_created);
    const errors = report.rows.filter((r) => r.result === "error");
    $("stats-import-result").replaceChildren(el("p", { id: "stats-import-summary" }, summary),
      ...(errors.length ? [el("ul", { id: "stats-import-errors", class: "errors" }, ...errors.map((r) =>
        el("li", { "data-line": r.line }, t("stats.line").replace("{line}", r.line).replace("{field}", r.field) + " " + r.message)))] : []));
    $("stats-import-result").hidden = false;
  }

  async function importStats(event) {
    event.preventDefault();
    const file = $("stats-file").files[0];
    if (!file) { say(t("stats.pick"), true); return; }
    const query = $("stats-create").checked ? "?create_missing=true" : "";
    try {
      // The file as it is (text/csv), not JSON: api() is for JSON bodies.
      const res = await fetch("/api/v1/videos/stats/import" + query, {
        method: "POST", credentials: "same-origin", body: await file.text(),
        headers: { "Content-Type": "text/csv", "Accept": "application/json", "X-CSRF-Token": LL.session().csrf_token }
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
      showImport(data);
      say(data.failed ? t("stats.partial") : t("saved"), data.failed > 0);
      $("stats-form").reset();
      await loadVideosSection();
    } catch (e) { say(t("error") + ": " + e.message, true); }
  }

  // ---- a video's page ----
  // Commission per day as bars (the main currency), views and clicks as lines, each on its own
  // scale (views run in thousands where clicks run in units); plain SVG.
  function drawCurve(days, currency) {
    const box = $("video-chart"); box.replaceChildren();
    if (!days.length) return;
    // Drawn at the box's width in pixels, again when it changes (shell.js): labels stay 12 px.
    const w = LL.chartWidth(box), h = 140, top = 14, bw = w / days.length;
    box.redraw = () => drawCurve(days, currency);
    const node = LL.svgNode;
    const commissionOf = (d) => (d.money.find((m) => m.currency === currency) || {}).commission_minor || 0;
    // A day in the red (a clawback after payment) hangs below the zero line (LL.moneyBars).
    const scale = LL.moneyBars(days.map(commissionOf), top, h);
    const maxViews = Math.max(1, ...days.map((d) => d.views || 0));
    const maxClicks = Math.max(1, ...days.map((d) => d.clicks));
    const svg = node("svg", { viewBox: `0 0 ${w} ${h + 20}`, role: "img", id: "video-curve",
      "aria-label": t("video.chart.label").replace("{from}", LL.fmt.day(days[0].date)).replace("{to}", LL.fmt.day(days[days.length - 1].date)) });
    days.forEach((d, i) => {
      const v = commissionOf(d), { y, height } = scale.bar(v);
      const bar = node("rect", { x: i * bw + 1, y, width: Math.max(1, bw - 2), height, class: v < 0 ? "bar negative" : "bar", "data-date": d.date });
      bar.append(node("title", {}, LL.fmt.day(d.date) + ": " + count(d.views) + " " + t("video.views") + ", " + count(d.clicks) + " " +
        t("col.clicks").toLowerCase() + ", " + money(v, currency)));
      svg.append(bar);
    });
    const line = (value, max, cls) => node("polyline", { class: "line " + cls,
      points: days.map((d, i) => `${(i + 0.5) * bw},${h - (value(d) || 0) / max * (h - top)}`).join(" ") });
    svg.append(line((d) => d.views, maxViews, "views"), line((d) => d.clicks, maxClicks, "clicks"));
    svg.append(node("line", { x1: 0, y1: scale.zero, x2: w, y2: scale.zero, class: "axis" }));
    // Days as the rest of the dashboard writes them (format.js).
    svg.append(node("text", { x: 4, y: h + 16, class: "tick" }, LL.fmt.day(days[0].date)));
    svg.append(node("text", { x: w - 4, y: h + 16, class: "tick", "text-anchor": "end" }, LL.fmt.day(days[days.length - 1].date)));
    box.append(svg, el("p", { class: "legend" },
      el("span", { class: "key bar" }), t("chart.commission") + " (" + currency + ") ",
      el("span", { class: "key line views" }), t("video.views") + " ",
      el("span", { class: "key line clicks" }), t("chart.clicks")));
  }

  function figure(key, value, id) {
    return el("div", { "data-figure": id }, el("dt", {}, t(key)), el("dd", {}, String(value)));
  }

  function drawFigures(totals) {
    $("video-figures").replaceChildren(...totals.map((r) => el("dl", { class: "figures", "data-currency": r.currency || "" },
      figure("video.views", count(r.views), "views"), figure("total.clicks", count(r.clicks), "clicks"),
      figure("col.clicks_per_1000", decimal(r.clicks_per_1000_views), "clicks_per_1000_views"),
      figure("total.conversions", count(r.conversions), "conversions"),
      figure("total.revenue", amount(r.revenue_minor, r.currency), "revenue"),
      figure("total.commission", amount(r.commission_minor, r.currency), "commission"),
      figure("col.other_income", amount(r.other_income_minor, r.currency), "other_income"),
      figure("video.earnings", amount(r.earnings_minor, r.currency), "earnings"),
      figure("col.rpm", amount(r.rpm_minor, r.currency), "rpm"),
      figure("col.followers", count(r.followers_gained), "followers_gained"),
      figure("col.per_follower", amount(r.earnings_per_follower_minor, r.currency), "earnings_per_follower"))));
  }

  async function loadVideoPage(id) {
    if (!/^\d+$/.test(id || "")) { location.hash = "#videos"; return; }
    await LL.zoneKnown();
    const range = LL.periodRange();
    const [video, curve] = await Promise.all([api("GET", "/api/v1/videos/" + id),
      api("GET", "/api/v1/videos/" + id + "/daily?" + new URLSearchParams({ from: range.from, to: range.to, tz: LL.zone() }))]);
    $("video-page-title").textContent = LL.videoLabel(video);
    $("video-page-link").hidden = !video.url;
    $("video-page-link").href = video.url || "#";
    $("video-page-meta").textContent = video.platform + " · " + t("col.posted") + " " + LL.when(video.posted_at);
    $("video-page").dataset.video = id;
    // The currency with the most sales leads the chart (format.js says why); figures come per currency.
    drawFigures(curve.totals);
    drawCurve(curve.days, LL.fmt.mainCurrency(curve.totals));
    LL.table($("video-days"), [
      { label: "col.date", render: (d) => LL.fmt.day(d.date) }, { label: "video.views", render: (d) => count(d.views) },
      { label: "col.clicks", render: (d) => count(d.clicks) },
      // A day in several currencies lists each apart: "+" read as a sum, and there are no exchange rates.
      { label: "col.commission", render: (d) => d.money.length ? d.money.map((m) => money(m.commission_minor, m.currency)).join(" · ") : dash },
      { label: "col.followers", render: (d) => count(d.followers_gained) },
      { label: "video.watch", render: (d) => seconds(d.average_watch_seconds) }
    ], [...curve.days].reverse());
  }

  // The Videos section: money.js's list, then the rankings.
  const loadVideoList = sections.videos;
  async function loadVideosSection() {
    await Promise.all([loadVideoList(), loadRankings()]);
  }

  LL.inits.push(() => {
    $("stats-form").addEventListener("submit", importStats);
    $("video-ranking").addEventListener("change", () => loadRankings().catch((e) => say(t("error") + ": " + e.message, true)));
  });
  Object.assign(sections, { videos: loadVideosSection, video: loadVideoPage });
})();
