// The dashboard's money sections: offers (with the postback URL and webhook secret shown once),
// videos, promo codes, sales (conversions: list by status, entry by hand, status change) and
// other income. Owners change; viewers see the same lists without the forms and buttons.
"use strict";
(function () {
  const { $, el, t, api, say, change, money, toMinor, toMajor, toIso, toLocalInput, startAtNow, when, pagedTable, options,
    lists, sections } = window.LL;
  const canChange = () => LL.session() && LL.session().can_change;
  const { fmt, cell } = window.LL;

  // ---- offers ----
  function commissionText(o) {
    const c = o.commission;
    if (c.type === "percent") return fmt.percent(c.rate_bps / 10000);
    if (c.type === "fixed") return money(c.amount_minor, o.currency);
    return t("commission.reported");
  }

  function offerType() {
    const type = $("offer-type").value;
    $("offer-rate-row").hidden = type !== "percent";
    $("offer-fixed-row").hidden = type !== "fixed";
  }

  function resetOfferForm() {
    $("offer-form").reset(); $("offer-id").value = ""; $("offer-currency").disabled = false;
    $("offer-active-row").hidden = true; $("offer-form-title").textContent = t("offers.new"); $("offer-cancel").hidden = true;
    offerType();
  }

  function showSecrets(answer) {
    $("offer-secrets").hidden = false;
    if (answer.postback_url) $("offer-postback").textContent = answer.postback_url;
    if (answer.webhook_secret) $("offer-secret").textContent = answer.webhook_secret;
  }

  // Rotation makes a new secret and stops the old one at once: confirm first.
  function rotate(offer, what) {
    return el("button", { type: "button", class: "changes secondary", onclick: () => confirm(t("offers.rotate_confirm")) && change(async () => {
      const answer = await api("POST", "/api/v1/offers/" + offer.id + "/" + what);
      $("offer-postback").textContent = ""; $("offer-secret").textContent = "";
      showSecrets(answer);
    }) }, t(what === "postback-token" ? "offers.rotate_token" : "offers.rotate_secret"));
  }

  async function loadOffers() {
    await pagedTable($("offers-table"), "/api/v1/offers", "offers", [
      { key: "name", label: "col.name" }, { label: "col.commission", render: commissionText, export: false },
      { label: "col.commission_type", only: "export", export: (o) => t("commission." + o.commission.type) },
      { label: "col.rate", only: "export", export: (o) => o.commission.type === "percent" ? cell.percent(o.commission.rate_bps / 10000) : "" },
      { label: "col.fixed", only: "export", export: (o) => o.commission.type === "fixed" ? cell.money(o.commission.amount_minor, o.currency) : "" },
      { key: "currency", label: "col.currency" },
      { label: "col.window", render: (o) => fmt.count(o.attribution_window_days), export: (o) => cell.count(o.attribution_window_days) },
      { label: "col.active", render: (o) => o.active ? t("yes") : t("no") },
      { label: "col.webhooks", export: false,
        render: (o) => el("span", { class: "small" }, "Shopify: " + o.webhook_urls.shopify, el("br"), "WooCommerce: " + o.webhook_urls.woocommerce) }
    ], (o) => [
      el("button", { type: "button", class: "changes", onclick: () => {
        $("offer-id").value = o.id; $("offer-name").value = o.name; $("offer-currency").value = o.currency;
        $("offer-currency").disabled = true; $("offer-type").value = o.commission.type;
        $("offer-rate").value = o.commission.rate_bps !== undefined ? String(o.commission.rate_bps / 100) : "";
        $("offer-fixed").value = o.commission.amount_minor !== undefined ? toMajor(o.commission.amount_minor, o.currency) : "";
        $("offer-window").value = o.attribution_window_days; $("offer-active").checked = o.active;
        $("offer-active-row").hidden = false; $("offer-form-title").textContent = t("offers.edit"); $("offer-cancel").hidden = false;
        offerType(); $("offer-name").focus();
      } }, t("edit")),
      rotate(o, "postback-token"), rotate(o, "webhook-secret")
    ], "offers");
  }

  function readCommission(currency) {
    const type = $("offer-type").value;
    if (type === "percent") {
      const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*$/.exec($("offer-rate").value);
      const bps = m ? Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0") || 0) : NaN;
      if (!(bps >= 0 && bps <= 10000)) throw new Error(t("bad.rate"));
      return { type, rate_bps: bps };
    }
    if (type === "fixed") return { type, amount_minor: toMinor($("offer-fixed").value, currency, "offers.fixed") };
    return { type };
  }

  async function saveOffer(event) {
    event.preventDefault();
    const id = $("offer-id").value;
    await change(async () => {
      const currency = $("offer-currency").value.toUpperCase();
      const body = { name: $("offer-name").value, commission: readCommission(currency),
        attribution_window_days: Number($("offer-window").value || 30) };
      if (id) body.active = $("offer-active").checked; else body.currency = currency;
      const answer = await api(id ? "PATCH" : "POST", id ? "/api/v1/offers/" + id : "/api/v1/offers", body);
      if (!id) showSecrets(answer);
      resetOfferForm(); await loadOffers();
    });
  }

  // ---- videos ----
  // A new video is posted now unless the creator says otherwise (issue 20): the field starts
  // at the current minute, and an emptied one means now too.
  const nowLocal = () => toLocalInput(new Date().toISOString());
  function resetVideoForm() {
    $("video-form").reset(); $("video-id").value = ""; startAtNow($("video-posted"));
    $("video-form-title").textContent = t("videos.new"); $("video-cancel").hidden = true;
  }

  async function loadVideos() {
    if (!$("video-id").value) startAtNow($("video-posted"));
    await pagedTable($("videos-table"), "/api/v1/videos", "videos", [
      // The title opens the video's page (views, clicks and money day by day); the link, the post.
      { label: "col.title", render: (v) => el("span", {}, el("a", { href: "#video/" + v.id, class: "video-page" }, v.title || v.url || "#" + v.id),
        ...(v.url ? [" ", el("a", { href: v.url, rel: "noreferrer", "aria-label": t("video.open") + ": " + (v.title || v.url) }, "↗")] : [])),
        export: (v) => v.title || v.url || "#" + v.id },
      { label: "col.platform", render: (v) => fmt.value("platform", v.platform) },
      { label: "col.posted", render: (v) => when(v.posted_at), export: (v) => cell.dateTime(v.posted_at) },
      { label: "videos.url", only: "export", export: (v) => v.url || "" }
    ], (v) => [el("button", { type: "button", class: "changes", onclick: () => {
      $("video-id").value = v.id; $("video-title").value = v.title; $("video-url").value = v.url;
      $("video-platform").value = v.platform; $("video-posted").value = toLocalInput(v.posted_at);
      $("video-form-title").textContent = t("videos.edit"); $("video-cancel").hidden = false; $("video-title").focus();
    } }, t("edit"))], "videos");
  }

  async function saveVideo(event) {
    event.preventDefault();
    const id = $("video-id").value;
    const body = { title: $("video-title").value, url: $("video-url").value, platform: $("video-platform").value,
      posted_at: toIso($("video-posted").value) || (id ? undefined : toIso(nowLocal())) };
    await change(async () => {
      await api(id ? "PATCH" : "POST", id ? "/api/v1/videos/" + id : "/api/v1/videos", body);
      resetVideoForm(); await loadVideos();
    });
  }

  // ---- promo codes ----
  // The optional fields of the code form as the user sees them, and as they were when an edit began.
  const codeFields = () => ({ video_id: $("code-video").value, link_id: $("code-link").value,
    valid_from: $("code-from").value, valid_until: $("code-until").value });
  let editedFields = null;

  function resetCodeForm() {
    $("code-form").reset(); $("code-id").value = ""; editedFields = null; $("code-code").disabled = false; $("code-offer").disabled = false;
    $("code-active-row").hidden = true; $("code-form-title").textContent = t("codes.new"); $("code-cancel").hidden = true;
    Promise.all([LL.fill($("code-video")), LL.fill($("code-link"))]).catch((e) => say(t("error") + ": " + e.message, true));
  }

  // A code's dates are whole days of the user's zone (the zone every date is shown in). The API
  // takes instants and checks valid_until exclusively (a sale at valid_until is refused): "valid
  // until 31 Dec" is sent as 1 Jan 00:00 in the zone, so the code works through the whole of
  // 31 Dec there, and a stored valid_until is shown as the last day it works on (the day of the
  // millisecond before it). "Valid from" is the day's first instant.
  const nextDay = (day) => new Date(Date.parse(day + "T00:00:00Z") + 86400000).toISOString().slice(0, 10);
  const startOf = (day) => day ? toIso(day + "T00:00") : undefined;
  const endOf = (day) => day ? toIso(nextDay(day) + "T00:00") : undefined;
  const fromDay = (iso) => toLocalInput(iso).slice(0, 10);
  const untilDay = (iso) => iso ? toLocalInput(new Date(Date.parse(iso) - 1).toISOString()).slice(0, 10) : "";

  // The offer of a code follows what it is given with (issue 20): the chosen link's offer, or
  // for a video, the offer of its newest link that has one among the links the link picker has
  // loaded (the newest ones, and those searched). Nothing is pre-selected otherwise: the first
  // offer of the list would be an unrelated guess.
  function offerFromChoice() {
    if ($("code-id").value) return;
    const loaded = [...$("code-link").options].map((o) => LL.names.item("links", o.value)).filter(Boolean);
    const link = LL.names.item("links", $("code-link").value) ||
      (!$("code-link").value && $("code-video").value ?
        loaded.filter((l) => String(l.video_id) === $("code-video").value && l.offer_id).sort((a, b) => b.id - a.id)[0] : null);
    if (link && link.offer_id && [...$("code-offer").options].some((o) => o.value === String(link.offer_id)))
      $("code-offer").value = String(link.offer_id);
  }

  async function loadCodes() {
    const [offers] = await Promise.all([lists.offers(), LL.fill($("code-video")), LL.fill($("code-link"))]);
    options($("code-offer"), offers, (o) => o.name, true);
    $("code-offer").options[0].textContent = t("codes.pick_offer");
    const offerName = Object.fromEntries(offers.map((o) => [o.id, o.name]));
    await pagedTable($("codes-table"), "/api/v1/promo-codes", "promo_codes", [
      { key: "code", label: "col.code" }, { label: "col.offer", render: (c) => offerName[c.offer_id] || "#" + c.offer_id },
      LL.names.column("videos", "video_id", "col.video"), LL.names.column("links", "link_id", "col.link"),
      { label: "col.valid", render: (c) => [fromDay(c.valid_from), untilDay(c.valid_until)].filter(Boolean).map(fmt.day).join(" → "), export: false },
      { label: "col.valid_from", only: "export", export: (c) => c.valid_from ? cell.day(fromDay(c.valid_from)) : "" },
      { label: "col.valid_until", only: "export", export: (c) => c.valid_until ? cell.day(untilDay(c.valid_until)) : "" },
      { label: "col.active", render: (c) => c.active ? t("yes") : t("no") }
    ], (c) => [el("button", { type: "button", class: "changes", onclick: () => {
      $("code-id").value = c.id; $("code-code").value = c.code; $("code-code").disabled = true;
      $("code-offer").value = String(c.offer_id); $("code-offer").disabled = true;
      // A deleted link or one beyond the picker's page is still the code's: it is shown by name.
      LL.pick($("code-video"), c.video_id); LL.pick($("code-link"), c.link_id);
      $("code-from").value = fromDay(c.valid_from); $("code-until").value = untilDay(c.valid_until); $("code-active").checked = c.active;
      editedFields = codeFields();
      $("code-active-row").hidden = false; $("code-form-title").textContent = t("codes.edit"); $("code-cancel").hidden = false;
      $("code-video").focus();
    } }, t("edit"))], "codes");
  }

  async function saveCode(event) {
    event.preventDefault();
    const id = $("code-id").value;
    // In an edit, an emptied field is sent as null, which clears it; a new code just leaves it out.
    const none = id ? null : undefined;
    const body = { video_id: $("code-video").value ? Number($("code-video").value) : none,
      link_id: $("code-link").value ? Number($("code-link").value) : none,
      valid_from: startOf($("code-from").value) || none, valid_until: endOf($("code-until").value) || none };
    if (id && editedFields) {
      // Only what the form changed is sent: an untouched date keeps its time of day.
      const now = codeFields();
      for (const key of Object.keys(now)) if (now[key] === editedFields[key]) delete body[key];
    }
    if (id) body.active = $("code-active").checked;
    else Object.assign(body, { code: $("code-code").value, offer_id: Number($("code-offer").value) });
    await change(async () => {
      await api(id ? "PATCH" : "POST", id ? "/api/v1/promo-codes/" + id : "/api/v1/promo-codes", JSON.parse(JSON.stringify(body)));
      resetCodeForm(); await loadCodes();
    });
  }

  // ---- sales (conversions) ----
  const STATUSES = ["pending", "approved", "rejected", "paid"];
  let conversionLoads = 0;

  async function loadConversions() {
    // A new filter starts the list over from the newest sale; a load overtaken by a newer one
    // while it fetched the offers gives way, so the table always matches the filter shown.
    const mine = ++conversionLoads;
    const q = new URLSearchParams();
    if ($("conversion-filter").value) q.set("status", $("conversion-filter").value);
    const offers = await lists.offers();
    if (mine !== conversionLoads) return;
    options($("conversion-offer"), offers.filter((o) => o.active), (o) => o.name + " (" + o.currency + ")", false);
    const offerName = Object.fromEntries(offers.map((o) => [o.id, o.name]));
    await pagedTable($("conversions-table"), "/api/v1/conversions?" + q, "conversions", [
      { label: "col.date", render: (c) => when(c.occurred_at), export: (c) => cell.dateTime(c.occurred_at) },
      { label: "col.offer", render: (c) => offerName[c.offer_id] || "#" + c.offer_id },
      { label: "col.amount", render: amountCell, export: (c) => cell.money(c.amount_minor, c.currency) },
      { label: "col.commission", render: commissionCell, export: (c) => cell.money(c.commission_minor, c.currency) },
      { label: "col.network_commission", only: "export", export: (c) => cell.money(c.network_commission_minor, c.currency) },
      { label: "col.adjusted_amount", only: "export", export: (c) => adjusted(c, "amount_minor") },
      { label: "col.adjusted_commission", only: "export", export: (c) => adjusted(c, "commission_minor") },
      { label: "col.currency", only: "export", export: (c) => c.currency },
      { label: "col.status", render: (c) => canChange() ? statusSelect(c)
        : el("span", { class: "badge " + c.status }, t("status." + c.status)), export: (c) => fmt.value("status", c.status) },
      { label: "col.source", render: (c) => fmt.value("source", c.source) },
      { label: "col.attribution", render: (c) => t("attribution." + c.attribution) + (c.code ? " (" + c.code + ")" : "") },
      { key: "txid", label: "col.txid" }, { label: "col.via", render: (c) => t("via." + c.via) }
    ], undefined, "conversions");
  }

  // A sale changed after it was paid (README "Adjustments after payment": a refund, chargeback or
  // rejection) counts at what it was paid in its own month and the change in the month it came,
  // while the list shows the sale as it stands: a line per change under the amount says when it
  // came and by how much, so the two months' figures can be told apart.
  function amountCell(c) {
    const amount = money(c.amount_minor, c.currency), changes = c.adjustments || [];
    if (!changes.length) return amount;
    const earlier = ((c.adjusted && c.adjusted.count) || changes.length) - changes.length;
    return el("span", {}, amount,
      ...(earlier > 0 ? [el("span", { class: "adjustment earlier" }, t("adjustment.earlier").replace("{count}", earlier))] : []),
      ...changes.map((a) => el("span", { class: "adjustment", "data-at": a.at }, adjustmentText(a, c.currency))));
  }
  // A difference with its sign: a clawback reads "-€60.00", a revival "+€60.00".
  const signed = (minor, currency) => (minor > 0 ? "+" : "") + money(minor, currency);
  function adjustmentText(a, currency) {
    const parts = [];
    if (a.amount_minor) parts.push(t("adjustment.sale").replace("{amount}", signed(a.amount_minor, currency)));
    if (a.commission_minor) parts.push(t("adjustment.commission").replace("{amount}", signed(a.commission_minor, currency)));
    // A status-only move back from paid changes only what is approved.
    if (!parts.length) parts.push(t("adjustment.approved").replace("{amount}", signed(a.approved_commission_minor, currency)));
    const moved = a.status_before !== a.status;
    return t(moved ? "adjustment.line.status" : "adjustment.line").replace("{date}", fmt.date(a.at)).replace("{changes}", parts.join(", "))
      .replace("{from}", fmt.value("status", a.status_before)).replace("{to}", fmt.value("status", a.status));
  }
  // The file's total of a sale's changes after payment, in units; empty for a sale never adjusted.
  // From the server's sums: the list holds the last 20 changes only.
  function adjusted(c, key) {
    const sums = c.adjusted;
    return sums && sums.count ? cell.money(sums[key], c.currency) : "";
  }

  // Our commission, and the network's own figure under it when the two differ (an offer that
  // computes its own commission while the network's statement says another), so the gap shows
  // before the statement is paid.
  function commissionCell(c) {
    const ours = money(c.commission_minor, c.currency), theirs = c.network_commission_minor;
    if (theirs === null || theirs === undefined || theirs === c.commission_minor) return ours;
    return el("span", {}, ours, el("span", { class: "network-differs", title: t("network.differs.title") },
      t("network.differs").replace("{amount}", money(theirs, c.currency))));
  }

  // A sale's status, changed in place; refusing one (it stops counting) is confirmed first,
  // naming the sale, and a dismissed confirmation puts the select back.
  function statusSelect(c) {
    return el("select", { "aria-label": t("col.status") + " " + c.txid, "data-conversion": c.id,
      onchange: (e) => {
        if (e.target.value === "rejected" && !LL.confirmReject(c.txid + " (" + money(c.amount_minor, c.currency) + ")")) {
          e.target.value = c.status;
          return;
        }
        change(async () => { await api("PATCH", "/api/v1/conversions/" + c.id, { status: e.target.value }); await loadConversions(); });
      } },
      ...STATUSES.map((s) => el("option", { value: s, selected: s === c.status }, t("status." + s))));
  }

  let saleForm, incomeForm;

  async function saveConversion(event) {
    event.preventDefault();
    const key = saleForm.key();
    const offers = await lists.offers();
    const offer = offers.find((o) => String(o.id) === $("conversion-offer").value);
    await change(async () => {
      if (!offer) throw new Error(t("bad.offer"));
      const currency = ($("conversion-currency").value || offer.currency).toUpperCase();
      const body = { offer_id: offer.id, amount_minor: toMinor($("conversion-amount").value, currency, "field.amount"),
        currency, status: $("conversion-status").value };
      if ($("conversion-commission").value) body.commission_minor = toMinor($("conversion-commission").value, currency, "field.commission");
      if ($("conversion-code").value) body.code = $("conversion-code").value;
      if ($("conversion-txid").value) body.txid = $("conversion-txid").value;
      if ($("conversion-date").value) body.occurred_at = toIso($("conversion-date").value);
      await saleForm.post("/api/v1/conversions", body, key);
      $("conversion-form").reset(); await loadConversions();
    });
  }

  // ---- other income ----
  async function loadIncome() {
    await LL.fill($("income-video"));
    // Today in the user's zone (en-CA writes YYYY-MM-DD, what a date input takes).
    if (!$("income-date").value) $("income-date").value = new Intl.DateTimeFormat("en-CA", { timeZone: LL.zone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    await pagedTable($("income-table"), "/api/v1/income", "income", [
      { label: "col.date", render: (i) => fmt.day(i.date), export: (i) => cell.day(i.date) },
      { label: "col.stream", render: (i) => t("stream." + i.stream) },
      { label: "col.amount", render: (i) => money(i.amount_minor, i.currency), export: (i) => cell.money(i.amount_minor, i.currency) },
      { label: "col.currency", only: "export", export: (i) => i.currency },
      LL.names.column("videos", "video_id", "col.video"),
      { key: "note", label: "col.note" }
    ], (i) => [el("button", { type: "button", class: "changes danger",
      onclick: () => LL.confirmDelete("income", t("stream." + i.stream) + ", " + money(i.amount_minor, i.currency) + ", " + fmt.day(i.date)) &&
      change(async () => { await api("DELETE", "/api/v1/income/" + i.id); await loadIncome(); }) }, t("delete"))], "income");
  }

  async function saveIncome(event) {
    event.preventDefault();
    const key = incomeForm.key();
    await change(async () => {
      const currency = $("income-currency").value.toUpperCase();
      const body = { stream: $("income-stream").value, amount_minor: toMinor($("income-amount").value, currency, "field.amount_received"),
        currency, date: $("income-date").value, note: $("income-note").value };
      if ($("income-video").value) body.video_id = Number($("income-video").value);
      await incomeForm.post("/api/v1/income", body, key);
      $("income-amount").value = ""; $("income-note").value = ""; await loadIncome();
    });
  }

  LL.inits.push(() => {
    $("offer-type").addEventListener("change", offerType);
    $("offer-form").addEventListener("submit", saveOffer);
    $("offer-cancel").addEventListener("click", resetOfferForm);
    $("copy-postback").addEventListener("click", () => { navigator.clipboard?.writeText($("offer-postback").textContent); say(t("copied")); });
    $("copy-secret").addEventListener("click", () => { navigator.clipboard?.writeText($("offer-secret").textContent); say(t("copied")); });
    $("video-form").addEventListener("submit", saveVideo);
    $("video-cancel").addEventListener("click", resetVideoForm);
    LL.picker($("code-video"), "videos", "col.video");
    LL.picker($("code-link"), "links", "col.link");
    LL.picker($("income-video"), "videos", "col.video");
    $("code-form").addEventListener("submit", saveCode);
    $("code-cancel").addEventListener("click", resetCodeForm);
    $("code-link").addEventListener("change", offerFromChoice);
    $("code-video").addEventListener("change", offerFromChoice);
    saleForm = LL.bookingForm($("conversion-form"));
    $("conversion-form").addEventListener("submit", saveConversion);
    $("conversion-filter").addEventListener("change", () => loadConversions().catch((e) => say(e.message, true)));
    incomeForm = LL.bookingForm($("income-form"));
    $("income-form").addEventListener("submit", saveIncome);
    offerType();
  });
  Object.assign(sections, { offers: loadOffers, videos: loadVideos, codes: loadCodes, conversions: loadConversions, income: loadIncome });
})();
