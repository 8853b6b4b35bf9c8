// Times typed into the dashboard's forms are times of the user's chosen zone, the zone every
// date on screen is shown in, not the browser's: a creator in Paris (their preference) on a
// laptop set to Tokyo types a sale for 23:30 and it is 23:30 in Paris, the same day. The forms
// that fill a datetime-local field show a stored instant back in that zone too. A promo code's
// "valid until" day is the whole of that day in the user's zone (the server's check is
// exclusive: the code ends at the next day's 00:00 there), and the form shows the day typed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { zone, session, open, rows, api, unique } from "./lib.mjs";
import { makeOwner } from "./creator_data.mjs";

const browserZone = "Asia/Tokyo";

// A creator whose zone is Paris, in a browser whose clock is Tokyo's.
async function parisCreatorInTokyo() {
  const who = await makeOwner("zone");
  const page = await session(who, { timezoneId: browserZone });
  const zoned = await api(page, "PUT", "/api/v1/preferences", { time_zone: zone });
  assert.equal(zoned.status, 200, zoned.text);
  assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), browserZone);
  return page;
}

async function made(page, method, path, body) {
  const answer = await api(page, method, path, body);
  assert.ok(answer.status === 200 || answer.status === 201, method + " " + path + ": " + answer.text);
  return answer.json;
}

// The current minute in Paris, as a datetime-local value.
function parisNow() {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
const minutesApart = (a, b) => Math.abs(Date.parse(a + "Z") - Date.parse(b + "Z")) / 60000;

test("a sale, a video and a link's validity typed in the forms are times of the user's zone, not the browser's", async () => {
  const page = await parisCreatorInTokyo();
  const offer = await made(page, "POST", "/api/v1/offers", { name: unique("Zone shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });

  // A sale at 23:30 on New Year's Eve in Paris (UTC+1): 22:30 UTC, still the 31st. Read in
  // Tokyo's zone it was 14:30 UTC. Last year's: a sale more than a day ahead is refused.
  await open(page, "conversions", `#conversion-offer option[value='${offer.id}']`);
  const txid = unique("NYE");
  await page.selectOption("#conversion-offer", String(offer.id));
  await page.fill("#conversion-amount", "12.34");
  await page.fill("#conversion-txid", txid);
  await page.fill("#conversion-date", "2025-12-31T23:30");
  await page.click("#conversion-save");
  await page.waitForSelector(`#conversions-table td:text-is("${txid}")`);
  const sale = (await made(page, "GET", "/api/v1/conversions?limit=200")).conversions.find((c) => c.txid === txid);
  assert.equal(sale.occurred_at, "2025-12-31T22:30:00Z");
  const shown = (await rows(page, "#conversions-table")).find((r) => r.includes(txid));
  assert.equal(shown[0], "12/31/2025 11:30 PM", "shown as typed, in the user's zone");

  // Videos: "Posted at" starts at the current minute of Paris; a time typed in summer is UTC+2,
  // and one the clocks skip (02:30 on 29 March 2026, when 02:00 became 03:00) is 03:30 CEST.
  await open(page, "videos", "#videos[data-loaded]");
  const start = await page.inputValue("#video-posted");
  assert.ok(minutesApart(start, parisNow()) < 5, `Posted at starts at now in Paris (${start}, Paris ${parisNow()})`);
  const summer = unique("Summer clip"), skipped = unique("Skipped hour clip");
  await page.fill("#video-title", summer);
  await page.fill("#video-posted", "2026-07-14T09:15");
  await page.click("#video-save");
  await page.waitForSelector(`#videos-table td >> text=${summer}`);
  await page.fill("#video-title", skipped);
  await page.fill("#video-posted", "2026-03-29T02:30");
  await page.click("#video-save");
  await page.waitForSelector(`#videos-table td >> text=${skipped}`);
  const videos = (await made(page, "GET", "/api/v1/videos?limit=200")).videos;
  assert.equal(videos.find((v) => v.title === summer).posted_at, "2026-07-14T07:15:00Z");
  assert.equal(videos.find((v) => v.title === skipped).posted_at, "2026-03-29T01:30:00Z");
  // The edit form shows the stored instant back in Paris.
  await page.click(`#videos-table tr:has-text('${summer}') button.changes`);
  assert.equal(await page.inputValue("#video-posted"), "2026-07-14T09:15");

  // A link's validity and a rule's window: the same zone both ways.
  const slug = unique("zone-link");
  await open(page, "links", "#links[data-loaded]");
  await page.fill("#link-target", "https://shop.example/zone");
  await page.fill("#link-slug", slug);
  await page.fill("#link-valid-from", "2026-12-01T00:00");
  await page.fill("#link-valid-until", "2027-01-01T00:00");
  await page.click("#rule-add");
  await page.fill("#link-rules li:nth-child(1) .rule-after", "2026-12-24T18:00");
  await page.fill("#link-rules li:nth-child(1) .rule-target", "https://shop.example/christmas");
  await page.click("#link-save");
  await page.waitForSelector(`#links-table tr:has-text('/${slug}')`);
  const link = (await made(page, "GET", "/api/v1/links?limit=200")).links.find((l) => l.slug === slug);
  assert.equal(link.valid_from, "2026-11-30T23:00:00Z");
  assert.equal(link.valid_until, "2026-12-31T23:00:00Z");
  assert.equal(link.rules[0].if.after, "2026-12-24T17:00:00Z");
  await page.click(`#links-table tr:has-text('/${slug}') button.changes`);
  assert.equal(await page.inputValue("#link-valid-from"), "2026-12-01T00:00");
  assert.equal(await page.inputValue("#link-valid-until"), "2027-01-01T00:00");
  assert.equal(await page.inputValue("#link-rules li:nth-child(1) .rule-after"), "2026-12-24T18:00");

  // New video: the same.
  await open(page, "new-video", "#new-video[data-loaded]");
  const start2 = await page.inputValue("#nv-posted");
  assert.ok(minutesApart(start2, parisNow()) < 5, `New video's Posted at starts at now in Paris (${start2})`);
  const clip = unique("NV zone clip");
  await page.fill("#nv-title", clip);
  await page.fill("#nv-posted", "2026-12-31T23:30");
  await page.fill("#nv-target", "https://shop.example/nv-zone");
  await page.click("#nv-save");
  await page.waitForSelector("#nv-form", { state: "hidden" });
  const nv = (await made(page, "GET", "/api/v1/videos?limit=200")).videos.find((v) => v.title === clip);
  assert.equal(nv.posted_at, "2026-12-31T22:30:00Z");
  await page.context().close();
});

test("a promo code valid until a day works through the whole of that day in the user's zone, and the form shows the day typed", async () => {
  const page = await parisCreatorInTokyo();
  const offer = await made(page, "POST", "/api/v1/offers", { name: unique("Code shop"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  const code = unique("NYE").toUpperCase().replace(/[^A-Z0-9]/g, "");
  await open(page, "codes", `#code-offer option[value='${offer.id}']`);
  await page.fill("#code-code", code);
  await page.selectOption("#code-offer", String(offer.id));
  // Last year's December: its sales are in the past (one more than a day ahead is refused).
  await page.fill("#code-from", "2025-12-01");
  await page.fill("#code-until", "2025-12-31");
  await page.click("#code-save");
  await page.waitForSelector(`#codes-table td:text-is('${code}')`);

  // From the first instant of 1 December in Paris to the first of 1 January, which the server
  // excludes: the whole of 31 December.
  const stored = (await made(page, "GET", "/api/v1/promo-codes?limit=200")).promo_codes.find((c) => c.code === code);
  assert.equal(stored.valid_from, "2025-11-30T23:00:00Z");
  assert.equal(stored.valid_until, "2025-12-31T23:00:00Z");
  const shown = (await rows(page, "#codes-table")).find((r) => r[0] === code);
  assert.equal(shown[4], "12/01/2025 → 12/31/2025");

  // A sale said with the code at 23:30 on the 31st in Paris counts for it; one at midnight does not.
  const late = await made(page, "POST", "/api/v1/conversions", { offer_id: offer.id, amount_minor: 1000, txid: unique("LATE"),
    code, occurred_at: "2025-12-31T22:30:00Z" });
  assert.equal(late.source, "promo_code", JSON.stringify(late));
  const after = await made(page, "POST", "/api/v1/conversions", { offer_id: offer.id, amount_minor: 1000, txid: unique("AFTER"),
    code, occurred_at: "2025-12-31T23:00:00Z" });
  assert.notEqual(after.source, "promo_code", JSON.stringify(after));

  // The edit form shows the days typed; saving it untouched changes nothing, a new day is sent
  // as the end of that day.
  await page.click(`#codes-table tr:has(td:text-is('${code}')) button.changes`);
  assert.equal(await page.inputValue("#code-from"), "2025-12-01");
  assert.equal(await page.inputValue("#code-until"), "2025-12-31");
  await page.fill("#code-until", "2027-06-30");
  await page.click("#code-save");
  await page.waitForFunction((code) => [...document.querySelectorAll("#codes-table tbody tr")]
    .some((tr) => tr.cells[0].textContent === code && tr.cells[4].textContent.endsWith("06/30/2027")), code);
  const edited = (await made(page, "GET", "/api/v1/promo-codes?limit=200")).promo_codes.find((c) => c.code === code);
  assert.equal(edited.valid_from, "2025-11-30T23:00:00Z");
  assert.equal(edited.valid_until, "2027-06-30T22:00:00Z", "the end of 30 June in Paris (UTC+2)");
  await page.click(`#codes-table tr:has(td:text-is('${code}')) button.changes`);
  assert.equal(await page.inputValue("#code-until"), "2027-06-30");

  // One day from and until: a code for that day alone, which the server takes (until after from).
  const oneDay = code + "D";
  await page.click("#code-cancel");
  await page.fill("#code-code", oneDay);
  await page.selectOption("#code-offer", String(offer.id));
  await page.fill("#code-from", "2026-12-24");
  await page.fill("#code-until", "2026-12-24");
  await page.click("#code-save");
  await page.waitForSelector(`#codes-table td:text-is('${oneDay}')`);
  const day = (await made(page, "GET", "/api/v1/promo-codes?limit=200")).promo_codes.find((c) => c.code === oneDay);
  assert.deepEqual([day.valid_from, day.valid_until], ["2026-12-23T23:00:00Z", "2026-12-24T23:00:00Z"]);
  await page.context().close();
});
