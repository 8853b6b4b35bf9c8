// A page per link (#link/<id>) and the rest of a video's page (#video/<id>, videos.js draws its
// curve): for the chosen period and time zone, where the clicks came from (source, country,
// device, system, referring site), the sales with their status and the other income.
// Other income is tagged to videos, never to links: a link's page shows its video's income and
// says so (none when the link has no video). Money is integer minor units from the API.
"use strict";
(function () {
  const { $, el, t, api, money, sections } = window.LL;
  const dash = "–";
  // format.js's LL.fmt writes the dashboard's numbers and dates one way; these plain stand-ins
  // keep the pages readable in a build without it.
  const plain = {
    count: (n) => n === null || n === undefined ? dash : Number(n).toLocaleString(LL.lang()),
    percent: (f) => f === null || f === undefined ? dash : Number(f).toLocaleString(LL.lang(), { style: "percent", maximumFractionDigits: 2 }),
    day: (d) => d, dateTime: (iso) => LL.when(iso),
    value: (kind, raw) => { const key = kind + "." + raw, text = t(key); return text === key ? raw : text; }
  };
  const fmt = () => LL.fmt || plain;
  const count = (n) => fmt().count(n);

  function periodQuery(extra) {
    const range = LL.periodRange();
    return new URLSearchParams({ from: range.from, to: range.to, tz: LL.zone(), ...extra });
  }

  // ---- where the clicks came from ----
  const GROUPS = ["source", "country", "device", "os", "referrer"];

  function regionName(code) {
    try { return new Intl.DisplayNames([LL.lang()], { type: "region" }).of(code) || code; } catch (e) { return code; }
  }

  // A key of a breakdown in words.
  function keyLabel(group, row) {
    if (row.others) return t("page.others");
    if (row.key === null) return group === "referrer" ? t("page.no_referrer") : dash;
    if (group === "source") return fmt().value("source", row.key);
    if (row.key === "unknown" || row.key === "other") return t("page." + row.key);
    if (group === "country") return regionName(row.key);
    if (group === "device" || group === "os") {
      const key = "page." + group + "." + row.key, text = t(key);
      return text === key ? row.key : text;
    }
    return row.key;
  }

  function breakdown(group, report) {
    const total = report.clicks;
    const table = el("table", { "data-breakdown": group });
    LL.table(table, [
      { label: "page.group." + group, render: (r) => keyLabel(group, r) },
      { label: "col.clicks", render: (r) => count(r.clicks) },
      { label: "page.share", render: (r) => fmt().percent(total ? r.clicks / total : null) }
    ], report.rows);
    return el("div", { class: "breakdown" }, el("h3", {}, t("page.group." + group)), el("div", { class: "scroll" }, table));
  }

  // ---- sales and other income ----
  function salesTable(rows) {
    const table = el("table", { class: "page-sales" });
    LL.table(table, [
      { label: "col.date", render: (s) => fmt().dateTime(s.occurred_at) },
      { label: "col.amount", render: (s) => money(s.amount_minor, s.currency) },
      { label: "col.commission", render: (s) => money(s.commission_minor, s.currency) },
      // A change after payment (refund, chargeback) is its own row, dated when it came.
      { label: "col.status", render: (s) => el("span", { "data-status": s.status, ...(s.adjustment ? { "data-adjustment": "" } : {}) },
        s.adjustment ? t("page.sales.adjustment").replace("{status}", fmt().value("status", s.status)) : fmt().value("status", s.status)) },
      { label: "col.offer", key: "offer" }
    ], rows);
    return table;
  }

  function incomeTable(rows) {
    const table = el("table", { class: "page-income" });
    LL.table(table, [
      { label: "col.date", render: (i) => fmt().day(i.day) },
      { label: "col.stream", render: (i) => t("stream." + i.stream) },
      { label: "col.amount", render: (i) => money(i.amount_minor, i.currency) },
      { label: "col.note", key: "note" }
    ], rows);
    return table;
  }

  // Breakdowns, sales and income of one link ({link_id}) or one video ({video_id}) into `box`.
  // `videoOfLink`: for a link, its video ({id, label}) or null.
  async function drawDetails(box, subject, videoOfLink) {
    const [splits, sales, income] = await Promise.all([
      Promise.all(GROUPS.map((g) => api("GET", "/api/v1/reports/clicks?" + periodQuery({ group_by: g, ...subject })))),
      api("GET", "/api/v1/reports/sales?" + periodQuery(subject)),
      api("GET", "/api/v1/reports/income?" + periodQuery(subject))
    ]);
    let incomeNote = null;
    if (subject.link_id) {
      incomeNote = videoOfLink
        ? el("p", { class: "note", id: "link-income-note" }, t("page.income.of_video") + " ",
          el("a", { href: "#video/" + videoOfLink.id }, videoOfLink.label))
        : el("p", { class: "note", id: "link-income-note" }, t("page.income.no_video"));
    }
    box.replaceChildren(
      el("h2", {}, t("page.where")),
      el("p", { class: "note" }, t("page.where.hint")),
      el("div", { class: "breakdowns" }, ...GROUPS.map((g, i) => breakdown(g, splits[i]))),
      el("h2", {}, t("page.sales")),
      el("div", { class: "scroll" }, salesTable(sales.rows)),
      ...(sales.more ? [el("p", { class: "note" }, t("page.sales.more"))] : []),
      el("h2", {}, t("income.title")),
      ...(incomeNote ? [incomeNote] : []),
      el("div", { class: "scroll" }, incomeTable(income.rows)));
  }

  // ---- a link's page ----
  // Commission per day as bars (the main currency) and clicks as a line, each on its own scale.
  function drawCurve(box, days, currency) {
    box.replaceChildren();
    if (!days.length) return;
    // Drawn at the box's width in pixels, again when it changes (shell.js): labels stay 12 px.
    const w = LL.chartWidth(box), h = 140, top = 14, bw = w / days.length;
    box.redraw = () => drawCurve(box, days, currency);
    const node = LL.svgNode;
    const commissionOf = (d) => (d.money.find((m) => m.currency === currency) || {}).commission_minor || 0;
    // A day in the red (a clawback after payment) hangs below the zero line (LL.moneyBars).
    const scale = LL.moneyBars(days.map(commissionOf), top, h), maxClicks = Math.max(1, ...days.map((d) => d.clicks));
    const first = fmt().day(days[0].date), last = fmt().day(days[days.length - 1].date);
    const svg = node("svg", { viewBox: `0 0 ${w} ${h + 20}`, role: "img", id: "link-curve",
      "aria-label": t("page.chart.label").replace("{from}", first).replace("{to}", last) });
    days.forEach((d, i) => {
      const v = commissionOf(d), { y, height } = scale.bar(v);
      const bar = node("rect", { x: i * bw + 1, y, width: Math.max(1, bw - 2), height, class: v < 0 ? "bar negative" : "bar", "data-date": d.date });
      bar.append(node("title", {}, fmt().day(d.date) + ": " + count(d.clicks) + " " + t("col.clicks").toLowerCase() + ", " + money(v, currency)));
      svg.append(bar);
    });
    svg.append(node("polyline", { class: "line clicks",
      points: days.map((d, i) => `${(i + 0.5) * bw},${h - d.clicks / maxClicks * (h - top)}`).join(" ") }));
    svg.append(node("line", { x1: 0, y1: scale.zero, x2: w, y2: scale.zero, class: "axis" }));
    svg.append(node("text", { x: 4, y: h + 16, class: "tick" }, first));
    svg.append(node("text", { x: w - 4, y: h + 16, class: "tick", "text-anchor": "end" }, last));
    box.append(svg, el("p", { class: "legend" },
      el("span", { class: "key bar" }), t("chart.commission") + " (" + currency + ") ",
      el("span", { class: "key line clicks" }), t("chart.clicks")));
  }

  function figure(key, value, id) {
    return el("div", { "data-figure": id }, el("dt", {}, t(key)), el("dd", {}, String(value)));
  }

  async function loadLinkPage(id) {
    if (!/^\d+$/.test(id || "")) { location.hash = "#links"; return; }
    await LL.zoneKnown();
    // A deleted link keeps its clicks and sales (and its place in the rankings): its page shows
    // them under a notice saying when it was deleted. Only an id that never was one is "gone".
    let link, curve;
    try {
      [link, curve] = await Promise.all([api("GET", "/api/v1/links/" + id + "?include_deleted=true"),
        api("GET", "/api/v1/links/" + id + "/daily?" + periodQuery({}))]);
    } catch (e) {
      if (e.status !== 404) throw e;
      $("link-page").dataset.link = id;
      $("link-page").removeAttribute("data-deleted");
      $("link-page-title").textContent = "#" + id;
      for (const part of ["link-page-meta", "link-figures", "link-chart", "link-days", "link-details"]) $(part).replaceChildren();
      $("link-page-deleted").hidden = false;
      $("link-page-deleted").textContent = t("page.gone").replace("{id}", id);
      return;
    }
    $("link-page").dataset.link = id;
    $("link-page").toggleAttribute("data-deleted", !!link.deleted_at);
    $("link-page-title").textContent = (link.title || "/" + link.slug) + (link.deleted_at ? " (" + t("rank.deleted") + ")" : "");
    $("link-page-deleted").hidden = !link.deleted_at;
    $("link-page-deleted").textContent = link.deleted_at ? t("page.deleted").replace("{date}", fmt().dateTime(link.deleted_at)) : "";
    const meta = [el("span", { class: "short" }, link.short_url)];
    if (curve.video_id) meta.push(" · " + t("col.video") + " ", el("a", { href: "#video/" + curve.video_id, id: "link-page-video" }, curve.video_label));
    $("link-page-meta").replaceChildren(...meta);
    $("link-figures").replaceChildren(...curve.totals.map((r) => el("dl", { class: "figures", "data-currency": r.currency || "" },
      figure("total.clicks", count(r.clicks), "clicks"), figure("total.unique", count(r.unique_clicks), "unique_clicks"),
      figure("total.conversions", count(r.conversions), "conversions"),
      figure("total.commission", r.currency ? money(r.commission_minor, r.currency) : dash, "commission"),
      figure("total.revenue", r.currency ? money(r.revenue_minor, r.currency) : dash, "revenue"),
      figure("total.epc", r.currency ? money(r.epc_minor, r.currency) : dash, "epc"))));
    drawCurve($("link-chart"), curve.days, fmt().mainCurrency ? fmt().mainCurrency(curve.totals) : "EUR");
    LL.table($("link-days"), [
      { label: "col.date", render: (d) => fmt().day(d.date) },
      { label: "col.clicks", render: (d) => count(d.clicks) },
      { label: "col.conversions", render: (d) => count(d.money.reduce((n, m) => n + m.conversions, 0)) },
      // A day in several currencies lists each apart: "+" read as a sum, and there are no exchange rates.
      { label: "col.commission", render: (d) => d.money.length ? d.money.map((m) => money(m.commission_minor, m.currency)).join(" · ") : dash }
    ], [...curve.days].reverse());
    await drawDetails($("link-details"), { link_id: id }, curve.video_id ? { id: curve.video_id, label: curve.video_label } : null);
  }

  // ---- the video's page: videos.js draws the curve, this the rest ----
  const loadVideoCurve = sections.video;
  async function loadVideoPage(id) {
    await loadVideoCurve(id);
    if ($("video-page").dataset.video === id) await drawDetails($("video-details"), { video_id: id }, null);
  }

  Object.assign(sections, { link: loadLinkPage, video: loadVideoPage });
})();
