// What every browser test file shares: the server's address and users (passed in the
// environment by browser_test.cpp), Debian's headless Chromium, and the small steps each file
// takes (log in, open a section, read a table, call the API as the logged-in user).
import { before, after, beforeEach } from "node:test";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export const base = process.env.LL_BASE_URL;
export const owner = { email: process.env.LL_OWNER_EMAIL, password: process.env.LL_OWNER_PASSWORD };
export const viewer = { email: process.env.LL_VIEWER_EMAIL, password: process.env.LL_VIEWER_PASSWORD };
export const artifacts = process.env.LL_ARTIFACTS || "browser-artifacts";
mkdirSync(artifacts, { recursive: true });

// The two screens, and the older ones the first tests were written for.
export const phone = { width: 390, height: 844 };
export const laptop = { width: 1280, height: 800 };
export const zone = "Europe/Paris";
// A follower tapping a link inside TikTok on an iPhone: a real visitor, not a bot.
export const tiktokUa = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/fr Region/FR";

// Tests send clicks, sales and income and read today's row back, in UTC (the instance's zone)
// and in Paris (the users'): a midnight between the two showed them two days. Each test starts
// clear of both midnights: this waits, only when one is less than `aheadMs` away, until it has
// passed (at most aheadMs; the guard of tests/support/one_utc_day.hpp for the browser).
const dayIn = (timeZone, ms) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(ms));
export async function stayInOneDay(aheadMs = 120e3, zones = ["UTC", zone]) {
  const near = () => zones.some((tz) => dayIn(tz, Date.now()) !== dayIn(tz, Date.now() + aheadMs));
  if (!near()) return;
  console.log(`stayInOneDay: a midnight (${zones.join(", ")}) is less than ${aheadMs} ms away, waiting for it to pass`);
  while (near()) await new Promise((resolve) => setTimeout(resolve, 500));
}
beforeEach(() => stayInOneDay());

// One Chromium per test file, launched before its first test.
export const chrome = { browser: null };
before(async () => {
  chrome.browser = await chromium.launch({
    executablePath: process.env.LL_CHROMIUM || "/usr/bin/chromium",
    // Root in CI containers: Chromium's sandbox needs user namespaces it may not get.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});
after(async () => { await chrome.browser?.close(); });

export async function logIn(page, who) {
  await page.goto(base + "/login");
  await page.fill("#email", who.email);
  await page.fill("#password", who.password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

// A logged-in page of its own: a new browser context with the language, zone and screen given.
export async function session(who, { locale = "en-US", viewport = laptop, timezoneId = zone } = {}) {
  const context = await chrome.browser.newContext({ locale, timezoneId, viewport });
  const page = await context.newPage();
  await logIn(page, who);
  await page.waitForFunction(() => document.getElementById("whoami")?.textContent.includes("@"));
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}

// Opens a dashboard section in a fresh load (a bare hash change would keep the last render
// on screen) and waits for `ready` to be in the page.
export async function open(page, section, ready) {
  await page.goto("about:blank");
  await page.goto(base + "/dashboard#" + section);
  await page.waitForSelector(ready, { state: "attached" });
}

// Picks the dashboard's language as a user does: in the header's "More" menu, which holds the
// language select (issue 20), then closes the menu again so it covers nothing.
export async function language(page, code) {
  if (!(await page.isVisible("#more-menu"))) await page.click("#more");
  await page.selectOption("#lang", code);
  await page.click("#more");
  await page.waitForSelector("#more-menu", { state: "hidden" });
}

// The texts of a table's body rows, cell by cell.
export async function rows(page, selector) {
  return page.$$eval(selector + " tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
}

// Calls the API from the page as its logged-in user (session cookie and CSRF token), so a
// test can make its own data without clicking through forms it does not test.
export async function api(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const me = await (await fetch("/api/v1/session")).json();
    const headers = { "Content-Type": "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = me.csrf_token;
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: response.status, json, text };
  }, { method, path, body });
}

// A name no other test uses, so tests that each make their own data never meet.
let counter = 0;
export function unique(prefix) {
  return `${prefix}-${process.pid.toString(36)}${(++counter).toString(36)}`;
}
