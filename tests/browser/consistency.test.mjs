// Issue 20, "one way to show things": one date and one date-time format per language in the
// user's time zone, thousands separators, stored codes in words, French agreement, sort arrows,
// heatmap counts without hover, 44 px tap targets on a phone, and a confirmation naming what
// before a sale is refused or anything is deleted (dismissed: nothing changes). French on a
// 390x844 phone and English on a 1280x800 laptop. The file makes its own owner and data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { base, phone, laptop, zone, chrome, logIn, session, open, rows, shot, api, unique } from "./lib.mjs";
import { makeOwner, makeData } from "./creator_data.mjs";

// The owner and data are made once, by the first test that needs them (lib.mjs's browser is
// launched in its own before hook, which must have run first).
let me, data, made;
const ready = () => made ||= (async () => { me = await makeOwner("consistency"); data = await makeData(me); })();

const LANGS = {
  fr: { locale: "fr-FR", viewport: phone },
  en: { locale: "en-US", viewport: laptop }
};

// What the dashboard should write, computed here with the same zone and locale.
const expected = (lang) => {
  const locale = LANGS[lang].locale;
  const date = (d, tz = zone) => new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: tz }).format(d);
  const time = (d) => new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: zone }).format(d);
  return { dateTime: (iso) => date(new Date(iso)) + " " + time(new Date(iso)), day: (text) => date(new Date(text + "T12:00:00Z"), "UTC") };
};
const space = (text) => text.replace(/[\u202f\u00a0]/g, " ");

for (const [lang, L] of Object.entries(LANGS)) {
  const size = `${L.viewport.width}x${L.viewport.height}`;

  test(`${lang} ${size}: one date format, thousands separators and every value in words`, { timeout: 480000 }, async () => {
    await ready();
    const page = await session(me, L);
    const fmt = expected(lang);
    const fr = lang === "fr";

    // Sales: the late-evening sale at its Paris time, never a raw ISO timestamp.
    await open(page, "conversions", `#conversions[data-loaded] #conversions-table td:text-is("${data.lateTxid}")`);
    const sales = await rows(page, "#conversions-table");
    const late = sales.find((r) => r.includes(data.lateTxid));
    assert.equal(late[0], fmt.dateTime(data.saleAt));
    assert.match(late[0], fr ? /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/ : /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} [AP]M$/);
    assert.ok(!(await page.textContent("#conversions-table")).match(/\d{4}-\d{2}-\d{2}T/), "no ISO timestamp");
    const byCode = sales.find((r) => r.includes(data.codeTxid));
    const byClick = sales.find((r) => r.includes(data.clickTxid));
    assert.equal(byCode[5], fr ? "Code promo" : "Promo code", "the source promo_code in words");
    assert.equal(byClick[5], "TikTok");
    assert.equal(byClick[8], fr ? "à la main" : "by hand");
    assert.equal(space(byClick[2]), fr ? "1 500,00 €" : "€1,500.00");
    await shot(page, `consistency-${lang}-conversions`);

    // Other income: a calendar day in the same date format.
    await open(page, "income", `#income[data-loaded] #income-table td:text-is("${data.incomeNote}")`);
    const income = (await rows(page, "#income-table")).find((r) => r.includes(data.incomeNote));
    assert.equal(income[0], fmt.day(data.incomeDay));
    assert.equal(await page.textContent("#income-video option:first-child"), fr ? "Aucune" : "None", "Vidéo is feminine");

    // Videos: the date-time format, the platform in words.
    await open(page, "videos", "#videos[data-loaded]");
    await page.waitForSelector(`#videos-table td a.video-page:text-is("${data.videoTitle}")`);
    const video = (await rows(page, "#videos-table")).find((r) => r[0].startsWith(data.videoTitle));
    assert.deepEqual(video.slice(1, 3), ["TikTok", fmt.dateTime(data.saleAt)]);

    // Links: agreement in the form's selects, a count with its separator in the badges.
    await open(page, "links", "#links[data-loaded]");
    assert.equal(await page.textContent("#link-video option:first-child"), fr ? "Aucune" : "None");
    assert.equal(await page.textContent("#link-offer option:first-child"), fr ? "Aucune" : "None", "Offre is feminine");
    const link = (await rows(page, "#links-table")).find((r) => r[0] === base + "/" + data.slug);
    assert.match(space(link[6]), fr ? /max 1 500/ : /max 1,500/);
    await open(page, "codes", "#codes[data-loaded]");
    assert.equal(await page.textContent("#code-link option:first-child"), fr ? "Aucun" : "None", "lien is masculine");
    const code = (await rows(page, "#codes-table")).find((r) => r[0] === data.code);
    assert.equal(code[4], fmt.day("2027-06-30"));

    // Counts from the same module the sections call.
    assert.equal(space(await page.evaluate(() => LL.fmt.count(1500))), fr ? "1 500" : "1,500");
    assert.equal(space(await page.evaluate(() => LL.fmt.percent(0.0509))), fr ? "5,09 %" : "5.09%");

    // The offer's rate in percent, the source ranking's names in words.
    await open(page, "offers", "#offers[data-loaded]");
    const offer = (await rows(page, "#offers-table")).find((r) => r[0] === data.offerName);
    assert.equal(space(offer[1]), fr ? "5,09 %" : "5.09%");
    await open(page, "overview", "#overview[data-loaded] #ranking-source tbody tr");
    const sources = (await rows(page, "#ranking-source")).map((r) => r[0]);
    assert.ok(sources.includes("TikTok") && sources.includes(fr ? "Code promo" : "Promo code"), sources.join(", "));
    assert.ok(!sources.includes("promo_code") && !sources.includes("tiktok"), sources.join(", "));

    // The Activity page: actions in words (the code kept for the curious), dates in the one format.
    await open(page, "activity", "#activity-table tbody tr");
    const action = page.locator("#activity-table td[data-action='link.create']").first();
    assert.equal(await action.textContent(), fr ? "Lien : création" : "Link: created");
    const when = await page.textContent("#activity-table tbody tr td");
    assert.match(when, fr ? /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/ : /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} [AP]M$/);
    await shot(page, `consistency-${lang}-activity`);

    // The role follows a language switch.
    // (The select may sit in a closed menu on a phone: set it as a user's choice would.)
    await page.$eval("#lang", (select, code) => { select.value = code; select.dispatchEvent(new Event("change")); }, fr ? "en" : "fr");
    assert.match(await page.textContent("#whoami"), fr ? /\(Owner\)$/ : /\(Propriétaire\)$/);
    await page.context().close();
  });

  test(`${lang} ${size}: sort arrows, heatmap counts in the cells, and 44 px tap targets on a phone`, { timeout: 480000 }, async () => {
    await ready();
    const page = await session(me, L);
    await open(page, "rankings", "#rankings[data-loaded] #ranking-link tbody tr");
    const arrow = (key) => page.$eval(`#ranking-link button[data-sort=${key}]`, (b) => getComputedStyle(b, "::after").content);
    assert.equal(await arrow("commission_minor"), '"▼"', "the sorted column says how");
    assert.equal(await page.getAttribute("#ranking-link th:has(button[data-sort=commission_minor])", "aria-sort"), "descending");
    await page.click("#ranking-link button[data-sort=label]");
    assert.equal(await arrow("label"), '"▲"');
    assert.notEqual(await arrow("commission_minor"), '"▼"');
    await shot(page, `consistency-${lang}-rankings`);

    // The heatmap: this file's click is in a cell, its count written in it, readable.
    await open(page, "audience", "#audience[data-loaded] #heatmap td.cell");
    const busy = await page.$$eval("#heatmap td.cell", (cells) => cells.filter((c) => c.dataset.clicks !== "0").map((c) => {
      const box = c.getBoundingClientRect(), style = getComputedStyle(c);
      return { clicks: c.dataset.clicks, text: c.textContent, width: box.width, size: parseFloat(style.fontSize), color: style.color, fits: c.scrollWidth <= c.clientWidth + 1 };
    }));
    assert.ok(busy.length > 0, "a cell has clicks");
    for (const c of busy) {
      assert.equal(c.text, Number(c.clicks) < 1000 ? c.clicks : c.text, JSON.stringify(c));
      assert.ok(c.text.length > 0 && c.size >= 10 && c.fits, "count written in the cell: " + JSON.stringify(c));
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= L.viewport.width, `#audience is ${width} px wide`);
    await shot(page, `consistency-${lang}-audience`);

    // On a phone, every button, select and link in a table is at least 44 px high (links 44 wide too).
    if (L.viewport === phone) {
      for (const [section, ready] of [["conversions", "#conversions-table tbody tr"], ["links", "#links-table tbody tr"],
        ["income", "#income-table tbody tr"], ["videos", "#videos-table tbody tr"], ["codes", "#codes-table tbody tr"],
        ["offers", "#offers-table tbody tr"], ["rankings", "#ranking-link tbody tr"]]) {
        await open(page, section, `#${section}[data-loaded] ${ready}`);
        const small = await page.$$eval(`#${section} button, #${section} select, #${section} td a`, (nodes) => nodes
          .filter((n) => n.offsetParent !== null)
          .map((n) => ({ n: n.id || n.dataset.csv || n.dataset.sort || n.textContent.trim().slice(0, 30), tag: n.tagName, box: n.getBoundingClientRect() }))
          .filter((x) => x.box.height < 44 || (x.tag === "A" && x.box.width < 44))
          .map((x) => `${x.tag} ${x.n}: ${Math.round(x.box.width)}x${Math.round(x.box.height)}`));
        assert.deepEqual(small, [], `#${section} has small tap targets`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= L.viewport.width, `#${section} is ${wide} px wide`);
        await shot(page, `consistency-${lang}-phone-${section}`);
      }
    }
    await page.context().close();
  });

  test(`${lang} ${size}: refusing a sale and deleting ask first, naming what; dismissed, nothing changes`, { timeout: 480000 }, async () => {
    await ready();
    const page = await session(me, L);
    const fr = lang === "fr";
    const answer = (accept) => new Promise((resolve) => page.once("dialog", async (dialog) => {
      const message = dialog.message();
      await (accept ? dialog.accept() : dialog.dismiss());
      resolve(message);
    }));

    const statusOf = async (id) => (await api(page, "GET", "/api/v1/conversions?limit=200")).json.conversions.find((c) => c.id === id).status;

    // A sale of its own for each language, refused only once confirmed.
    const txid = data.lateTxid + "-" + lang;
    const sale = await api(page, "POST", "/api/v1/conversions", { offer_id: data.offerId, amount_minor: 1999, currency: "EUR", status: "pending", txid });
    assert.equal(sale.status, 201, sale.text);
    const select = `#conversions-table select[data-conversion='${sale.json.id}']`;
    await open(page, "conversions", `#conversions[data-loaded] ${select}`);
    let asked = answer(false);
    await page.selectOption(select, "rejected");
    assert.match(await asked, new RegExp((fr ? "Marquer la vente « " : "Mark the sale “") + txid));
    assert.equal(await page.inputValue(select), "pending", "dismissed: the select goes back");
    await page.waitForTimeout(300);
    assert.equal(await statusOf(sale.json.id), "pending", "dismissed: nothing sent");
    asked = answer(true);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes("/api/v1/conversions/" + sale.json.id)),
      page.selectOption(select, "rejected")]);
    await asked;
    assert.equal(await statusOf(sale.json.id), "rejected");
    await shot(page, `consistency-${lang}-refused`);

    // A link deleted only once confirmed, named in the question.
    const slug = data.slug + "-del-" + lang;
    const link = await api(page, "POST", "/api/v1/links", { slug, target_url: "https://shop.example/gone" });
    assert.equal(link.status, 201, link.text);
    // (The slug is unique: a row holding it is that link's.)
    const row = `#links-table tbody tr:has-text("/${slug}")`;
    await open(page, "links", `#links[data-loaded] ${row}`);
    asked = answer(false);
    await page.click(row + " button.danger");
    assert.equal(await asked, fr ? `Supprimer le lien « ${slug} » ?` : `Delete the link “${slug}”?`);
    await page.waitForTimeout(300);
    assert.equal((await api(page, "GET", "/api/v1/links/" + link.json.id)).status, 200, "dismissed: the link stays");
    assert.equal(await page.locator(row).count(), 1);
    asked = answer(true);
    await page.click(row + " button.danger");
    await asked;
    await page.waitForSelector(row, { state: "detached" });
    assert.equal((await api(page, "GET", "/api/v1/links/" + link.json.id)).status, 404);

    // Income the same way.
    const note = data.incomeNote + "-del-" + lang;
    const income = await api(page, "POST", "/api/v1/income", { stream: "live_gifts", amount_minor: 4200, currency: "EUR", date: data.incomeDay, note });
    assert.equal(income.status, 201, income.text);
    const entry = `#income-table tr:has(td:text-is("${note}"))`;
    await open(page, "income", `#income[data-loaded] ${entry}`);
    asked = answer(false);
    await page.click(entry + " button.danger");
    assert.match(space(await asked), fr ? /^Supprimer le revenu « Cadeaux LIVE, 42,00 €, / : /^Delete the income “LIVE gifts, €42\.00, /);
    await page.waitForTimeout(300);
    assert.equal(await page.locator(entry).count(), 1, "dismissed: the income stays");
    asked = answer(true);
    await page.click(entry + " button.danger");
    await asked;
    await page.waitForSelector(entry, { state: "detached" });
    await shot(page, `consistency-${lang}-deleted`);
    await page.context().close();
  });
}

// Every action the server writes to the audit log, from server/: the routes' (audit::action_for
// over each audited route), the logins (web/login_api.cpp), sales arriving by postback or shop
// webhook (money/intake_audit.cpp), the command line (cli/commands.cpp) and the server's own
// (money/late_clicks.cpp, money/sale_recorder.cpp). A new one belongs here and in i18n.js, in
// both languages: the last test fails on an action Activity shows that is missing here.
const AUDIT_ACTIONS = [
  "link.create", "link.update", "link.delete", "link.storefronts",
  "offer.create", "offer.update", "offer.rotate_postback_token", "offer.rotate_webhook_secret", "offer.rotate_secrets",
  "video.create", "video.update", "video.stats", "video.import", "promo_code.create", "promo_code.update",
  "conversion.create", "conversion.update", "conversion.import", "income.create", "income.delete",
  "profile.update", "profile.delete", "user.add", "user.remove", "api_key.create", "api_key.revoke",
  "webhook.create", "webhook.update", "webhook.delete", "webhook.secret", "webhook.test", "webhook.resend",
  "login", "login.failed", "login.throttled",
  "postback.accepted", "postback.refused", "webhook.accepted", "webhook.refused",
  "conversion.unattributed", "conversion.status_back"
];

test("every audit action reads in words in Activity, in English and French, never as its code", { timeout: 480000 }, async () => {
  await ready();
  // Those a browser test can make, made for real. Logins refused, then throttled, from an
  // address of their own (the instance trusts 127.0.0.1 as a proxy), so no other login is held up.
  const stranger = await chrome.browser.newContext({ locale: "en-US", extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.77" } });
  const nobody = { email: unique("nobody") + "@example.com", password: "not-a-password" };
  for (let i = 0; i < 7; ++i) await logIn(await stranger.newPage(), nobody);
  await stranger.close();
  const page = await session(me, LANGS.en); // a successful login
  const call = async (method, path, body, status) => {
    const answer = await api(page, method, path, body);
    assert.equal(answer.status, status, method + " " + path + ": " + answer.text);
    return answer.json;
  };
  const offer = await call("POST", "/api/v1/offers", { name: unique("Audit shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } }, 201);
  const fill = (values) => Object.entries(values).reduce((url, [k, v]) => url.replace("{" + k + "}", encodeURIComponent(v)), offer.postback_url);
  const txid = unique("AUDIT");
  // A sale by postback, then the network stating it pending again: accepted, and a move back.
  for (const status of ["approved", "pending"])
    assert.equal((await page.request.get(fill({ click_id: "", txid, amount: "10.00", currency: "EUR", status }))).status(), 200);
  assert.equal((await page.request.get(base + "/postback/" + offer.id + "?token=wrong&txid=" + txid)).status(), 403);
  const order = "{}"; // signed but not an order: accepted, and ignored
  const signed = createHmac("sha256", offer.webhook_secret).update(order).digest("base64");
  for (const signature of [signed, "bm90LXRoZS1zaWduYXR1cmU="])
    await page.request.post(base + "/webhooks/shopify/" + offer.id, { data: order, headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": signature } });
  await call("PUT", "/api/v1/videos/" + data.videoId + "/stats", { days: [{ date: new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10), views: 1200 }] }, 200);

  const seen = (await call("GET", "/api/v1/audit-log?limit=200", undefined, 200)).entries.map((e) => e.action);
  for (const made of ["login", "login.failed", "login.throttled", "postback.accepted", "postback.refused", "webhook.accepted",
    "webhook.refused", "conversion.status_back", "video.stats"])
    assert.ok(seen.includes(made), made + " is in the log: " + [...new Set(seen)].join(", "));
  const unknown = [...new Set(seen)].filter((a) => !AUDIT_ACTIONS.includes(a));
  assert.deepEqual(unknown, [], "actions written but not listed here (add them, and their words in i18n.js)");

  await open(page, "activity", "#activity-table tbody tr");
  while (await page.isVisible("#activity-more")) {
    const before = await page.locator("#activity-table tbody tr").count();
    await page.click("#activity-more");
    await page.waitForFunction((n) => document.querySelectorAll("#activity-table tbody tr").length > n, before);
  }
  for (const code of ["en", "fr"]) {
    await page.$eval("#lang", (select, c) => { select.value = c; select.dispatchEvent(new Event("change")); }, code);
    await page.waitForFunction((c) => document.documentElement.lang === c, code);
    // Each action shown, in this language: its words, never its code or a catalogue key.
    const shown = await page.$$eval("#activity-table td[data-action]", (tds) => tds.map((td) => [td.dataset.action, td.textContent]));
    assert.ok(shown.length >= seen.length, `${shown.length} rows shown of ${seen.length}`);
    for (const [action, text] of shown) {
      assert.notEqual(text, action, `${code}: ${action} is shown as its code`);
      assert.doesNotMatch(text, /^(action|resource|verb)\./, `${code}: ${action} shows a key`);
    }
    // Who: the kind of each actor in words (a postback, a shop webhook, the server itself).
    assert.doesNotMatch(await page.textContent("#activity-table tbody"), /activity\.kind\./);
    const words = Object.fromEntries(shown);
    assert.equal(words.login, code === "fr" ? "Connexion : réussie" : "Login: succeeded");
    assert.equal(words["postback.accepted"], code === "fr" ? "Postback : accepté" : "Postback: accepted");
    // And those a browser cannot make (the command line, the late-click sweeper), through the
    // formatter Activity uses.
    const raw = await page.evaluate((all) => all.filter((a) => { const w = LL.fmt.value("action", a); return !w || w === a || /^(action|resource|verb)\./.test(w); }), AUDIT_ACTIONS);
    assert.deepEqual(raw, [], `${code}: actions without words`);
    // Every word distinct: two actions never read the same.
    const all = await page.evaluate((list) => list.map((a) => LL.fmt.value("action", a)), AUDIT_ACTIONS);
    assert.equal(new Set(all).size, all.length, `${code}: ${all.join(" | ")}`);
    await shot(page, `consistency-activity-all-${code}`);
  }
  await page.context().close();
});
