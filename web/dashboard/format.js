// HOW THE DASHBOARD SHOWS THINGS — one place (issue 20). Every module formats through these, so
// that a date, a count or a rate reads the same in every section. Writing a new section? Use:
//   LL.fmt.date(isoOrDay)      "01/12/2026" (fr) / "12/01/2026" (en), in the user's time zone
//   LL.fmt.dateTime(iso)       "01/12/2026 22:24" / "12/01/2026 10:24 PM", same zone
//   LL.fmt.day("2026-12-01")   a calendar day (no zone shift), same format as date()
//   LL.fmt.count(1500)         "1 500" / "1,500"           LL.fmt.decimal(0.5) "0,5" / "0.5"
//   LL.fmt.percent(0.0509)     "5,09 %" / "5.09%" (a fraction; null or undefined: "–")
//   LL.fmt.value(kind, raw)    a stored code in words: kinds source, status, attribution, via,
//                              stream, platform, role, disclosure, action (audit log)
//   LL.fmt.none(noun)          "Aucune"/"Aucun" as the noun's gender wants (noun: an i18n key)
//   LL.confirmDelete(kind, name)   "Supprimer le lien « bio-shoes » ?"; kind: link, income,
//                              api_key, user, webhook, video, code, offer, bio_item (add yours)
//   LL.confirmReject(name)     before a sale is marked rejected
//   LL.fmt.mainCurrency(rows)  the currency a one-currency chart draws: most sales ({currency, conversions} rows)
// Money stays LL.money(minor, currency). Exports (export.js) write the same dates and rates.
// The time zone is the user's choice (LL.zone(), set by reports.js from /api/v1/preferences).
"use strict";
(function () {
  const dash = "–";
  const L = () => window.LL;
  const lang = () => (L() && L().lang ? L().lang() : "en");
  const t = (key) => L().t(key);
  const zone = () => (L() && L().zone ? L().zone() : undefined);
  const locale = () => (lang() === "fr" ? "fr-FR" : "en-US");

  // Formatters are cached per language and zone: building one is the slow part.
  const cache = new Map();
  function formatter(kind, options) {
    const key = kind + "|" + locale() + "|" + (options.timeZone || "");
    if (!cache.has(key)) {
      try { cache.set(key, new Intl.DateTimeFormat(locale(), options)); } catch { cache.set(key, new Intl.DateTimeFormat(locale(), { ...options, timeZone: "UTC" })); }
    }
    return cache.get(key);
  }
  const DAY = { day: "2-digit", month: "2-digit", year: "numeric" };
  const TIME = { hour: "2-digit", minute: "2-digit" };

  const isDay = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text);

  // A calendar day as the API writes it ("2026-12-01"): the same day whatever the zone.
  function day(text) {
    if (!text) return "";
    if (!isDay(text)) return date(text);
    return formatter("day", { ...DAY, timeZone: "UTC" }).format(new Date(text + "T12:00:00Z"));
  }

  // An instant's day in the user's zone.
  function date(iso) {
    if (!iso) return "";
    if (isDay(iso)) return day(iso);
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : formatter("date", { ...DAY, timeZone: zone() }).format(d);
  }

  // Day and time joined by a space, no comma: French and English spreadsheets read it as a date.
  function dateTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return String(iso);
    return formatter("date", { ...DAY, timeZone: zone() }).format(d) + " " + formatter("time", { ...TIME, timeZone: zone() }).format(d);
  }

  function count(n) {
    return n === null || n === undefined || n === "" || isNaN(Number(n)) ? dash : Number(n).toLocaleString(locale());
  }
  function decimal(n, digits = 2) {
    return n === null || n === undefined || isNaN(Number(n)) ? dash : Number(n).toLocaleString(locale(), { maximumFractionDigits: digits });
  }
  function percent(fraction) {
    if (fraction === null || fraction === undefined || isNaN(Number(fraction))) return dash;
    return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 2 }).format(fraction);
  }

  // Stored codes and their words. A source that is not one of ours (a utm_source, a referring
  // site) is the creator's own word and is shown as it is.
  const SOURCES = ["tiktok", "instagram", "facebook", "snapchat", "threads", "linkedin", "whatsapp", "google", "youtube",
    "bio", "direct", "promo_code", "pending", "unattributed"];
  function value(kind, raw) {
    if (raw === null || raw === undefined || raw === "") return "";
    if (kind === "action") return action(raw);
    if (kind === "source" && !SOURCES.includes(raw)) return raw;
    const key = kind + "." + raw, text = t(key);
    return text === key ? raw : text;
  }

  // An audit action "link.create": its words if known ("Lien : création"), else the code.
  function action(code) {
    const whole = t("action." + code);
    if (whole !== "action." + code) return whole;
    const [resource, verb] = code.split(".");
    const r = t("resource." + resource), v = t("verb." + verb);
    if (r === "resource." + resource || v === "verb." + verb) return code;
    return t("action.pattern").replace("{resource}", r).replace("{verb}", v);
  }

  // The currency a chart of one currency draws when the figures come in several: the one with
  // the most sales. Amounts cannot decide it: minor units do not compare across currencies
  // (¥3,500 is 3500 of them, €32.50 3250; a Kuwaiti dinar has 3 decimals), and converting needs
  // exchange rates the instance does not keep. Nor is there a preferred currency to fall back on
  // (preferences hold only the time zone). A tie goes to the code first in the alphabet, so the
  // same figures always draw the same chart. `rows`: report rows with `currency` and `conversions`,
  // several per currency allowed.
  function mainCurrency(rows, fallback = "EUR") {
    const sales = new Map();
    for (const r of rows) if (r.currency) sales.set(r.currency, (sales.get(r.currency) || 0) + (r.conversions || 0));
    const [best] = [...sales].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    return best ? best[0] : fallback;
  }

  // "Aucune" for a feminine noun, "Aucun" otherwise (English: "None" either way).
  const none = (noun) => t(t("gender." + noun) === "f" ? "none.f" : "none");

  const fill = (text, name) => text.replace("{name}", name);
  function confirmDelete(kind, name) {
    const key = "confirm.delete." + kind, text = t(key);
    return window.confirm(fill(text === key ? t("confirm.delete") : text, name || ""));
  }
  const confirmReject = (name) => window.confirm(fill(t("confirm.reject"), name || ""));

  window.LL_FORMAT = { fmt: { date, dateTime, day, count, decimal, percent, value, none, dash, mainCurrency }, confirmDelete, confirmReject };
})();
