// The "Activity" page: the audit log (who changed what, when, from where), for owners only.
// Kept apart from app.js: it adds its own menu entry, section and words, and app.js's
// section switching (main > section, by location.hash) shows and hides it like the others.
"use strict";
(function () {
  const WORDS = {
    en: {
      "nav.activity": "Activity", "activity.title": "Activity",
      "activity.note": "Every change made through the dashboard, the API or the command line.",
      "activity.at": "When", "activity.who": "Who", "activity.action": "Action",
      "activity.target": "Item", "activity.summary": "Details", "activity.ip": "Address",
      "activity.more": "Older entries", "activity.empty": "No changes recorded yet.",
      "activity.kind.user": "user", "activity.kind.api_key": "API key", "activity.kind.cli": "command line",
      "activity.kind.postback": "postback", "activity.kind.webhook": "shop webhook", "activity.kind.system": "automatic"
    },
    fr: {
      "nav.activity": "Activité", "activity.title": "Activité",
      "activity.note": "Chaque modification faite depuis le tableau de bord, l'API ou la ligne de commande.",
      "activity.at": "Quand", "activity.who": "Qui", "activity.action": "Action",
      "activity.target": "Élément", "activity.summary": "Détails", "activity.ip": "Adresse",
      "activity.more": "Entrées plus anciennes", "activity.empty": "Aucune modification enregistrée.",
      "activity.kind.user": "utilisateur", "activity.kind.api_key": "clé d'API", "activity.kind.cli": "ligne de commande",
      "activity.kind.postback": "postback", "activity.kind.webhook": "webhook de boutique", "activity.kind.system": "automatique"
    }
  };
  const TEXT = window.LL_TEXT;
  for (const lang of Object.keys(WORDS)) Object.assign(TEXT[lang] = TEXT[lang] || {}, WORDS[lang]);

  const $ = (id) => document.getElementById(id);
  const lang = () => ($("lang") && $("lang").value) || "en";
  const t = (key) => (TEXT[lang()] && TEXT[lang()][key]) || TEXT.en[key] || key;
  let entries = [];
  let nextBefore = null;

  function node(tag, attrs, text) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function render() {
    const table = $("activity-table");
    table.replaceChildren();
    const head = node("tr");
    for (const key of ["at", "who", "action", "target", "summary", "ip"]) head.append(node("th", { scope: "col" }, t("activity." + key)));
    const thead = node("thead");
    thead.append(head);
    table.append(thead);
    const body = node("tbody");
    for (const e of entries) {
      const row = node("tr");
      const who = e.actor_name + " (" + t("activity.kind." + e.actor_kind) + (e.actor_id ? " #" + e.actor_id : "") + ")";
      // Dates and actions as the rest of the dashboard shows them (format.js); the action's
      // code ("link.create") stays in data-action and the tooltip.
      const fmt = window.LL.fmt;
      for (const text of [fmt.dateTime(e.at), who, fmt.value("action", e.action), e.target_id ?? "", e.summary, e.ip ?? ""])
        row.append(node("td", {}, String(text)));
      row.cells[2].dataset.action = e.action;
      row.cells[2].title = e.action;
      body.append(row);
    }
    table.append(body);
    $("activity-empty").hidden = entries.length > 0;
    $("activity-more").hidden = nextBefore === null;
  }

  async function load(more) {
    const query = "?limit=50" + (more && nextBefore !== null ? "&before=" + nextBefore : "");
    const res = await fetch("/api/v1/audit-log" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (!res.ok) return;
    const data = await res.json();
    entries = more ? entries.concat(data.entries) : data.entries;
    nextBefore = data.next_before;
    render();
  }

  function build() {
    // The entry goes in the header's "More" menu, after the other sections.
    const link = node("a", { href: "#activity", "data-i18n": "nav.activity" }, t("nav.activity"));
    const item = node("li");
    item.append(link);
    $("more-links").append(item);
    const section = node("section", { id: "activity", class: "panel" });
    section.hidden = true;
    section.append(node("h1", { "data-i18n": "activity.title" }, t("activity.title")),
      node("p", { class: "note", "data-i18n": "activity.note" }, t("activity.note")));
    const scroll = node("div", { class: "scroll" });
    scroll.append(node("table", { id: "activity-table", class: "cards" }));
    const empty = node("p", { id: "activity-empty", class: "note", "data-i18n": "activity.empty" }, t("activity.empty"));
    empty.hidden = true;
    const more = node("button", { type: "button", id: "activity-more", class: "secondary", "data-i18n": "activity.more" }, t("activity.more"));
    more.hidden = true;
    more.addEventListener("click", () => load(true));
    section.append(scroll, empty, more);
    document.querySelector("main").append(section);
  }

  function showIfCurrent() {
    const current = location.hash === "#activity";
    $("activity").hidden = !current;
    if (current) load(false);
  }

  async function start() {
    const res = await fetch("/api/v1/session", { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (!res.ok) return;
    const session = await res.json();
    // The server refuses the log to viewers; the menu does not offer it to them either.
    if (session.role !== "owner") return;
    build();
    window.addEventListener("hashchange", showIfCurrent);
    // Drawn again once app.js has switched the language, which it marks on <html lang>: on the
    // select's change event the two files' listeners run in the order they were added, which
    // their startup fetches leave to chance, and drawn first the actions kept the old words.
    new MutationObserver(() => { if (!$("activity").hidden) render(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    showIfCurrent();
  }

  start().catch(() => {});
})();
