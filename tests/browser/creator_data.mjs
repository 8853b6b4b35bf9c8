// A creator's data for the issue 20 tests (exports.test.mjs, consistency.test.mjs): an owner of
// their own (so their time-zone choice touches no other file's user) and, made through the API,
// an offer at 5.09 %, a video, a link with a click from TikTok, a link whose title is a formula,
// a promo code, a sale of 1,500 EUR through the click, one by the code, and Creator Rewards.
import assert from "node:assert/strict";
import { base, owner, zone, tiktokUa, session, api, unique, stayInOneDay } from "./lib.mjs";

export async function makeOwner(prefix) {
  const page = await session(owner);
  const email = unique(prefix) + "@example.com";
  const made = await api(page, "POST", "/api/v1/users", { email, role: "owner" });
  assert.equal(made.status, 201, made.text);
  await page.context().close();
  return { email, password: made.json.password };
}

// An instant yesterday at 21:24:50.353 UTC (22:24 in Paris in winter, 23:24 in summer).
export function lateEvening() {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1, 21, 24, 50, 353)).toISOString();
}

export async function makeData(who) {
  // Read back as today's and yesterday's by the file's later tests, for minutes.
  await stayInOneDay(300e3);
  const page = await session(who);
  const call = async (method, path, body, status = 201) => {
    const answer = await api(page, method, path, body);
    assert.equal(answer.status, status, method + " " + path + ": " + answer.text);
    return answer.json;
  };
  await call("PUT", "/api/v1/preferences", { time_zone: zone }, 200);
  const d = { offerName: unique("Sneakers"), videoTitle: unique("Morning run"), slug: unique("shoes"), formulaSlug: unique("formula"),
    code: unique("LEA").toUpperCase().replace(/[^A-Z0-9]/g, ""), clickTxid: unique("CLICK"), codeTxid: unique("CODE"),
    lateTxid: unique("LATE"), incomeNote: unique("payout"), saleAt: lateEvening() };
  d.linkTitle = "Shoes " + d.slug;
  d.formulaTitle = '=1+2; "big", sale';
  const offer = await call("POST", "/api/v1/offers", { name: d.offerName, currency: "EUR", commission: { type: "percent", rate_bps: 509 } });
  d.offerId = offer.id;
  const video = await call("POST", "/api/v1/videos", { title: d.videoTitle, platform: "tiktok", posted_at: d.saleAt,
    url: "https://www.tiktok.com/@lea.runs/video/" + Date.now() });
  d.videoId = video.id;
  const link = await call("POST", "/api/v1/links", { slug: d.slug, title: d.linkTitle, target_url: "https://shop.example/shoes?subid={click_id}",
    video_id: video.id, offer_id: offer.id, max_clicks: 1500 });
  d.linkId = link.id;
  const formula = await call("POST", "/api/v1/links", { slug: d.formulaSlug, title: d.formulaTitle, target_url: "https://shop.example/formula" });
  d.formulaId = formula.id;
  await call("POST", "/api/v1/promo-codes", { code: d.code, offer_id: offer.id, video_id: video.id, valid_until: "2027-06-30T00:00:00Z" });

  // A follower's click from TikTok, stored before the sale that names it.
  const hop = await page.request.get(base + "/" + d.slug, { maxRedirects: 0, headers: { "User-Agent": tiktokUa } });
  assert.equal(hop.status(), 302);
  const clickId = new URL(hop.headers()["location"]).searchParams.get("subid");
  for (let i = 0; i < 200; ++i) {
    const clicks = (await api(page, "GET", "/api/v1/clicks?limit=200")).json.clicks;
    if (clicks.some((c) => c.click_id === clickId)) break;
    await page.waitForTimeout(150);
  }
  await call("POST", "/api/v1/conversions", { offer_id: offer.id, amount_minor: 150000, currency: "EUR", status: "approved",
    txid: d.clickTxid, click_id: clickId });
  await call("POST", "/api/v1/conversions", { offer_id: offer.id, amount_minor: 2550, currency: "EUR", status: "pending",
    txid: d.codeTxid, code: d.code });
  const late = await call("POST", "/api/v1/conversions", { offer_id: offer.id, amount_minor: 4990, currency: "EUR", status: "pending",
    txid: d.lateTxid, occurred_at: d.saleAt });
  d.lateId = late.id;
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const income = await call("POST", "/api/v1/income", { stream: "creator_rewards", amount_minor: 123456, currency: "EUR", date: day,
    note: d.incomeNote, video_id: video.id });
  d.incomeId = income.id;
  d.incomeDay = day;
  await page.context().close();
  return d;
}
