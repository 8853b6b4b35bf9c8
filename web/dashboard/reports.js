// The dashboard's reports: the overview (what was earned, commission plus other income, and
// the other totals, each against the period before; a chart over time; revenue by traffic
// source, income stream and video), the rankings (sortable, exportable as CSV) and "when your
// audience clicks" (a day-of-week x hour heatmap). Every day and hour is one of the time zone in the
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

  const percent = (n, d) => d ? LL.fmt.percent(n / d) : "–";
  // The conversion rate counts only sales that came through a click, over clicks, never above
  // 100 %: sales by code or by hand are shown beside it.
  const rate = (clickConversions, clicks) => percent(Math.min(clickConversions, clicks), clicks);

  // Per click, rounded half to even as the server does.
  function perClick(minor, clicks) {
    if (!clicks) return 0;
    // The remainder taken from the floor (never negative: -5 % 2 is -1 in JS), so a period in
    // the red rounds half to even too (-2.5 to -2, not -3).
    const q = Math.floor(minor / clicks), twice = 2 * (minor - q * clicks);
    return twice > clicks || (twice === clicks && q % 2) ? q + 1 : q;
  }

  // The period's totals from the by-stream report: per currency the commission of affiliate
  // sales (its approved part, the merchant's sales it came from) and the other income (income
  // entries of the period, those tagged to a video included); clicks and sales once.
  function totalsOf(rows) {
    const out = { clicks: 0, unique: 0, conversions: 0, clickConversions: 0, withoutClick: 0, byCurrency: {} };
    let counted = false;
    for (const r of rows) {
      // Clicks repeat on each currency's row of a key.
      if (r.key === "affiliate" && !counted) { out.clicks = r.clicks; out.unique = r.unique_clicks; counted = true; }
      if (!r.currency) continue;
      const c = out.byCurrency[r.currency] ||= { commission: 0, approved: 0, income: 0, revenue: 0 };
      if (r.key === "affiliate") {
        c.commission += r.commission_minor; c.approved += r.approved_commission_minor; c.revenue += r.revenue_minor;
        out.conversions += r.conversions; out.clickConversions += r.click_conversions; out.withoutClick += r.sales_without_click;
      } else c.income += r.commission_minor;
    }
    return out;
  }

  // The period before the chosen one, of the same length, ending where it starts.
  function previousRange(range) {
    const from = new Date(Date.parse(range.from + "T00:00:00Z") - range.days * 86400000).toISOString().slice(0, 10);
    return { from, to: range.from, days: range.days };
  }

  const locale = () => (LL.lang() === "fr" ? "fr-FR" : "en-US");
  // "+12 %" (fr) / "-4.5%" (en): a change as a signed percentage, a decimal only below 10 %.
  function signedPercent(fraction) {
    return new Intl.NumberFormat(locale(), { style: "percent", signDisplay: "exceptZero",
      maximumFractionDigits: Math.abs(fraction) < 0.1 ? 1 : 0 }).format(fraction);
  }

  // A card's line comparing it with the period before: "+12 % vs the previous 7 days". A
  // previous period at 0 has no percentage to give: it is named instead ("vs €0.00 in the
  // previous 7 days"); the same figure twice says so. data-trend: up, down or same.
  function changeLine(now, before, days, zero) {
    const one = days === 1 ? ".1" : "";
    const say = (key) => t(key + one).replace("{n}", LL.fmt.count(days)).replace("{zero}", zero);
    let text, trend;
    if (now === before) { text = say("change.same"); trend = "same"; }
    else if (!before) { text = say("change.from_zero"); trend = now > before ? "up" : "down"; }
    else { text = signedPercent((now - before) / Math.abs(before)) + " " + say("change.vs"); trend = now > before ? "up" : "down"; }
    return el("dd", { class: "change " + trend, "data-trend": trend }, text);
  }

  // A card: its name, its value (dd.value), then any further lines.
  function figure(key, value, id, lines = [], cls) {
    return el("div", { "data-figure": id, class: cls }, el("dt", {}, t(key)),
      el("dd", { class: "value" }, typeof value === "number" ? LL.fmt.count(value) : String(value)), ...lines);
  }

  // Words with {placeholders} as nodes: each placeholder becomes the node given for it.
  function fillIn(text, parts) {
    return text.split(/(\{\w+\})/).map((piece) => {
      const name = piece.slice(1, -1);
      return piece.startsWith("{") && parts[name] ? parts[name] : piece;
    });
  }

  // Per currency: Earned (commission + other income) first, then the approved and pending
  // commission and the merchant's sales, each with its change; then the counts.
  function drawTotals(now, before, days) {
    const currencies = [...new Set([...Object.keys(now.byCurrency), ...Object.keys(before.byCurrency)])];
    if (!currencies.length) currencies.push("EUR");
    const none = { commission: 0, approved: 0, income: 0, revenue: 0 };
    const blocks = currencies.map((cur) => {
      const c = now.byCurrency[cur] || none, p = before.byCurrency[cur] || none;
      const m = (minor) => money(minor, cur);
      const vs = (a, b) => changeLine(a, b, days, m(0));
      const parts = fillIn(t("total.earned.parts"), {
        commission: el("span", { "data-part": "commission" }, m(c.commission)),
        income: el("span", { "data-part": "income" }, m(c.income)) });
      return el("dl", { class: "figures", "data-currency": cur },
        figure("total.earned", m(c.commission + c.income), "earned",
          [el("dd", { class: "parts" }, ...parts), vs(c.commission + c.income, p.commission + p.income)], "earned"),
        figure("total.approved", m(c.approved), "approved", [vs(c.approved, p.approved)]),
        figure("total.pending", m(c.commission - c.approved), "pending", [vs(c.commission - c.approved, p.commission - p.approved)]),
        figure("total.revenue", m(c.revenue), "revenue", [vs(c.revenue, p.revenue)]),
        figure("total.epc", now.clicks ? m(perClick(c.commission, now.clicks)) : "–", "epc"));
    });
    const counted = (a, b) => [changeLine(a, b, days, LL.fmt.count(0))];
    blocks.push(el("dl", { class: "figures" },
      figure("total.clicks", now.clicks, "clicks", counted(now.clicks, before.clicks)),
      figure("total.unique", now.unique, "unique_clicks"),
      figure("total.conversions", now.conversions, "conversions", counted(now.conversions, before.conversions)),
      figure("total.rate", rate(now.clickConversions, now.clicks), "conversion_rate"),
      figure("total.without_click", now.withoutClick, "sales_without_click")));
    $("totals").replaceChildren(...blocks);
  }

  // Commission per day as bars (the main currency), clicks per day as a line; plain SVG drawn at
  // the box's own width in pixels (LL.chartWidth, shell.js), again when that changes.
  function drawChart(rows, range) {
    const box = $("chart"); box.replaceChildren();
    const days = [];
    for (let i = 0; i < range.days; ++i) days.push(new Date(Date.parse(range.from + "T00:00:00Z") + i * 86400000).toISOString().slice(0, 10));
    const totals = {};
    for (const r of rows) if (r.currency) totals[r.currency] = (totals[r.currency] || 0) + r.commission_minor;
    const currency = LL.fmt.mainCurrency(rows);
    const commission = {}, clicks = {};
    for (const r of rows) {
      clicks[r.key] = r.clicks;
      if (r.currency === currency) commission[r.key] = r.commission_minor;
    }
    const w = LL.chartWidth(box), top = 22, h = 150, bw = w / Math.max(1, days.length);
    box.redraw = () => drawChart(rows, range);
    // A day in the red (a clawback after payment) hangs below the zero line (LL.moneyBars).
    const scale = LL.moneyBars(days.map((d) => commission[d] || 0), top, h), maxClicks = Math.max(1, ...days.map((d) => clicks[d] || 0));
    const node = LL.svgNode;
    const svg = node("svg", { viewBox: `0 0 ${w} ${h + 22}`, role: "img" });
    const sumClicks = days.reduce((a, d) => a + (clicks[d] || 0), 0);
    const dayText = (d) => (LL.fmt ? LL.fmt.day(d) : d);
    svg.setAttribute("aria-label", t("chart.label").replace("{money}", money(totals[currency] || 0, currency)).replace("{clicks}", sumClicks)
      .replace("{from}", dayText(days[0])).replace("{to}", dayText(days[days.length - 1])));
    days.forEach((d, i) => {
      const v = commission[d] || 0, { y, height } = scale.bar(v);
      const bar = node("rect", { x: i * bw + 1, y, width: Math.max(1, bw - 2), height, class: v < 0 ? "bar negative" : "bar", "data-date": d });
      bar.append(node("title", {}, d + ": " + money(v, currency) + ", " + (clicks[d] || 0) + " " + t("col.clicks").toLowerCase()));
      svg.append(bar);
    });
    const points = days.map((d, i) => `${(i + 0.5) * bw},${h - (clicks[d] || 0) / maxClicks * (h - top)}`).join(" ");
    svg.append(node("polyline", { points, class: "line" }));
    svg.append(node("line", { x1: 0, y1: scale.zero, x2: w, y2: scale.zero, class: "axis" }));
    svg.append(node("text", { x: 4, y: h + 17, class: "tick" }, dayText(days[0])));
    svg.append(node("text", { x: w - 4, y: h + 17, class: "tick", "text-anchor": "end" }, dayText(days[days.length - 1])));
    svg.append(node("text", { x: 4, y: 15, class: "tick" }, money(scale.high, currency)));
    if (scale.low < 0) svg.append(node("text", { x: 4, y: h - 4, class: "tick low" }, money(scale.low, currency)));
    svg.append(node("text", { x: w - 4, y: 15, class: "tick clicks", "text-anchor": "end" }, t("chart.max_clicks").replace("{n}", sumClicks ? maxClicks : 0)));
    box.append(svg, el("p", { class: "legend" }, el("span", { class: "key bar" }), t("chart.commission") + " (" + currency + ") ",
      el("span", { class: "key line" }), t("chart.clicks")));
  }

  // A ranking's columns: the name, then the money next to it (it stays in view on a phone while
  // the rest scrolls), then the counts. A video's row has what it earned: its commission plus
  // its other income (income entries tagged to it), both shown.
  const COLUMN = {
    label: { key: "label", label: "col.label" }, clicks: { key: "clicks", label: "col.clicks" },
    unique: { key: "unique_clicks", label: "col.unique_clicks" }, conversions: { key: "conversions", label: "col.conversions" },
    rate: { key: "conversion_rate", label: "col.conversion_rate", rate: true },
    without: { key: "sales_without_click", label: "col.without_click" },
    revenue: { key: "revenue_minor", label: "col.revenue", money: true }, commission: { key: "commission_minor", label: "col.commission", money: true },
    approved: { key: "approved_commission_minor", label: "col.approved", money: true },
    earned: { key: "earnings_minor", label: "col.earned", money: true }, income: { key: "other_income_minor", label: "col.other_income", money: true },
    epc: { key: "epc_minor", label: "col.epc", money: true },
    // Every amount on screen carries its currency already; the file has it in a column of its own.
    currency: { key: "currency", label: "col.currency", only: "export" }
  };
  function rankColumns(name) {
    const C = COLUMN;
    return [C.label, ...(name === "video" ? [C.earned, C.commission, C.income] : [C.commission]), C.approved, C.revenue,
      C.clicks, C.unique, C.conversions, C.rate, C.without, C.epc, C.currency];
  }
  // A ranking's row as its spreadsheet line (export.js): counts, the rate, amounts in units.
  const rankCell = (r, c) => c.money ? (r.currency ? LL.cell.money(r[c.key], r.currency) : "")
    : c.rate ? (r.clicks ? LL.cell.percent(Math.min(r.click_conversions, r.clicks) / r.clicks) : "")
    : typeof r[c.key] === "number" ? LL.cell.count(r[c.key]) : r[c.key];

  // Rankings whose rows have a page of their own (pages.js): the name opens it. A deleted link
  // keeps its clicks and sales in the rankings (the API marks its row `deleted`) but has no page
  // to open: its name says "deleted" and links nowhere.
  const PAGES = { video: "video", link: "link" };

  // Each row's place by its currency: the currency with the most sales first (ties by code, as
  // LL.fmt.mainCurrency picks a chart's), rows without a currency last.
  function currencyBlocks(rows) {
    const sales = new Map();
    for (const r of rows) if (r.currency) sales.set(r.currency, (sales.get(r.currency) || 0) + (r.conversions || 0));
    const order = [...sales].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)).map(([c]) => c);
    return (r) => (r.currency ? order.indexOf(r.currency) : order.length);
  }

  // A ranking: sortable by any column (buttons in the headers), exportable as CSV.
  function ranking(name, rows) {
    rows = rows.map((r) => ({ ...r, label: r.key === null ? t("none." + name) : name === "stream" ? t("stream." + r.key)
      : name === "source" ? LL.fmt.value("source", r.label) : r.deleted ? r.label + " (" + t("rank.deleted") + ")" : r.label }));
    const columns = rankColumns(name), shown = columns.filter((c) => c.only !== "export");
    // Videos rank by what they earned (commission and other income), the others by commission.
    let sortKey = name === "video" ? "earnings_minor" : "commission_minor", desc = true;
    const tableNode = el("table", { "data-ranking": name });
    // Amounts are compared within a currency only (there are no exchange rates: ¥3,500 is not
    // ahead of €32.50): sorted by an amount, the rows are one block per currency, the currency
    // of the most sales first, as the server ranks videos, then the rows without money.
    const block = currencyBlocks(rows), amounts = new Set(columns.filter((c) => c.money).map((c) => c.key));
    const sorted = () => [...rows].sort((a, b) => {
      if (amounts.has(sortKey) && block(a) !== block(b)) return block(a) - block(b);
      const x = a[sortKey], y = b[sortKey];
      const r = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""), LL.lang());
      return desc ? -r : r;
    });
    const render = () => {
      tableNode.replaceChildren(
        el("caption", { class: "sr-only" }, t("rank." + name)),
        el("thead", {}, el("tr", {}, ...shown.map((c) => el("th", { scope: "col", "aria-sort": c.key === sortKey ? (desc ? "descending" : "ascending") : "none" },
          el("button", { type: "button", class: "sort", "data-sort": c.key,
            onclick: () => { desc = sortKey === c.key ? !desc : c.key !== "label"; sortKey = c.key; render(); } }, t(c.label)))))),
        el("tbody", {}, ...(rows.length ? sorted().map((r) => el("tr", {}, ...shown.map((c) => el("td", {},
          c.key === "label" && r.deleted ? el("span", { class: "deleted", "data-deleted": r.key }, r.label)
            : c.key === "label" && r.key !== null && PAGES[name] ? el("a", { href: "#" + PAGES[name] + "/" + r.key, class: "row-page" }, r.label)
            : c.money ? (r.currency ? money(r[c.key], r.currency) : "–") : c.rate ? rate(r.click_conversions, r.clicks)
            : typeof r[c.key] === "number" ? LL.fmt.count(r[c.key]) : String(r[c.key] ?? "")))))
          : [el("tr", {}, el("td", { colspan: shown.length, class: "note" }, t("empty")))])));
    };
    render();
    // The file holds the rows in the order shown.
    const sheet = async () => ({ headers: columns.map((c) => t(c.label)), rows: sorted().map((r) => columns.map((c) => rankCell(r, c))) });
    return el("div", { class: "ranking", id: "ranking-" + name }, el("div", { class: "row" }, el("h2", {}, t("rank." + name)),
      LL.exports.button(name, sheet)), el("div", { class: "scroll" }, tableNode));
  }

  // A section loads again at each change of the period's fields (a custom period's from, then
  // its to): a load of the period on its way that ended last drew its figures over those of the
  // period asked, and stayed. A load draws only while it is its section's latest.
  const loads = {};
  function newLoad(section) {
    const mine = (loads[section] || 0) + 1;
    loads[section] = mine;
    return () => loads[section] === mine;
  }

  async function loadOverview() {
    const latest = newLoad("overview");
    await zoneKnown;
    const range = periodRange(), before = previousRange(range);
    // The cards first: this period and the one before, by income stream (affiliate sales and
    // each kind of other income), two requests.
    let byStream, previous;
    try { [byStream, previous] = await Promise.all([report("stream", range), report("stream", before)]); } catch (e) {
      if (!latest()) return;
      if (e.status === 404) { $("reports-missing").hidden = false; $("totals").replaceChildren(); return; }
      throw e;
    }
    if (!latest()) return;
    $("reports-missing").hidden = true;
    drawTotals(totalsOf(byStream), totalsOf(previous), range.days);
    const [bySource, byDay, byVideo, heat] = await Promise.all([report("source", range), report("day", range), report("video", range),
      api("GET", "/api/v1/reports/heatmap?" + new URLSearchParams({ from: range.from, to: range.to, tz: zone() })).catch(() => null)]);
    if (!latest()) return;
    $("bots-note").textContent = heat ? t("bots.note").replace("{n}", LL.fmt.count(heat.bot_hits)) : "";
    drawChart(byDay, range);
    $("overview-rankings").replaceChildren(ranking("source", bySource), ranking("stream", byStream), ranking("video", byVideo));
  }

  async function loadRankings() {
    const latest = newLoad("rankings");
    await zoneKnown;
    const range = periodRange();
    const names = ["video", "link", "code", "offer"];
    const rows = await Promise.all(names.map((g) => report(g, range)));
    if (!latest()) return;
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
    const latest = newLoad("audience");
    await zoneKnown;
    const range = periodRange();
    const map = await api("GET", "/api/v1/reports/heatmap?" + new URLSearchParams({ from: range.from, to: range.to, tz: zone() }));
    if (!latest()) return;
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
