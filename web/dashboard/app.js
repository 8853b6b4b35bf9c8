// The dashboard: plain script, no framework. It talks to /api/v1 with the session cookie
// and sends the session's CSRF token in X-CSRF-Token on every change. This file holds the
// shared helpers (window.LL), the sections for links, the bio page, API keys and users, and
// starts everything once reports.js and money.js have registered their sections.
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

  // An element of a chart: SVG needs its namespace, and its attributes are all plain values.
  function svgNode(tag, attrs, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    $("lang").value = lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    showWho();
  }

  // Gives a node another text of the catalogue, kept when the language changes.
  function relabel(node, key) {
    node.dataset.i18n = key;
    node.textContent = t(key);
  }

  // "lea@example.com (Owner)", the role in the language shown.
  function showWho() {
    if (session) $("whoami").textContent = session.email + " (" + t("role." + session.role).split(" (")[0] + ")";
  }

  function say(message, isError) {
    const s = $("status");
    s.textContent = message || "";
    s.className = "status" + (isError ? " error" : message ? " ok" : "");
  }

  async function api(method, path, body, extraHeaders) {
    const headers = { "Accept": "application/json", ...extraHeaders };
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
      e.retryAfter = Number(res.headers.get("Retry-After")) || 0;
      throw e;
    }
    return data;
  }

  // crypto.randomUUID exists only in a secure context: a dashboard opened over plain HTTP on the
  // local network (http://192.168.1.20:8080) has getRandomValues alone.
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A form that books money (a sale, an income entry) sends one Idempotency-Key per filling of it
  // (README "Retrying a POST that books money"): a double click, or a resubmit after a network
  // error whose answer was lost, booked it twice; with the same key the server books it once and
  // answers the repeat with the first answer. Typing in the form makes it another filling; so
  // does a booking that went through (the form is then emptied for the next one).
  function bookingForm(form) {
    let key = null;
    const forget = () => { key = null; };
    form.addEventListener("input", forget);
    form.addEventListener("change", forget);
    return {
      // Taken when the form is submitted, before anything is awaited: a second click while the
      // first is on its way carries the same key.
      key: () => key || (key = newKey()),
      async post(path, body, sent) {
        for (let waited = 0; ; waited += 250) {
          try {
            const answer = await api("POST", path, body, { "Idempotency-Key": sent });
            if (key === sent) key = null;
            return answer;
          } catch (e) {
            // The same filling still being booked (the first of a double click): its answer comes
            // with the key once it is.
            if (e.status !== 409 || e.field !== "Idempotency-Key" || waited >= 15000) throw e;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      }
    };
  }

  // Runs a change and reports its outcome in the status line; true when it worked.
  async function change(work) {
    try { await work(); say(t("saved")); return true; } catch (e) { say(t("error") + ": " + e.message, true); return false; }
  }

  // ---- money: amounts are integer minor units ----
  function money(minor, currency) {
    if (minor === null || minor === undefined || !currency) return "–";
    const digits = exponent(currency);
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits })
        .format(minor / 10 ** digits);
    } catch { return (minor / 10 ** digits).toFixed(digits) + " " + currency; }
  }

  // The decimals of a currency (EUR 2, JPY 0, KWD 3) as the server counts minor units
  // (GET /api/v1/currencies): browsers' own tables give some none (HUF, IDR), which would show
  // and read their amounts 100 times too large or small. Intl only for a code the server lacks.
  let digitsOf = {};
  function exponent(currency) {
    if (Object.hasOwn(digitsOf, currency)) return digitsOf[currency];
    try { return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits; } catch { return 2; }
  }

  // "19,99" or "19.99" -> 1999 minor units, without floating point; throws naming the field.
  // A comma before exactly three digits ("1,500") is refused in every currency: in English it
  // separates thousands (1500), in French it is the decimal comma (1.5), and a dinar (KWD, 3
  // decimals) would take either silently, one of them 1000 times off. A point is always decimal.
  function toMinor(text, currency, field) {
    const refuse = (message) => { const e = new Error(message + " (" + t(field) + ")"); e.field = field; throw e; };
    const m = /^\s*(\d{1,12})(?:([.,])(\d*))?\s*$/.exec(text || "");
    const digits = exponent(currency);
    // (With fewer decimals than three, only the thousands reading is possible: say how to write it.)
    if (m && m[2] === "," && m[3].length === 3)
      refuse(t(digits >= 3 ? "bad.amount.ambiguous" : "bad.amount.grouped").replace("{text}", m[1] + "," + m[3])
        .replace("{whole}", m[1] + m[3]).replace("{point}", m[1] + "." + m[3]));
    if (!m || (m[3] || "").length > digits) refuse(t("bad.amount"));
    return Number(m[1]) * 10 ** digits + Number((m[3] || "").padEnd(digits, "0") || 0);
  }

  function toMajor(minor, currency) {
    const digits = exponent(currency);
    if (!digits) return String(minor);
    const s = String(minor).padStart(digits + 1, "0");
    return s.slice(0, -digits) + "." + s.slice(-digits);
  }

  // ---- times typed in forms ----
  // A datetime-local field holds a wall-clock time without a zone. Every time on screen is in the
  // user's chosen zone (LL.zone(), format.js), so the forms read and fill these fields in that
  // zone too, not in the browser's: a sale typed for 23:30 by a creator whose zone is Paris is
  // 23:30 in Paris, on a laptop set to Tokyo as well. A zone Intl does not know is UTC, as in
  // format.js.
  const wallFormats = new Map();
  function wallFormat(zone) {
    const key = zone || "";
    if (!wallFormats.has(key)) {
      const options = { hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" };
      try { wallFormats.set(key, new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone })); } catch { wallFormats.set(key, new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" })); }
    }
    return wallFormats.get(key);
  }
  const formZone = () => (window.LL && LL.zone ? LL.zone() : undefined);

  // The zone's wall clock at an instant (ms), as the ms of the same digits read as UTC.
  function wallAt(ms, zone) {
    const p = Object.fromEntries(wallFormat(zone).formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  }
  // The zone's offset from UTC at an instant, in ms (Paris in winter: 3600000).
  const offsetAt = (ms, zone) => wallAt(ms, zone) - Math.floor(ms / 1000) * 1000;

  // The instant a wall-clock time (its digits as UTC ms) names in the zone. The offset depends on
  // the instant sought: take it at the first guess, then at the instant that gives, and check
  // once more. A time the clocks skip (02:30 when spring moves 02:00 to 03:00) is read with the
  // offset before the jump, landing after it as the clocks show it (03:30); a time that happens
  // twice in autumn is one of its two instants.
  function wallToInstant(wall, zone) {
    const o1 = offsetAt(wall, zone), guess = wall - o1;
    const o2 = offsetAt(guess, zone);
    if (o1 === o2) return guess;
    const o3 = offsetAt(wall - o2, zone);
    if (o2 === o3) return wall - o2;
    return wall - Math.min(o2, o3);
  }

  // "2026-12-31T23:30" in the user's zone to the instant, "2026-12-31T22:30:00Z" for Paris.
  function toIso(local) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(local || "");
    if (!m) return undefined;
    const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    if (isNaN(wall)) return undefined;
    return new Date(wallToInstant(wall, formZone())).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  // An instant to the user's zone as a datetime-local value, to the minute.
  function toLocalInput(iso) {
    const ms = iso ? Date.parse(iso) : NaN;
    return isNaN(ms) ? "" : new Date(wallAt(ms, formZone())).toISOString().slice(0, 16);
  }
  // A field that starts at "now" (issue 20): filled in the user's zone, which the sections wait
  // for, and filled again (the zone may have changed) until the user types another time.
  function startAtNow(input) {
    if (input.value && input.value !== input.dataset.now) return;
    input.value = input.dataset.now = toLocalInput(new Date().toISOString());
  }
  // Dates and times as every section writes them (format.js): the user's zone, one format.
  const when = (iso) => window.LL_FORMAT.fmt.dateTime(iso);

  // A column with only: "export" goes to the spreadsheet (export.js), not on screen.
  const onScreen = (columns) => columns.filter((c) => c.only !== "export");

  function tableRow(columns, row, actions) {
    const tr = el("tr", {}, ...onScreen(columns).map((c) => el("td", {}, c.render ? c.render(row) : String(row[c.key] ?? ""))));
    if (actions) tr.append(el("td", { class: "actions" }, ...actions(row)));
    return tr;
  }

  function table(node, columns, rows, actions) {
    node.replaceChildren();
    columns = onScreen(columns);
    const head = el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, t(c.label))));
    if (actions) head.append(el("th", { scope: "col" }, el("span", { class: "sr-only" }, t("col.actions"))));
    node.append(el("thead", {}, head));
    const body = el("tbody", {}, ...rows.map((row) => tableRow(columns, row, actions)));
    if (!rows.length) body.append(el("tr", {}, el("td", { colspan: columns.length + (actions ? 1 : 0), class: "note" }, t("empty"))));
    node.append(body);
  }

  // ---- lists, page by page ----
  // List endpoints answer newest first: at most `limit` rows under the list's name, and
  // `next_cursor`, which sent back as `cursor` asks for the older rows (null on the last page).
  const PAGE = 100, ALL_PAGE = 200;

  function pageUrl(path, limit, cursor) {
    const [base, query] = path.split("?");
    const q = new URLSearchParams(query || "");
    q.set("limit", String(limit));
    if (cursor) q.set("cursor", cursor);
    return base + "?" + q;
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Every row of a list, for <select>s, names and exports: page after page until next_cursor is
  // null. There is no cap: an export that stopped at some count would drop a creator's oldest
  // sales without a word. A long list meets the API's rate limit (20 requests a second, 100 at
  // once, per address): a 429 waits the Retry-After it gives and asks again. `progress(n)`, if
  // given, hears how many rows have come so far.
  async function allPages(path, name, progress) {
    let rows = [], cursor = null, refused = 0;
    for (;;) {
      let data;
      try {
        data = await api("GET", pageUrl(path, ALL_PAGE, cursor));
      } catch (e) {
        if (e.status !== 429 || ++refused > 30) throw e;
        await pause(1000 * Math.min(Math.max(e.retryAfter, 1), 10));
        continue;
      }
      refused = 0;
      rows = rows.concat(data[name]);
      if (progress) progress(rows.length);
      // A cursor that does not move would loop forever: a broken answer is an error, not the end.
      if (data.next_cursor && data.next_cursor === cursor) throw new Error(t("error.paging"));
      cursor = data.next_cursor;
      if (!cursor) return rows;
    }
  }

  // A list in a table, a page at a time: the newest PAGE rows, then a "Show more" button under
  // the table while the API has older ones; each click appends the next page. Another call for
  // the same table (a filter, a save, a language switch) starts over from the newest, and an
  // answer still on its way for an earlier call is dropped.
  // With `exportAs` (export.js's file word), a button above the table exports every row of the
  // list (all its pages, the same filter) with the table's columns.
  // A column's `prepare(rows)`, if any, runs before rows are drawn or exported (pickers.js:
  // the names of the links and videos they name).
  const paging = new WeakMap();
  const prepared = (columns, rows) => Promise.all(columns.filter((c) => c.prepare).map((c) => c.prepare(rows))).then(() => rows);
  async function pagedTable(node, path, name, columns, actions, exportAs) {
    const mine = {};
    paging.set(node, mine);
    const data = await api("GET", pageUrl(path, PAGE));
    await prepared(columns, data[name]);
    if (paging.get(node) !== mine) return;
    table(node, columns, data[name], actions);
    let cursor = data.next_cursor;
    const more = el("button", { type: "button", id: node.id + "-more", class: "secondary more", "data-i18n": "more", hidden: !cursor,
      onclick: async () => {
        more.disabled = true;
        try {
          const next = await api("GET", pageUrl(path, PAGE, cursor));
          await prepared(columns, next[name]);
          if (paging.get(node) !== mine) return;
          node.tBodies[0].append(...next[name].map((row) => tableRow(columns, row, actions)));
          cursor = next.next_cursor;
          more.hidden = !cursor;
        } catch (e) { say(t("error") + ": " + e.message, true); } finally { more.disabled = false; }
      } }, t("more"));
    const old = $(more.id);
    if (old) old.replaceWith(more); else (node.closest(".scroll") || node).after(more);
    if (exportAs) window.LL_EXPORT.attach(node, exportAs, async () => window.LL_EXPORT.sheet(columns,
      await prepared(columns, await allPages(path, name, (n) => say(t("export.progress").replace("{n}", window.LL_FORMAT.fmt.count(n)))))));
  }

  // Fills a <select> with "none" (when optional: the noun's i18n key, for "Aucune"/"Aucun")
  // and the given items; keeps the choice.
  function options(select, items, label, optional) {
    const keep = select.value;
    const none = typeof optional === "string" ? window.LL_FORMAT.fmt.none(optional) : t("none");
    select.replaceChildren(...(optional ? [el("option", { value: "" }, none)] : []),
      ...items.map((i) => el("option", { value: String(i.id) }, label(i))));
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }

  function copyButton(text) {
    return el("button", { type: "button", class: "secondary", onclick: () => { navigator.clipboard?.writeText(text()); say(t("copied")); } }, t("copy"));
  }

  // Offers, shared by several sections' selects, fetched whole per visit: a creator has a few
  // dozen. Links and videos can be tens of thousands: their selects are pickers (pickers.js).
  const lists = {
    offers: () => allPages("/api/v1/offers", "offers")
  };
  const videoLabel = (v) => v.title || v.url || (v.platform + " " + (v.posted_at || "").slice(0, 10));
  const linkLabel = (l) => l.title ? l.title + " (/" + l.slug + ")" : "/" + l.slug;

  // Sections register a loader under their id; show() calls it when the section opens.
  const sections = {};

  // A hash names a section, and for a page of one item its id too: "#video/12".
  function show() {
    const [id, item] = (location.hash || "#overview").slice(1).split("/");
    // A page of one item, or a form of its own, keeps its list's tab marked.
    const menu = { video: "videos", link: "links", "new-video": "videos" }[id] || id;
    for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== id;
    for (const a of document.querySelectorAll("nav a")) a.setAttribute("aria-current", a.hash === "#" + menu ? "page" : "false");
    $("period-bar").hidden = !["overview", "rankings", "audience", "videos", "video", "link"].includes(id);
    const load = sections[id], section = $(id);
    LL.names.forget();
    // data-loaded marks a section whose data has arrived (what tests and assistive tech can wait for).
    section?.removeAttribute("data-loaded");
    if (load) section?.setAttribute("aria-busy", "true");
    // Every section's dates are in the user's zone: known before any of them draws.
    const zoneKnown = LL.zoneKnown ? LL.zoneKnown() : Promise.resolve();
    if (load) zoneKnown.then(() => load(item)).then(() => section.setAttribute("data-loaded", ""), (e) => say(t("error") + ": " + e.message, true))
      .finally(() => section.removeAttribute("aria-busy"));
  }

  // ---- links ----
  function resetLinkForm() {
    $("link-form").reset(); $("link-id").value = ""; $("link-slug").disabled = false;
    $("link-form-title").textContent = t("links.new"); $("link-cancel").hidden = true;
    $("link-rules").replaceChildren();
    LL.fill($("link-video")).catch((e) => say(t("error") + ": " + e.message, true));
  }

  // ---- smart redirects: rules, validity, forwarding, escape (issue 14) ----
  const RULE_LISTS = ["device", "os", "in_app", "country", "language", "query"];
  const fromLocalInput = (value) => toIso(value) || null;
  const splitList = (text) => text.split(",").map((v) => v.trim()).filter((v) => v);

  function ruleRow(rule) {
    const when = (rule && rule.if) || {};
    const li = el("li", { class: "rule" });
    for (const name of RULE_LISTS) {
      const id = "rule-" + name + "-" + Math.random().toString(36).slice(2);
      li.append(el("label", { for: id }, t("smart.cond." + name)),
        el("input", { id, class: "rule-" + name, value: (when[name] || []).join(", ") }));
    }
    for (const name of ["after", "before"]) {
      const id = "rule-" + name + "-" + Math.random().toString(36).slice(2);
      li.append(el("label", { for: id }, t("smart.cond." + name)),
        el("input", { id, class: "rule-" + name, type: "datetime-local", value: toLocalInput(when[name]) }));
    }
    const targetId = "rule-target-" + Math.random().toString(36).slice(2);
    li.append(el("label", { for: targetId }, t("smart.rule.target")),
      el("input", { id: targetId, class: "rule-target", type: "url", required: true, value: (rule && rule.target_url) || "" }));
    li.append(el("div", { class: "row" },
      el("button", { type: "button", class: "secondary rule-up", onclick: () => li.previousElementSibling && li.previousElementSibling.before(li) }, t("smart.rule.up")),
      el("button", { type: "button", class: "secondary rule-down", onclick: () => li.nextElementSibling && li.nextElementSibling.after(li) }, t("smart.rule.down")),
      el("button", { type: "button", class: "secondary rule-remove", onclick: () => li.remove() }, t("smart.rule.remove"))));
    return li;
  }

  function readRules() {
    return [...$("link-rules").children].map((li) => {
      const when = {};
      for (const name of RULE_LISTS) {
        const values = splitList(li.querySelector(".rule-" + name).value);
        if (values.length) when[name] = values;
      }
      for (const name of ["after", "before"]) {
        const at = fromLocalInput(li.querySelector(".rule-" + name).value);
        if (at) when[name] = at;
      }
      return { if: when, target_url: li.querySelector(".rule-target").value };
    });
  }

  function showSmart(l) {
    $("link-forward").checked = l.forward_query !== false;
    $("link-escape").value = l.open_in_browser || "off";
    $("link-valid-from").value = toLocalInput(l.valid_from);
    $("link-valid-until").value = toLocalInput(l.valid_until);
    $("link-max-clicks").value = l.max_clicks || "";
    $("link-expired").value = l.expired_url || "";
    $("link-rules").replaceChildren(...(l.rules || []).map(ruleRow));
  }

  function smartBody() {
    return {
      forward_query: $("link-forward").checked, open_in_browser: $("link-escape").value,
      valid_from: fromLocalInput($("link-valid-from").value), valid_until: fromLocalInput($("link-valid-until").value),
      max_clicks: $("link-max-clicks").value ? Number($("link-max-clicks").value) : null,
      expired_url: $("link-expired").value || null, rules: readRules()
    };
  }

  // What a link uses, at a glance in the table.
  function smartBadges(l) {
    const badges = [];
    if (l.rules && l.rules.length) badges.push(l.rules.length + " " + t("smart.badge.rules"));
    if (l.forward_query) badges.push(t("smart.badge.query"));
    if (l.open_in_browser === "auto") badges.push(t("smart.badge.escape"));
    if (l.valid_from) badges.push(t("smart.badge.from") + " " + when(l.valid_from));
    if (l.valid_until) badges.push(t("smart.badge.until") + " " + when(l.valid_until));
    if (l.max_clicks) badges.push(t("smart.badge.max") + " " + window.LL_FORMAT.fmt.count(l.max_clicks));
    return el("span", { class: "smart-badges" }, ...badges.map((b) => el("span", { class: "badge" }, b)));
  }

  async function applyStorefronts() {
    const id = $("link-id").value;
    if (!id) { say(t("smart.store.save_first"), true); return; }
    const storefronts = splitList($("store-tags").value).map((pair) => {
      const [country, tag] = pair.split("=").map((v) => (v || "").trim());
      return { country, tag };
    });
    await change(async () => {
      const link = await api("POST", "/api/v1/links/" + id + "/storefronts",
        { product_id: $("store-product").value.trim(), storefronts });
      $("link-rules").replaceChildren(...link.rules.map(ruleRow));
      await loadLinks();
    });
  }

  function showShort(link) {
    $("link-created").hidden = false;
    $("short-url").textContent = link.short_url;
    $("short-qr-svg").href = link.qr_svg; $("short-qr-png").href = link.qr_png;
  }

  async function loadLinks() {
    const [offers] = await Promise.all([lists.offers(), LL.fill($("link-video"))]);
    options($("link-offer"), offers, (o) => o.name, "col.offer");
    const { fmt } = window.LL_FORMAT, cell = window.LL_EXPORT.cell;
    await pagedTable($("links-table"), "/api/v1/links", "links", [
      { label: "col.slug", render: (l) => el("span", { class: "short" }, l.short_url), export: (l) => l.short_url },
      { label: "col.title", render: (l) => el("a", { href: "#link/" + l.id, class: "link-page" }, l.title || "/" + l.slug), export: (l) => l.title },
      { label: "col.clicks", render: (l) => fmt.count(l.clicks), export: (l) => cell.count(l.clicks) },
      LL.names.column("videos", "video_id", "col.video"),
      { label: "col.bio", render: (l) => l.bio ? t("yes") + " (" + l.bio_position + ")" : t("no") },
      { label: "col.disclosure", render: (l) => l.disclosure ? t("disclosure." + l.disclosure) : "" },
      { label: "col.smart", render: smartBadges, export: (l) => [...smartBadges(l).children].map((b) => b.textContent).join(", ") },
      { label: "links.target", only: "export", export: (l) => l.target_url },
      { label: "col.created_on", only: "export", export: (l) => cell.dateTime(l.created_at) }
    ], (l) => [
      copyButton(() => l.short_url),
      el("a", { href: l.qr_svg }, "QR"),
      el("button", { type: "button", class: "changes", onclick: () => {
        $("link-id").value = l.id; $("link-target").value = l.target_url; $("link-slug").value = l.slug;
        $("link-slug").disabled = true; $("link-title").value = l.title; $("link-bio").checked = l.bio;
        $("link-position").value = l.bio_position; $("link-disclosure").value = l.disclosure || "";
        LL.pick($("link-video"), l.video_id); $("link-offer").value = l.offer_id ? String(l.offer_id) : "";
        $("link-form-title").textContent = t("links.edit"); $("link-cancel").hidden = false; showShort(l);
        showSmart(l);
        $("link-target").focus();
      } }, t("edit")),
      el("button", { type: "button", class: "changes danger", onclick: () => window.LL_FORMAT.confirmDelete("link", l.slug) &&
        change(async () => { await api("DELETE", "/api/v1/links/" + l.id); await loadLinks(); }) }, t("delete"))
    ], "links");
  }

  async function saveLink(event) {
    event.preventDefault();
    const id = $("link-id").value;
    const body = {
      target_url: $("link-target").value, title: $("link-title").value, bio: $("link-bio").checked,
      bio_position: Number($("link-position").value || 0), disclosure: $("link-disclosure").value || null,
      video_id: $("link-video").value ? Number($("link-video").value) : null,
      offer_id: $("link-offer").value ? Number($("link-offer").value) : null,
      ...smartBody()
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
    // A page taken down keeps its profile: the form shows it, and saving puts the page back.
    const live = p.published; // false too when there is no profile
    relabel($("bio-no-handle"), p.handle && !live ? "bio.taken_down" : "bio.no_handle");
    $("bio-link").hidden = !live;
    if (live) {
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
      { label: "col.created", render: (k) => when(k.created_at) }, { label: "col.used", render: (k) => when(k.last_used_at) }], data.api_keys,
      (k) => [el("button", { type: "button", class: "changes danger", onclick: () => window.LL_FORMAT.confirmDelete("api_key", k.name) &&
        change(async () => { await api("DELETE", "/api/v1/api-keys/" + k.id); await loadKeys(); }) }, t("revoke"))]);
  }

  async function loadUsers() {
    const data = await api("GET", "/api/v1/users");
    table($("users-table"), [{ key: "email", label: "col.email" }, { label: "col.role", render: (u) => t("role." + u.role) },
      { label: "col.created", render: (u) => when(u.created_at) }], data.users,
      (u) => session.user_id === u.id ? [] : [el("button", { type: "button", class: "changes danger", onclick: () => window.LL_FORMAT.confirmDelete("user", u.email) &&
        change(async () => { await api("DELETE", "/api/v1/users/" + u.id); await loadUsers(); }) }, t("remove"))]);
  }

  Object.assign(sections, { links: loadLinks, bio: loadProfile, keys: loadKeys, users: loadUsers });

  async function start() {
    applyLanguage();
    session = await api("GET", "/api/v1/session");
    // An older node (a rolling upgrade) has no such route: Intl's digits then, as before.
    digitsOf = (await api("GET", "/api/v1/currencies").catch(() => ({}))).currencies || {};
    $("logout-csrf").value = session.csrf_token;
    showWho();
    if (!session.can_change) { document.body.classList.add("viewer"); say(t("viewer.note")); }
    $("lang").addEventListener("change", () => { lang = $("lang").value; localStorage.setItem("ll.lang", lang); applyLanguage(); show(); });
    for (const id of ["period", "from", "to"]) $(id).addEventListener("change", () => { $("custom-range").hidden = $("period").value !== "custom"; show(); });
    LL.picker($("link-video"), "videos", "col.video");
    $("link-form").addEventListener("submit", saveLink);
    $("link-cancel").addEventListener("click", resetLinkForm);
    $("rule-add").addEventListener("click", () => $("link-rules").append(ruleRow(null)));
    $("store-apply").addEventListener("click", applyStorefronts);
    $("copy-short").addEventListener("click", () => { navigator.clipboard?.writeText($("short-url").textContent); say(t("copied")); });
    $("profile-form").addEventListener("submit", saveProfile);
    $("bio-take-down").addEventListener("click", () => window.LL_FORMAT.confirmDelete("profile", "@" + $("profile-handle").value) &&
      change(async () => {
        // Already down (from another tab): show it as it is.
        await api("DELETE", "/api/v1/profile").catch((e) => { if (e.status !== 404) throw e; });
        await loadProfile();
      }));
    $("key-form").addEventListener("submit", (e) => { e.preventDefault(); change(async () => {
      const k = await api("POST", "/api/v1/api-keys", { name: $("key-name").value });
      $("new-key").textContent = k.key; $("key-created").hidden = false; $("key-form").reset(); await loadKeys(); }); });
    $("user-form").addEventListener("submit", (e) => { e.preventDefault(); change(async () => {
      const u = await api("POST", "/api/v1/users", { email: $("user-email").value, role: $("user-role").value });
      $("new-password").textContent = u.password; $("user-created").hidden = false; $("user-form").reset(); await loadUsers(); }); });
    for (const init of LL.inits) init();
    window.addEventListener("hashchange", show);
    show();
  }

  window.LL = {
    $, el, svgNode, t, relabel, api, bookingForm, say, change, money, exponent, toMinor, toMajor, toIso, toLocalInput, startAtNow, when, table, pagedTable, options,
    copyButton, lists, videoLabel, linkLabel, sections, inits: [],
    lang: () => lang, session: () => session,
    // format.js and export.js (loaded before this file): the one way to show and export values.
    fmt: window.LL_FORMAT.fmt, confirmDelete: window.LL_FORMAT.confirmDelete, confirmReject: window.LL_FORMAT.confirmReject,
    cell: window.LL_EXPORT.cell, exports: window.LL_EXPORT, allPages
  };
  // reports.js and money.js run after this file (all are deferred) and before this event.
  document.addEventListener("DOMContentLoaded", () => start().catch((e) => say(t("error") + ": " + e.message, true)));
})();
