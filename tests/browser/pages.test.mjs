// Issue 20, "a page per video and per link": the link's page (#link/<id>) and the video's page
// opened from the rows of Links, Videos, Rankings and the Overview, each with the period's daily
// curve of clicks and commission, the clicks split by source, country, device, system and
// referring site, the sales and the other income; at 390x844 and 1280x800, in French and English.
// The data is the file's own: an offer, a video, a link of that video, clicks made by requesting
// the short link as different phones and computers (Node's http, which sets User-Agent and
// Referer as a browser's fetch may not), a robot, two sales by click id and Creator Rewards
// income tagged to the video. The browser server trusts the test as a proxy, so X-Forwarded-For
// says where each visitor is: with the bundled country file, Google's resolver is the United
// States and RIPE's address the Netherlands (without the file, every country is unknown).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { base, owner, phone, laptop, session, shot, open, api, rows, unique, tiktokUa, stayInOneDay } from "./lib.mjs";

const screens = [
  { name: "phone-fr", viewport: phone, locale: "fr-FR", fr: true },
  { name: "phone-en", viewport: phone, locale: "en-US", fr: false },
  { name: "laptop-fr", viewport: laptop, locale: "fr-FR", fr: true },
  { name: "laptop-en", viewport: laptop, locale: "en-US", fr: false }
];

const androidUa = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
const windowsUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const botUa = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

// Requests the short link as a visitor would and returns the click id the redirect carries.
function visit(path, headers) {
  return new Promise((resolve, reject) => {
    http.get(base + path, { headers }, (res) => {
      res.resume();
      const location = res.headers.location || "";
      resolve({ status: res.statusCode, clickId: new URL(location, base).searchParams.get("subid") });
    }).on("error", reject);
  });
}

async function ok(page, method, path, body, status = 201) {
  const reply = await api(page, method, path, body);
  assert.equal(reply.status, status, method + " " + path + ": " + reply.text);
  return reply.json;
}

const made = {};

// The data, made once by the first test that needs it (lib.mjs launches Chromium in its own
// before hook, which a before hook of this file is not sure to follow).
let making = null;
const ready = () => (making = making || makeData());

async function makeData() {
  // Read back as today's by the file's later tests, for minutes.
  await stayInOneDay(300e3);
  const page = await session(owner);
  made.offer = await ok(page, "POST", "/api/v1/offers", { name: unique("Pages shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  made.video = await ok(page, "POST", "/api/v1/videos", { title: unique("Pages unboxing"), platform: "tiktok", posted_at: new Date(Date.now() - 86400000).toISOString() });
  made.slug = unique("pages");
  made.link = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/p?subid={click_id}", slug: made.slug,
    title: unique("Pages link"), video_id: made.video.id, offer_id: made.offer.id });
  // 1: TikTok on an iPhone, from TikTok's site; 2: TikTok's in-app browser, no referrer;
  // 3: Chrome on Android from Instagram's link shim; 4: a Windows computer typed it; and a robot.
  const clicks = [
    await visit("/" + made.slug + "?utm_source=tiktok", { "User-Agent": tiktokUa, "Referer": "https://www.tiktok.com/@me/video/1",
      "Accept-Language": "fr-FR", "X-Forwarded-For": "8.8.8.8" }),
    await visit("/" + made.slug, { "User-Agent": tiktokUa, "Accept-Language": "fr-FR", "X-Forwarded-For": "193.0.6.139" }),
    await visit("/" + made.slug + "?utm_source=instagram", { "User-Agent": androidUa, "Referer": "https://l.instagram.com/?u=x",
      "Accept-Language": "nl-NL", "X-Forwarded-For": "193.0.6.139" }),
    await visit("/" + made.slug, { "User-Agent": windowsUa, "Accept-Language": "en-US" }),
    await visit("/" + made.slug, { "User-Agent": botUa })
  ];
  for (const c of clicks) assert.equal(c.status, 302);
  // Wait until the shipper has written the four clicks (the robot is never one).
  const q = "/api/v1/reports/clicks?group_by=device&link_id=" + made.link.id;
  for (let i = 0; i < 300 && (await ok(page, "GET", q, undefined, 200)).clicks < 4; ++i) await page.waitForTimeout(100);
  assert.equal((await ok(page, "GET", q, undefined, 200)).clicks, 4);
  // Two sales by click: 100.00 approved (10.00 commission) and 40.00 pending (4.00).
  await ok(page, "POST", "/api/v1/conversions", { offer_id: made.offer.id, txid: unique("tx"), click_id: clicks[0].clickId, amount_minor: 10000, status: "approved" });
  await ok(page, "POST", "/api/v1/conversions", { offer_id: made.offer.id, txid: unique("tx"), click_id: clicks[2].clickId, amount_minor: 4000, status: "pending" });
  made.countries = (await ok(page, "GET", "/api/v1/status", undefined, 200)).countries.file !== null;
  // Today in the zone the dashboard files days in (the user's or the instance's), not the
  // browser's: between their two midnights the browser's today is outside the page's period.
  const days = (await ok(page, "GET", "/api/v1/preferences", undefined, 200)).effective_time_zone;
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: days }).format(new Date());
  await ok(page, "POST", "/api/v1/income", { stream: "creator_rewards", amount_minor: 250, currency: "EUR", date: today, video_id: made.video.id });
  await page.context().close();
}

async function noHorizontalScroll(page, viewport, where) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `${where}: page is ${width} px wide on a ${viewport.width} px screen`);
}

// A breakdown's rows as "label=clicks".
async function split(page, section, group) {
  return (await rows(page, `#${section} table[data-breakdown=${group}]`)).map((r) => r[0] + "=" + r[1]).sort();
}

// What both pages show the same way: the breakdowns, the sales and the income.
async function checkDetails(page, section, fr) {
  assert.deepEqual(await split(page, section, "source"), ["Direct=1", "Instagram=1", "TikTok=2"].map((s) => fr ? s.replace("Direct", "Accès direct") : s).sort());
  assert.deepEqual(await split(page, section, "device"), (fr ? ["Ordinateur=1", "Téléphone=3"] : ["Computer=1", "Phone=3"]).sort());
  assert.deepEqual(await split(page, section, "os"), ["Android=1", "Windows=1", "iOS=2"].sort());
  assert.deepEqual(await split(page, section, "referrer"),
    [(fr ? "Aucun (saisi, appli ou masqué)" : "None (typed, app or hidden)") + "=2", "l.instagram.com=1", "www.tiktok.com=1"].sort());
  const unknown = fr ? "Inconnu" : "Unknown";
  assert.deepEqual(await split(page, section, "country"), made.countries
    ? [(fr ? "Pays-Bas=2" : "Netherlands=2"), (fr ? "États-Unis=1" : "United States=1"), unknown + "=1"].sort()
    : [unknown + "=4"]);
  assert.equal(await page.textContent(`#${section} table[data-breakdown=country] th`), fr ? "Pays" : "Country");
  // Newest first: the pending 40.00 then the approved 100.00.
  const sales = await rows(page, `#${section} table.page-sales`);
  assert.equal(sales.length, 2, JSON.stringify(sales));
  assert.match(sales[0][1], /40[.,]00/);
  assert.match(sales[0][2], /4[.,]00/);
  assert.equal(sales[0][3], fr ? "En attente" : "Pending");
  assert.match(sales[1][1], /100[.,]00/);
  assert.equal(sales[1][3], fr ? "Validée" : "Approved");
  const income = await rows(page, `#${section} table.page-income`);
  assert.equal(income.length, 1, JSON.stringify(income));
  assert.equal(income[0][1], "Creator Rewards");
  assert.match(income[0][2], /2[.,]50/);
}

async function checkLinkPage(page, screen) {
  await page.waitForSelector(`#link[data-loaded] #link-page[data-link="${made.link.id}"]`);
  assert.equal(await page.textContent("#link-page-title"), made.link.title);
  assert.equal(await page.textContent("#link-page-video"), made.video.title);
  assert.equal(await page.textContent('#link-figures [data-figure=clicks] dd'), "4");
  assert.equal(await page.textContent('#link-figures [data-figure=conversions] dd'), "2");
  assert.match(await page.textContent('#link-figures [data-figure=commission] dd'), /14[.,]00/);
  // The curve: a bar for today's commission, the clicks line; today's row first in the days.
  assert.ok(await page.$$eval("#link-curve rect.bar", (bars) => bars.some((b) => Number(b.getAttribute("height")) > 0)));
  assert.equal(await page.locator("#link-curve polyline.clicks").count(), 1);
  const days = await rows(page, "#link-days");
  assert.ok(days.length >= 7, "a day a row over the period: " + days.length);
  assert.equal(days[0][1], "4");
  assert.equal(days[0][2], "2");
  await checkDetails(page, "link", screen.fr);
  assert.match(await page.textContent("#link-income-note"), screen.fr ? /vidéo de ce lien/ : /this link's video/);
  await noHorizontalScroll(page, screen.viewport, "link page");
}

async function checkVideoPage(page, screen) {
  await page.waitForSelector(`#video[data-loaded] #video-page[data-video="${made.video.id}"] table[data-breakdown]`);
  assert.equal(await page.textContent("#video-page-title"), made.video.title);
  assert.equal(await page.textContent('#video-figures [data-figure=clicks] dd'), "4");
  await checkDetails(page, "video", screen.fr);
  await noHorizontalScroll(page, screen.viewport, "video page");
}

for (const screen of screens) {
  test(`the link's page opens from Links and Rankings (${screen.name})`, async () => {
    await ready();
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    await open(page, "links", `#links[data-loaded] a[href="#link/${made.link.id}"]`);
    // A real link on the name, reachable with the keyboard: focus it and press Enter.
    await page.focus(`#links-table a[href="#link/${made.link.id}"]`);
    await page.keyboard.press("Enter");
    await checkLinkPage(page, screen);
    await shot(page, `pages-link-${screen.name}`);
    // Its own address: a fresh load of #link/<id> shows the same page.
    await open(page, "link/" + made.link.id, "#link[data-loaded]");
    await checkLinkPage(page, screen);
    await open(page, "rankings", `#rankings[data-loaded] #ranking-link a[href="#link/${made.link.id}"]`);
    await page.click(`#ranking-link a[href="#link/${made.link.id}"]`);
    await checkLinkPage(page, screen);
    await page.context().close();
  });

  test(`the video's page opens from Videos, Rankings and the Overview (${screen.name})`, async () => {
    await ready();
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    await open(page, "videos", `#videos[data-loaded] #videos-table a[href="#video/${made.video.id}"]`);
    await page.click(`#videos-table a[href="#video/${made.video.id}"]`);
    await checkVideoPage(page, screen);
    await shot(page, `pages-video-${screen.name}`);
    await open(page, "overview", `#overview[data-loaded] #ranking-video a[href="#video/${made.video.id}"]`);
    await page.click(`#ranking-video a[href="#video/${made.video.id}"]`);
    await checkVideoPage(page, screen);
    await open(page, "rankings", `#rankings[data-loaded] #ranking-video a[href="#video/${made.video.id}"]`);
    await page.click(`#ranking-video a[href="#video/${made.video.id}"]`);
    await checkVideoPage(page, screen);
    // From the link's page, its video's name leads to the video's page.
    await open(page, "link/" + made.link.id, "#link[data-loaded] #link-page-video");
    await page.click("#link-page-video");
    await checkVideoPage(page, screen);
    await page.context().close();
  });
}

// A one-currency chart draws the currency with the most sales, never the one whose minor units
// add up higher: ¥3,500 (3500 minor units, one sale) against €32.50 (3250, two sales) is drawn
// in euros, on the link's page, the video's page and the overview alike; the days' tables list
// both.
test("the charts draw the currency with the most sales, not the biggest number of minor units", async () => {
  await ready();
  const page = await session(owner, { locale: "en-US", viewport: laptop });
  const euros = await ok(page, "POST", "/api/v1/offers", { name: unique("Euro shop"), currency: "EUR", commission: { type: "reported" } });
  const yen = await ok(page, "POST", "/api/v1/offers", { name: unique("Yen shop"), currency: "JPY", commission: { type: "reported" } });
  const video = await ok(page, "POST", "/api/v1/videos", { title: unique("Currencies"), platform: "tiktok", posted_at: new Date(Date.now() - 86400000).toISOString() });
  const slug = unique("currencies");
  const link = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/c?subid={click_id}", slug, title: "Currencies " + slug,
    video_id: video.id });
  const click = await visit("/" + slug, { "User-Agent": tiktokUa });
  assert.equal(click.status, 302);
  const q = "/api/v1/reports/clicks?group_by=device&link_id=" + link.id;
  for (let i = 0; i < 300 && (await ok(page, "GET", q, undefined, 200)).clicks < 1; ++i) await page.waitForTimeout(100);
  // Through the click (so the link's and its video's): two sales in euros, one in yen.
  const sale = (offer, commission, extra) => ok(page, "POST", "/api/v1/conversions", { offer_id: offer.id, txid: unique("cur"),
    amount_minor: commission * 10, commission_minor: commission, status: "approved", ...extra });
  await sale(euros, 1625, { click_id: click.clickId });
  await sale(euros, 1625, { click_id: click.clickId });
  await sale(yen, 3500, { click_id: click.clickId });
  const legend = async (box) => page.textContent(box + " .legend");

  // Today's row in the days' table lists each currency's commission apart: "€32.50 + ¥3,500"
  // read as a sum of money that cannot be added.
  const todaysCommission = async (table) => {
    const [today] = await rows(page, table);
    const cell = today[3];
    assert.doesNotMatch(cell, /\+/, table + ": " + cell);
    assert.match(cell, /€32\.50 · ¥3,500|¥3,500 · €32\.50/, table + ": " + cell);
  };
  await open(page, "link/" + link.id, "#link[data-loaded] #link-curve");
  assert.match(await legend("#link-chart"), /\(EUR\)/);
  await todaysCommission("#link-days");
  await open(page, "video/" + video.id, "#video[data-loaded] #video-chart svg");
  assert.match(await legend("#video-chart"), /\(EUR\)/);
  await todaysCommission("#video-days");

  // The overview over days of their own, long ago, holding only these sales.
  const at = "2024-02-10T12:00:00Z";
  await sale(euros, 1625, { occurred_at: at });
  await sale(euros, 1625, { occurred_at: at });
  await sale(yen, 3500, { occurred_at: at });
  await open(page, "overview", "#overview[data-loaded] #chart svg");
  // Each change of the period's fields loads the overview again; the loads of the periods on
  // the way (before `to` is filled) are held back so they end last, as a busy server made them
  // do: they drew their figures over the period asked, for good.
  await page.route(/\/api\/v1\/reports\/revenue\?/, async (route) => {
    if (new URL(route.request().url()).searchParams.get("to") !== "2024-02-12") await new Promise((r) => setTimeout(r, 2000));
    await route.continue();
  });
  await page.selectOption("#period", "custom");
  await page.fill("#from", "2024-02-09");
  await page.fill("#to", "2024-02-11");
  await page.waitForFunction(() => [...document.querySelectorAll("#chart svg .bar title")].some((n) => n.textContent.startsWith("2024-02-10: ")));
  assert.match(await legend("#chart"), /\(EUR\)/);
  assert.match(await page.textContent("#chart svg .bar:nth-of-type(2) title"), /^2024-02-10: €32\.50,/);
  // The video ranking compares what was earned within a currency: of the period's two rows (the
  // sales by hand have no video), the euro row (the currency of the most sales) comes first,
  // though ¥3,500 is more minor units than €32.50.
  // Each change of the period's fields loads the overview again: read the rows of this period
  // in one go, whichever load ends last.
  const earned = await (await page.waitForFunction(() => {
    const trs = [...document.querySelectorAll("#ranking-video tbody tr")];
    return trs.length === 2 && trs.every((tr) => tr.cells[0].textContent.trim() === "No video")
      && trs.map((tr) => tr.cells[1].textContent.trim());
  })).jsonValue();
  assert.deepEqual(earned, ["€32.50", "¥3,500"]);
  // Once the loads held back have ended, the period asked is still the one shown.
  await page.waitForTimeout(2500);
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll("#ranking-video tbody tr")].map((tr) => tr.cells[1].textContent.trim())),
    ["€32.50", "¥3,500"]);
  await page.unroute(/\/api\/v1\/reports\/revenue\?/);
  await shot(page, "pages-main-currency");
  await page.context().close();
});

// A link deleted after it earned keeps its row in Rankings (its clicks and sales stay), named as
// deleted, with no link to a page that no longer exists; a live link's name still opens its page.
for (const screen of [screens[0], screens[3]]) {
  test(`a deleted link in Rankings says so and opens nothing (${screen.name})`, async () => {
    await ready();
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const slug = unique("gone");
    const link = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/gone", slug, title: "Gone " + slug });
    assert.equal((await visit("/" + slug, { "User-Agent": tiktokUa })).status, 302);
    const q = "/api/v1/reports/clicks?group_by=device&link_id=" + link.id;
    for (let i = 0; i < 300 && (await ok(page, "GET", q, undefined, 200)).clicks < 1; ++i) await page.waitForTimeout(100);
    await ok(page, "DELETE", "/api/v1/links/" + link.id, undefined, 204);

    await open(page, "rankings", `#rankings[data-loaded] #ranking-link a[href="#link/${made.link.id}"]`);
    const row = page.locator("#ranking-link tbody tr", { hasText: "Gone " + slug });
    assert.equal(await row.count(), 1, "the deleted link keeps its row");
    assert.equal(await row.locator("td").first().textContent(), "Gone " + slug + (screen.fr ? " (supprimé)" : " (deleted)"));
    assert.equal(await row.locator(`[data-deleted="${link.id}"]`).count(), 1);
    assert.equal(await page.locator(`#ranking-link a[href="#link/${link.id}"]`).count(), 0, "no link to a page that cannot load");
    assert.equal(await row.locator("td").nth(4).textContent(), "1", "its click is still counted");
    await shot(page, `pages-deleted-link-${screen.name}`);
    await page.context().close();
  });
}
