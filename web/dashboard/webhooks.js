// The "Webhooks" section (issue 16), for owners only: endpoints that hear about sales and link
// changes (add, edit, enable or disable, rotate the signing secret, delete, send a test ping) and
// each endpoint's delivery log (status, response code, latency, next retry; resend one).
// The server refuses webhooks to viewers; for them this file takes the menu entry and the
// section out of the page, as audit.js never builds the Activity page for them.
"use strict";
(function () {
  const { $, el, t, relabel, api, say, change, when, table, pagedTable, sections } = window.LL;
  const EVENTS = ["sale.created", "sale.updated", "link.created", "link.updated", "link.deleted", "offer.updated"];
  // How the delivery log refreshes itself while a delivery is on its way: every 2 s, at most
  // 30 times after the last action (a retry hours later is seen on the next visit).
  const REFRESH_MS = 2000, MAX_REFRESHES = 30;
  let logOf = null; // the endpoint whose delivery log is open
  let editing = null; // the endpoint being edited in the form, as it was loaded
  let refreshes = 0, refreshTimer = null;

  function statusText(w) {
    if (w.active) return w.consecutive_failures > 0
      ? t("webhooks.state.failing").replace("{n}", w.consecutive_failures) : t("webhooks.state.active");
    return t("webhooks.state.disabled." + (w.disabled_reason || "manual"));
  }

  function eventsText(w) {
    return EVENTS.every((e) => w.events.includes(e)) ? t("webhooks.events.all") : w.events.join(", ");
  }

  // The secret, once: after creation and after each rotation. Leaving the section forgets it.
  function showSecret(answer) {
    $("webhook-secret").textContent = answer.secret;
    $("webhook-secret-for").textContent = answer.url;
    $("webhook-secret-overlap").dataset.until = answer.previous_secret_expires_at || "";
    overlapNote();
    $("webhook-secret-box").hidden = false;
    $("webhook-secret-box").focus();
  }

  // Until when the previous secret still signs (after a rotation), in the current language.
  function overlapNote() {
    const until = $("webhook-secret-overlap").dataset.until;
    $("webhook-secret-overlap").hidden = !until;
    $("webhook-secret-overlap").textContent = until ? t("webhooks.secret.overlap").replace("{when}", when(until)) : "";
  }

  function hideSecret() {
    $("webhook-secret").textContent = "";
    $("webhook-secret-box").hidden = true;
  }

  async function loadWebhooks() {
    const data = await api("GET", "/api/v1/webhooks");
    overlapNote();
    table($("webhooks-table"), [
      { label: "webhooks.col.url", render: (w) => el("span", { class: "webhook-url" }, w.url,
        ...(w.description ? [el("br"), el("span", { class: "small" }, w.description)] : [])) },
      { label: "webhooks.col.events", render: eventsText },
      { label: "webhooks.col.format", render: (w) => t("webhooks.format." + w.format) },
      { label: "webhooks.col.state", render: (w) => el("span", {
        class: "badge webhook-state " + (w.active ? (w.consecutive_failures > 0 ? "failing" : "active") : "disabled") }, statusText(w)) }
    ], data.webhooks, (w) => [
      el("button", { type: "button", class: "secondary", "aria-label": t("edit") + " " + w.url,
        onclick: () => editWebhook(w) }, t("edit")),
      el("button", { type: "button", class: "secondary", "aria-label": t("webhooks.log") + " " + w.url,
        onclick: () => openLog(w) }, t("webhooks.log")),
      ...(w.active ? [el("button", { type: "button", class: "secondary", "aria-label": t("webhooks.test") + " " + w.url,
        onclick: () => change(async () => { await api("POST", "/api/v1/webhooks/" + w.id + "/test"); await openLog(w); }) }, t("webhooks.test"))] : []),
      el("button", { type: "button", class: "secondary", "aria-label": t(w.active ? "webhooks.disable" : "webhooks.enable") + " " + w.url,
        onclick: () => change(async () => {
          await api("PATCH", "/api/v1/webhooks/" + w.id, { active: !w.active });
          await loadWebhooks();
        }) }, t(w.active ? "webhooks.disable" : "webhooks.enable")),
      el("button", { type: "button", class: "secondary", "aria-label": t("webhooks.rotate") + " " + w.url,
        onclick: () => confirm(t("webhooks.rotate_confirm")) && change(async () => {
          showSecret(await api("POST", "/api/v1/webhooks/" + w.id + "/secret"));
          await loadWebhooks();
        }) }, t("webhooks.rotate")),
      el("button", { type: "button", class: "danger", "aria-label": t("delete") + " " + w.url,
        onclick: () => LL.confirmDelete("webhook", w.url) && change(async () => {
          await api("DELETE", "/api/v1/webhooks/" + w.id);
          if (logOf && logOf.id === w.id) closeLog();
          await loadWebhooks();
        }) }, t("delete"))
    ]);
    if (logOf) {
      const fresh = data.webhooks.find((w) => w.id === logOf.id);
      if (fresh) await openLog(fresh, true); else closeLog();
    }
  }

  // ---- the delivery log of one endpoint ----
  function deliveryStatus(d) {
    return el("span", { class: "badge delivery " + d.status }, t("webhooks.delivery." + d.status));
  }

  // Why it failed, or the start of the receiver's answer (the whole of it in the title), and
  // every attempt made (a resend adds to them): when, answer, latency or error.
  function details(d) {
    const text = d.error || d.response_body || "";
    const out = el("span", { class: "small" });
    if (text) out.append(el("span", { title: text }, text.length > 120 ? text.slice(0, 120) + "…" : text));
    const history = d.history || [];
    if (history.length) out.append(el("details", { class: "attempts" },
      el("summary", {}, t("webhooks.history").replace("{n}", history.length)),
      el("ol", {}, ...history.map((a) => el("li", {}, [when(a.at), a.response_code ?? "–",
        a.latency_ms === null ? "" : a.latency_ms + " ms", a.error || ""].filter((v) => v !== "").join(" · "))))));
    return out;
  }

  async function loadLog() {
    const w = logOf;
    let pending = false;
    await pagedTable($("deliveries-table"), "/api/v1/webhooks/" + w.id + "/deliveries", "deliveries", [
      { label: "webhooks.col.at", render: (d) => when(d.created_at) },
      { key: "event", label: "webhooks.col.event" },
      { label: "webhooks.col.status", render: (d) => { pending = pending || d.status === "pending"; return deliveryStatus(d); } },
      { key: "attempts", label: "webhooks.col.attempts" },
      { label: "webhooks.col.code", render: (d) => d.response_code === null ? "–" : String(d.response_code) },
      { label: "webhooks.col.latency", render: (d) => d.latency_ms === null ? "–" : d.latency_ms + " ms" },
      { label: "webhooks.col.next", render: (d) => d.status === "pending" && d.next_attempt_at ? when(d.next_attempt_at) : "" },
      { label: "webhooks.col.details", render: details }
    ], (d) => [el("button", { type: "button", class: "secondary", "aria-label": t("webhooks.resend") + " " + d.event + " #" + d.id,
      onclick: () => change(async () => {
        await api("POST", "/api/v1/webhooks/" + w.id + "/deliveries/" + d.id + "/resend");
        refreshes = 0; await loadLog();
      }) }, t("webhooks.resend"))]);
    // While something is on its way, look again shortly (as long as this log stays open).
    clearTimeout(refreshTimer);
    if (pending && refreshes++ < MAX_REFRESHES)
      refreshTimer = setTimeout(() => {
        if (logOf === w && !$("webhooks").hidden) loadLog().catch((e) => say(t("error") + ": " + e.message, true));
      }, REFRESH_MS);
  }

  async function openLog(w, keepPlace) {
    logOf = w;
    if (!keepPlace) refreshes = 0;
    $("webhook-log-title").textContent = t("webhooks.log.title").replace("{url}", w.url);
    $("webhook-log").hidden = false;
    await loadLog();
    $("webhook-log").setAttribute("data-loaded", "");
  }

  function closeLog() {
    logOf = null;
    clearTimeout(refreshTimer);
    $("webhook-log").hidden = true;
    $("webhook-log").removeAttribute("data-loaded");
  }

  // The form edits an endpoint: its URL, events, format, description and state; the secret
  // is not shown again (a new one comes only from "New secret").
  function editWebhook(w) {
    editing = w;
    $("webhook-url").value = w.url;
    $("webhook-format").value = w.format;
    for (const e of EVENTS) $("webhook-event-" + e.replace(".", "-")).checked = w.events.includes(e);
    $("webhook-description").value = w.description || "";
    $("webhook-active").checked = w.active;
    relabel($("webhook-form-title"), "webhooks.edit");
    relabel($("webhook-save"), "save");
    $("webhook-cancel").hidden = false;
    $("webhook-form").scrollIntoView({ block: "nearest" });
    $("webhook-url").focus();
  }

  function resetForm() {
    editing = null;
    $("webhook-form").reset();
    relabel($("webhook-form-title"), "webhooks.new");
    relabel($("webhook-save"), "webhooks.add");
    $("webhook-cancel").hidden = true;
  }

  async function saveWebhook(event) {
    event.preventDefault();
    const events = EVENTS.filter((e) => $("webhook-event-" + e.replace(".", "-")).checked);
    await change(async () => {
      if (!events.length) throw new Error(t("webhooks.bad.events"));
      const fields = {
        url: $("webhook-url").value.trim(), events, format: $("webhook-format").value,
        description: $("webhook-description").value, active: $("webhook-active").checked };
      if (editing) {
        // Only what changed: turning an endpoint back on also clears its failure count, which
        // an edit of its description alone must not do.
        const before = { url: editing.url, events: EVENTS.filter((e) => editing.events.includes(e)),
          format: editing.format, description: editing.description || "", active: editing.active };
        for (const key of Object.keys(fields))
          if (JSON.stringify(fields[key]) === JSON.stringify(before[key])) delete fields[key];
        if (Object.keys(fields).length) await api("PATCH", "/api/v1/webhooks/" + editing.id, fields);
        resetForm();
      } else {
        const created = await api("POST", "/api/v1/webhooks", fields);
        resetForm();
        showSecret(created);
      }
      await loadWebhooks();
    });
  }

  // On a phone each row reads as a card: every cell carries its column's name (app.css shows
  // it before the value), set again whenever the table is redrawn or grows.
  function labelCells(node) {
    if (!node.tHead || !node.tBodies[0]) return;
    const heads = [...node.tHead.rows[0].cells].map((th) => th.textContent);
    for (const tr of node.tBodies[0].rows)
      if (tr.cells.length === heads.length) [...tr.cells].forEach((td, i) => { if (td.dataset.label !== heads[i]) td.dataset.label = heads[i]; });
  }

  LL.inits.push(() => {
    const session = LL.session();
    if (!session || session.role !== "owner") {
      $("webhooks").remove();
      document.querySelector("nav a[href='#webhooks']").remove();
      return;
    }
    document.querySelector("nav a[href='#webhooks']").hidden = false;
    $("webhook-form").addEventListener("submit", saveWebhook);
    $("webhook-cancel").addEventListener("click", resetForm);
    $("copy-webhook-secret").addEventListener("click", () => { navigator.clipboard?.writeText($("webhook-secret").textContent); say(t("copied")); });
    $("webhook-secret-hide").addEventListener("click", hideSecret);
    $("webhook-log-refresh").addEventListener("click", () => { refreshes = 0; loadLog().catch((e) => say(t("error") + ": " + e.message, true)); });
    $("webhook-log-close").addEventListener("click", closeLog);
    // A secret is never left on screen once the owner has gone elsewhere.
    window.addEventListener("hashchange", () => { if (location.hash !== "#webhooks") { hideSecret(); closeLog(); resetForm(); } });
    for (const id of ["webhooks-table", "deliveries-table"])
      new MutationObserver(() => labelCells($(id))).observe($(id), { childList: true, subtree: true });
    sections.webhooks = loadWebhooks;
  });
})();
