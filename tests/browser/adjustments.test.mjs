// A sale changed after it was paid (README "Adjustments after payment"): its own month keeps what
// was paid and the change counts, negative, on the day it came. The Sales list showed only the
// sale as it stands (40.00 where its month reads 100.00) with nothing to say why, and the charts
// drew a day in the red as a 2 px bar standing on the axis, like a sliver of profit. Now the list
// has a line per change under the amount (English and French, the date in the user's zone), the
// export totals them, and the overview's chart and a video's curve hang the day below zero.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base, owner, zone, tiktokUa, session, shot, open, api, unique, language } from "./lib.mjs";

async function ok(page, method, path, body, status = [200, 201]) {
  const reply = await api(page, method, path, body);
  assert.ok(status.includes(reply.status), method + " " + path + ": " + reply.status + " " + reply.text);
  return reply.json;
}

// Sends the network's postback for `offer` (its postback_url, token included) with `params`.
async function postback(page, offer, params) {
  const url = new URL(offer.postback_url);
  return ok(page, "GET", url.pathname + "?token=" + encodeURIComponent(url.searchParams.get("token")) + "&" + params, undefined, [200]);
}

const dayIn = (iso, locale) => new Intl.DateTimeFormat(locale, { timeZone: zone, day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(iso));
const isoDayIn = (iso) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(iso));

// The bar of `day` in the chart `svg` and the zero line, as drawn.
async function barOf(page, svg, day) {
  return page.$eval(svg, (node, day) => {
    const bar = node.querySelector(`rect.bar[data-date="${day}"]`);
    const axis = node.querySelector("line.axis");
    return bar && { cls: bar.getAttribute("class"), y: Number(bar.getAttribute("y")), height: Number(bar.getAttribute("height")),
      zero: Number(axis.getAttribute("y1")), title: bar.querySelector("title").textContent };
  }, day);
}

test("a sale lowered after payment shows the change under its amount, and the day it came reads negative", { timeout: 240000 }, async () => {
  const page = await session(owner, { locale: "en-US" });
  await ok(page, "PUT", "/api/v1/preferences", { time_zone: zone });
  const offer = await ok(page, "POST", "/api/v1/offers", { name: unique("Ten percent"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  // A sale by the video's code 40 days ago, out of the 7-day period the overview opens on.
  const saleAt = new Date(Date.now() - 40 * 86400e3).toISOString().replace(/\.\d{3}Z$/, "Z");
  const video = await ok(page, "POST", "/api/v1/videos", { title: unique("Haul"), platform: "tiktok", posted_at: new Date(Date.now() - 60 * 86400e3).toISOString(),
    url: "https://www.tiktok.com/@lea.runs/video/" + Date.now() });
  const code = unique("PAID").toUpperCase().replace(/[^A-Z0-9]/g, "");
  await ok(page, "POST", "/api/v1/promo-codes", { code, offer_id: offer.id, video_id: video.id });
  const txid = unique("PAID");
  const sale = await ok(page, "POST", "/api/v1/conversions", { offer_id: offer.id, txid, amount_minor: 10000, currency: "EUR", status: "approved",
    code, occurred_at: saleAt });
  assert.equal(sale.video_id, video.id);
  await ok(page, "PATCH", "/api/v1/conversions/" + sale.id, { status: "paid" });
  // The network lowers it to 40.00 after paying it: -60.00 of sale and -6.00 of commission, today.
  await postback(page, offer, `txid=${encodeURIComponent(txid)}&amount=40.00`);
  const lowered = await ok(page, "GET", "/api/v1/conversions/" + sale.id);
  assert.equal(lowered.adjustments.length, 1, JSON.stringify(lowered));
  const [first] = lowered.adjustments;
  assert.deepEqual({ ...first, at: undefined }, { at: undefined, amount_minor: -6000, commission_minor: -600, approved_commission_minor: -600,
    status_before: "paid", status: "paid" });

  // The Sales list: the sale as it stands, and under its amount the change, on the day it came.
  await open(page, "conversions", `#conversions[data-loaded] #conversions-table td:text-is("${txid}")`);
  const row = page.locator("#conversions-table tbody tr", { has: page.locator(`td:text-is("${txid}")`) });
  const lines = row.locator(".adjustment");
  assert.equal(await lines.count(), 1);
  assert.equal(await lines.textContent(), `Adjusted ${dayIn(first.at, "en-US")}: -€60.00 sale, -€6.00 commission (after payment)`);
  assert.match(await row.locator("td").nth(2).textContent(), /^€40\.00Adjusted /);
  await shot(page, "adjustments-sales-en");

  // The export: the sale as it stands, and the totals of its changes in columns of their own.
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("button[data-csv=conversions]")]);
  const [headers, ...rows] = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n").map((l) => l.split(","));
  const line = rows.find((l) => l[headers.indexOf("Transaction")] === txid);
  assert.ok(line, rows.join("\n"));
  const at = (name) => line[headers.indexOf(name)];
  assert.deepEqual([at("Amount"), at("Commission"), at("Sale adjusted after payment"), at("Commission adjusted after payment")],
    ["40.00", "4.00", "-60.00", "-6.00"]);

  // The overview over the last 7 days holds the clawback day only: negative cards, rows and bar.
  const today = isoDayIn(first.at);
  await open(page, "overview", "#overview[data-loaded] #chart svg .bar");
  assert.equal(await page.textContent("#totals [data-figure=earned] dd.value"), "-€6.00");
  assert.equal(await page.textContent("#totals [data-figure=revenue] dd.value"), "-€60.00");
  const affiliate = await page.$$eval("#ranking-stream tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.ok(affiliate.some((cells) => cells.includes("-€6.00") && cells.includes("-€60.00")), JSON.stringify(affiliate));
  let bar = await barOf(page, "#chart svg", today);
  assert.ok(bar, "a bar for " + today);
  assert.match(bar.title, /^\d{4}-\d{2}-\d{2}: -€6\.00, 0 clicks$/);
  assert.match(bar.cls, /\bnegative\b/);
  assert.equal(bar.y, bar.zero, "the bar hangs from the zero line: " + JSON.stringify(bar));
  assert.ok(bar.height > 50, "and is as tall as the chart's largest figure: " + JSON.stringify(bar));
  assert.ok(await page.isVisible("#chart svg text.low"), "the lowest figure is written");
  assert.equal(await page.textContent("#chart svg text.low"), "-€6.00");
  await shot(page, "adjustments-overview-en");

  // The video's curve over the same period: the same day below zero.
  await open(page, "video/" + video.id, `#video-page[data-video="${video.id}"] #video-curve rect.bar[data-date="${today}"]`);
  bar = await barOf(page, "#video-curve", today);
  assert.match(bar.cls, /\bnegative\b/);
  assert.equal(bar.y, bar.zero, JSON.stringify(bar));
  assert.ok(bar.height > 50, JSON.stringify(bar));
  assert.match(bar.title, /-€6\.00$/);

  // Rejected by the network afterwards: a second change, the status it moved saying so, in French.
  await postback(page, offer, `txid=${encodeURIComponent(txid)}&status=rejected`);
  const rejected = await ok(page, "GET", "/api/v1/conversions/" + sale.id);
  assert.equal(rejected.adjustments.length, 2, JSON.stringify(rejected));
  assert.deepEqual({ ...rejected.adjustments[1], at: undefined }, { at: undefined, amount_minor: -4000, commission_minor: -400,
    approved_commission_minor: -400, status_before: "paid", status: "rejected" });
  await open(page, "conversions", `#conversions[data-loaded] #conversions-table td:text-is("${txid}")`);
  await language(page, "fr");
  await page.waitForSelector(`#conversions-table .adjustment >> text=/Ajustée/`);
  const french = await row.locator(".adjustment").allTextContents();
  assert.equal(french.length, 2);
  assert.match(french[0], new RegExp(`^Ajustée le ${dayIn(first.at, "fr-FR")} : [-−]60,00\\s€ de vente, [-−]6,00\\s€ de commission \\(après paiement\\)$`));
  assert.match(french[1], new RegExp(`^Ajustée le ${dayIn(rejected.adjustments[1].at, "fr-FR")} : [-−]40,00\\s€ de vente, [-−]4,00\\s€ de commission \\(après paiement, Payée → Refusée\\)$`));
  await shot(page, "adjustments-sales-fr");

  // Earnings per click over a period in the red round half to even, as the server's: -10.05 of
  // commission today over 2 clicks is -5.025, so -5.02 (the card read -5.03: the remainder of a
  // floored negative quotient was taken negative, and never rounded it up).
  const small = await ok(page, "POST", "/api/v1/conversions", { offer_id: offer.id, txid: unique("SMALL"), amount_minor: 50, currency: "EUR",
    status: "paid", occurred_at: saleAt });
  await ok(page, "PATCH", "/api/v1/conversions/" + small.id, { status: "rejected" });
  const link = await ok(page, "POST", "/api/v1/links", { slug: unique("epc"), target_url: "https://shop.example/?subid={click_id}" });
  for (let i = 0; i < 2; ++i)
    assert.equal((await page.request.get(base + "/" + link.slug, { maxRedirects: 0, headers: { "User-Agent": tiktokUa } })).status(), 302);
  const clicksShown = async () => { await open(page, "overview", "#overview[data-loaded] #ranking-stream"); return page.textContent("#totals [data-figure=clicks] dd.value"); };
  for (let i = 0; i < 100 && (await clicksShown()) !== "2"; ++i) await page.waitForTimeout(200);
  assert.equal(await page.textContent("#totals [data-figure=clicks] dd.value"), "2");
  assert.match(await page.textContent("#totals [data-figure=earned] dd.value"), /^[-−]10,05\s€$/);
  assert.match(await page.textContent("#totals [data-figure=epc] dd.value"), /^[-−]5,02\s€$/);
  const stream = await page.$$eval("#ranking-stream tbody tr", (trs) => trs.map((tr) => tr.cells[tr.cells.length - 1].textContent.trim()));
  assert.equal(stream.length, 1, JSON.stringify(stream));
  assert.match(stream[0], /^[-−]5,02\s€$/, "the server's earnings per click says the same");
  await page.context().close();
});
