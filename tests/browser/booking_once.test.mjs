// The dashboard's forms that book money send an Idempotency-Key per filling of the form (README
// "Retrying a POST that books money"): a double click on Save, or a Save again after a network
// error whose answer was lost, booked a sale without txid (or an income entry) twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { owner, session, open, api, unique } from "./lib.mjs";

async function salesOf(page, offerId) {
  const reply = await api(page, "GET", "/api/v1/conversions?limit=200&offer_id=" + offerId);
  assert.equal(reply.status, 200, reply.text);
  return reply.json.conversions.map((c) => c.amount_minor).sort((a, b) => a - b);
}

async function incomeNoted(page, note) {
  const reply = await api(page, "GET", "/api/v1/income?limit=200");
  assert.equal(reply.status, 200, reply.text);
  return reply.json.income.filter((i) => i.note === note).map((i) => i.amount_minor);
}

// Holds each of the form's POSTs a moment before it leaves, so both of a double click are on their
// way together, whatever the machine's speed.
async function holdPosts(page, path) {
  const sent = [];
  // Final answers: a 409 tells the second click to ask again (app.js, its first is still being
  // booked), so it is not one.
  sent.answered = 0;
  page.on("response", (response) => {
    const request = response.request();
    if (request.method() === "POST" && new URL(request.url()).pathname === path && response.status() !== 409) sent.answered++;
  });
  await page.route("**" + path, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    sent.push(route.request().headers()["idempotency-key"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  return sent;
}

// Waits until both clicks' POSTs have their final answers (30 s at most: a slow machine), rather
// than a guessed second.
async function bothAnswered(sent) {
  for (const deadline = Date.now() + 30000; sent.answered < 2 && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

async function saleFormPage() {
  const page = await session(owner);
  const offer = await api(page, "POST", "/api/v1/offers", { name: unique("Once shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  assert.equal(offer.status, 201, offer.text);
  await open(page, "conversions", `#conversions[data-loaded] #conversion-offer option[value='${offer.json.id}']`);
  await page.selectOption("#conversion-offer", String(offer.json.id));
  await page.fill("#conversion-amount", "12,50");
  return { page, offerId: offer.json.id };
}

const saved = (page) => page.waitForFunction(() => document.getElementById("status").textContent === LL.t("saved"));
const cleared = (page) => page.evaluate(() => { document.getElementById("status").textContent = ""; });

test("a double click on Save books the sale once; the same filling saved again later is a new sale", async () => {
  const { page, offerId } = await saleFormPage();
  const sent = await holdPosts(page, "/api/v1/conversions");
  await page.dblclick("#conversion-save");
  await page.waitForFunction(() => document.getElementById("conversion-amount").value === "");
  await saved(page);
  // Both answers are in before counting: the second one waits for the first one's booking.
  await bothAnswered(sent);
  assert.equal(sent.length >= 2, true, "both clicks sent the form");
  assert.deepEqual(await salesOf(page, offerId), [1250]);
  assert.ok(sent[0], "the POST carries an Idempotency-Key");
  assert.equal(new Set(sent).size, 1, "both with the same key");
  await page.waitForSelector("#conversions-table td:text-is('€12.50')");

  // A sale booked, the next one typed alike is another sale, with another key.
  await cleared(page);
  await page.selectOption("#conversion-offer", String(offerId));
  await page.fill("#conversion-amount", "12,50");
  await page.click("#conversion-save");
  await saved(page);
  assert.deepEqual(await salesOf(page, offerId), [1250, 1250]);
  assert.notEqual(sent.at(-1), sent[0]);
  await page.context().close();
});

test("Save again after a network error that lost the answer books the sale once; an edited form is another sale", async () => {
  const { page, offerId } = await saleFormPage();
  // The first POST reaches the server and is booked; its answer never reaches the browser.
  let lost = 0;
  const keys = [];
  await page.route("**/api/v1/conversions", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    keys.push(route.request().headers()["idempotency-key"]);
    if (lost++ > 0) return route.continue();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.click("#conversion-save");
  await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
  assert.deepEqual(await salesOf(page, offerId), [1250], "the server booked it");
  assert.equal(await page.inputValue("#conversion-amount"), "12,50", "the form is kept for a retry");

  await cleared(page);
  await page.click("#conversion-save");
  await saved(page);
  assert.deepEqual(await salesOf(page, offerId), [1250], "the retry is the same sale");
  assert.equal(keys[1], keys[0]);

  // Another network error, then the amount corrected before saving again: another request, another key.
  lost = 0;
  await cleared(page);
  await page.selectOption("#conversion-offer", String(offerId));
  await page.fill("#conversion-amount", "7");
  await page.click("#conversion-save");
  await page.waitForFunction(() => document.getElementById("status").classList.contains("error"));
  await page.fill("#conversion-amount", "8");
  await cleared(page);
  await page.click("#conversion-save");
  await saved(page);
  assert.deepEqual(await salesOf(page, offerId), [700, 800, 1250]);
  assert.notEqual(keys.at(-1), keys.at(-2));
  await page.context().close();
});

test("a double click on Save books an income entry once", async () => {
  const page = await session(owner);
  await open(page, "income", "#income[data-loaded]");
  const note = unique("once");
  await page.fill("#income-amount", "42");
  await page.fill("#income-note", note);
  const sent = await holdPosts(page, "/api/v1/income");
  await page.dblclick("#income-save");
  await page.waitForSelector(`#income-table td:text-is("${note}")`);
  await saved(page);
  await bothAnswered(sent);
  assert.equal(sent.length >= 2, true, "both clicks sent the form");
  assert.deepEqual(await incomeNoted(page, note), [4200]);
  assert.ok(sent[0], "the POST carries an Idempotency-Key");
  assert.equal(new Set(sent).size, 1);
  await page.context().close();
});
