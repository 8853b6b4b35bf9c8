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

// "1,500" is fifteen hundred to an English reader and one and a half to a French one. A dinar
// has three decimals, so either reading fits it: the form once stored 1.500 KWD for a sale of
// 1,500 KWD, 1000 times off. It is refused in every currency, in both languages, naming the
// field; a point, or a comma before one or two digits, has one reading only.
for (const [lang, locale] of [["en", "en-US"], ["fr", "fr-FR"]]) {
  test(`a comma before three digits is refused as ambiguous, never stored a thousand times off (${lang})`, async () => {
    const page = await session(owner, { locale });
    const kwd = await api(page, "POST", "/api/v1/offers", { name: unique("Dinar shop"), currency: "KWD", commission: { type: "percent", rate_bps: 1000 } });
    const eur = await api(page, "POST", "/api/v1/offers", { name: unique("Euro shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
    assert.equal(kwd.status, 201, kwd.text);
    await open(page, "conversions", `#conversion-offer option[value='${kwd.json.id}']`);
    const label = await page.evaluate(() => LL.t("field.amount"));
    const typed = async (offer, amount) => {
      const txid = unique("AMB");
      await page.evaluate(() => { document.getElementById("status").textContent = ""; });
      await page.selectOption("#conversion-offer", String(offer.json.id));
      await page.fill("#conversion-amount", amount);
      await page.fill("#conversion-txid", txid);
      await page.click("#conversion-save");
      await page.waitForFunction(() => document.getElementById("status").textContent !== "");
      const sale = (await api(page, "GET", "/api/v1/conversions?limit=200")).json.conversions.find((c) => c.txid === txid);
      return { sale, status: await page.textContent("#status"), error: await page.$eval("#status", (s) => s.classList.contains("error")) };
    };

    for (const [offer, amount] of [[kwd, "1,500"], [kwd, "12,345"], [eur, "1,500"]]) {
      const r = await typed(offer, amount);
      assert.equal(r.sale, undefined, `${amount} in ${offer.json.currency} is not stored`);
      assert.ok(r.error, r.status);
      assert.ok(r.status.includes(label), `the error names the field: ${r.status}`);
      assert.ok(r.status.includes(amount.trim()) && r.status.includes(amount.trim().replace(",", "")), `and says how to write it: ${r.status}`);
    }
    // What has one reading is taken.
    for (const [amount, minor] of [["1.500", 1500], ["1,5", 1500], ["1,25", 1250], ["1500", 1500000]]) {
      const r = await typed(kwd, amount);
      assert.equal(r.sale?.amount_minor, minor, `${amount} KWD: ${r.status}`);
    }
    await page.context().close();
  });
}
