// Issue 20, "exports a spreadsheet opens": every table's export, downloaded and read back as a
// spreadsheet would, in French (BOM, ';', decimal comma, translated headers, "5,09 %") on a
// phone and in English (',', "5.09%") on a laptop. The file makes its own owner and data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base, phone, laptop, zone, session, open, shot, api } from "./lib.mjs";
import { makeOwner, makeData } from "./creator_data.mjs";

// The owner and data are made once, by the first test that needs them (lib.mjs's browser is
// launched in its own before hook, which must have run first).
let me, data, made;
const ready = () => made ||= (async () => { me = await makeOwner("exports"); data = await makeData(me); })();

// RFC 4180 with the file's separator: quotes, doubled quotes, CRLF.
function parse(text, separator) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) { row.push(cell); cell = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; ++i; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// Clicks the export of `name` and answers the file: its name, raw text and rows as objects.
async function download(page, name, separator) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(`button[data-csv=${name}]`)]);
  const raw = readFileSync(await file.path(), "utf8");
  const [headers, ...lines] = parse(raw.replace(/^\uFEFF/, ""), separator);
  return { fileName: file.suggestedFilename(), raw, headers, rows: lines.map((l) => Object.fromEntries(headers.map((h, i) => [h, l[i]]))) };
}

const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());

// What each table's file is called and holds, per language.
const LANGS = {
  fr: {
    locale: "fr-FR", viewport: phone, separator: ";",
    files: { conversions: "ventes", links: "liens", income: "revenus", videos: "videos", codes: "codes-promo", offers: "offres", link: "classement-liens" },
    sale: (d) => ({ "Montant": "1500,00", "Commission": "76,35", "Devise": "EUR", "Statut": "Validée", "Source": "TikTok",
      "Transaction": d.clickTxid, "Reçue par": "à la main", "Offre": d.offerName }),
    saleHeaders: ["Date", "Offre", "Montant", "Commission", "Commission selon le réseau", "Vente ajustée après paiement", "Commission ajustée après paiement", "Devise", "Statut", "Source", "Attribuée par", "Transaction", "Reçue par"],
    dateTime: /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/, date: /^\d{2}\/\d{2}\/\d{4}$/,
    income: { "Type": "Creator Rewards", "Montant": "1234,56", "Devise": "EUR" },
    offer: { "Type de commission": "Pourcentage de la vente", "Taux": "5,09 %", "Devise": "EUR", "Fenêtre (jours)": "30", "Active": "oui" },
    ranking: { "Clics": "1", "Taux de conv.": "100 %", "Commission": "76,35", "Devise": "EUR" }, revenue: "1500,00",
    link: { "Clics": "1", "Vidéo": null },
    video: { "Plateforme": "TikTok" }
  },
  en: {
    locale: "en-US", viewport: laptop, separator: ",",
    files: { conversions: "sales", links: "links", income: "income", videos: "videos", codes: "promo-codes", offers: "offers", link: "ranking-links" },
    sale: (d) => ({ "Amount": "1500.00", "Commission": "76.35", "Currency": "EUR", "Status": "Approved", "Source": "TikTok",
      "Transaction": d.clickTxid, "Received by": "by hand", "Offer": d.offerName }),
    saleHeaders: ["Date", "Offer", "Amount", "Commission", "Network's commission", "Sale adjusted after payment", "Commission adjusted after payment", "Currency", "Status", "Source", "Attributed by", "Transaction", "Received by"],
    dateTime: /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} (AM|PM)$/, date: /^\d{2}\/\d{2}\/\d{4}$/,
    income: { "Stream": "Creator Rewards", "Amount": "1234.56", "Currency": "EUR" },
    offer: { "Commission type": "Percent of the sale", "Rate": "5.09%", "Currency": "EUR", "Window (days)": "30", "Active": "yes" },
    ranking: { "Clicks": "1", "Conv. rate": "100%", "Commission": "76.35", "Currency": "EUR" }, revenue: "1500.00",
    link: { "Clicks": "1", "Video": null },
    video: { "Platform": "TikTok" }
  }
};

function pick(row, expected) {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, row[k]]));
}

for (const [lang, L] of Object.entries(LANGS)) {
  test(`${lang}: every table exports a spreadsheet in the dashboard's language (${L.viewport.width}x${L.viewport.height})`, { timeout: 480000 }, async () => {
    await ready();
    const page = await session(me, { locale: L.locale, viewport: L.viewport });
    const check = (file, name) => {
      assert.match(file.fileName, new RegExp(`^linkledger-${L.files[name]}-${today()}\\.csv$`), file.fileName);
      assert.ok(file.raw.startsWith("\uFEFF"), "a UTF-8 BOM, so Excel reads the accents");
      assert.ok(file.raw.endsWith("\r\n"));
      assert.ok(file.headers.length > 1, `${name}: the file is split on '${L.separator}': ${file.headers}`);
      assert.ok(!file.headers.some((h) => /_minor|_at$|_id$/.test(h)), `${name}: headers are words, not keys: ${file.headers}`);
    };

    // Sales: amounts in units, the currency beside them, status and source in words, one date format.
    await open(page, "conversions", "#conversions[data-loaded]");
    await shot(page, `exports-${lang}-conversions`);
    let file = await download(page, "conversions", L.separator);
    check(file, "conversions");
    assert.deepEqual(file.headers, L.saleHeaders);
    const sale = file.rows.find((r) => r["Transaction"] === data.clickTxid);
    assert.ok(sale, file.raw.slice(0, 500));
    assert.deepEqual(pick(sale, L.sale(data)), L.sale(data));
    assert.match(sale["Date"], L.dateTime);
    const byCode = file.rows.find((r) => r["Transaction"] === data.codeTxid);
    assert.equal(byCode["Source"], lang === "fr" ? "Code promo" : "Promo code");

    // Links: the short link, its clicks as a number, the link's name quoted against formulas.
    await open(page, "links", "#links[data-loaded]");
    file = await download(page, "links", L.separator);
    check(file, "links");
    const link = file.rows.find((r) => r[file.headers[0]] === base + "/" + data.slug);
    assert.ok(link, "the link is in the file");
    assert.equal(link[lang === "fr" ? "Clics" : "Clicks"], "1");
    assert.equal(link[lang === "fr" ? "Vidéo" : "Video"], data.videoTitle);
    // The smart-redirect badges as a list, the count with the language's separator.
    assert.match(link[lang === "fr" ? "Redirection intelligente" : "Smart redirect"], lang === "fr" ? /, max 1\s500$/ : /, max 1,500$/);
    const formula = file.rows.find((r) => r[file.headers[0]] === base + "/" + data.formulaSlug);
    assert.equal(formula[lang === "fr" ? "Titre" : "Title"], "'" + data.formulaTitle, "a formula is kept from running");
    assert.ok(file.raw.includes(L.separator + '"\'' + data.formulaTitle.replace(/"/g, '""') + '"' + L.separator), "and quoted, quotes doubled");
    await shot(page, `exports-${lang}-links`);

    // Other income: a calendar date in the one format, the amount in units.
    await open(page, "income", "#income[data-loaded]");
    file = await download(page, "income", L.separator);
    check(file, "income");
    const income = file.rows.find((r) => r["Note"] === data.incomeNote);
    assert.deepEqual(pick(income, L.income), L.income);
    assert.match(income["Date"], L.date);

    // Videos, promo codes, offers.
    await open(page, "videos", "#videos[data-loaded]");
    file = await download(page, "videos", L.separator);
    check(file, "videos");
    const video = file.rows.find((r) => r[lang === "fr" ? "Titre" : "Title"].startsWith(data.videoTitle));
    assert.deepEqual(pick(video, L.video), L.video);
    assert.match(video[lang === "fr" ? "Publiée" : "Posted"], L.dateTime);

    await open(page, "codes", "#codes[data-loaded]");
    file = await download(page, "codes", L.separator);
    check(file, "codes");
    const code = file.rows.find((r) => r["Code"] === data.code);
    assert.equal(code[lang === "fr" ? "Offre" : "Offer"], data.offerName);
    assert.match(code[lang === "fr" ? "Valable jusqu'au" : "Valid until"], L.date);

    await open(page, "offers", "#offers[data-loaded]");
    file = await download(page, "offers", L.separator);
    check(file, "offers");
    const offer = file.rows.find((r) => r[lang === "fr" ? "Nom" : "Name"] === data.offerName);
    assert.deepEqual(pick(offer, L.offer), L.offer);
    await shot(page, `exports-${lang}-offers`);

    // A ranking: rate in percent, amounts in units, rows in the order shown.
    await open(page, "rankings", "#rankings[data-loaded] #ranking-link tbody tr");
    file = await download(page, "link", L.separator);
    check(file, "link");
    const ranked = file.rows.find((r) => r[file.headers[0]] === data.linkTitle);
    assert.ok(ranked, file.raw);
    assert.deepEqual(pick(ranked, L.ranking), L.ranking);
    // The merchant's sales, under the name the table gives them.
    assert.equal(ranked[await page.evaluate(() => LL.t("col.revenue"))], L.revenue);
    await shot(page, `exports-${lang}-rankings`);

    // The API's own answers stay in machine format.
    const report = await api(page, "GET", "/api/v1/reports/revenue?group_by=link&tz=" + encodeURIComponent(zone));
    assert.equal(report.status, 200, report.text);
    assert.ok("revenue_minor" in report.json.rows[0], report.text.slice(0, 300));
    await page.context().close();
  });
}
