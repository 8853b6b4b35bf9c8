// Pickers of links and videos that scale (a creator with 50k links waited seconds for a form
// whose selects loaded every row): a picker holds the newest 50 and a search field above it
// asks the server (?q=) as the user types; the chosen item keeps its name when it is older
// than the page shown. And the page of a deleted link (#link/<id>): its history under a
// "deleted on" notice, in English and French, where it used to say "no such link".
// The data is the file's own: an old link and video, 300 newer links and 60 newer videos.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { base, owner, phone, laptop, session, shot, open, api, unique, tiktokUa } from "./lib.mjs";

const screens = [
  { name: "phone-fr", viewport: phone, locale: "fr-FR", fr: true },
  { name: "phone-en", viewport: phone, locale: "en-US", fr: false },
  { name: "laptop-fr", viewport: laptop, locale: "fr-FR", fr: true },
  { name: "laptop-en", viewport: laptop, locale: "en-US", fr: false }
];

async function ok(page, method, path, body, status = 201) {
  const reply = await api(page, method, path, body);
  assert.equal(reply.status, status, method + " " + path + ": " + reply.text);
  return reply.json;
}

// Many POSTs from the page, ten at a time.
async function postMany(page, path, bodies) {
  const statuses = await page.evaluate(async ({ path, bodies }) => {
    const who = await (await fetch("/api/v1/session")).json();
    const out = [];
    for (let i = 0; i < bodies.length; i += 10)
      out.push(...await Promise.all(bodies.slice(i, i + 10).map((body) => fetch(path, {
        method: "POST", headers: { "X-CSRF-Token": who.csrf_token, "Content-Type": "application/json" },
        body: JSON.stringify(body) }).then((r) => r.status))));
    return out;
  }, { path, bodies });
  assert.ok(statuses.every((s) => s === 201), JSON.stringify(statuses));
}

const made = {};
let making = null;
const ready = () => (making = making || makeData());

async function makeData() {
  const page = await session(owner);
  made.offer = await ok(page, "POST", "/api/v1/offers", { name: unique("Pickers shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  made.oldVideo = await ok(page, "POST", "/api/v1/videos", { platform: "tiktok", title: unique("Ancient haul"), posted_at: "2026-10-01T12:00:00Z" });
  made.oldSlug = unique("ancient");
  made.oldLink = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/old", slug: made.oldSlug,
    title: unique("Ancient boots"), video_id: made.oldVideo.id, offer_id: made.offer.id });
  made.altSlug = unique("vintage");
  made.altLink = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/alt", slug: made.altSlug, title: unique("Vintage scarf") });
  const prefix = unique("filler");
  await postMany(page, "/api/v1/videos", [...Array(60).keys()].map((i) => ({ platform: "tiktok", title: "Filler clip " + i, posted_at: "2026-11-01T12:00:00Z" })));
  await postMany(page, "/api/v1/links", [...Array(300).keys()].map((i) => ({ target_url: "https://shop.example/f/" + i, slug: prefix + "-" + i, title: "Filler " + i })));
  await page.context().close();
}

const label = (l) => `${l.title} (/${l.slug})`;

async function noHorizontalScroll(page, viewport) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `page is ${width} px wide on a ${viewport.width} px screen`);
}

for (const screen of [screens[1], screens[2]]) {
  test(`a promo code's link picker lists 50, finds an old link as the user types, and keeps an old choice's name (${screen.name})`, async () => {
    await ready();
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const code = unique("OLD").replace(/-/g, "_").toUpperCase();
    const promo = await ok(page, "POST", "/api/v1/promo-codes", { code, offer_id: made.offer.id, link_id: made.oldLink.id, video_id: made.oldVideo.id });
    const asked = [];
    page.on("request", (r) => { if (/\/api\/v1\/(links|videos)\b/.test(r.url())) asked.push(r.url()); });

    await open(page, "codes", "#codes[data-loaded]");
    // A bounded first page: the newest 50 and None, nothing paged through, the old link absent.
    assert.equal(await page.locator("#code-link option").count(), 51);
    assert.equal(await page.locator("#code-video option").count(), 51);
    assert.equal(await page.locator(`#code-link option[value="${made.oldLink.id}"]`).count(), 0);
    assert.deepEqual(asked.filter((u) => u.includes("cursor=") || u.includes("limit=200")), [], "no list is loaded whole");
    const search = page.getByRole("searchbox", { name: screen.fr ? "Chercher un lien par titre ou nom court" : "Search links by title or short name" });
    assert.ok(await search.isVisible());
    assert.equal(await page.textContent("#code-link-hint"), screen.fr
      ? "Les 50 plus récents sont listés : tapez ci-dessus pour trouver les plus anciens."
      : "The newest 50 are listed: type above to find older ones.");
    // The table names the code's old link and video.
    const row = page.locator("#codes-table tbody tr", { hasText: code });
    await row.locator(`td:text-is("${label(made.oldLink)}")`).waitFor();
    assert.equal(await row.locator(`td:text-is("${made.oldVideo.title}")`).count(), 1);

    // Editing the code shows its old link and video by name, though neither is in the first page.
    await row.getByRole("button", { name: screen.fr ? "Modifier" : "Edit" }).click();
    assert.equal(await page.inputValue("#code-link"), String(made.oldLink.id));
    await page.waitForFunction((text) => { const s = document.getElementById("code-link"); return s.options[s.selectedIndex].textContent === text; }, label(made.oldLink));
    await page.waitForFunction((text) => { const s = document.getElementById("code-video"); return s.options[s.selectedIndex].textContent === text; }, made.oldVideo.title);
    await noHorizontalScroll(page, screen.viewport);

    // By keyboard: part of the other old link's name, any case; Enter searches and goes to the list.
    await search.focus();
    const part = made.altLink.title.slice(2, 12).toUpperCase();
    await page.keyboard.type(part);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#code-link option[value="${made.altLink.id}"]`, { state: "attached" });
    assert.equal(await page.evaluate(() => document.activeElement.id), "code-link");
    assert.equal(await page.inputValue("#code-link"), String(made.oldLink.id), "searching does not change the choice");
    assert.deepEqual(await page.$$eval("#code-link option", (os) => os.map((o) => o.value)), ["", String(made.oldLink.id), String(made.altLink.id)]);
    assert.equal(await page.textContent("#code-link-hint"), screen.fr ? "1 trouvé : choisissez dans la liste." : "1 found: choose in the list.");
    assert.ok(asked.some((u) => new URL(u).searchParams.get("q") === part), "the search is the server's");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.inputValue("#code-link"), String(made.altLink.id));
    await shot(page, `pickers-code-search-${screen.name}`);
    await noHorizontalScroll(page, screen.viewport);

    await page.click("#code-save");
    await page.waitForSelector(`#codes-table tbody tr:has-text("${code}") td:text-is("${label(made.altLink)}")`);
    const saved = await ok(page, "GET", "/api/v1/promo-codes?limit=200", undefined, 200);
    const after = saved.promo_codes.find((c) => c.id === promo.id);
    assert.equal(after.link_id, made.altLink.id);
    assert.equal(after.video_id, made.oldVideo.id, "the untouched video stays");

    // Nothing found says so.
    await page.fill("#code-link-search", "zz-no-such-" + code);
    await page.waitForFunction(() => document.querySelectorAll("#code-link option").length === 1);
    assert.equal(await page.textContent("#code-link-hint"), screen.fr ? `Rien trouvé pour « zz-no-such-${code} ».` : `Nothing found for “zz-no-such-${code}”.`);
    await page.context().close();
  });
}

for (const screen of [screens[0], screens[3]]) {
  test(`a new link takes an old video found by search (${screen.name})`, async () => {
    await ready();
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    await open(page, "links", "#links[data-loaded]");
    assert.equal(await page.locator("#link-video option").count(), 51);
    assert.equal(await page.locator(`#link-video option[value="${made.oldVideo.id}"]`).count(), 0);
    await page.fill("#link-video-search", made.oldVideo.title.slice(0, 12).toLowerCase());
    await page.waitForSelector(`#link-video option[value="${made.oldVideo.id}"]`, { state: "attached" });
    await page.selectOption("#link-video", String(made.oldVideo.id));
    const slug = unique("picked");
    await page.fill("#link-target", "https://shop.example/picked");
    await page.fill("#link-slug", slug);
    await page.click("#link-form button[type=submit]");
    await page.waitForSelector(`#links-table td >> text=${base}/${slug}`);
    const links = await ok(page, "GET", "/api/v1/links?q=" + slug, undefined, 200);
    assert.equal(links.links.length, 1);
    assert.equal(links.links[0].video_id, made.oldVideo.id);
    // The form is reset: the search is empty and the picker is back to the newest 50.
    await page.waitForFunction(() => document.querySelectorAll("#link-video option").length === 51);
    assert.equal(await page.inputValue("#link-video-search"), "");
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `pickers-link-video-${screen.name}`);
    await page.context().close();
  });
}

function visit(path, headers) {
  return new Promise((resolve, reject) => {
    http.get(base + path, { headers }, (res) => { res.resume(); resolve(res.statusCode); }).on("error", reject);
  });
}

// A deleted link typed in the address bar: its page, with its click, says it was deleted and when.
for (const screen of [screens[0], screens[3]]) {
  test(`a deleted link's page shows its history and when it was deleted (${screen.name})`, async () => {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const slug = unique("retired");
    const link = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/retired", slug, title: unique("Retired") });
    assert.equal(await visit("/" + slug, { "User-Agent": tiktokUa }), 302);
    const q = "/api/v1/reports/clicks?group_by=device&link_id=" + link.id;
    for (let i = 0; i < 300 && (await ok(page, "GET", q, undefined, 200)).clicks < 1; ++i) await page.waitForTimeout(100);
    await ok(page, "DELETE", "/api/v1/links/" + link.id, undefined, 204);
    const gone = await ok(page, "GET", "/api/v1/links/" + link.id + "?include_deleted=true", undefined, 200);

    await open(page, "link/" + link.id, "#link[data-loaded]");
    const notice = page.locator("#link-page-deleted");
    assert.ok(await notice.isVisible());
    const date = await page.evaluate((iso) => LL.fmt.dateTime(iso), gone.deleted_at);
    assert.equal(await notice.textContent(), screen.fr
      ? `Ce lien a été supprimé le ${date}. Ses clics et ses ventes sont gardés et comptent toujours dans les rapports ; il ne peut plus être modifié, et son lien court répond « disparu ».`
      : `This link was deleted on ${date}. Its clicks and sales are kept and still count in reports; it can no longer be changed, and its short link answers “gone”.`);
    assert.equal(await page.textContent("#link-page-title"), link.title + (screen.fr ? " (supprimé)" : " (deleted)"));
    assert.equal(await page.getAttribute("#link-page", "data-deleted"), "");
    assert.equal(await page.textContent("#link-figures [data-figure=clicks] dd"), "1", "its click is still there");
    assert.equal(await page.locator("#link .changes, #link button:has-text('Edit'), #link button:has-text('Modifier')").count(), 0, "no edit action");
    assert.doesNotMatch(await page.textContent("#status"), /no such link|error|erreur/i);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `pickers-deleted-link-${screen.name}`);

    // A live link's page has no notice; an id that never was a link says so, not "no such link".
    const live = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/live", slug: unique("live"), title: unique("Live") });
    await open(page, "link/" + live.id, "#link[data-loaded]");
    assert.equal(await notice.isVisible(), false);
    assert.equal(await page.textContent("#link-page-title"), live.title);
    assert.equal(await page.getAttribute("#link-page", "data-deleted"), null);
    await open(page, "link/999999999", "#link[data-loaded]");
    assert.equal(await notice.textContent(), screen.fr ? "Aucun lien n°999999999 : il n'existe pas." : "No link #999999999: it does not exist.");
    assert.doesNotMatch(await page.textContent("#status"), /no such link/i);
    await page.context().close();
  });
}

// The search field counts characters (maxlength 100) but the server counts ?q= in bytes of UTF-8
// (at most 100): 70 accented letters are 140 bytes and were refused with a 400 in the status
// line. The picker sends the search cut to 100 bytes, whole characters, and finds with it.
test("a long accented search is cut to the server's 100 bytes and still finds (laptop-en)", async () => {
  await ready();
  const page = await session(owner, { locale: "en-US", viewport: laptop });
  const accented = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/creme",
    slug: unique("creme"), title: "é".repeat(60) + unique(" brûlée") });
  const sent = [];
  page.on("request", (r) => { const q = new URL(r.url()).searchParams.get("q"); if (q !== null) sent.push(q); });
  await open(page, "codes", "#codes[data-loaded]");
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.has("q"));
  await page.fill("#code-link-search", "é".repeat(70));
  assert.equal((await searched).status(), 200);
  await page.waitForFunction(() => document.querySelectorAll("#code-link option").length < 51);
  assert.deepEqual(await page.$$eval("#code-link option", (os) => os.map((o) => o.value)), ["", String(accented.id)]);
  assert.equal(await page.textContent("#code-link-hint"), "1 found: choose in the list.");
  assert.deepEqual(sent.map((q) => new TextEncoder().encode(q).length), [100], "one search, of 100 bytes: " + sent.join(", "));
  assert.equal(sent[0], "é".repeat(50));
  assert.equal(await page.$eval("#status", (s) => s.classList.contains("error")), false, await page.textContent("#status"));
  await page.context().close();
});

// A choice made while the picker is still asking the name of the old choice (the list a search
// brought lacks it) is the user's: it used to be put back to the old one when the name came.
// The old link's name fails to load once (a network blip: the table shows "#id"), so editing
// the code asks it again; that request is held until the user has chosen another link.
test("a link chosen while the picker asks the old choice's name stays chosen (laptop-fr)", async () => {
  await ready();
  const page = await session(owner, { locale: "fr-FR", viewport: laptop });
  const code = unique("RACE").replace(/-/g, "_").toUpperCase();
  await ok(page, "POST", "/api/v1/promo-codes", { code, offer_id: made.offer.id, link_id: made.oldLink.id });
  let asks = 0, held = null, heldSeen;
  const heldNow = new Promise((resolve) => { heldSeen = resolve; });
  await page.route((url) => url.pathname === "/api/v1/links/" + made.oldLink.id, async (route) => {
    if (++asks === 1) return route.abort();
    held = route; heldSeen();
  });
  await open(page, "codes", "#codes[data-loaded]");
  const row = page.locator("#codes-table tbody tr", { hasText: code });
  await row.locator(`td:text-is("#${made.oldLink.id}")`).waitFor();
  await row.getByRole("button", { name: "Modifier" }).click();
  await heldNow;
  assert.equal(await page.inputValue("#code-link"), String(made.oldLink.id));

  // A search whose list lacks the old link: the picker now waits for the old link's name.
  const part = made.altLink.title.slice(2, 12);
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get("q") === part);
  await page.fill("#code-link-search", part);
  await searched;
  await page.waitForTimeout(200); // the answer read, the picker is waiting on the held name

  // Meanwhile the user chooses the newest link of the list still shown.
  const chosen = await page.$eval("#code-link", (s) => [...s.options].map((o) => o.value).find((v) => v && v !== s.value));
  await page.selectOption("#code-link", chosen);
  await held.continue();

  // The list and the choice are set in one go: once the found link is listed, the choice is final.
  await page.waitForSelector(`#code-link option[value="${made.altLink.id}"]`, { state: "attached" });
  assert.equal(await page.inputValue("#code-link"), chosen, "the user's choice stays");
  assert.deepEqual(await page.$$eval("#code-link option", (os) => os.map((o) => o.value)), ["", chosen, String(made.altLink.id)]);
  await page.context().close();
});
