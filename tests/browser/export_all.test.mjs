// A table's export holds every row of its list, however long: the dashboard once stopped at 50
// pages of 200 (10,000 rows) and said nothing, so a creator's oldest sales were missing from
// the file. This file's server runs with the API's default rate limit (browser_test.cpp), as a
// real one does: an export of many pages meets it and must wait, not fail or stop short.
// 10,001 sales are made by the cheapest real road, one CSV import with an API key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base, owner, session, open, api, unique } from "./lib.mjs";

const SALES = 10001;

// Clicks Sales' export and reads the file back; an export that fails says so in the status line.
async function exported(page) {
  const failed = page.waitForSelector("#status.error", { timeout: 120000 })
    .then(async () => { throw new Error("the export failed: " + await page.textContent("#status")); });
  const [file] = await Promise.race([failed,
    Promise.all([page.waitForEvent("download", { timeout: 120000 }), page.click("button[data-csv=conversions]")])]);
  const lines = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "").split("\r\n").filter((l) => l);
  return { headers: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

test(`the Sales export holds all ${SALES.toLocaleString("en-US")} sales, also when the API's rate limit makes it wait`, { timeout: 300000 }, async () => {
  const page = await session(owner);
  const offer = await api(page, "POST", "/api/v1/offers", { name: unique("Bulk shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  assert.equal(offer.status, 201, offer.text);
  const key = await api(page, "POST", "/api/v1/api-keys", { name: unique("bulk import") });
  assert.equal(key.status, 201, key.text);
  const prefix = unique("BULK").replace(/-/g, "_");
  const txids = Array.from({ length: SALES }, (_, i) => prefix + "_" + String(i).padStart(5, "0"));
  const body = "txid,amount\r\n" + txids.map((txid, i) => txid + "," + (1 + i % 97) + ".00").join("\r\n") + "\r\n";
  const started = Date.now();
  const imported = await page.request.post(base + "/api/v1/conversions/import?offer_id=" + offer.json.id,
    { headers: { "Authorization": "Bearer " + key.json.key, "Content-Type": "text/csv" }, data: body, timeout: 240000 });
  assert.equal(imported.status(), 200, (await imported.text()).slice(0, 500));
  const report = await imported.json();
  assert.equal(report.rows.filter((r) => r.result === "created").length, SALES, JSON.stringify(report).slice(0, 500));
  console.log(`imported ${SALES} sales in ${Date.now() - started} ms`);

  await open(page, "conversions", "#conversions[data-loaded] button[data-csv=conversions]");
  let file = await exported(page);
  assert.equal(file.headers[file.headers.length - 2], "Transaction");
  const txidAt = file.headers.indexOf("Transaction");
  assert.equal(file.rows.length, SALES, "one line per sale");
  assert.deepEqual(new Set(file.rows.map((r) => r[txidAt])), new Set(txids), "every sale, the oldest too");
  await page.waitForFunction(() => document.getElementById("status").textContent === "Exported 10,001 rows.");

  // Again with the rate limit's burst spent (100 requests at once, then 20 a second): the
  // export's pages are refused with 429 until it waits, and the file is still whole.
  const refused = await page.evaluate(async () => {
    const answers = await Promise.all(Array.from({ length: 150 }, () => fetch("/api/v1/session")));
    return answers.filter((a) => a.status === 429).length;
  });
  assert.ok(refused > 0, "the rate limit is on for this file");
  file = await exported(page);
  assert.equal(file.rows.length, SALES);
  assert.deepEqual(new Set(file.rows.map((r) => r[txidAt])), new Set(txids));
  await page.waitForFunction(() => document.getElementById("status").textContent === "Exported 10,001 rows.");
  await page.context().close();
});
