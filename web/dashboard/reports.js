// The dashboard's reports: the overview (totals, a chart over time, revenue by traffic source,
// income stream and video), the rankings (sortable, exportable as CSV) and "when your audience
// clicks" (a day-of-week x hour heatmap). Every day and hour is one of the time zone in the
// period bar: the user's own choice (PUT /api/v1/preferences, kept on the server, so the
// server's default for this user's reports too), else the instance's LINKLEDGER_TIMEZONE.
// GET /api/v1/reports/revenue answers one row per key and currency: clicks repeat on each
// currency's row of a key, and a key with clicks but no sale has currency null.
"use strict";
(function () {
  const { $, el, t, api, say, money, sections } = window.LL;

  // The day `date` falls on in zone `tz`, as YYYY-MM-DD.
  function localDay(date, tz) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
    } catch { return date.toISOString().slice(0, 10); }
  }

  // The chosen period as the API wants it: whole days of the chosen zone as bare dates (the API
  // reads them in `tz`), `to` exclusive. Only calendar arithmetic here: the zone's 23- and
  // 25-hour days are the server's business.
  function periodRange() {
    const p = $("period").value;
    const day = (d) => d.toISOString().slice(0, 10);
    const plus = (text, days) => day(new Date(Date.parse(text + "T00:00:00Z") + days * 86400000));
    const today = localDay(new Date(), zone());
    if (p === "custom" && $("from").value && $("to").value && $("from").value <= $("to").value)
      return { from: $("from").value, to: plus($("to").value, 1), days: (Date.parse($("to").value) - Date.parse($("from").value)) / 86400000 + 1 };
    const days = p === "custom" ? 30 : Number(p);
    return { from: plus(today, 1 - days), to: plus(today, 1), days };
  }

  async function report(groupBy, range) {
    const q = new URLSearchParams({ group_by: groupBy, from: range.from, to: range.to, tz: zone() });
    return (await api("GET", "/api/v1/reports/revenue?" + q)).rows;
  }

  // Clicks once per key; money, conversions and commissions per currency.
  function summarize(rows) {
    const keys = new Map(), byCurrency = {};
    for (const r of rows) {
      keys.set(r.key, r);
      if (!r.currency) continue;
      const c = byCurrency[r.currency] ||= { conversions: 0, revenue_minor: 0, commission_minor: 0, approved_commission_minor: 0,
        click_conversions: 0, sales_without_click: 0 };
      for (const k of Object.keys(c)) c[k] += r[k] || 0;
    }
    let clicks = 0, unique = 0, conversions = 0, clickConversions = 0, withoutClick = 0;
    for (const r of keys.values()) { clicks += r.clicks; unique += r.unique_clicks; }
    for (const c of Object.values(byCurrency)) {
      conversions += c.conversions; clickConversions += c.click_conversions; withoutClick += c.sales_without_click;
    }
    return { clicks, unique, conversions, clickConversions, withoutClick, byCurrency };
  }

  const percent = (n, d) => d ? LL.fmt.percent(n / d) : "–";
  // The conversion rate counts only sales that came through a click, over clicks, never above
  // 100 %: sales by code or by hand are shown beside it.
  const rate = (clickConversions, clicks) => percent(Math.min(clickConversions, clicks), clicks);

  // Per click, rounded half to even as the server does.
  function perClick(minor, clicks) {
    if (!clicks) return 0;
    const q = Math.floor(minor / clicks), twice = 2 * (minor % clicks);
    return twice > clicks || (twice === clicks && q % 2) ? q + 1 : q;
  }

  function figure(key, value, id) {
    return el("div", id ? { "data-figure": id } : {}, el("dt", {}, t(key)), el("dd", {}, typeof value === "number" ? LL.fmt.count(value) : String(value)));
  }

  function drawTotals(s) {
    const currencies = Object.keys(s.byCurrency);
    if (!currencies.length) s.byCurrency.EUR = { conversions: 0, revenue_minor: 0, commission_minor: 0, approved_commission_minor: 0 };
    const blocks = [el("dl", { class: "figures" },
      figure("total.clicks", s.clicks, "clicks"), figure("total.unique", s.unique, "unique_clicks"),
      figure("total.conversions", s.conversions, "conversions"), figure("total.rate", rate(s.clickConversions, s.clicks), "conversion_rate"),
      figure("total.without_click", s.withoutClick, "sales_without_click"))];
    for (const [cur, c] of Object.entries(s.byCurrency)) {
      blocks.push(el("dl", { class: "figures", "data-currency": cur },
        figure("total.revenue", money(c.revenue_minor, cur), "revenue"),
        figure("total.commission", money(c.commission_minor, cur), "commission"),
        figure("total.approved", money(c.approved_commission_minor, cur), "approved"),
        figure("total.pending", money(c.commission_minor - c.approved_commission_minor, cur), "pending"),
        figure("total.epc", s.clicks ? money(perClick(c.commission_minor, s.clicks), cur) : "–", "epc")));
    }
    $("totals").replaceChildren(...blocks);
  }

  // Commission per day as bars (the main currency), clicks per day as a line; plain SVG.
  function drawChart(rows, range) {
    const box = $("chart"); box.replaceChildren();
    const days = [];
    for (let i = 0; i < range.days; ++i) days.push(new Date(Date.parse(range.from + "T00:00:00Z") + i * 86400000).toISOString().slice(0, 10));
    const totals = {};
    for (const r of rows) if (r.currency) totals[r.currency] = (totals[r.currency] || 0) + r.commission_minor;
    const currency = Object.keys(totals).sort((a, b) => totals[b] - totals[a])[0] || "EUR";
    const commission = {}, clicks = {};
    for (const r of rows) {
      clicks[r.key] = r.clicks;
      if (r.currency === currency) commission[r.key] = r.commission_minor;
    }
    const ns = "http://www.w3.org/2000/svg", w = 600, h = 140, top = 14, bw = w / Math.max(1, days.length);
    const maxMoney = Math.max(1, ...days.map((d) => commission[d] || 0)), maxClicks = Math.max(1, ...days.map((d) => clicks[d] || 0));
    const svg = document.createElementNS(ns, "svg");
    const node = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      return n;
    };
    svg.setAttribute("viewBox", `0 0 ${w} ${h + 16}`);
    svg.setAttribute("role", "img");
    const sumClicks = days.reduce((a, d) => a + (clicks[d] || 0), 0);
    svg.setAttribute("aria-label", t("chart.label").replace("{money}", money(totals[currency] || 0, currency)).replace("{clicks}", sumClicks)
      .replace("{from}", days[0]).replace("{to}", days[days.length - 1]));
    days.forEach((d, i) => {
      const v = commission[d] || 0, bh = v ? Math.max(2, v / maxMoney * (h - top)) : 0;
      const bar = node("rect", { x: i * bw + 1, y: h - bh, width: Math.max(1, bw - 2), height: bh, class: "bar" });
      bar.append(node("title", {}, d + ": " + money(v, currency) + ", " + (clicks[d] || 0) + " " + t("col.clicks").toLowerCase()));
      svg.append(bar);
    });
    const points = days.map((d, i) => `${(i + 0.5) * bw},${h - (clicks[d] || 0) / maxClicks * (h - top)}`).join(" ");
    svg.append(node("polyline", { points, class: "line" }));
    svg.append(node("line", { x1: 0, y1: h, x2: w, y2: h, class: "axis" }));
    svg.append(node("text", { x: 2, y: h + 13, class: "tick" }, days[0]));
    svg.append(node("text", { x: w - 2, y: h + 13, class: "tick", "text-anchor": "end" }, days[days.length - 1]));
    svg.append(node("text", { x: 2, y: 11, class: "tick" }, money(maxMoney === 1 ? 0 : maxMoney, currency)));
    svg.append(node("text", { x: w - 2, y: 11, class: "tick clicks", "text-anchor": "end" }, t("chart.max_clicks").replace("{n}", sumClicks ? maxClicks : 0)));
    box.append(svg, el("p", { class: "legend" }, el("span", { class: "key bar" }), t("chart.commission") + " (" + currency + ") ",
      el("span", { class: "key line" }), t("chart.clicks")));
  }

  const RANK_COLUMNS = [
    { key: "label", label: "col.label" }, { key: "clicks", label: "col.clicks" },
    { key: "unique_clicks", label: "col.unique_clicks" }, { key: "conversions", label: "col.conversions" },
    { key: "conversion_rate", label: "col.conversion_rate", rate: true },
    { key: "sales_without_click", label: "col.without_click" },
    { key: "revenue_minor", label: "col.revenue", money: true }, { key: "commission_minor", label: "col.commission", money: true },
    { key: "approved_commission_minor", label: "col.approved", money: true },
    { key: "epc_minor", label: "col.epc", money: true }, { key: "currency", label: "col.currency" }
  ];
  // A ranking's row as its spreadsheet line (export.js): counts, the rate, amounts in units.
  const rankCell = (r, c) => c.money ? (r.currency ? LL.cell.money(r[c.key], r.currency) : "")
    : c.rate ? (r.clicks ? LL.cell.percent(Math.min(r.click_conversions, r.clicks) / r.clicks) : "")
    : typeof r[c.key] === "number" ? LL.cell.count(r[c.key]) : r[c.key];

  // Rankings whose rows have a page of their own (pages.js): the name opens it.
  const PAGES = { video: "video", link: "link" };

  // A ranking: sortable by any column (buttons in the headers), exportable as CSV.
  function ranking(name, rows) {
    rows = rows.map((r) => ({ ...r, label: r.key === null ? t("none." + name) : name === "stream" ? t("stream." + r.key)
      : name === "source" ? LL.fmt.value("source", r.label) : r.label }));
    let sortKey = "commission_minor", desc = true;
    const tableNode = el("table", { "data-ranking": name });
    const sorted = () => [...rows].sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      const r = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""), LL.lang());
      return desc ? -r : r;
    });
    const render = () => {
      tableNode.replaceChildren(
        el("caption", { class: "sr-only" }, t("rank." + name)),
        el("thead", {}, el("tr", {}, ...RANK_COLUMNS.map((c) => el("th", { scope: "col", "aria-sort": c.key === sortKey ? (desc ? "descending" : "ascending") : "none" },
          el("button", { type: "button", class: "sort", "data-sort": c.key,
            onclick: () => { desc = sortKey === c.key ? !desc : c.key !== "label"; sortKey = c.key; render(); } }, t(c.label)))))),
        el("tbody", {}, ...(rows.length ? sorted().map((r) => el("tr", {}, ...RANK_COLUMNS.map((c) => el("td", {},
          c.key === "label" && r.key !== null && PAGES[name] ? el("a", { href: "#" + PAGES[name] + "/" + r.key, class: "row-page" }, r.label)
            : c.money ? (r.currency ? money(r[c.key], r.currency) : "–") : c.rate ? rate(r.click_conversions, r.clicks)
            : typeof r[c.key] === "number" ? LL.fmt.count(r[c.key]) : String(r[c.key] ?? "")))))
          : [el("tr", {}, el("td", { colspan: RANK_COLUMNS.length, class: "note" }, t("empty")))])));
    };
    render();
    // The file holds the rows in the order shown.
    const sheet = async () => ({ headers: RANK_COLUMNS.map((c) => t(c.label)), rows: sorted().map((r) => RANK_COLUMNS.map((c) => rankCell(r, c))) });
    return el("div", { class: "ranking", id: "ranking-" + name }, el("div", { class: "row" }, el("h2", {}, t("rank." + name)),
      LL.exports.button(name, sheet)), el("div", { class: "scroll" }, tableNode));
  }

  async function loadOverview() {
    await zoneKnown;
    const range = periodRange();
    let bySource;
    try { bySource = await report("source", range); } catch (e) {
      if (e.status === 404) { $("reports-missing").hidden = false; $("totals").replaceChildren(); return; }
      throw e;
    }
    $("reports-missing").hidden = true;
    drawTotals(summarize(bySource));
    const [byDay, byStream, byVideo, heat] = await Promise.all([report("day", range), report("stream", range), report("video", range),
      api("GET", "/api/v1/reports/heatmap?" + new URLSearchParams({ from: range.from, to: range.to, tz: zone() })).catch(() => null)]);
    $("bots-note").textContent = heat ? t("bots.note").replace("{n}", LL.fmt.count(heat.bot_hits)) : "";
    drawChart(byDay, range);
    $("overview-rankings").replaceChildren(ranking("source", bySource), ranking("stream", byStream), ranking("video", byVideo));
  }

  async function loadRankings() {
    await zoneKnown;
    const range = periodRange();
    const names = ["video", "link", "code", "offer"];
    const rows = await Promise.all(names.map((g) => report(g, range)));
    $("rankings-tables").replaceChildren(...names.map((g, i) => ranking(g, rows[i])));
  }

  // ---- the time zone ----
  // The zone the figures are in, as the server last confirmed it; the sections wait for it.
  let savedZone = "UTC";
  let zoneKnown = Promise.resolve();
  const zone = () => savedZone;

  async function chooseZone() {
    const chosen = $("tz").value.trim();
    try {
      const p = await api("PUT", "/api/v1/preferences", { time_zone: chosen || null });
      savedZone = p.effective_time_zone;
      $("tz").value = savedZone;
      say(t("tz.saved").replace("{tz}", savedZone));
    } catch (e) {
      $("tz").value = savedZone;
      say(t("error") + ": " + e.message, true);
      return;
    }
    $("period").dispatchEvent(new Event("change")); // shows the open section again, in the new zone
  }

  function dayNames() {
    // 2024-01-01 was a Monday; the API's dow 0 is Monday.
    const f = new Intl.DateTimeFormat(LL.lang(), { weekday: "short", timeZone: "UTC" });
    return [...Array(7)].map((_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));
  }
  function dayLongNames() {
    const f = new Intl.DateTimeFormat(LL.lang(), { weekday: "long", timeZone: "UTC" });
    return [...Array(7)].map((_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));
  }

  // The heatmap with each cell's count written in it (no hover needed). A laptop gets days as
  // rows and 24 hour columns; a phone, too narrow for 24 readable columns, gets the same cells
  // turned: hours as rows, 7 day columns. A count of 1,000 or more is written short ("1,5 k").
  const phoneLayout = window.matchMedia("(max-width: 699px)");
  let shownMap = null;
  function drawHeatmap(map) {
    const grid = [...Array(7)].map(() => Array(24).fill(0));
    for (const c of map.cells) grid[c.dow][c.hour] = c.clicks;
    const max = Math.max(0, ...map.cells.map((c) => c.clicks));
    const names = dayNames(), long = dayLongNames();
    const level = (n) => n === 0 ? 0 : Math.min(5, 1 + Math.floor(n / max * 4.999));
    const short = new Intl.NumberFormat(LL.lang() === "fr" ? "fr-FR" : "en-US", { notation: "compact", maximumFractionDigits: 1 });
    const cell = (d, h) => {
      const n = grid[d][h];
      return el("td", { class: "cell l" + level(n), "data-dow": d, "data-hour": h, "data-clicks": n,
        title: `${long[d]} ${h}:00–${h + 1}:00: ${LL.fmt.count(n)}`, "aria-label": `${long[d]} ${h}:00, ${LL.fmt.count(n)} ${t("col.clicks").toLowerCase()}` },
        n ? (n < 1000 ? LL.fmt.count(n) : short.format(n)) : "");
    };
    const turned = phoneLayout.matches;
    $("heatmap").classList.toggle("turned", turned);
    const hours = [...Array(24).keys()], days = [...Array(7).keys()];
    $("heatmap").replaceChildren(
      el("caption", { class: "sr-only" }, t("audience.title") + " (" + map.tz + ")"),
      turned
        ? el("thead", {}, el("tr", {}, el("td", {}), ...days.map((d) => el("th", { scope: "col" }, names[d]))))
        : el("thead", {}, el("tr", {}, el("td", {}), ...hours.map((h) => el("th", { scope: "col", class: "hour" }, h % 3 ? "" : String(h))))),
      turned
        ? el("tbody", {}, ...hours.map((h) => el("tr", {}, el("th", { scope: "row", class: "hour" }, h + ":00"), ...days.map((d) => cell(d, h)))))
        : el("tbody", {}, ...days.map((d) => el("tr", {}, el("th", { scope: "row" }, names[d]), ...hours.map((h) => cell(d, h))))));
  }

  async function loadAudience() {
    await zoneKnown;
    const range = periodRange();
    const map = await api("GET", "/api/v1/reports/heatmap?" + new URLSearchParams({ from: range.from, to: range.to, tz: zone() }));
    shownMap = map;
    drawHeatmap(map);
    const long = dayLongNames();
    let best = null;
    for (const c of map.cells) if (c.clicks && (!best || c.clicks > best.clicks)) best = c;
    $("audience-best").textContent = best
      ? t("audience.best").replace("{day}", long[best.dow]).replace("{hour}", best.hour + ":00").replace("{tz}", map.tz)
      : t("audience.none");
  }

  LL.inits.push(() => {
    zoneKnown = api("GET", "/api/v1/preferences").then((p) => { savedZone = p.effective_time_zone; })
      .catch(() => {}).finally(() => { $("tz").value = savedZone; });
    const list = (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []).map((z) => el("option", { value: z }));
    $("tz-list").replaceChildren(...list, el("option", { value: "UTC" }));
    $("tz").addEventListener("change", chooseZone);
    // Turning the phone or resizing the window past the breakpoint redraws the heatmap turned.
    phoneLayout.addEventListener("change", () => { if (shownMap && !$("audience").hidden) drawHeatmap(shownMap); });
  });
  Object.assign(sections, { overview: loadOverview, rankings: loadRankings, audience: loadAudience });
  // Other sections that report over the period send the same zone (after LL.zoneKnown()).
  LL.zone = zone;
  LL.zoneKnown = () => zoneKnown;
  // The video pages and rankings (videos.js) report over the same period.
  LL.periodRange = periodRange;
})();
