// Pickers of links and videos in forms, and the names tables show for them. Loading every link
// into every <select> took seconds and tens of megabytes past ~50k links: a picker now holds the
// newest PICK_PAGE items, and a search field above it asks the server (?q=, title or slug of a
// link, title or URL of a video) as the user types. The chosen item always stays in the list
// under its name, also when it is not among those shown (a code whose link is years old, or
// deleted). The names a table needs come from what the pickers loaded, and the few others are
// asked one by one (GET /api/v1/links/{id}?include_deleted=true, /api/v1/videos/{id}).
"use strict";
(function () {
  const { el, t, api } = window.LL;
  const PICK_PAGE = 50, TYPE_PAUSE_MS = 250, AT_ONCE = 4;
  // The server refuses a ?q= longer than 100 bytes of UTF-8, while the field's maxlength counts
  // characters: 60 accented letters are 120 bytes. The search is cut to whole characters first.
  const Q_BYTES = 100, utf8 = new TextEncoder();
  function capBytes(text, max) {
    if (utf8.encode(text).length <= max) return text;
    let out = "", used = 0;
    for (const ch of text) {
      used += utf8.encode(ch).length;
      if (used > max) break;
      out += ch;
    }
    return out;
  }
  const KINDS = {
    links: {
      path: "/api/v1/links", one: (id) => "/api/v1/links/" + id + "?include_deleted=true",
      label: (l) => LL.linkLabel(l) + (l.deleted_at ? " (" + t("rank.deleted") + ")" : "")
    },
    videos: { path: "/api/v1/videos", one: (id) => "/api/v1/videos/" + id, label: (v) => LL.videoLabel(v) }
  };

  // ---- what is known of each kind, by id, for one visit of a section ----
  const known = { links: new Map(), videos: new Map() };
  const asked = { links: new Map(), videos: new Map() }; // id -> its fetch still under way
  const remember = (kind, items) => { for (const i of items) known[kind].set(String(i.id), i); };
  // A section opened again shows names as they are now (a video renamed in another tab).
  function forget() { for (const kind of Object.keys(known)) known[kind].clear(); }
  const item = (kind, id) => known[kind].get(String(id));
  function label(kind, id) {
    if (id === null || id === undefined || id === "") return "";
    const i = item(kind, id);
    return i && !i.missing ? KINDS[kind].label(i) : "#" + id;
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // One item; a 404 is remembered as missing (shown as #id). A 429 waits what it says.
  async function fetchOne(kind, id) {
    for (let refused = 0; ;) {
      try { return await api("GET", KINDS[kind].one(id)); } catch (e) {
        if (e.status === 404) return { id, missing: true };
        if (e.status !== 429 || ++refused > 10) throw e;
        await pause(1000 * Math.min(Math.max(e.retryAfter, 1), 10));
      }
    }
  }

  // Makes the items of `ids` known, AT_ONCE requests at a time; one that fails stays "#id".
  async function need(kind, ids) {
    const wanted = [...new Set(ids.filter((id) => id !== null && id !== undefined && id !== "").map(String))];
    const queue = wanted.filter((id) => !known[kind].has(id) && !asked[kind].has(id)).map((id) => {
      let done;
      asked[kind].set(id, new Promise((resolve) => { done = resolve; }));
      return { id, done };
    });
    const worker = async () => {
      for (let job; (job = queue.shift());) {
        try { known[kind].set(job.id, await fetchOne(kind, job.id)); } catch { /* shown as #id */ }
        asked[kind].delete(job.id); job.done();
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, queue.length) }, worker));
    await Promise.all(wanted.map((id) => asked[kind].get(id)));
  }

  // A table column naming a row's link or video: `prepare` (LL.pagedTable calls it before
  // drawing a page or exporting) makes the names known, so the cell and the export read them.
  function nameColumn(kind, key, labelKey) {
    return { label: labelKey, render: (r) => label(kind, r[key]), prepare: (rows) => need(kind, rows.map((r) => r[key])) };
  }

  // ---- the pickers ----
  const pickers = new WeakMap();

  // Makes `select` a picker of `kind` ("links", "videos") whose empty choice is the noun's
  // "None" (an i18n key: "Aucune"/"Aucun"). Once per select; fill() loads it.
  function picker(select, kind, noun) {
    if (pickers.has(select)) return;
    const search = el("input", { type: "search", id: select.id + "-search", class: "picker-search", autocomplete: "off",
      spellcheck: "false", maxlength: "100", "aria-controls": select.id, "aria-describedby": select.id + "-hint" });
    const hint = el("p", { id: select.id + "-hint", class: "note picker-hint", "aria-live": "polite" });
    const p = { kind, noun, search, hint, loads: 0, timer: 0 };
    pickers.set(select, p);
    select.before(search);
    select.after(hint);
    const now = () => { clearTimeout(p.timer); return fill(select).catch((e) => LL.say(t("error") + ": " + e.message, true)); };
    search.addEventListener("input", () => { clearTimeout(p.timer); p.timer = setTimeout(now, TYPE_PAUSE_MS); });
    // Enter searches at once and goes to the list (it would submit the form); Down goes to the list.
    search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); now().then(() => select.focus()); }
      else if (e.key === "ArrowDown") { e.preventDefault(); select.focus(); }
    });
  }

  // Loads the picker's list for what its search field holds (the newest items when empty),
  // keeping the current choice. A load overtaken by a newer one (the user typed on) gives way.
  async function fill(select) {
    const p = pickers.get(select), mine = ++p.loads;
    p.search.placeholder = t("picker.search." + p.kind);
    p.search.setAttribute("aria-label", t("picker.search." + p.kind));
    const q = capBytes(p.search.value.trim(), Q_BYTES).trim();
    const query = new URLSearchParams({ limit: String(PICK_PAGE) });
    if (q) query.set("q", q);
    const data = await api("GET", KINDS[p.kind].path + "?" + query);
    if (mine !== p.loads) return;
    const items = data[p.kind];
    remember(p.kind, items);
    const listed = (id) => items.some((i) => String(i.id) === id);
    let keep = select.value;
    // Naming a choice the list lacks takes a request; what the user chooses meanwhile is the
    // choice kept, not the one read before it.
    while (keep && !listed(keep) && !known[p.kind].has(keep)) {
      await need(p.kind, [keep]);
      if (mine !== p.loads) return;
      if (select.value === keep) break;
      keep = select.value;
    }
    const ids = (keep && !listed(keep) ? [keep] : []).concat(items.map((i) => String(i.id)));
    select.replaceChildren(el("option", { value: "" }, LL.fmt.none(p.noun)),
      ...ids.map((id) => el("option", { value: id }, label(p.kind, id))));
    select.value = keep;
    const n = LL.fmt.count(items.length);
    p.hint.textContent = !q ? (data.next_cursor ? t("picker.newest").replace("{n}", n) : "")
      : !items.length ? t("picker.nothing").replace("{q}", q)
      : t(data.next_cursor ? "picker.found.more" : items.length === 1 ? "picker.found.1" : "picker.found").replace("{n}", n);
  }

  // Chooses `id` (or none) in a picker, adding it under its name when the list lacks it.
  function pick(select, id) {
    const value = id === null || id === undefined ? "" : String(id), p = pickers.get(select);
    if (value && ![...select.options].some((o) => o.value === value)) {
      const option = el("option", { value }, label(p.kind, value));
      if (select.options[0]) select.options[0].after(option); else select.append(option);
      if (!item(p.kind, value)) need(p.kind, [value]).then(() => { option.textContent = label(p.kind, value); });
    }
    select.value = value;
  }

  Object.assign(window.LL, { picker, fill, pick, names: { remember, forget, item, label, need, column: nameColumn } });
})();
