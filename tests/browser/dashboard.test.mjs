// The dashboard and the bio page in Debian's headless Chromium, against the real server
// started by browser_test.cpp (which passes its address and two users in the environment).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base, owner, viewer, zone, tiktokUa, chrome, logIn, shot, open, rows, language } from "./lib.mjs";

let ownerPage;
let postbackUrl;
// The screens these older tests were written for; newer files use lib.mjs's 390x844 and 1280x800.
const phone = { width: 360, height: 740 };
const laptop = { width: 1100, height: 760 };

test("a wrong password is refused, the right one opens the dashboard", async () => {
  const context = await chrome.browser.newContext({ locale: "en-US", timezoneId: zone, viewport: laptop });
  ownerPage = await context.newPage();
  await logIn(ownerPage, { email: owner.email, password: "not-the-password" });
  assert.match(ownerPage.url(), /\/login$/);
  assert.equal(await ownerPage.textContent("#login-error"), "Wrong email or password.");
  await shot(ownerPage, "login-refused");
  await logIn(ownerPage, owner);
  assert.equal(new URL(ownerPage.url()).pathname, "/dashboard");
  await ownerPage.waitForFunction(() => document.getElementById("whoami").textContent.includes("@"));
  assert.match(await ownerPage.textContent("#whoami"), new RegExp(owner.email.replace(".", "\\.")));
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "ll_session");
  assert.ok(session, "session cookie set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Lax");
  await ownerPage.waitForSelector("#totals dl");
  await shot(ownerPage, "overview-empty");
});

test("an offer shows its postback URL and webhook secret once; videos are created and edited", async () => {
  await open(ownerPage, "offers", "#offers-table tbody");
  await ownerPage.fill("#offer-name", "Sneaker Shop");
  await ownerPage.fill("#offer-currency", "EUR");
  await ownerPage.selectOption("#offer-type", "percent");
  await ownerPage.fill("#offer-rate", "10");
  await ownerPage.click("#offer-save");
  await ownerPage.waitForSelector("#offer-secrets:not([hidden])");
  postbackUrl = await ownerPage.textContent("#offer-postback");
  assert.match(postbackUrl, new RegExp("^" + base.replace(/[.]/g, "\\.") + "/postback/\\d+\\?token=[^&]+&click_id=\\{click_id\\}"));
  assert.ok((await ownerPage.textContent("#offer-secret")).length >= 16, "webhook secret shown");
  assert.match(await ownerPage.textContent("#offer-secrets"), /shown only once/);
  await ownerPage.waitForSelector("#offers-table td >> text=Sneaker Shop");
  const offer = (await rows(ownerPage, "#offers-table")).find((r) => r[0] === "Sneaker Shop");
  assert.equal(offer[1], "10%");
  // The list never shows the secrets again.
  assert.ok(!(await ownerPage.textContent("#offers-table")).includes(postbackUrl.split("token=")[1].split("&")[0]));
  await shot(ownerPage, "offers");

  await open(ownerPage, "videos", "#videos-table tbody");
  await ownerPage.fill("#video-title", "Morning run hual");
  await ownerPage.fill("#video-url", "https://www.tiktok.com/@lea.runs/video/1");
  await ownerPage.fill("#video-posted", "2026-11-01T18:30");
  await ownerPage.click("#video-save");
  await ownerPage.waitForSelector("#videos-table td >> text=Morning run hual");
  // A typo, fixed through the edit form.
  await ownerPage.click("#videos-table tr:has-text('Morning run hual') button");
  assert.equal(await ownerPage.inputValue("#video-posted"), "2026-11-01T18:30");
  await ownerPage.fill("#video-title", "Morning run haul");
  await ownerPage.click("#video-save");
  await ownerPage.waitForSelector("#videos-table td >> text=Morning run haul");
  assert.equal(await ownerPage.locator("#videos-table td >> text=Morning run hual").count(), 0);
  await shot(ownerPage, "videos");
});

test("creating a link from the dashboard shows its short URL and QR code", async () => {
  await open(ownerPage, "links", "#link-video option >> text=Morning run haul");
  await ownerPage.fill("#link-target", "https://shop.example/shoes?subid={click_id}");
  await ownerPage.selectOption("#link-video", { label: "Morning run haul" });
  await ownerPage.selectOption("#link-offer", { label: "Sneaker Shop" });
  await ownerPage.fill("#link-slug", "bio-shoes");
  await ownerPage.fill("#link-title", "Running shoes <b>-20%</b>");
  await ownerPage.check("#link-bio");
  await ownerPage.selectOption("#link-disclosure", "ad");
  await ownerPage.click("#link-save");
  await ownerPage.waitForSelector("#link-created:not([hidden])");
  assert.equal(await ownerPage.textContent("#short-url"), base + "/bio-shoes");
  const qr = await ownerPage.request.get(base + (await ownerPage.getAttribute("#short-qr-svg", "href")));
  assert.equal(qr.status(), 200);
  assert.equal(qr.headers()["content-type"], "image/svg+xml");
  const png = await ownerPage.request.get(base + (await ownerPage.getAttribute("#short-qr-png", "href")));
  assert.deepEqual([...(await png.body()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  await ownerPage.waitForSelector("#links-table td >> text=" + base + "/bio-shoes");
  // A second link, affiliate, placed before the first on the bio page.
  await ownerPage.fill("#link-target", "https://shop.example/bag");
  await ownerPage.fill("#link-slug", "bio-bag");
  await ownerPage.fill("#link-title", "Bag");
  await ownerPage.check("#link-bio");
  await ownerPage.fill("#link-position", "0");
  await ownerPage.selectOption("#link-disclosure", "affiliate");
  await ownerPage.click("#link-save");
  await ownerPage.waitForSelector("#links-table td >> text=" + base + "/bio-bag");
  const shoes = (await rows(ownerPage, "#links-table")).find((r) => r[0] === base + "/bio-shoes");
  assert.equal(shoes[3], "Morning run haul");
  await shot(ownerPage, "links");
});

test("a promo code is created for the offer and the video", async () => {
  await open(ownerPage, "codes", "#code-offer option >> text=Sneaker Shop");
  await ownerPage.fill("#code-code", "LEA10");
  await ownerPage.selectOption("#code-offer", { label: "Sneaker Shop" });
  await ownerPage.selectOption("#code-video", { label: "Morning run haul" });
  await ownerPage.click("#code-save");
  await ownerPage.waitForSelector("#codes-table td >> text=LEA10");
  const [code] = await rows(ownerPage, "#codes-table");
  assert.deepEqual(code.slice(0, 3), ["LEA10", "Sneaker Shop", "Morning run haul"]);
  // A code the API refuses names its problem in the status line. (The saved form starts over
  // with no offer chosen, issue 20: pick it again.)
  await ownerPage.fill("#code-code", "lea10");
  await ownerPage.selectOption("#code-offer", { label: "Sneaker Shop" });
  await ownerPage.click("#code-save");
  await ownerPage.waitForSelector("#status.error");
  await shot(ownerPage, "codes");
});

test("editing a promo code can take its video away", async () => {
  await open(ownerPage, "codes", "#code-offer option >> text=Sneaker Shop");
  await ownerPage.fill("#code-code", "SPRING");
  await ownerPage.selectOption("#code-offer", { label: "Sneaker Shop" });
  await ownerPage.selectOption("#code-video", { label: "Morning run haul" });
  await ownerPage.fill("#code-until", "2027-06-30");
  await ownerPage.click("#code-save");
  await ownerPage.waitForSelector("#codes-table td >> text=SPRING");
  await ownerPage.click("#codes-table tr:has(td:text-is('SPRING')) button.changes");
  assert.equal(await ownerPage.inputValue("#code-until"), "2027-06-30");
  await ownerPage.selectOption("#code-video", "");
  await ownerPage.fill("#code-until", "");
  await ownerPage.click("#code-save");
  await ownerPage.waitForFunction(() => [...document.querySelectorAll("#codes-table tbody tr")]
    .some((tr) => tr.cells[0].textContent === "SPRING" && tr.cells[2].textContent === ""));
  const saved = await ownerPage.evaluate(async () =>
    (await (await fetch("/api/v1/promo-codes")).json()).promo_codes.find((c) => c.code === "SPRING"));
  assert.equal(saved.video_id, null);
  assert.equal(saved.valid_until, null);
  const [lea] = (await rows(ownerPage, "#codes-table")).filter((r) => r[0] === "LEA10");
  assert.equal(lea[2], "Morning run haul", "the other code keeps its video");
});

test("a follower's click is counted and sales by postback show by source and by video", async () => {
  const hop = await ownerPage.request.get(base + "/bio-shoes?utm_source=tiktok", { maxRedirects: 0, headers: { "User-Agent": tiktokUa } });
  assert.equal(hop.status(), 302);
  const clickId = new URL(hop.headers()["location"]).searchParams.get("subid");
  assert.ok(clickId && clickId.length > 10, "the redirect carries the click id to the merchant");
  // The click reaches the dashboard once the journal has been shipped to PostgreSQL.
  let clicks = "0";
  for (let i = 0; i < 40 && clicks !== "1"; ++i) {
    await open(ownerPage, "links", "#links-table td >> text=" + base + "/bio-shoes");
    clicks = (await rows(ownerPage, "#links-table")).find((r) => r[0] === base + "/bio-shoes")[2];
    if (clicks !== "1") await ownerPage.waitForTimeout(250);
  }
  assert.equal(clicks, "1", "the click is counted on the links page");

  const fill = (values) => Object.entries(values).reduce((url, [k, v]) => url.replace("{" + k + "}", encodeURIComponent(v)), postbackUrl);
  const sale = await ownerPage.request.get(fill({ click_id: clickId, txid: "ORDER-1", amount: "49.90", currency: "EUR", status: "approved" }));
  assert.equal(sale.status(), 200, await sale.text());
  assert.equal((await sale.json()).result, "created");
  const byCode = await ownerPage.request.get(fill({ click_id: "", txid: "ORDER-2", amount: "20.00", currency: "EUR", status: "pending" }) + "&code=lea10");
  assert.equal(byCode.status(), 200, await byCode.text());
  assert.equal((await byCode.json()).conversion.attribution, "code");

  await open(ownerPage, "overview", "#ranking-video tbody tr");
  const figure = (name) => ownerPage.textContent(`#totals [data-currency=EUR] [data-figure=${name}] dd`);
  assert.equal(await figure("revenue"), "€69.90");
  // Earned leads: the commission plus other income (none yet), each part named.
  assert.equal(await figure("earned"), "€6.99");
  assert.equal(await ownerPage.textContent("#totals [data-currency=EUR] [data-figure=earned] [data-part=commission]"), "€6.99");
  assert.equal(await ownerPage.textContent("#totals [data-currency=EUR] [data-figure=earned] [data-part=income]"), "€0.00");
  assert.equal(await figure("approved"), "€4.99");
  assert.equal(await figure("pending"), "€2.00");
  assert.equal(await ownerPage.textContent("#totals [data-figure=clicks] dd"), "1");
  assert.equal(await ownerPage.textContent("#totals [data-figure=conversions] dd"), "2");
  const bySource = await rows(ownerPage, "#ranking-source");
  const tiktok = bySource.find((r) => r[0] === "TikTok");
  assert.ok(tiktok, JSON.stringify(bySource));
  // Name, commission, approved, sales generated, clicks, unique clicks, conversions, rate, without a click.
  assert.deepEqual([tiktok[4], tiktok[6], tiktok[7], tiktok[8], tiktok[3], tiktok[1]], ["1", "1", "100%", "0", "€49.90", "€4.99"]);
  const byVideo = await rows(ownerPage, "#ranking-video");
  // One click bought, one sale came by code: 100 % of clicks converted, and one sale without a click.
  // A video's row: earned (commission and other income), commission, other income, approved, sales, then the counts.
  assert.deepEqual(byVideo[0].slice(0, 11), ["Morning run haul", "€6.99", "€6.99", "€0.00", "€4.99", "€69.90", "1", "1", "2", "100%", "1"]);
  assert.equal(await ownerPage.textContent("#totals [data-figure=conversion_rate] dd"), "100%");
  assert.equal(await ownerPage.textContent("#totals [data-figure=sales_without_click] dd"), "1");
  assert.match(await ownerPage.textContent("#bots-note"), /not counted/);
  assert.equal(await ownerPage.locator("#chart svg .bar").count(), 7);
  await shot(ownerPage, "overview");
});

test("rankings sort by any column and export CSV", async () => {
  await open(ownerPage, "rankings", "#ranking-offer tbody tr");
  for (const name of ["video", "link", "code", "offer"]) assert.ok(await ownerPage.isVisible("#ranking-" + name));
  const codes = await rows(ownerPage, "#ranking-code");
  assert.equal(codes.find((r) => r[0] === "LEA10")[3], "€20.00");
  await ownerPage.click("#ranking-link button[data-sort=label]");
  assert.equal(await ownerPage.getAttribute("#ranking-link th:has(button[data-sort=label])", "aria-sort"), "ascending");
  const labels = (await rows(ownerPage, "#ranking-link")).map((r) => r[0]);
  assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b, "en")));
  await ownerPage.click("#ranking-link button[data-sort=label]");
  assert.equal(await ownerPage.getAttribute("#ranking-link th:has(button[data-sort=label])", "aria-sort"), "descending");

  const [download] = await Promise.all([ownerPage.waitForEvent("download"), ownerPage.click("button[data-csv=link]")]);
  assert.match(download.suggestedFilename(), /^linkledger-ranking-links-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
  // In the dashboard's language: headers in words, amounts in units, rates in percent
  // (exports.test.mjs reads every table's file). The title has markup-looking text and no comma;
  // the quoting is exercised by the quote test below.
  const headers = csv[0].split(","), line = csv.find((l) => l.startsWith("Running shoes <b>-20%</b>,")).split(",");
  const cell = (name) => line[headers.indexOf(name)];
  assert.deepEqual(["Name", "Clicks", "Conversions", "Conv. rate", "Sales generated", "Commission", "Currency"].map(cell),
    ["Running shoes <b>-20%</b>", "1", "1", "100%", "49.90", "4.99", "EUR"], csv.join("\n"));
  await shot(ownerPage, "rankings");
});

test("a video's page shows its views, clicks and commission day by day, and its RPM; views come from an export", async () => {
  const day = (ago) => new Date(Date.now() - ago * 86400000).toISOString().slice(0, 10);
  // A TikTok Studio export in French: ';', "1,2 k", the same video by a link written two ways,
  // and a bad line that is reported while the others are kept.
  const csv = "Date;Lien de la vidéo;Vues de la vidéo;J’aime;Nouveaux abonnés\r\n" +
    `${day(1)};https://www.tiktok.com/@lea.runs/video/1;1,2 k;85;30\r\n` +
    `${day(0)};https://www.tiktok.com/@lea.runs/video/1?lang=fr;800;41;10\r\n` +
    `${day(0)};https://www.tiktok.com/@lea.runs/video/1;-5;1;1\r\n`;
  await open(ownerPage, "videos", "#videos[data-loaded]");
  await ownerPage.setInputFiles("#stats-file", { name: "tiktok-studio.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await ownerPage.click("#stats-import");
  await ownerPage.waitForSelector("#stats-import-summary");
  assert.equal(await ownerPage.textContent("#stats-import-summary"), "2 days added, 0 updated, 0 unchanged, 1 errors; 0 videos added.");
  assert.match(await ownerPage.textContent("#stats-import-errors li[data-line='4']"), /^Line 4 \(views\): .*negative/);

  // Earned most: €6.99 of commission (ORDER-1 and ORDER-2) over 2,000 views. By hand: RPM
  // 699 × 1000 / 2000 = 349.5 cents, half to even €3.50; 1 click per 2,000 views = 0.5 per
  // 1,000; 699 / 40 followers = 17.475 cents, €0.17 each.
  await ownerPage.waitForSelector("#video-ranking-table td >> text=2,000");
  const [first] = await rows(ownerPage, "#video-ranking-table");
  // The title, then the money (earned, commission, other income, RPM), then views, clicks and followers.
  assert.deepEqual(first, ["Morning run haul", "€6.99", "€6.99", "€0.00", "€3.50", "2,000", "1", "0.5", "40", "€0.17"]);
  // The same ranking as a spreadsheet: amounts in units with the currency beside them.
  const [sheet] = await Promise.all([ownerPage.waitForEvent("download"), ownerPage.click("button[data-csv=video_economics]")]);
  assert.match(sheet.suggestedFilename(), /^linkledger-which-video-pays-\d{4}-\d{2}-\d{2}\.csv$/);
  const sheetLines = readFileSync(await sheet.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
  assert.equal(sheetLines[1], "Morning run haul,6.99,6.99,0.00,3.50,2000,1,0.5,40,0.17,EUR", sheetLines.join("\n"));
  // Listening before the change: the answer may come back before a later wait would begin.
  await Promise.all([
    ownerPage.waitForResponse((r) => r.url().includes("sort=followers") && r.ok()),
    ownerPage.selectOption("#video-ranking", "followers"),
  ]);

  // The row leads to the video's own page, with its own URL.
  await ownerPage.click("#videos-table a.video-page >> text=Morning run haul");
  await ownerPage.waitForSelector("#video[data-loaded]");
  const videoUrl = ownerPage.url();
  assert.match(new URL(videoUrl).hash, /^#video\/\d+$/);
  assert.equal(await ownerPage.textContent("#video-page-title"), "Morning run haul");
  const figure = (name) => ownerPage.textContent(`#video-figures [data-currency=EUR] [data-figure=${name}] dd`);
  assert.equal(await figure("views"), "2,000");
  assert.equal(await figure("clicks"), "1");
  assert.equal(await figure("clicks_per_1000_views"), "0.5");
  assert.equal(await figure("commission"), "€6.99");
  assert.equal(await figure("rpm"), "€3.50");
  assert.equal(await figure("followers_gained"), "40");
  assert.equal(await figure("earnings_per_follower"), "€0.17");
  // The curve: a bar per day of the period (commission), a line of views and one of clicks.
  assert.equal(await ownerPage.locator("#video-curve rect.bar").count(), 7);
  assert.equal(await ownerPage.locator("#video-curve polyline.views").count(), 1);
  assert.equal(await ownerPage.locator("#video-curve polyline.clicks").count(), 1);
  // Days in the dashboard's one date format (format.js).
  const shown = (ago) => new Intl.DateTimeFormat("en-US", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" })
    .format(new Date(day(ago) + "T12:00:00Z"));
  const days = await rows(ownerPage, "#video-days");
  assert.deepEqual(days.find((r) => r[0] === shown(1)).slice(0, 3), [shown(1), "1,200", "0"]);
  const today = days.find((r) => r[0] === shown(0));
  assert.deepEqual(today.slice(0, 4), [shown(0), "800", "1", "€6.99"]);
  await shot(ownerPage, "video-page");

  // Opened again from its URL, in French.
  const context = await chrome.browser.newContext({ locale: "fr-FR", timezoneId: zone, viewport: phone });
  const page = await context.newPage();
  await logIn(page, owner);
  await page.goto("about:blank");
  await page.goto(videoUrl);
  await page.waitForSelector("#video[data-loaded]");
  assert.equal(await page.textContent("#video h2"), "Jour par jour");
  assert.equal(await page.textContent("#video-figures [data-figure=views] dt"), "Vues");
  assert.match(await page.textContent("#video-figures [data-figure=rpm] dd"), /^3,50\s€$/);
  assert.equal(await page.getAttribute("nav a[href='#videos']", "aria-current"), "page");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= phone.width, `the video page is ${width} px wide`);
  await shot(page, "video-page-fr-phone");
  await context.close();
});

test("CSV cells are quoted when they hold commas, quotes or a formula", async () => {
  const title = '=SUM(1,2) "big" sale';
  await open(ownerPage, "links", "#links-table tbody tr");
  await ownerPage.fill("#link-target", "https://shop.example/csv");
  await ownerPage.fill("#link-slug", "csv-quote");
  await ownerPage.fill("#link-title", title);
  await ownerPage.click("#link-save");
  await ownerPage.waitForSelector("#links-table td >> text=" + base + "/csv-quote");
  assert.equal((await ownerPage.request.get(base + "/csv-quote", { maxRedirects: 0, headers: { "User-Agent": tiktokUa } })).status(), 302);
  let line;
  for (let i = 0; i < 40 && !line; ++i) {
    await open(ownerPage, "rankings", "#ranking-link tbody tr");
    const [download] = await Promise.all([ownerPage.waitForEvent("download"), ownerPage.click("button[data-csv=link]")]);
    line = readFileSync(await download.path(), "utf8").split("\r\n").find((l) => l.includes("SUM"));
    if (!line) await ownerPage.waitForTimeout(250);
  }
  assert.ok(line, "the new link reached the ranking");
  // RFC 4180 quotes and doubled quotes; the leading ' keeps spreadsheets from running it.
  assert.match(line, /^"'=SUM\(1,2\) ""big"" sale",/);
});

test("a user picks Europe/Paris: the overview's days follow, and the choice is kept", async () => {
  // A sale at 23:40 UTC ten days ago: that day in UTC, the next one in Paris (UTC+1 or +2). No
  // other sale is near those days, so each bar of the chart holds it or nothing; and it is out of
  // the last 7 days that the later tests count.
  const now = new Date();
  const sale = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 9) - 20 * 60e3);
  const utcDay = sale.toISOString().slice(0, 10);
  const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(sale);
  assert.notEqual(utcDay, parisDay);
  // Sent as the page would, with the session's CSRF token.
  const send = (method, path, body) => ownerPage.evaluate(async ({ method, path, body }) => {
    const who = await (await fetch("/api/v1/session")).json();
    const res = await fetch(path, { method, headers: { "X-CSRF-Token": who.csrf_token, "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }, { method, path, body });
  const offers = await ownerPage.evaluate(async () => (await (await fetch("/api/v1/offers")).json()).offers);
  const made = await send("POST", "/api/v1/conversions", { offer_id: offers.find((o) => o.name === "Sneaker Shop").id,
    txid: "LATE-EVENING", amount_minor: 12340, status: "approved", occurred_at: sale.toISOString() });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  // The chart's bars, by day: "2026-11-28: €12.34, 0 clicks".
  const bars = async () => Object.fromEntries((await ownerPage.$$eval("#chart svg .bar title", (ts) => ts.map((n) => n.textContent)))
    .map((text) => [text.slice(0, 10), text]));

  await open(ownerPage, "overview", "#overview[data-loaded] #chart svg .bar");
  assert.equal(await ownerPage.inputValue("#tz"), "UTC", "the instance's zone until the user picks one");
  const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);
  await ownerPage.selectOption("#period", "custom");
  await ownerPage.fill("#from", dayOf(sale.getTime() - 2 * 86400e3));
  await ownerPage.fill("#to", dayOf(sale.getTime() + 3 * 86400e3));
  // Each change reloads the chart: wait for the one that holds the sale.
  const saleOn = (day) => ownerPage.waitForFunction((day) => [...document.querySelectorAll("#chart svg .bar title")]
    .some((n) => n.textContent.startsWith(day + ": €12.34,")), day);
  await saleOn(utcDay);
  let days = await bars();
  assert.match(days[utcDay], /: €12\.34,/, JSON.stringify(days));
  assert.match(days[parisDay], /: €0\.00,/, JSON.stringify(days));

  await ownerPage.fill("#tz", zone);
  await ownerPage.press("#tz", "Enter");
  await ownerPage.waitForFunction(() => document.getElementById("status").textContent.includes("Europe/Paris"));
  await saleOn(parisDay);
  days = await bars();
  assert.match(days[parisDay], /: €12\.34,/, JSON.stringify(days));
  assert.match(days[utcDay], /: €0\.00,/, JSON.stringify(days));
  await shot(ownerPage, "overview-paris");
});

test("the heatmap shows the clicks in the creator's time zone", async () => {
  await open(ownerPage, "audience", "#heatmap td.cell");
  assert.equal(await ownerPage.inputValue("#tz"), zone, "the user's choice is kept on the server");
  assert.equal(await ownerPage.locator("#heatmap td.cell").count(), 7 * 24);
  const busy = await ownerPage.$$eval("#heatmap td.cell", (cells) => cells.filter((c) => c.dataset.clicks !== "0")
    .map((c) => ({ dow: Number(c.dataset.dow), hour: Number(c.dataset.hour), clicks: Number(c.dataset.clicks) })));
  assert.ok(busy.reduce((n, c) => n + c.clicks, 0) >= 2, JSON.stringify(busy));
  // The clicks were made a moment ago: they sit in Paris's current hour (or the one before, at a turn of the hour).
  const paris = (d) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", hour: "numeric", hourCycle: "h23" })
      .formatToParts(d).map((p) => [p.type, p.value]));
    return { dow: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday), hour: Number(parts.hour) };
  };
  const now = paris(new Date()), before = paris(new Date(Date.now() - 3600e3));
  for (const c of busy)
    assert.ok((c.dow === now.dow && c.hour === now.hour) || (c.dow === before.dow && c.hour === before.hour), JSON.stringify({ c, now }));
  assert.match(await ownerPage.textContent("#audience-best"), /Europe\/Paris/);
  await shot(ownerPage, "audience");
  // Another zone moves the cells; a zone that does not exist is refused by name.
  await ownerPage.fill("#tz", "Asia/Tokyo");
  await ownerPage.press("#tz", "Enter");
  await ownerPage.waitForFunction(() => document.getElementById("audience-best").textContent.includes("Asia/Tokyo"));
  await ownerPage.fill("#tz", "Mars/Olympus");
  await ownerPage.press("#tz", "Enter");
  await ownerPage.waitForSelector("#status.error");
  assert.match(await ownerPage.textContent("#status"), /tz|time zone/i);
  assert.equal(await ownerPage.inputValue("#tz"), "Asia/Tokyo", "the refused name is not kept");
  // Back to Paris for the tests that follow.
  await ownerPage.fill("#tz", zone);
  await ownerPage.press("#tz", "Enter");
  await ownerPage.waitForFunction(() => document.getElementById("status").textContent.includes("Europe/Paris"));
});

test("sales are listed by status, entered by hand and change status", async () => {
  await open(ownerPage, "conversions", "#conversions-table td >> text=ORDER-1");
  const all = await rows(ownerPage, "#conversions-table");
  assert.ok(all.some((r) => r.includes("ORDER-2")));
  await ownerPage.selectOption("#conversion-filter", "approved");
  await ownerPage.waitForFunction(() => !document.getElementById("conversions-table").textContent.includes("ORDER-2"));
  assert.ok((await rows(ownerPage, "#conversions-table")).every((r) => !r.includes("ORDER-2")));
  await ownerPage.selectOption("#conversion-filter", "");
  await ownerPage.waitForSelector("#conversions-table td >> text=ORDER-2");

  await ownerPage.selectOption("#conversion-offer", { label: "Sneaker Shop (EUR)" });
  await ownerPage.fill("#conversion-amount", "12,50");
  await ownerPage.selectOption("#conversion-status", "approved");
  await ownerPage.fill("#conversion-txid", "MANUAL-1");
  await ownerPage.click("#conversion-save");
  await ownerPage.waitForSelector("#conversions-table td >> text=MANUAL-1");
  const manual = (await rows(ownerPage, "#conversions-table")).find((r) => r.includes("MANUAL-1"));
  assert.equal(manual[2], "€12.50");
  assert.equal(manual[3], "€1.25", "10 % of 12.50, computed by the server");
  assert.equal(manual[8], "by hand");

  // ORDER-2 is refused by the merchant: it stops counting (once the dashboard's question is answered).
  ownerPage.once("dialog", (dialog) => dialog.accept());
  await Promise.all([
    ownerPage.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes("/api/v1/conversions/") && r.ok()),
    ownerPage.selectOption("#conversions-table select[aria-label='Status ORDER-2']", "rejected")]);
  await ownerPage.selectOption("#conversion-filter", "rejected");
  await ownerPage.waitForFunction(() => !document.getElementById("conversions-table").textContent.includes("MANUAL-1"));
  assert.deepEqual((await rows(ownerPage, "#conversions-table")).map((r) => r[7]), ["ORDER-2"]);
  await ownerPage.selectOption("#conversion-filter", "");
  await ownerPage.waitForSelector("#conversions-table td >> text=MANUAL-1");
  await shot(ownerPage, "conversions");
});

test("other income is entered and counts by income stream", async () => {
  await open(ownerPage, "income", "#income-table tbody tr");
  await ownerPage.selectOption("#income-stream", "creator_rewards");
  await ownerPage.fill("#income-amount", "120.50");
  await ownerPage.fill("#income-note", "October payout");
  await ownerPage.click("#income-save");
  await ownerPage.waitForSelector("#income-table td >> text=October payout");
  const [entry] = await rows(ownerPage, "#income-table");
  assert.deepEqual(entry.slice(1, 3), ["Creator Rewards", "€120.50"]);
  await shot(ownerPage, "income");
  await open(ownerPage, "overview", "#ranking-stream tbody tr");
  const streams = await rows(ownerPage, "#ranking-stream");
  assert.equal(streams.find((r) => r[0] === "Creator Rewards")[3], "€120.50");
  assert.equal(streams.find((r) => r[0] === "Affiliate sales")[3], "€62.40", "49.90 + 12.50; the rejected sale is out");
});

test("a change without the CSRF header is refused", async () => {
  const answer = await ownerPage.evaluate(async () => {
    const res = await fetch("/api/v1/links", { method: "POST", body: JSON.stringify({ target_url: "https://x.example" }) });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, "csrf_failed");
});

test("the language can be switched", async () => {
  await ownerPage.goto(base + "/dashboard#links");
  await language(ownerPage, "fr");
  assert.equal(await ownerPage.textContent("nav a[href='#links']"), "Liens");
  assert.equal(await ownerPage.getAttribute("html", "lang"), "fr");
  await ownerPage.reload();
  assert.equal(await ownerPage.textContent("nav a[href='#links']"), "Liens", "the choice is remembered");
  await language(ownerPage, "en");
  assert.equal(await ownerPage.textContent("nav a[href='#links']"), "Links");
});

test("the bio page shows the cards with disclosure labels, without JavaScript, on a phone", async () => {
  // Fill the form only once the (empty) profile has been loaded into it, or the load would
  // overwrite what was typed.
  await open(ownerPage, "bio", "#bio[data-loaded]");
  await ownerPage.fill("#profile-handle", "lea.runs");
  await ownerPage.fill("#profile-name", "Léa <Runs>");
  await ownerPage.selectOption("#profile-language", "fr");
  await ownerPage.click("#profile-form button[type=submit]");
  await ownerPage.waitForSelector("#bio-link:not([hidden])");

  const context = await chrome.browser.newContext({ javaScriptEnabled: false, viewport: phone, locale: "fr-FR" });
  const page = await context.newPage();
  const response = await page.goto(base + "/@lea.runs");
  assert.equal(response.status(), 200);
  const html = await response.text();
  assert.ok(html.length < 30 * 1024, `first load is ${html.length} bytes`);
  assert.ok(!html.includes("<script"), "no script at all");
  assert.equal(await page.textContent("h1"), "Léa <Runs>");
  const cards = await page.$$eval("a.card", (as) => as.map((a) => ({
    title: a.querySelector(".title").textContent,
    label: a.querySelector(".disclosure")?.textContent ?? "",
    href: a.getAttribute("href"), target: a.getAttribute("target") })));
  // Same bio_position: the newer link comes first (issue 20). Titles are text, never markup.
  assert.deepEqual(cards.map((c) => c.title), ["Bag", "Running shoes <b>-20%</b>"]);
  assert.deepEqual(cards.map((c) => c.label), ["Lien affilié", "Publicité"]);
  assert.deepEqual(await page.$$eval("a.card", (as) => as.map((a) => a.querySelector(".seen")?.textContent ?? "")),
    ["", "Vu dans \u00ab\u00a0Morning run haul\u00a0\u00bb"]);
  for (const c of cards) {
    assert.equal(c.target, null, "no new windows");
    assert.match(c.href, /\?utm_source=bio$/);
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= phone.width, `no horizontal scroll (${width} px)`);
  await shot(page, "bio-page");

  // Following a card is a tracked redirect counted with source "bio" (the shoes card: its
  // target carries {click_id}, so the click is found by the id in the Location).
  const shoesCard = cards.find((c) => c.title.startsWith("Running shoes"));
  const hop = await context.request.get(shoesCard.href, { maxRedirects: 0 });
  assert.equal(hop.status(), 302);
  assert.match(hop.headers()["location"], /^https:\/\/shop\.example\//);
  // Earlier tests made clicks too: wait for one more than there were.
  const count = () => ownerPage.evaluate(async () => (await (await fetch("/api/v1/clicks?limit=200")).json()).clicks);
  const before = hop.headers()["location"];
  let clicks = [];
  for (let i = 0; i < 50 && !clicks.some((c) => before.includes(c.click_id)); ++i) {
    clicks = await count();
    await ownerPage.waitForTimeout(100);
  }
  const mine = clicks.find((c) => before.includes(c.click_id));
  assert.ok(mine, "the click reached the database");
  assert.equal(mine.source, "bio");
  await context.close();
});

test("the dashboard fits a 360 px wide phone screen", async () => {
  const context = await chrome.browser.newContext({ viewport: phone, locale: "fr-FR" });
  const page = await context.newPage();
  await logIn(page, owner);
  for (const section of ["overview", "rankings", "audience", "conversions", "income", "links", "videos", "codes", "offers", "bio", "keys", "users"]) {
    await page.goto(base + "/dashboard#" + section);
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.width, `#${section} is ${width} px wide`);
    await shot(page, "phone-" + section);
  }
  await context.close();
});

test("a viewer sees everything and can change nothing", async () => {
  const context = await chrome.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await logIn(page, viewer);
  await page.goto(base + "/dashboard#links");
  await page.waitForSelector("body.viewer");
  await page.waitForSelector("#links-table td >> text=" + base + "/bio-shoes");
  assert.equal(await page.isVisible("#link-form"), false, "no form to create links");
  for (const [section, ready] of [["offers", "#offers-table td >> text=Sneaker Shop"], ["videos", "#videos-table td >> text=Morning run haul"],
    ["codes", "#codes-table td >> text=LEA10"], ["conversions", "#conversions-table td >> text=ORDER-1"],
    ["income", "#income-table td >> text=October payout"], ["links", "#links-table td >> text=" + base + "/bio-shoes"],
    ["bio", "#profile-form"], ["keys", "#keys-table thead"], ["users", "#users-table td >> text=viewer@example.com"]]) {
    await page.goto(base + "/dashboard#" + section);
    await page.waitForSelector(ready, { state: "attached" });
    const changers = await page.$$eval("main form, main button, main select, main input", (nodes) =>
      nodes.filter((n) => n.offsetParent !== null && !n.closest(".period, .ranking, #conversion-filter")
        && n.id !== "conversion-filter" && n.id !== "tz" && !n.classList.contains("sort") && !n.classList.contains("more")
        && !n.dataset.csv && n.textContent !== "Copy")
        .map((n) => n.id || n.textContent));
    assert.deepEqual(changers, [], `#${section} offers nothing to change`);
    await shot(page, "viewer-" + section);
  }
  await page.goto(base + "/dashboard#links");
  const answer = await page.evaluate(async () => {
    const who = await (await fetch("/api/v1/session")).json();
    const res = await fetch("/api/v1/links", {
      method: "POST", headers: { "X-CSRF-Token": who.csrf_token, "Content-Type": "application/json" },
      body: JSON.stringify({ target_url: "https://x.example" }) });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, "read_only");
  await shot(page, "viewer-links");
  await context.close();
});

test("the Activity page lists who changed what, for owners only, and no policy blocks anything", async () => {
  const context = await chrome.browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const blocked = [];
  page.on("console", (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) blocked.push(m.text()); });
  await logIn(page, owner);
  await page.goto(base + "/dashboard#activity");
  // The link made from the dashboard earlier, by this owner.
  // Actions in words; the code stays in data-action.
  await page.waitForSelector("#activity-table td[data-action='link.create']");
  const rows = await page.$$eval("#activity-table tbody tr", (trs) => trs.map((tr) => tr.textContent));
  const row = rows.find((r) => r.includes("Lien : création") && r.includes("slug=bio-shoes"));
  assert.ok(row, rows.join("\n"));
  assert.ok(row.includes(owner.email), row);
  assert.equal(await page.textContent("#activity h1"), "Activité");
  await language(page, "en");
  assert.equal(await page.textContent("#activity h1"), "Activity");
  assert.equal(await page.textContent("#activity-table th"), "When");
  await shot(page, "activity");
  for (const section of ["overview", "links", "bio", "keys", "users"]) await page.goto(base + "/dashboard#" + section);
  assert.deepEqual(blocked, [], "the Content-Security-Policy blocked something");
  await context.close();

  const viewerContext = await chrome.browser.newContext({ locale: "en-US" });
  const viewerPage = await viewerContext.newPage();
  await logIn(viewerPage, viewer);
  await viewerPage.goto(base + "/dashboard#links");
  await viewerPage.waitForSelector("body.viewer");
  assert.equal(await viewerPage.$("nav a[href='#activity']"), null, "no Activity entry for a viewer");
  const status = await viewerPage.evaluate(async () => (await fetch("/api/v1/audit-log")).status);
  assert.equal(status, 403);
  await viewerContext.close();
});

test("repeated wrong passwords are throttled", async () => {
  const context = await chrome.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  let last;
  for (let i = 0; i < 6; ++i) {
    await page.goto(base + "/login");
    await page.fill("#email", viewer.email);
    await page.fill("#password", "wrong-" + i);
    [last] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  }
  assert.equal(last.status(), 429);
  assert.ok(Number(last.headers()["retry-after"]) > 0);
  // Even the right password waits now.
  await logIn(page, viewer);
  assert.match(page.url(), /\/login$/);
  await shot(page, "login-throttled");
  await context.close();
});

// Runs in the page: POSTs each body to `path` with the session's CSRF token, a few at a time,
// and answers the statuses.
async function postMany(page, path, bodies) {
  return page.evaluate(async ({ path, bodies }) => {
    const who = await (await fetch("/api/v1/session")).json();
    const statuses = [];
    for (let i = 0; i < bodies.length; i += 10) {
      statuses.push(...await Promise.all(bodies.slice(i, i + 10).map((body) => fetch(path, {
        method: "POST", headers: { "X-CSRF-Token": who.csrf_token, "Content-Type": "application/json" },
        body: JSON.stringify(body) }).then((r) => r.status))));
    }
    return statuses;
  }, { path, bodies });
}

// Counts a list's rows through the API, following next_cursor.
async function countAll(page, path, name) {
  return page.evaluate(async ({ path, name }) => {
    let n = 0, cursor = null;
    do {
      const data = await (await fetch(path + "?limit=200" + (cursor ? "&cursor=" + cursor : ""))).json();
      n += data[name].length;
      cursor = data.next_cursor;
    } while (cursor);
    return n;
  }, { path, name });
}

const bodyRows = (page, selector) => page.locator(selector + " tbody tr").count();
const waitRows = (page, selector, n) => page.waitForFunction(([s, n]) => document.querySelectorAll(s + " tbody tr").length === n, [selector, n]);

test("long lists show a page at a time with Show more, and selects offer every item", async () => {
  const many = [...Array(205).keys()];
  const links = await postMany(ownerPage, "/api/v1/links",
    many.map((i) => ({ target_url: "https://shop.example/many/" + i, slug: "many-" + i, title: "Many " + i })));
  assert.ok(links.every((s) => s === 201), JSON.stringify(links));
  const videos = await postMany(ownerPage, "/api/v1/videos",
    many.map((i) => ({ platform: "tiktok", title: "Clip " + i, posted_at: "2026-10-01T12:00:00Z" })));
  assert.ok(videos.every((s) => s === 201), JSON.stringify(videos));
  const linkCount = await countAll(ownerPage, "/api/v1/links", "links");
  const videoCount = await countAll(ownerPage, "/api/v1/videos", "videos");
  assert.ok(linkCount > 205 && videoCount > 205, `${linkCount} links, ${videoCount} videos`);

  // The newest 100 links, the first one made (bio-shoes) not among them.
  await open(ownerPage, "links", "#links[data-loaded]");
  assert.equal(await bodyRows(ownerPage, "#links-table"), 100);
  assert.ok(await ownerPage.isVisible("#links-table-more"));
  assert.equal(await ownerPage.textContent("#links-table-more"), "Show more");
  const shoes = "#links-table td >> text=" + base + "/bio-shoes";
  assert.equal(await ownerPage.locator(shoes).count(), 0);
  await ownerPage.click("#links-table-more");
  await waitRows(ownerPage, "#links-table", 200);
  await ownerPage.click("#links-table-more");
  await waitRows(ownerPage, "#links-table", linkCount);
  await ownerPage.waitForSelector("#links-table-more", { state: "hidden" });
  const all = await rows(ownerPage, "#links-table");
  assert.equal(new Set(all.map((r) => r[0])).size, linkCount, "no link twice");
  // The video of the oldest link is named though it is not among the newest 200 videos.
  assert.equal(all.find((r) => r[0] === base + "/bio-shoes")[3], "Morning run haul");
  assert.equal(all[all.length - 1][0], base + "/bio-shoes", "oldest last");
  await shot(ownerPage, "links-all-pages");

  // Every video and offer in the form's selects, the oldest video (beyond 200) included.
  assert.equal(await ownerPage.locator("#link-video option").count(), videoCount + 1, "every video and None");
  await ownerPage.selectOption("#link-video", { label: "Morning run haul" });
  await open(ownerPage, "codes", "#codes[data-loaded]");
  assert.equal(await ownerPage.locator("#code-link option").count(), linkCount + 1, "every link and None");
  await ownerPage.selectOption("#code-link", { label: "Running shoes <b>-20%</b> (/bio-shoes)" });
  await ownerPage.selectOption("#code-video", { label: "Morning run haul" });

  // Videos page the same way; the button speaks French too.
  await open(ownerPage, "videos", "#videos[data-loaded]");
  assert.equal(await bodyRows(ownerPage, "#videos-table"), 100);
  // A language change reloads the section: wait for the reload, or the click below would land
  // on the button of the table being replaced.
  await language(ownerPage, "fr");
  await ownerPage.waitForSelector("#videos[data-loaded]");
  await ownerPage.waitForFunction(() => document.getElementById("videos-table-more")?.textContent === "Afficher plus");
  await language(ownerPage, "en");
  await ownerPage.waitForSelector("#videos[data-loaded]");
  await ownerPage.waitForFunction(() => document.getElementById("videos-table-more")?.textContent === "Show more");
  await ownerPage.click("#videos-table-more");
  await waitRows(ownerPage, "#videos-table", 200);

  // Sales: a filter starts the list over, and Show more reaches the first sales again.
  const offerId = await ownerPage.evaluate(async () => (await (await fetch("/api/v1/offers")).json()).offers.find((o) => o.name === "Sneaker Shop").id);
  const sales = await postMany(ownerPage, "/api/v1/conversions",
    [...Array(100).keys()].map((i) => ({ offer_id: offerId, amount_minor: 1000 + i, txid: "PAGE-" + i, status: "approved" })));
  assert.ok(sales.every((s) => s === 201), JSON.stringify(sales));
  const saleCount = await countAll(ownerPage, "/api/v1/conversions", "conversions");
  await open(ownerPage, "conversions", "#conversions[data-loaded]");
  assert.equal(await bodyRows(ownerPage, "#conversions-table"), 100);
  assert.ok(await ownerPage.isVisible("#conversions-table-more"));
  assert.equal(await ownerPage.locator("#conversions-table td >> text=ORDER-1").count(), 0);
  await ownerPage.selectOption("#conversion-filter", "rejected");
  await waitRows(ownerPage, "#conversions-table", 1);
  assert.deepEqual((await rows(ownerPage, "#conversions-table")).map((r) => r[7]), ["ORDER-2"]);
  assert.equal(await ownerPage.isVisible("#conversions-table-more"), false);
  await ownerPage.selectOption("#conversion-filter", "");
  await waitRows(ownerPage, "#conversions-table", 100);
  await ownerPage.click("#conversions-table-more");
  await waitRows(ownerPage, "#conversions-table", saleCount);
  await ownerPage.waitForSelector("#conversions-table td >> text=ORDER-1");
  assert.equal(await ownerPage.isVisible("#conversions-table-more"), false);

  // The Activity page has its own paging (50 entries, then older ones).
  await open(ownerPage, "activity", "#activity-table tbody tr");
  await waitRows(ownerPage, "#activity-table", 50);
  await ownerPage.click("#activity-more");
  await waitRows(ownerPage, "#activity-table", 100);
});

// ---- smart redirects (issue 14) ----
const tiktokAndroidUa = "Mozilla/5.0 (Linux; Android 13; SM-S908B Build/TP1A.220624.014; wv) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 trill_320403 JsSdk/1.0 " +
  "NetType/WIFI Channel/googleplay AppName/trill app_version/32.4.3 ByteLocale/en BytedanceWebview/d8a21c6";
const instagramIosUa = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Mobile/15E148 Instagram 305.0.0.21.109 (iPhone15,3; iOS 17_0; en_US; en; scale=3.00; 1290x2796; 532277130)";

async function smartLink(page) {
  return page.evaluate(async () => {
    const res = await fetch("/api/v1/links?limit=200");
    return (await res.json()).links.find((l) => l.slug === "smart-shop");
  });
}

test("smart redirect settings and rules are edited in the dashboard, storefronts included", async () => {
  const context = await chrome.browser.newContext({ locale: "en-US", timezoneId: zone, viewport: laptop });
  const page = await context.newPage();
  await logIn(page, owner);
  await open(page, "links", "#links-table tbody tr");
  await page.fill("#link-target", "https://shop.example/p?sub={click_id}");
  await page.fill("#link-slug", "smart-shop");
  await page.selectOption("#link-escape", "auto");
  await page.fill("#link-max-clicks", "1000");
  await page.click("#rule-add");
  await page.fill("#link-rules li:nth-child(1) .rule-country", "FR, be");
  await page.fill("#link-rules li:nth-child(1) .rule-target", "https://shop.example/fr?sub={click_id}");
  await page.click("#rule-add");
  await page.fill("#link-rules li:nth-child(2) .rule-os", "android");
  await page.fill("#link-rules li:nth-child(2) .rule-target", "https://shop.example/android?sub={click_id}");
  await page.click("#link-rules li:nth-child(2) .rule-up"); // android first
  await page.click("#link-save");
  await page.waitForSelector("#links-table td >> text=" + base + "/smart-shop");
  let link = await smartLink(page);
  assert.equal(link.open_in_browser, "auto");
  assert.equal(link.max_clicks, 1000);
  assert.equal(link.forward_query, true);
  assert.deepEqual(link.rules.map((r) => r.target_url),
    ["https://shop.example/android?sub={click_id}", "https://shop.example/fr?sub={click_id}"]);
  assert.deepEqual(link.rules[1].if.country, ["FR", "BE"]);
  const row = (await rows(page, "#links-table")).find((r) => r[0] === base + "/smart-shop");
  assert.match(row.join(" "), /2 rules/);
  assert.match(row.join(" "), /browser escape/);

  // A bad rule is refused with the place named, and nothing is saved.
  await page.click("#links-table tr:has-text('/smart-shop') button:has-text('Edit')");
  assert.equal(await page.locator("#link-rules li").count(), 2);
  await page.fill("#link-rules li:nth-child(2) .rule-country", "FR, France");
  await page.click("#link-save");
  await page.waitForSelector("#status.error");
  assert.match(await page.textContent("#status"), /rules\[1\]\.if\.country\[1\]/);
  await page.fill("#link-rules li:nth-child(2) .rule-country", "FR");

  // The storefront preset replaces the country rules and keeps the others first.
  await page.fill("#store-product", "B08N5WRWNW");
  await page.fill("#store-tags", "DE=lea0d-21, GB=lea-uk-21");
  await page.click("#store-apply");
  await page.waitForSelector("#link-rules li:nth-child(3) .rule-target");
  await page.waitForSelector("#links-table tr:has-text('/smart-shop'):has-text('3 rules')");
  assert.equal(await page.inputValue("#link-rules li:nth-child(2) .rule-target"), "https://www.amazon.de/dp/B08N5WRWNW?tag=lea0d-21");
  assert.equal(await page.inputValue("#link-rules li:nth-child(3) .rule-country"), "GB");
  // Remove the Amazon UK rule and save.
  await page.click("#link-rules li:nth-child(3) .rule-remove");
  await page.click("#link-save");
  await page.waitForSelector("#links-table tr:has-text('/smart-shop'):has-text('2 rules')");
  link = await smartLink(page);
  assert.deepEqual(link.rules.map((r) => r.target_url),
    ["https://shop.example/android?sub={click_id}", "https://www.amazon.de/dp/B08N5WRWNW?tag=lea0d-21"]);
  await shot(page, "links-smart");
  await context.close();
});

async function clickIds(page, linkId) {
  return page.evaluate(async (id) => {
    const res = await fetch("/api/v1/clicks?link_id=" + id);
    return (await res.json()).clicks.map((c) => c.click_id);
  }, linkId);
}

test("the in-app escape page: each way out carries the click id, and it works without JavaScript", async () => {
  const ownerContext = await chrome.browser.newContext({ locale: "en-US", timezoneId: zone, viewport: laptop });
  const admin = await ownerContext.newPage();
  await logIn(admin, owner);
  const link = await smartLink(admin);
  const seen = [];

  // TikTok on an iPhone: no dependable escape, so "Copy link" (the only script) and the menu hint.
  const ios = await chrome.browser.newContext({ userAgent: tiktokUa, viewport: phone, isMobile: true, hasTouch: true, locale: "en-US" });
  await ios.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const iosPage = await ios.newPage();
  const answer = await iosPage.goto(base + "/smart-shop?utm_campaign=nov");
  assert.equal(answer.status(), 200);
  const continueHref = await iosPage.getAttribute("#continue", "href");
  const match = continueHref.match(/^https:\/\/shop\.example\/p\?sub=([0-9A-Z]{26})&utm_campaign=nov$/);
  assert.ok(match, continueHref);
  const clickId = match[1];
  seen.push(clickId);
  assert.equal(await iosPage.inputValue("#url"), continueHref);
  assert.equal(await iosPage.isVisible("#copied"), false);
  await iosPage.click("#copy");
  await iosPage.waitForSelector("#copied:not([hidden]), #manual:not([hidden])");
  if (await iosPage.isVisible("#copied"))
    assert.equal(await iosPage.evaluate(() => navigator.clipboard.readText()), continueHref);
  assert.match(await iosPage.textContent("main"), /TikTok/);
  await shot(iosPage, "escape-tiktok-ios");
  await ios.close();

  // TikTok on Android, JavaScript off: the intent:// button and "Continue here" still work.
  const android = await chrome.browser.newContext({ userAgent: tiktokAndroidUa, viewport: phone, isMobile: true,
    javaScriptEnabled: false, locale: "fr-FR" });
  const androidPage = await android.newPage();
  await androidPage.goto(base + "/smart-shop");
  const open = await androidPage.getAttribute("#open", "href");
  const cont = await androidPage.getAttribute("#continue", "href");
  const androidId = cont.match(/^https:\/\/shop\.example\/android\?sub=([0-9A-Z]{26})$/)[1];
  seen.push(androidId);
  assert.equal(open, "intent://shop.example/android?sub=" + androidId +
    "#Intent;scheme=https;S.browser_fallback_url=" + encodeURIComponent(cont) + ";end");
  assert.match(await androidPage.textContent("h1"), /navigateur/);
  assert.equal(await androidPage.isVisible("#continue"), true);
  // The way out a webview falls back to: following "Continue here" reaches the target with the same id.
  const [request] = await Promise.all([
    androidPage.waitForRequest((r) => r.url().startsWith("https://shop.example/")),
    androidPage.click("#continue"),
  ]);
  assert.equal(request.url(), cont);
  await android.close();

  // Instagram on an iPhone: its own extbrowser scheme.
  const insta = await chrome.browser.newContext({ userAgent: instagramIosUa, viewport: phone, isMobile: true, javaScriptEnabled: false });
  const instaPage = await insta.newPage();
  await instaPage.goto(base + "/smart-shop");
  const instaHref = await instaPage.getAttribute("#open", "href");
  const instaCont = await instaPage.getAttribute("#continue", "href");
  assert.equal(instaHref, "instagram://extbrowser/?url=" + encodeURIComponent(instaCont));
  seen.push(instaCont.match(/sub=([0-9A-Z]{26})/)[1]);
  await insta.close();

  // One click per page served, each with the id its page carried.
  for (let i = 0; i < 50; ++i) {
    const stored = await clickIds(admin, link.id);
    if (seen.every((id) => stored.includes(id))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const stored = await clickIds(admin, link.id);
  assert.deepEqual([...stored].sort(), [...seen].sort());
  await ownerContext.close();
});

// A webhook receiver on 127.0.0.1 (the server runs with LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1):
// it keeps every request and answers 200; `arrived(n)` waits for the n-th.
async function startReceiver() {
  const { createServer } = await import("node:http");
  const got = [];
  let wake = () => {};
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => {
      got.push({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("thanks");
      wake();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const arrived = async (n) => {
    const deadline = Date.now() + 20000;
    while (got.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the receiver got ${got.length} requests, not ${n}`);
      await new Promise((resolve) => { wake = resolve; setTimeout(resolve, left); });
    }
    return got[n - 1];
  };
  return { url: "http://127.0.0.1:" + server.address().port, got, arrived, close: () => new Promise((r) => server.close(r)) };
}

// Standard Webhooks: the secrets (whsec_...) whose v1 signature of "id.timestamp.body" is in the header.
async function signedBy(request, secrets) {
  const { createHmac } = await import("node:crypto");
  const h = request.headers;
  const sent = h["webhook-signature"].split(" ");
  return secrets.filter((secret) => sent.includes("v1," + createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64"))
    .update(h["webhook-id"] + "." + h["webhook-timestamp"] + "." + request.body).digest("base64")));
}

test("webhooks: an owner adds an endpoint, sees its secret once, tests, resends, rotates, disables and deletes it", { timeout: 120000 }, async () => {
  const receiver = await startReceiver();
  const context = await chrome.browser.newContext({ locale: "en-US", timezoneId: zone, viewport: laptop });
  const page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept()); // the confirmations of rotate and delete
  await logIn(page, owner);
  await open(page, "webhooks", "#webhooks[data-loaded]");
  // Its entry is in the header's More menu.
  await page.click("#more");
  assert.equal(await page.isVisible("nav a[href='#webhooks']"), true);
  await page.click("#more");

  const url = receiver.url + "/hook-" + Date.now();
  await page.fill("#webhook-url", url);
  for (const e of ["link-created", "link-updated", "link-deleted", "offer-updated"]) await page.uncheck("#webhook-event-" + e);
  await page.selectOption("#webhook-format", "standard");
  await page.fill("#webhook-description", "Sales sheet");
  await page.click("#webhook-save");
  await page.waitForSelector("#webhook-secret-box:not([hidden])");
  const secret = await page.textContent("#webhook-secret");
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.match(await page.textContent("#webhook-secret-box"), /will not be shown again/);
  const row = "#webhooks-table tr:has-text('" + url + "')";
  await page.waitForSelector(row);
  const [listed] = (await rows(page, "#webhooks-table")).filter((r) => r[0].startsWith(url));
  assert.deepEqual(listed.slice(0, 4), [url + "Sales sheet", "sale.created, sale.updated", "Standard Webhooks (signed JSON)", "Active"]);
  assert.ok(!(await page.textContent("#webhooks-table")).includes(secret), "the list never shows the secret");
  await shot(page, "webhooks-created");
  // Once: a fresh load of the section no longer has it.
  await open(page, "webhooks", "#webhooks[data-loaded]");
  assert.equal(await page.isVisible("#webhook-secret-box"), false);
  assert.ok(!(await page.content()).includes(secret), "the secret is gone from the page");

  // A test ping: delivered, signed with the secret shown, and the log says so.
  await page.click(row + " button:has-text('Send a test')");
  const ping = await receiver.arrived(1);
  assert.equal(new URL(ping.path, receiver.url).href, url);
  assert.equal(JSON.parse(ping.body).type, "ping");
  assert.deepEqual(await signedBy(ping, [secret]), [secret]);
  const delivered = "#deliveries-table tr:has-text('ping'):has(.delivery.succeeded)";
  await page.waitForSelector(delivered + " summary:text-is('Attempts (1)')");
  const [logged] = await rows(page, "#deliveries-table");
  assert.deepEqual([logged[1], logged[2], logged[3], logged[4]], ["ping", "Delivered", "1", "200"]);
  assert.match(logged[5], /^\d+ ms$/);
  assert.match(logged[7], /^thanks/);

  // Resent: the same webhook-id again, and a second attempt in the log.
  await page.click(delivered + " button:has-text('Resend')");
  const again = await receiver.arrived(2);
  assert.equal(again.headers["webhook-id"], ping.headers["webhook-id"]);
  await page.waitForSelector(delivered + " summary:text-is('Attempts (2)')");

  // A new secret: shown once, with the old one still signing beside it for the overlap.
  await page.click(row + " button:has-text('New secret')");
  await page.waitForSelector("#webhook-secret-box:not([hidden])");
  const rotated = await page.textContent("#webhook-secret");
  assert.match(rotated, /^whsec_/);
  assert.notEqual(rotated, secret);
  assert.match(await page.textContent("#webhook-secret-overlap"), /previous secret keeps signing/);
  await page.click(row + " button:has-text('Send a test')");
  const third = await receiver.arrived(3);
  assert.deepEqual(await signedBy(third, [secret, rotated]), [secret, rotated], "both secrets sign during the overlap");
  await page.waitForFunction(() => {
    const states = [...document.querySelectorAll("#deliveries-table tbody tr .delivery")].map((b) => b.className);
    return states.length === 2 && states.every((c) => c.includes("succeeded"));
  });
  await shot(page, "webhooks");

  // On a phone: nothing wider than the screen, the log included.
  await page.setViewportSize(phone);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= phone.width, `#webhooks is ${width} px wide`);
  await shot(page, "phone-webhooks");
  await page.setViewportSize(laptop);

  // Disabled: said so, and no test ping can be sent to it; then deleted.
  await page.click(row + " button:has-text('Disable')");
  await page.waitForSelector(row + " .webhook-state:text-is('Disabled')");
  assert.equal(await page.locator(row + " button:has-text('Send a test')").count(), 0);
  await language(page, "fr");
  await page.waitForSelector(row + " .webhook-state:text-is('Désactivé')");
  assert.equal(await page.textContent("#webhook-save"), "Ajouter");
  assert.match(await page.textContent("#webhook-secret-overlap"), /ancien secret signe encore/);
  await shot(page, "webhooks-fr");
  await language(page, "en");
  await page.waitForSelector(row + " button:has-text('Enable')");
  await page.click(row + " button:has-text('Delete')");
  await page.waitForSelector(row, { state: "detached" });
  assert.equal(await page.isVisible("#webhook-log"), false, "the deleted endpoint's log is closed");
  const left = await page.evaluate(async () => (await (await fetch("/api/v1/webhooks")).json()).webhooks.map((w) => w.url));
  assert.ok(!left.includes(url), "deleted");
  // A viewer of its own (the shared one may still be throttled by an earlier test).
  const seer = { email: "webhooks-viewer-" + Date.now() + "@example.com" };
  seer.password = await page.evaluate(async (email) => {
    const who = await (await fetch("/api/v1/session")).json();
    const res = await fetch("/api/v1/users", { method: "POST", headers: { "X-CSRF-Token": who.csrf_token, "Content-Type": "application/json" },
      body: JSON.stringify({ email, role: "viewer" }) });
    return (await res.json()).password;
  }, seer.email);
  await context.close();
  await receiver.close();

  // A viewer has no Webhooks entry or section, and the API refuses them the list.
  const viewerContext = await chrome.browser.newContext({ locale: "en-US" });
  const viewerPage = await viewerContext.newPage();
  await logIn(viewerPage, seer);
  await viewerPage.goto(base + "/dashboard#webhooks");
  await viewerPage.waitForSelector("body.viewer");
  assert.equal(await viewerPage.$("nav a[href='#webhooks']"), null, "no Webhooks entry for a viewer");
  assert.equal(await viewerPage.$("#webhooks"), null, "no Webhooks section for a viewer");
  const status = await viewerPage.evaluate(async () => (await fetch("/api/v1/webhooks")).status);
  assert.equal(status, 403);
  await viewerContext.close();
});

test("webhooks: an owner edits an endpoint's URL, events, format and description, in English and French", { timeout: 120000 }, async () => {
  const receiver = await startReceiver();
  const context = await chrome.browser.newContext({ locale: "en-US", timezoneId: zone, viewport: laptop });
  const page = await context.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  await logIn(page, owner);
  await open(page, "webhooks", "#webhooks[data-loaded]");
  const first = receiver.url + "/before-" + Date.now();
  await page.fill("#webhook-url", first);
  await page.fill("#webhook-description", "Sheet");
  await page.click("#webhook-save");
  await page.waitForSelector("#webhook-secret-box:not([hidden])");
  await page.click("#webhook-secret-hide");
  const row = (url) => "#webhooks-table tr:has-text('" + url + "')";
  await page.waitForSelector(row(first));

  // Edit: the form holds the endpoint as it is, says so, and Cancel puts it back to "new".
  await page.click(row(first) + " button:has-text('Edit')");
  assert.equal(await page.textContent("#webhook-form-title"), "Edit the endpoint");
  assert.equal(await page.textContent("#webhook-save"), "Save");
  assert.equal(await page.inputValue("#webhook-url"), first);
  assert.equal(await page.inputValue("#webhook-description"), "Sheet");
  assert.equal(await page.isChecked("#webhook-event-offer-updated"), true);
  await page.click("#webhook-cancel");
  assert.equal(await page.textContent("#webhook-form-title"), "New endpoint");
  assert.equal(await page.inputValue("#webhook-url"), "");
  assert.equal(await page.isVisible("#webhook-cancel"), false);

  // In French the form's labels follow the language while editing.
  await page.click(row(first) + " button:has-text('Edit')");
  await language(page, "fr");
  await page.waitForFunction(() => document.querySelector("#webhook-form-title").textContent === "Modifier le point de réception");
  assert.equal(await page.textContent("#webhook-save"), "Enregistrer");
  await language(page, "en");
  await page.waitForFunction(() => document.querySelector("#webhook-save").textContent === "Save");

  const second = receiver.url + "/after-" + Date.now();
  await page.fill("#webhook-url", second);
  for (const e of ["sale-updated", "link-created", "link-updated", "link-deleted", "offer-updated"]) await page.uncheck("#webhook-event-" + e);
  await page.selectOption("#webhook-format", "slack");
  await page.fill("#webhook-description", "Phone");
  await page.click("#webhook-save");
  await page.waitForSelector(row(second));
  assert.equal(await page.locator(row(first)).count(), 0, "edited in place, not added");
  assert.equal(await page.isVisible("#webhook-secret-box"), false, "an edit shows no secret");
  assert.equal(await page.textContent("#webhook-form-title"), "New endpoint");
  const [listed] = (await rows(page, "#webhooks-table")).filter((r) => r[0].startsWith(second));
  assert.deepEqual(listed.slice(0, 4), [second + "Phone", "sale.created", "Slack message", "Active"]);
  const saved = await page.evaluate(async (url) => (await (await fetch("/api/v1/webhooks")).json()).webhooks.find((w) => w.url === url), second);
  assert.deepEqual([saved.events, saved.format, saved.description, saved.active], [["sale.created"], "slack", "Phone", true]);

  // A test goes to the new URL, in the new format; the log shows it delivered, in green.
  await page.click(row(second) + " button:has-text('Send a test')");
  const ping = await receiver.arrived(1);
  assert.equal(new URL(ping.path, receiver.url).href, second);
  assert.ok(typeof JSON.parse(ping.body).text === "string", "a Slack message: " + ping.body);
  assert.equal(ping.headers["webhook-signature"], undefined, "Slack messages are not signed");
  const badge = "#deliveries-table .delivery.succeeded";
  await page.waitForSelector(badge);
  assert.equal(await page.$eval(badge, (b) => getComputedStyle(b).backgroundColor), "rgb(214, 236, 220)");

  await page.click(row(second) + " button:has-text('Delete')");
  await page.waitForSelector(row(second), { state: "detached" });
  await context.close();
  await receiver.close();
});
