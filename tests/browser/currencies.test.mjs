// Amounts in every currency read and shown with the server's digits (GET /api/v1/currencies),
// not the browser's own table: Chromium gives the forint (HUF) none, so a HUF 1,999.50 sale
// showed as HUF 199,950 and one typed as 1999,50 was refused or stored 100 times too small.
import { test } from "node:test";
import assert from "node:assert/strict";
import { owner, session, shot, open, rows, api, unique } from "./lib.mjs";

test("a forint sale typed by hand is stored and shown with two decimals, a yen sale with none", async () => {
  const page = await session(owner, { locale: "en-US" });
  const name = unique("Forint shop");
  const offer = await api(page, "POST", "/api/v1/offers", { name, currency: "HUF", commission: { type: "percent", rate_bps: 1000 } });
  assert.equal(offer.status, 201, offer.text);
  const yen = await api(page, "POST", "/api/v1/offers", { name: unique("Yen shop"), currency: "JPY", commission: { type: "percent", rate_bps: 1000 } });
  const yenTxid = unique("YEN");
  assert.equal((await api(page, "POST", "/api/v1/conversions", { offer_id: yen.json.id, txid: yenTxid, amount_minor: 1500 })).status, 201);

  await open(page, "conversions", "#conversions[data-loaded]");
  await page.selectOption("#conversion-offer", String(offer.json.id));
  const txid = unique("HUF");
  await page.fill("#conversion-amount", "1999,50");
  await page.fill("#conversion-txid", txid);
  await page.click("#conversion-save");
  await page.waitForSelector(`#conversions-table td:text-is("${txid}")`);

  const stored = await api(page, "GET", "/api/v1/conversions?offer_id=" + offer.json.id);
  const sale = stored.json.conversions.find((c) => c.txid === txid);
  assert.equal(sale.amount_minor, 199950);
  assert.equal(sale.commission_minor, 19995);
  const table = await rows(page, "#conversions-table");
  const shown = table.find((r) => r.includes(txid)).join(" ");
  assert.match(shown, /HUF\s1,999\.50/);
  assert.match(shown, /HUF\s199\.95/);
  assert.match(table.find((r) => r.includes(yenTxid)).join(" "), /¥1,500(?![.\d])/);
  await shot(page, "currencies-huf-jpy");
  await page.context().close();
});
