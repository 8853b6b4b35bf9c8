// The dashboard's shell and overview (issue 20), with data of its own: every section on a
// 390x844 phone and a 1280x800 laptop, in French and in English, is no wider than the screen
// under a header at most 64 px tall; tables read as cards or keep their names in view; the
// chart's labels are readable; the "More" menu works with the keyboard and moves nothing; and
// the overview leads with what was earned (commission plus other income) against the period
// before, with the income tagged to a video in that video's ranking row.
// Its money is in Swedish kronor, a currency no other test uses, so its figures are its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, owner, phone, laptop, session, shot, open, rows, api, unique } from "./lib.mjs";

const currency = "SEK";
const sizes = { phone, laptop };
const made = {};

// Instants and days counted back from now: two days ago is inside the last 7 days in any zone,
// ten days ago inside the 7 days before them.
const ago = (days) => new Date(Date.now() - days * 86400e3).toISOString();
const dayAgo = (days) => ago(days).slice(0, 10);

async function ok(page, method, path, body) {
  const answer = await api(page, method, path, body);
  assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path}: ${answer.status} ${answer.text}`);
  return answer.json;
}

test("data of its own: an offer, videos, links, sales (one in the period before) and other income", async () => {
  const page = await session(owner);
  made.offer = await ok(page, "POST", "/api/v1/offers", { name: unique("Layout shop, a merchant with a long name"), currency,
    commission: { type: "percent", rate_bps: 1000 }, attribution_window_days: 30 });
  made.video = await ok(page, "POST", "/api/v1/videos", { title: unique("My favourite running shoes, tried for a month"),
    platform: "tiktok", url: "https://www.tiktok.com/@lea.runs/video/7301234567890123456", posted_at: ago(3) });
  made.other = await ok(page, "POST", "/api/v1/videos", { title: unique("Haul"), platform: "instagram", posted_at: ago(4) });
  made.link = await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/shoes?subid={click_id}&utm_campaign=november-running",
    slug: unique("layout-shoes"), title: "Running shoes -20%", video_id: made.video.id, offer_id: made.offer.id, bio: true });
  await ok(page, "POST", "/api/v1/links", { target_url: "https://shop.example/bag", slug: unique("a-rather-long-short-name-for-a-bag"),
    title: "Bag", video_id: made.other.id, offer_id: made.offer.id, bio: true, disclosure: "affiliate" });
  made.code = unique("LAYOUT").toUpperCase().replace(/[^A-Z0-9]/g, "");
  await ok(page, "POST", "/api/v1/promo-codes", { code: made.code, offer_id: made.offer.id, video_id: made.video.id, link_id: made.link.id });
  // This period: 500.00 approved (commission 50.00) and 200.00 pending by the video's code
  // (20.00). The period before: 1,000.00 approved (100.00).
  await ok(page, "POST", "/api/v1/conversions", { offer_id: made.offer.id, amount_minor: 50000, currency, status: "approved",
    txid: unique("LAYOUT-NOW"), occurred_at: ago(2) });
  await ok(page, "POST", "/api/v1/conversions", { offer_id: made.offer.id, amount_minor: 20000, currency, status: "pending",
    txid: unique("LAYOUT-CODE"), code: made.code, occurred_at: ago(2) });
  await ok(page, "POST", "/api/v1/conversions", { offer_id: made.offer.id, amount_minor: 100000, currency, status: "approved",
    txid: unique("LAYOUT-BEFORE"), occurred_at: ago(10) });
  // Other income: 30.00 of Creator Rewards for the video, 15.00 of a brand deal for none.
  await ok(page, "POST", "/api/v1/income", { stream: "creator_rewards", amount_minor: 3000, currency, date: dayAgo(2),
    video_id: made.video.id, note: "Creator Rewards for the running video" });
  await ok(page, "POST", "/api/v1/income", { stream: "brand_deals", amount_minor: 1500, currency, date: dayAgo(1), note: "Brand deal" });
  await page.context().close();
});

// The sections as the page has them (other helpers' sections included), a page of one item
// opened with an item of ours.
async function sectionsOf(page) {
  const ids = await page.$$eval("main > section", (nodes) => nodes.map((n) => n.id));
  const items = { video: made.video.id, link: made.link.id };
  return ids.filter((id) => !(id in items) || items[id]).map((id) => (id in items ? `${id}/${items[id]}` : id));
}

// Opens a section and waits for its data (a section without a loader: for the network to rest).
async function visit(page, hash) {
  await open(page, hash, "main");
  const id = hash.split("/")[0];
  const loads = await page.evaluate((id) => Boolean(window.LL && window.LL.sections[id]), id);
  if (loads) await page.waitForSelector(`#${id}[data-loaded]`, { state: "attached" });
  else await page.waitForLoadState("networkidle");
  // The shell marks wide tables on the next frame (shell.js): let two pass.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

for (const lang of ["fr", "en"]) {
  for (const [size, viewport] of Object.entries(sizes)) {
    test(`every section fits a ${size} (${viewport.width}x${viewport.height}) in ${lang === "fr" ? "French" : "English"}`, async () => {
      const page = await session(owner, { locale: lang === "fr" ? "fr-FR" : "en-US", viewport });
      const sections = await sectionsOf(page);
      assert.ok(sections.length >= 14, sections.join(" "));
      for (const hash of sections) {
        await visit(page, hash);
        const id = hash.split("/")[0];
        const m = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, inner: innerWidth,
          header: document.querySelector("header").getBoundingClientRect().height }));
        assert.ok(m.width <= m.inner, `#${hash} is ${m.width} px wide on a ${m.inner} px screen (${lang})`);
        assert.ok(m.header <= 64, `the header is ${m.header} px tall (#${hash}, ${lang}, ${size})`);
        // A table wider than its box says so where it is seen.
        const quiet = await page.$$eval(`#${id} .scroll`, (boxes) => boxes.filter((b) => b.offsetParent && b.scrollWidth > b.clientWidth + 1)
          .filter((b) => { const hint = b.previousElementSibling; return !hint || !hint.matches(".scroll-hint") || hint.hidden; })
          .map((b) => b.querySelector("table")?.id || b.querySelector("table")?.dataset.ranking));
        assert.deepEqual(quiet, [], `#${hash}: tables that scroll without a hint`);
        await shot(page, `layout-${lang}-${size}-${id}`);
      }
      assert.equal(await page.$eval("html", (h) => h.lang), lang);
      await page.context().close();
    });
  }
}

test("tables on a phone: sales and offers as cards of a sensible height, rankings keep the name with the money beside it", async () => {
  for (const [size, viewport] of Object.entries(sizes)) {
    const page = await session(owner, { locale: "fr-FR", viewport });
    await visit(page, "conversions");
    // The date of a sale on one line (two at most), never a word a line.
    const dates = await page.$$eval("#conversions-table tbody tr td:first-child", (tds) => tds.map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return { text: td.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
    }));
    assert.ok(dates.length >= 3, `${dates.length} sales`);
    for (const date of dates) assert.equal(date.lines, 1, `"${date.text}" takes ${date.lines} lines (${size})`);
    await visit(page, "offers");
    const offers = await page.$$eval("#offers-table tbody tr", (trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    for (const height of offers) assert.ok(height < 450, `an offer's row is ${height} px tall (${size})`);
    if (size === "phone") {
      assert.equal(await page.$eval("#offers-table tbody tr", (tr) => getComputedStyle(tr).display), "block", "offers read as cards");
      const label = await page.$eval("#offers-table tbody tr td:nth-child(2)", (td) => getComputedStyle(td, "::before").content);
      assert.match(label, /Commission/, "each value after its column's name");
    }
    await visit(page, "rankings");
    const ranking = await page.$eval("#ranking-video table", (table) => ({
      sticky: getComputedStyle(table.querySelector("tbody td")).position,
      second: table.querySelector("thead th:nth-child(2) button").dataset.sort,
      scrolls: table.closest(".scroll").scrollWidth > table.closest(".scroll").clientWidth,
      hint: table.closest(".scroll").previousElementSibling?.matches(".scroll-hint:not([hidden])") }));
    assert.equal(ranking.sticky, "sticky", "the name column stays in view");
    assert.equal(ranking.second, "earnings_minor", "what the video earned comes next to its name");
    if (size === "phone") assert.ok(ranking.scrolls && ranking.hint, JSON.stringify(ranking));
    await page.context().close();
  }
});

test("charts: labels at least 11 px on screen, the last day's date whole", async () => {
  for (const [size, viewport] of Object.entries(sizes)) {
    const page = await session(owner, { locale: "en-US", viewport });
    // The overview's chart, a video's curve and a link's.
    for (const [hash, chart, labels] of [["overview", "#chart", 4], [`video/${made.video.id}`, "#video-chart", 2], [`link/${made.link.id}`, "#link-chart", 2]]) {
      if (!(await page.$(`#${hash.split("/")[0]}`))) continue; // a page this build does not have
      await visit(page, hash);
      const ticks = await page.$$eval(`${chart} svg text`, (texts) => texts.map((t) => {
        const box = t.getBoundingClientRect(), frame = t.ownerSVGElement.getBoundingClientRect();
        return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
          inside: box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom };
      }));
      assert.ok(ticks.length >= labels, `${hash}: ${JSON.stringify(ticks)}`);
      for (const tick of ticks) {
        assert.ok(tick.px >= 11, `#${hash}: "${tick.text}" is drawn at ${tick.px.toFixed(1)} px (${size})`);
        assert.ok(tick.inside, `#${hash}: "${tick.text}" is cut (${size})`);
      }
    }
    await visit(page, "overview");
    // Turning the phone (or resizing the window) redraws it at the new width.
    await page.setViewportSize({ width: viewport.height, height: viewport.width });
    await page.waitForFunction(() => Math.abs(document.querySelector("#chart svg").viewBox.baseVal.width + 2 -
      document.getElementById("chart").clientWidth) < 1);
    await page.context().close();
  }
});

// What the overview should say, worked out by hand: this period 50.00 + 20.00 of commission and
// 30.00 + 15.00 of other income; the period before 100.00 of commission, all approved.
const expected = {
  earned: 11500, commission: 7000, income: 4500, approved: 5000, pending: 2000, revenue: 70000,
  change: { earned: 0.15, approved: -0.5, revenue: -0.3 }
};

for (const [lang, size] of [["en", "laptop"], ["fr", "phone"]]) {
  test(`the overview leads with Earned and its change against the 7 days before (${lang}, ${size})`, async () => {
    const page = await session(owner, { locale: lang === "fr" ? "fr-FR" : "en-US", viewport: sizes[size] });
    await visit(page, "overview");
    const money = (minor) => page.evaluate(([minor, lang, currency]) =>
      new Intl.NumberFormat(lang, { style: "currency", currency }).format(minor / 100), [minor, lang, currency]);
    const signed = (fraction) => page.evaluate(([fraction, lang]) => new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-US",
      { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 0 }).format(fraction), [fraction, lang]);
    const card = `#totals [data-currency=${currency}]`;
    const text = (selector) => page.textContent(`${card} ${selector}`);

    // Earned comes first, and its parts add up.
    assert.equal(await page.$eval(card, (dl) => dl.querySelector("[data-figure]").dataset.figure), "earned");
    assert.equal(await page.$eval("#totals dl", (dl) => dl.dataset.currency), currency, "the money comes before the counts");
    assert.equal(await text("[data-figure=earned] dt"), lang === "fr" ? "Gagné" : "Earned");
    assert.equal(await text("[data-figure=earned] dd.value"), await money(expected.earned));
    assert.equal(await text("[data-figure=earned] [data-part=commission]"), await money(expected.commission));
    assert.equal(await text("[data-figure=earned] [data-part=income]"), await money(expected.income));
    assert.equal(await text("[data-figure=approved] dd.value"), await money(expected.approved));
    assert.equal(await text("[data-figure=pending] dd.value"), await money(expected.pending));
    assert.equal(await text("[data-figure=revenue] dd.value"), await money(expected.revenue));

    // Each against the 7 days before: +15 % earned (115.00 against 100.00), -50 % approved,
    // -30 % of the merchant's sales; pending was 0 then, which is named rather than divided by.
    const vs = lang === "fr" ? "vs 7 jours précédents" : "vs the previous 7 days";
    assert.equal(await text("[data-figure=earned] dd.change"), (await signed(expected.change.earned)) + " " + vs);
    assert.match(await text("[data-figure=earned] dd.change"), /^\+15\s?%/);
    assert.equal(await page.getAttribute(`${card} [data-figure=earned] dd.change`, "data-trend"), "up");
    assert.equal(await text("[data-figure=approved] dd.change"), (await signed(expected.change.approved)) + " " + vs);
    assert.equal(await page.getAttribute(`${card} [data-figure=approved] dd.change`, "data-trend"), "down");
    assert.equal(await text("[data-figure=revenue] dd.change"), (await signed(expected.change.revenue)) + " " + vs);
    assert.equal(await text("[data-figure=pending] dd.change"), lang === "fr"
      ? `vs ${await money(0)} les 7 jours précédents` : `vs ${await money(0)} in the previous 7 days`);

    // The cards say what they are.
    assert.equal(await text("[data-figure=revenue] dt"), lang === "fr" ? "Ventes générées (marchand)" : "Sales generated (merchant)");
    assert.equal(await text("[data-figure=epc] dt"), lang === "fr" ? "Gain par clic" : "Earnings per click");
    assert.ok(!(await page.textContent("#overview")).includes("Chiffre d'affaires"));
    assert.ok(!/\bEPC\b/.test(await page.textContent("#totals")));

    // The video's row in the overview's ranking holds its commission and its other income.
    const videoRow = async (selector) => (await rows(page, selector)).find((r) => r[0] === made.video.title);
    const row = await videoRow("#ranking-video");
    assert.ok(row, "the video is ranked");
    assert.deepEqual(row.slice(1, 4), [await money(5000), await money(2000), await money(3000)], "earned, commission, other income");
    await shot(page, `overview-${lang}-${size}`);

    // The same on the Rankings page and in the Videos section's "Which video pays".
    await visit(page, "rankings");
    assert.deepEqual((await videoRow("#ranking-video")).slice(1, 4), [await money(5000), await money(2000), await money(3000)]);
    await visit(page, "videos");
    await page.waitForSelector("#video-ranking-table tbody tr");
    assert.deepEqual((await videoRow("#video-ranking-table")).slice(1, 4), [await money(5000), await money(2000), await money(3000)]);
    await page.context().close();
  });
}

test("the header: five tabs, the rest in a More menu that works with the keyboard and moves nothing", async () => {
  for (const [lang, size] of [["fr", "phone"], ["en", "laptop"]]) {
    const page = await session(owner, { locale: lang === "fr" ? "fr-FR" : "en-US", viewport: sizes[size] });
    await visit(page, "overview");
    assert.deepEqual(await page.$$eval("header .tabs a", (as) => as.map((a) => a.hash)),
      ["#overview", "#rankings", "#conversions", "#links", "#videos"]);
    const tabs = await page.$$eval("header .tabs a, #more", (as) => as.map((a) => {
      const r = a.getBoundingClientRect();
      return { text: a.textContent, fits: r.right <= innerWidth && a.scrollWidth <= a.clientWidth, tall: r.height >= 40 };
    }));
    for (const tab of tabs) assert.ok(tab.fits && tab.tall, `"${tab.text}" whole on screen and tall enough to tap: ${JSON.stringify(tab)}`);
    assert.equal(await page.isVisible("#more-menu"), false);
    assert.equal(await page.isVisible("#lang"), false, "the language is in the menu");
    const where = () => page.evaluate(() => ({ main: document.querySelector("main").getBoundingClientRect().top,
      header: document.querySelector("header").getBoundingClientRect().height, more: document.getElementById("more").getBoundingClientRect().width }));
    const before = await where();

    // Keyboard: Enter opens it, Tab walks in, arrows move, Escape closes it back on its button.
    await page.focus("#more");
    await page.keyboard.press("Enter");
    assert.equal(await page.getAttribute("#more", "aria-expanded"), "true");
    assert.equal(await page.isVisible("#more-menu"), true);
    assert.deepEqual(await where(), before, "opening the menu moves nothing");
    assert.match(await page.textContent("#whoami"), new RegExp(owner.email.replace(".", "\\.")));
    assert.equal(await page.isVisible("#lang"), true);
    assert.equal(await page.isVisible("#logout-form button"), true);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.hash), "#audience");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.hash), "#income");
    await page.keyboard.press("End");
    assert.equal(await page.evaluate(() => document.activeElement.closest("form")?.id), "logout-form");
    await page.keyboard.press("Escape");
    assert.equal(await page.isVisible("#more-menu"), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), "more");
    assert.equal(await page.getAttribute("#more", "aria-expanded"), "false");
    // ArrowDown on the button opens it at its first entry; Enter there opens that section,
    // closes the menu and marks More as holding the section shown.
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.hash), "#audience");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#income[data-loaded]");
    assert.equal(await page.isVisible("#more-menu"), false);
    assert.match(await page.getAttribute("#more", "class"), /\bcurrent\b/);
    assert.equal(await page.getAttribute("#more-menu a[href='#income']", "aria-current"), "page");
    // A click elsewhere closes it; the language chosen in it applies at once.
    await page.click("#more");
    await page.selectOption("#lang", lang === "fr" ? "en" : "fr");
    await page.waitForFunction((l) => document.documentElement.lang === l, lang === "fr" ? "en" : "fr");
    await page.mouse.click(5, sizes[size].height - 5);
    assert.equal(await page.isVisible("#more-menu"), false);
    assert.equal((await where()).header, before.header);
    await page.context().close();
  }
});
