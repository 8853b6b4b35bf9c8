// The dashboard and the bio page in Debian's headless Chromium, against the real server
// started by browser_test.cpp (which passes its address and two users in the environment).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.env.LL_BASE_URL;
const owner = { email: process.env.LL_OWNER_EMAIL, password: process.env.LL_OWNER_PASSWORD };
const viewer = { email: process.env.LL_VIEWER_EMAIL, password: process.env.LL_VIEWER_PASSWORD };
const artifacts = process.env.LL_ARTIFACTS || "browser-artifacts";
mkdirSync(artifacts, { recursive: true });

let browser;
let ownerPage;
const phone = { width: 360, height: 740 };

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.LL_CHROMIUM || "/usr/bin/chromium",
    // Root in CI containers: Chromium's sandbox needs user namespaces it may not get.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});
after(async () => { await browser?.close(); });

async function logIn(page, who) {
  await page.goto(base + "/login");
  await page.fill("#email", who.email);
  await page.fill("#password", who.password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

async function shot(page, name) {
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}

test("a wrong password is refused, the right one opens the dashboard", async () => {
  const context = await browser.newContext({ locale: "en-US" });
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
  await shot(ownerPage, "overview");
});

test("creating a link from the dashboard shows its short URL and QR code", async () => {
  await ownerPage.goto(base + "/dashboard#links");
  await ownerPage.fill("#link-target", "https://shop.example/shoes?subid={click_id}");
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
  await shot(ownerPage, "links");
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
  await ownerPage.selectOption("#lang", "fr");
  assert.equal(await ownerPage.textContent("nav a[href='#links']"), "Liens");
  assert.equal(await ownerPage.getAttribute("html", "lang"), "fr");
  await ownerPage.reload();
  assert.equal(await ownerPage.textContent("nav a[href='#links']"), "Liens", "the choice is remembered");
  await ownerPage.selectOption("#lang", "en");
  assert.equal(await ownerPage.textContent("nav a[href='#links']"), "Links");
});

test("the bio page shows the cards with disclosure labels, without JavaScript, on a phone", async () => {
  await ownerPage.goto(base + "/dashboard#bio");
  await ownerPage.fill("#profile-handle", "lea.runs");
  await ownerPage.fill("#profile-name", "Léa <Runs>");
  await ownerPage.selectOption("#profile-language", "fr");
  await ownerPage.click("#profile-form button[type=submit]");
  await ownerPage.waitForSelector("#bio-link:not([hidden])");

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: phone, locale: "fr-FR" });
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
  // Same bio_position: the older link comes first. Titles are text, never markup.
  assert.deepEqual(cards.map((c) => c.title), ["Running shoes <b>-20%</b>", "Bag"]);
  assert.deepEqual(cards.map((c) => c.label), ["Publicité", "Lien affilié"]);
  for (const c of cards) {
    assert.equal(c.target, null, "no new windows");
    assert.match(c.href, /\?utm_source=bio$/);
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= phone.width, `no horizontal scroll (${width} px)`);
  await shot(page, "bio-page-phone");

  // Following a card is a tracked redirect counted with source "bio".
  const hop = await context.request.get(cards[0].href, { maxRedirects: 0 });
  assert.equal(hop.status(), 302);
  assert.match(hop.headers()["location"], /^https:\/\/shop\.example\//);
  const clicks = await ownerPage.evaluate(async () => {
    for (let i = 0; i < 50; ++i) {
      const data = await (await fetch("/api/v1/clicks?limit=10")).json();
      if (data.clicks && data.clicks.length) return data.clicks;
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  });
  assert.ok(clicks.length >= 1, "the click reached the database");
  assert.equal(clicks[0].source, "bio");
  await context.close();
});

test("the dashboard fits a 360 px wide phone screen", async () => {
  const context = await browser.newContext({ viewport: phone, locale: "fr-FR" });
  const page = await context.newPage();
  await logIn(page, owner);
  for (const section of ["overview", "links", "bio", "keys", "users"]) {
    await page.goto(base + "/dashboard#" + section);
    await page.waitForLoadState("networkidle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.width, `#${section} is ${width} px wide`);
    await shot(page, "phone-" + section);
  }
  await context.close();
});

test("a viewer sees everything and can change nothing", async () => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await logIn(page, viewer);
  await page.goto(base + "/dashboard#links");
  await page.waitForSelector("body.viewer");
  await page.waitForSelector("#links-table td >> text=" + base + "/bio-shoes");
  assert.equal(await page.isVisible("#link-form"), false, "no form to create links");
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
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const blocked = [];
  page.on("console", (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) blocked.push(m.text()); });
  await logIn(page, owner);
  await page.goto(base + "/dashboard#activity");
  // The link made from the dashboard earlier, by this owner.
  await page.waitForSelector("#activity-table td >> text=link.create");
  const rows = await page.$$eval("#activity-table tbody tr", (trs) => trs.map((tr) => tr.textContent));
  const row = rows.find((r) => r.includes("link.create") && r.includes("slug=bio-shoes"));
  assert.ok(row, rows.join("\n"));
  assert.ok(row.includes(owner.email), row);
  assert.equal(await page.textContent("#activity h1"), "Activité");
  await page.selectOption("#lang", "en");
  assert.equal(await page.textContent("#activity h1"), "Activity");
  assert.equal(await page.textContent("#activity-table th"), "When");
  await shot(page, "activity");
  for (const section of ["overview", "links", "bio", "keys", "users"]) await page.goto(base + "/dashboard#" + section);
  assert.deepEqual(blocked, [], "the Content-Security-Policy blocked something");
  await context.close();

  const viewerContext = await browser.newContext({ locale: "en-US" });
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
  const context = await browser.newContext({ locale: "en-US" });
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
