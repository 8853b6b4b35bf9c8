// The network's own commission beside ours in the Sales list: a postback's payout= for an offer
// that computes its own commission was dropped without a word, so the list said 10.00 where the
// network's statement said 8.00. A sale whose figures differ shows the network's under ours, in
// English and French, and the spreadsheet export carries it; one whose figures agree shows one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { owner, session, shot, open, rows, api, unique, language } from "./lib.mjs";

// Sends the network's postback for `offer` (its postback_url, token included) with `params`.
async function postback(page, offer, params) {
  const url = new URL(offer.postback_url);
  const target = url.pathname + "?token=" + encodeURIComponent(url.searchParams.get("token")) + "&" + params;
  const reply = await api(page, "GET", target);
  assert.equal(reply.status, 200, reply.text);
  return reply.json;
}

test("a sale whose network commission differs shows it under ours, one that agrees does not", async () => {
  const page = await session(owner, { locale: "en-US" });
  const offer = await api(page, "POST", "/api/v1/offers", { name: unique("Ten percent"), currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  assert.equal(offer.status, 201, offer.text);
  const differs = unique("NETD"), agrees = unique("NETA");
  assert.equal((await postback(page, offer.json, `txid=${differs}&amount=100.00&payout=8.00`)).warnings.length, 1);
  assert.equal((await postback(page, offer.json, `txid=${agrees}&amount=50.00&payout=5.00`)).warnings.length, 0);

  await open(page, "conversions", `#conversions[data-loaded] #conversions-table td:text-is("${differs}")`);
  const cellOf = (txid) => page.locator("#conversions-table tbody tr", { has: page.locator(`td:text-is("${txid}")`) });
  const marker = cellOf(differs).locator(".network-differs");
  assert.equal(await marker.count(), 1);
  assert.match(await marker.textContent(), /^network: €8\.00$/);
  assert.match(await marker.getAttribute("title"), /network reports another commission/);
  assert.equal(await cellOf(agrees).locator(".network-differs").count(), 0);
  const table = await rows(page, "#conversions-table");
  assert.match(table.find((r) => r.includes(differs)).join(" "), /€10\.00\s*network: €8\.00/);
  assert.ok(!table.find((r) => r.includes(agrees)).join(" ").includes("network:"));
  await shot(page, "network-commission-en");

  // The spreadsheet export has the network's figure in a column of its own, empty when none.
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("button[data-csv=conversions]")]);
  const [headers, ...lines] = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n").map((l) => l.split(","));
  const column = headers.indexOf("Network's commission"), txid = headers.indexOf("Transaction");
  assert.ok(column > 0 && txid > 0, headers.join(","));
  assert.equal(lines.find((l) => l[txid] === differs)[column], "8.00");
  assert.equal(lines.find((l) => l[txid] === agrees)[column], "5.00");

  await language(page, "fr");
  await page.waitForSelector("#conversions-table .network-differs >> text=/réseau/");
  assert.match(await cellOf(differs).locator(".network-differs").textContent(), /^réseau : 8,00\s€$/);
  await shot(page, "network-commission-fr");
  await page.context().close();
});
