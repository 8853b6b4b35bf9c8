// The dashboard: plain script, no framework. It talks to /api/v1 with the session cookie
// and sends the session's CSRF token in X-CSRF-Token on every change.
"use strict";
(function () {
  const TEXT = window.LL_TEXT;
  let lang = localStorage.getItem("ll.lang") ||
    ((navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en");
  let session = null;
  const $ = (id) => document.getElementById(id);
  const t = (key) => (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
    return node;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    $("lang").value = lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  }

  function say(message, isError) {
    const s = $("status");
    s.textContent = message || "";
    s.className = "status" + (isError ? " error" : message ? " ok" : "");
  }

  async function api(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && session) headers["X-CSRF-Token"] = session.csrf_token;
    const res = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    if (res.status === 401) { location.href = "/login?next=" + encodeURIComponent("/dashboard" + location.hash); throw new Error("401"); }
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const e = new Error((data && data.error && data.error.message) || res.statusText);
      e.status = res.status; e.field = data && data.error && data.error.field;
      throw e;
    }
    return data;
  }

  // Runs a change and reports its outcome in the status line.
  async function change(work) {
    try { await work(); say(t("saved")); } catch (e) { say(t("error") + ": " + e.message, true); }
  }

  // ---- sections ----
  function show() {
    const id = (location.hash || "#overview").slice(1);
    for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== id;
    for (const a of document.querySelectorAll("nav a")) a.setAttribute("aria-current", a.hash === "#" + id ? "page" : "false");
    const load = { overview: loadOverview, links: loadLinks, bio: loadProfile, keys: loadKeys, users: loadUsers }[id];
    if (load) load().catch((e) => say(t("error") + ": " + e.message, true));
  }

  // ---- money formatting: amounts are integer minor units ----
  function money(minor, currency) {
    if (minor === null || minor === undefined) return "";
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency || "EUR" }).format(minor / 100);
    } catch { return (minor / 100).toFixed(2) + " " + (currency || ""); }
  }

  function table(node, columns, rows, actions) {
    node.replaceChildren();
    const head = el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, t(c.label))));
    if (actions) head.append(el("th", { scope: "col" }, ""));
    node.append(el("thead", {}, head));
    const body = el("tbody");
    for (const row of rows) {
      const tr = el("tr", {}, ...columns.map((c) => el("td", {}, c.render ? c.render(row) : String(row[c.key] ?? ""))));
      if (actions) tr.append(el("td", { class: "actions" }, ...actions(row)));
      body.append(tr);
    }
    node.append(body);
  }

  // A ranking: sortable by any column, exportable as CSV.
  function ranking(title, rows) {
    const cols = [
      { key: "label", label: "col.label" }, { key: "clicks", label: "col.clicks" },
      { key: "unique_clicks", label: "col.unique_clicks" }, { key: "conversions", label: "col.conversions" },
      { key: "revenue_minor", label: "col.revenue", money: true }, { key: "commission_minor", label: "col.commission", money: true },
      { key: "conversion_rate", label: "col.conversion_rate" }, { key: "epc_minor", label: "col.epc", money: true },
      { key: "currency", label: "col.currency" }
    ];
    let sortKey = "commission_minor", desc = true;
    const tableNode = el("table");
    const render = () => {
      const sorted = [...rows].sort((a, b) => {
        const x = a[sortKey], y = b[sortKey];
        const r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return desc ? -r : r;
      });
      tableNode.replaceChildren();
      tableNode.append(el("thead", {}, el("tr", {}, ...cols.map((c) => el("th", { scope: "col", "aria-sort": c.key === sortKey ? (desc ? "descending" : "ascending") : "none" },
        el("button", { type: "button", class: "sort", onclick: () => { desc = sortKey === c.key ? !desc : true; sortKey = c.key; render(); } }, t(c.label)))))));
      tableNode.append(el("tbody", {}, ...sorted.map((r) => el("tr", {}, ...cols.map((c) => el("td", {},
        c.money ? money(r[c.key], r.currency) : c.key === "conversion_rate" ? ((r[c.key] || 0) * 100).toFixed(1) + " %" : String(r[c.key] ?? "")))))));
    };
    render();
    const csv = () => {
      const quote = (v) => '"' + String(v ?? "").replace(/"/g, '""') + '"';
      const text = [cols.map((c) => c.key).join(",")].concat(rows.map((r) => cols.map((c) => quote(r[c.key])).join(","))).join("\n");
      const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: title + ".csv" });
      document.body.append(a); a.click(); a.remove();
    };
    return el("div", { class: "ranking" }, el("h2", {}, t("rank." + title)),
      el("button", { type: "button", class: "secondary", onclick: csv }, t("csv")), el("div", { class: "scroll" }, tableNode));
  }

  function periodRange() {
    const p = $("period").value;
    $("custom-range").hidden = p !== "custom";
    if (p === "custom" && $("from").value && $("to").value) return { from: $("from").value, to: $("to").value };
    const days = p === "custom" ? 30 : Number(p);
    const to = new Date(); const from = new Date(Date.now() - days * 86400000);
    return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
  }

  async function report(groupBy, range) {
    const q = new URLSearchParams({ group_by: groupBy, from: range.from, to: range.to });
    const data = await api("GET", "/api/v1/reports/revenue?" + q);
    return Array.isArray(data) ? data : (data.rows || []);
  }

  function drawChart(rows) {
    const box = $("chart"); box.replaceChildren();
    if (!rows.length) return;
    const max = Math.max(1, ...rows.map((r) => r.commission_minor || 0));
    const ns = "http://www.w3.org/2000/svg", w = 600, h = 120, bw = w / rows.length;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`); svg.setAttribute("role", "img"); svg.setAttribute("aria-label", t("chart.day"));
    rows.forEach((r, i) => {
      const bar = document.createElementNS(ns, "rect"), bh = Math.max(1, (r.commission_minor || 0) / max * (h - 4));
      bar.setAttribute("x", i * bw + 1); bar.setAttribute("y", h - bh); bar.setAttribute("width", Math.max(1, bw - 2)); bar.setAttribute("height", bh);
      const tip = document.createElementNS(ns, "title"); tip.textContent = r.label + ": " + money(r.commission_minor, r.currency);
      bar.append(tip); svg.append(bar);
    });
    box.append(svg);
  }

  async function loadOverview() {
    const range = periodRange();
    let bySource;
    try { bySource = await report("source", range); } catch (e) {
      if (e.status === 404) { $("reports-missing").hidden = false; $("totals").replaceChildren(); return; }
      throw e;
    }
    $("reports-missing").hidden = true;
    // Currencies are never mixed: one line of totals per currency.
    const totals = {};
    for (const r of bySource) {
      const c = totals[r.currency] ||= { clicks: 0, unique_clicks: 0, conversions: 0, revenue_minor: 0, commission_minor: 0 };
      for (const k of Object.keys(c)) c[k] += r[k] || 0;
    }
    $("totals").replaceChildren(...Object.entries(totals).map(([cur, s]) => el("dl", { class: "figures" },
      ...[["total.revenue", money(s.revenue_minor, cur)], ["total.commission", money(s.commission_minor, cur)],
        ["total.clicks", s.clicks], ["total.unique", s.unique_clicks], ["total.conversions", s.conversions],
        ["total.rate", s.clicks ? (s.conversions / s.clicks * 100).toFixed(1) + " %" : "–"],
        ["total.epc", s.clicks ? money(Math.round(s.commission_minor / s.clicks), cur) : "–"]]
        .map(([k, v]) => el("div", {}, el("dt", {}, t(k)), el("dd", {}, String(v)))))));
    drawChart(await report("day", range).catch(() => []));
    const box = $("rankings"); box.replaceChildren(ranking("source", bySource));
    for (const g of ["stream", "video", "link", "code", "offer"]) {
      const rows = await report(g, range).catch(() => null);
      if (rows) box.append(ranking(g, rows));
    }
  }

  // ---- links ----
  function resetLinkForm() {
    $("link-form").reset(); $("link-id").value = ""; $("link-slug").disabled = false;
    $("link-form-title").textContent = t("links.new"); $("link-cancel").hidden = true;
  }

  function showShort(link) {
    $("link-created").hidden = false;
    $("short-url").textContent = link.short_url;
    $("short-qr-svg").href = link.qr_svg; $("short-qr-png").href = link.qr_png;
  }

  async function loadLinks() {
    const data = await api("GET", "/api/v1/links?limit=200");
    table($("links-table"), [
      { label: "col.slug", render: (l) => el("span", { class: "short" }, l.short_url) },
      { key: "title", label: "col.title" }, { key: "clicks", label: "col.clicks" },
      { label: "col.bio", render: (l) => l.bio ? t("yes") + " (" + l.bio_position + ")" : t("no") },
      { label: "col.disclosure", render: (l) => l.disclosure ? t("disclosure." + l.disclosure) : "" }
    ], data.links, (l) => [
      el("button", { type: "button", class: "secondary", onclick: () => { navigator.clipboard?.writeText(l.short_url); say(t("copied")); } }, t("copy")),
      el("a", { href: l.qr_svg }, "QR"),
      el("button", { type: "button", class: "changes", onclick: () => {
        $("link-id").value = l.id; $("link-target").value = l.target_url; $("link-slug").value = l.slug;
        $("link-slug").disabled = true; $("link-title").value = l.title; $("link-bio").checked = l.bio;
        $("link-position").value = l.bio_position; $("link-disclosure").value = l.disclosure || "";
        $("link-form-title").textContent = t("links.edit"); $("link-cancel").hidden = false; showShort(l);
        $("link-target").focus();
      } }, t("edit")),
      el("button", { type: "button", class: "changes danger", onclick: () => confirm(t("confirm")) &&
        change(async () => { await api("DELETE", "/api/v1/links/" + l.id); await loadLinks(); }) }, t("delete"))
    ]);
  }

  async function saveLink(event) {
    event.preventDefault();
    const id = $("link-id").value;
    const body = {
      target_url: $("link-target").value, title: $("link-title").value, bio: $("link-bio").checked,
      bio_position: Number($("link-position").value || 0), disclosure: $("link-disclosure").value || null
    };
    if (!id && $("link-slug").value) body.slug = $("link-slug").value;
    await change(async () => {
      const link = await api(id ? "PATCH" : "POST", id ? "/api/v1/links/" + id : "/api/v1/links", body);
      showShort(link); resetLinkForm(); await loadLinks();
    });
  }

  // ---- bio page ----
  async function loadProfile() {
    const p = await api("GET", "/api/v1/profile");
    $("profile-handle").value = p.handle || ""; $("profile-name").value = p.display_name || "";
    $("profile-avatar").value = p.avatar_url || ""; $("profile-language").value = p.language || "fr";
    $("bio-link").hidden = !p.handle;
    if (p.handle) {
      $("bio-url").href = $("bio-url").textContent = p.bio_url;
      $("bio-qr-svg").href = p.qr_svg; $("bio-qr-png").href = p.qr_png;
    }
  }

  async function saveProfile(event) {
    event.preventDefault();
    await change(async () => {
      await api("PUT", "/api/v1/profile", {
        handle: $("profile-handle").value, display_name: $("profile-name").value,
        avatar_url: $("profile-avatar").value || null, language: $("profile-language").value
      });
      await loadProfile();
    });
  }

  // ---- API keys and users ----
  async function loadKeys() {
    const data = await api("GET", "/api/v1/api-keys");
    table($("keys-table"), [{ key: "name", label: "col.name" }, { key: "prefix", label: "col.prefix" },
      { key: "created_at", label: "col.created" }, { key: "last_used_at", label: "col.used" }], data.api_keys,
      (k) => [el("button", { type: "button", class: "changes danger", onclick: () => confirm(t("confirm")) &&
        change(async () => { await api("DELETE", "/api/v1/api-keys/" + k.id); await loadKeys(); }) }, t("revoke"))]);
  }

  async function loadUsers() {
    const data = await api("GET", "/api/v1/users");
    table($("users-table"), [{ key: "email", label: "col.email" }, { label: "col.role", render: (u) => t("role." + u.role) },
      { key: "created_at", label: "col.created" }], data.users,
      (u) => session.user_id === u.id ? [] : [el("button", { type: "button", class: "changes danger", onclick: () => confirm(t("confirm")) &&
        change(async () => { await api("DELETE", "/api/v1/users/" + u.id); await loadUsers(); }) }, t("remove"))]);
  }

  async function start() {
    applyLanguage();
    session = await api("GET", "/api/v1/session");
    $("logout-csrf").value = session.csrf_token;
    $("whoami").textContent = session.email + " (" + t("role." + session.role).split(" (")[0] + ")";
    if (!session.can_change) { document.body.classList.add("viewer"); say(t("viewer.note")); }
    $("lang").addEventListener("change", () => { lang = $("lang").value; localStorage.setItem("ll.lang", lang); applyLanguage(); show(); });
    $("period").addEventListener("change", () => loadOverview().catch((e) => say(e.message, true)));
    $("from").addEventListener("change", () => loadOverview().catch((e) => say(e.message, true)));
    $("to").addEventListener("change", () => loadOverview().catch((e) => say(e.message, true)));
    $("link-form").addEventListener("submit", saveLink);
    $("link-cancel").addEventListener("click", resetLinkForm);
    $("copy-short").addEventListener("click", () => { navigator.clipboard?.writeText($("short-url").textContent); say(t("copied")); });
    $("profile-form").addEventListener("submit", saveProfile);
    $("key-form").addEventListener("submit", (e) => { e.preventDefault(); change(async () => {
      const k = await api("POST", "/api/v1/api-keys", { name: $("key-name").value });
      $("new-key").textContent = k.key; $("key-created").hidden = false; $("key-form").reset(); await loadKeys(); }); });
    $("user-form").addEventListener("submit", (e) => { e.preventDefault(); change(async () => {
      const u = await api("POST", "/api/v1/users", { email: $("user-email").value, role: $("user-role").value });
      $("new-password").textContent = u.password; $("user-created").hidden = false; $("user-form").reset(); await loadUsers(); }); });
    window.addEventListener("hashchange", show);
    show();
  }

  start().catch((e) => say(t("error") + ": " + e.message, true));
})();
