// Issue 20, "New video": one form makes the video (posted now by default), its short link and
// its promo code (the link's offer), then leads with the short link, Copy and the QR code, above
// the fold on a 390x844 phone. A step that fails keeps what was made and names the field. The
// older forms: Videos defaults "Posted at" to now, Promo codes takes the offer of the link chosen.
// Each test makes its own data through the API, at 390x844 and 1280x800, in French and English.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, owner, phone, laptop, session, shot, open, api, unique } from "./lib.mjs";

const screens = [
  { name: "phone-fr", viewport: phone, locale: "fr-FR", fr: true },
  { name: "phone-en", viewport: phone, locale: "en-US", fr: false },
  { name: "laptop-fr", viewport: laptop, locale: "fr-FR", fr: true },
  { name: "laptop-en", viewport: laptop, locale: "en-US", fr: false }
];

async function makeOffer(page, name) {
  const made = await api(page, "POST", "/api/v1/offers", { name, currency: "EUR", commission: { type: "percent", rate_bps: 1000 } });
  assert.equal(made.status, 201, made.text);
  return made.json;
}

async function noHorizontalScroll(page, viewport) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `page is ${width} px wide on a ${viewport.width} px screen`);
}

// The whole of an element is inside the first screen, without scrolling.
async function aboveTheFold(page, selector, viewport) {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, selector + " is shown");
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(box.y + scrolled >= 0 && box.y + scrolled + box.height <= viewport.height,
    `${selector} spans ${box.y + scrolled}..${box.y + scrolled + box.height} of a ${viewport.height} px screen`);
}

async function newVideoPage(screen) {
  const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  return page;
}

for (const screen of screens) {
  test(`New video makes the video, its link and its code in one go (${screen.name})`, async () => {
    const page = await newVideoPage(screen);
    const offer = await makeOffer(page, unique("NV shop"));
    // A second, newer offer: the code must not take it.
    await makeOffer(page, unique("NV other"));
    const title = unique("NV clip"), slug = unique("nv"), code = unique("NV").replace(/-/g, "_").toUpperCase();

    // Reachable from the Overview and from Videos.
    await open(page, "overview", "#overview-new-video");
    assert.equal(await page.textContent("#overview-new-video"), screen.fr ? "+ Nouvelle vidéo" : "+ New video");
    await open(page, "videos", "#videos-new-video");
    await page.click("#videos-new-video");
    await page.waitForSelector("#new-video[data-loaded]");
    assert.equal(await page.textContent("#new-video h1"), screen.fr ? "Nouvelle vidéo" : "New video");
    await page.waitForSelector(`#nv-offer option[value='${offer.id}']`, { state: "attached" });

    // Posted now unless changed: the field is filled with the current minute of the user's zone
    // (the zone dates are shown in; form_zone.test.mjs has a browser in another one).
    const posted = await page.inputValue("#nv-posted");
    const userZone = (await api(page, "GET", "/api/v1/preferences")).json.effective_time_zone;
    const nowThere = new Intl.DateTimeFormat("sv-SE", { timeZone: userZone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit" }).format(new Date()).replace(" ", "T");
    const minutes = Math.abs(Date.parse(posted + "Z") - Date.parse(nowThere + "Z")) / 60000;
    assert.ok(posted && minutes < 5, `posted defaults to now (${posted}, ${nowThere} in ${userZone})`);
    // {click_id} is explained next to the destination, in plain words.
    const hint = await page.textContent("#nv-target-hint");
    assert.match(hint, /\{click_id\}/);
    assert.match(hint, screen.fr ? /chaque clic/ : /each click/);
    assert.equal(await page.getAttribute("#nv-target", "aria-describedby"), "nv-target-hint");

    await page.fill("#nv-title", title);
    await page.fill("#nv-video-url", "https://www.tiktok.com/@lea.runs/video/" + Date.now());
    await page.selectOption("#nv-offer", String(offer.id));
    assert.match(await page.textContent("#nv-code-offer"), new RegExp(offer.name));
    await page.fill("#nv-target", "https://shop.example/nv?subid={click_id}");
    await page.fill("#nv-slug", slug);
    await page.fill("#nv-code", code);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `new-video-form-${screen.name}`);
    await page.click("#nv-save");
    await page.waitForSelector("#nv-result:not([hidden]) #nv-short-box:not([hidden])");
    await page.waitForSelector("#nv-form", { state: "hidden" });

    // The short link, Copy and the QR code lead the screen.
    assert.equal(await page.textContent("#nv-short"), base + "/" + slug);
    assert.equal(await page.textContent("#nv-result-title"), screen.fr ? "C'est prêt : mettez ce lien dans votre bio TikTok" : "Ready: put this link in your TikTok bio");
    for (const selector of ["#nv-short", "#nv-copy", "#nv-qr"]) await aboveTheFold(page, selector, screen.viewport);
    assert.ok(await page.$eval("#nv-qr", (img) => img.complete && img.naturalWidth > 0), "the QR code is drawn");
    await page.click("#nv-copy");
    await page.waitForFunction((text) => document.getElementById("status").textContent === text, screen.fr ? "Copié" : "Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
    if (copied !== null) assert.equal(copied, base + "/" + slug);
    assert.equal(await page.locator("#nv-made li").count(), 3);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `new-video-done-${screen.name}`);

    // All three exist, tied together; the code's offer is the link's.
    const videos = (await api(page, "GET", "/api/v1/videos?limit=200")).json.videos.filter((v) => v.title === title);
    assert.equal(videos.length, 1);
    assert.ok(Math.abs(Date.now() - Date.parse(videos[0].posted_at)) < 10 * 60000, "posted now");
    const link = (await api(page, "GET", "/api/v1/links?limit=200")).json.links.find((l) => l.slug === slug);
    assert.equal(link.video_id, videos[0].id);
    assert.equal(link.offer_id, offer.id);
    assert.equal(link.target_url, "https://shop.example/nv?subid={click_id}");
    assert.equal(link.bio, true);
    assert.equal(link.title, title);
    const made = (await api(page, "GET", "/api/v1/promo-codes?limit=200")).json.promo_codes.find((c) => c.code === code);
    assert.deepEqual([made.offer_id, made.link_id, made.video_id], [offer.id, link.id, videos[0].id]);

    // "Another new video" starts over, posted now again.
    await page.click("#nv-another");
    assert.equal(await page.inputValue("#nv-title"), "");
    assert.ok(await page.inputValue("#nv-posted"));
    await page.context().close();
  });
}

for (const screen of [screens[0], screens[3]]) {
  test(`a slug already taken names the field and keeps the video made (${screen.name})`, async () => {
    const page = await newVideoPage(screen);
    const offer = await makeOffer(page, unique("NV retry"));
    const taken = unique("nv-taken"), title = unique("NV retry clip"), code = unique("RETRY").replace(/-/g, "_");
    assert.equal((await api(page, "POST", "/api/v1/links", { target_url: "https://shop.example/x", slug: taken })).status, 201);
    await open(page, "new-video", "#new-video[data-loaded]");
    await page.waitForSelector(`#nv-offer option[value='${offer.id}']`, { state: "attached" });
    await page.fill("#nv-title", title);
    await page.selectOption("#nv-offer", String(offer.id));
    await page.fill("#nv-target", "https://shop.example/retry?clickref={click_id}");
    await page.fill("#nv-slug", taken);
    await page.fill("#nv-code", code);
    await page.click("#nv-save");
    await page.waitForSelector("#nv-error:not([hidden])");
    const error = await page.textContent("#nv-error");
    assert.match(error, screen.fr ? /Nom court/ : /Short name/);
    assert.match(error, screen.fr ? /vidéo est enregistrée/ : /video is saved/);
    assert.equal(await page.getAttribute("#nv-slug", "aria-invalid"), "true");
    // What exists is listed and locked; the short link is not there yet.
    assert.deepEqual(await page.$$eval("#nv-made li", (lis) => lis.map((li) => li.dataset.made)), ["video"]);
    assert.equal(await page.$eval("#nv-video-set", (f) => f.disabled), true);
    assert.equal(await page.isHidden("#nv-short-box"), true);
    await shot(page, `new-video-slug-taken-${screen.name}`);

    await page.fill("#nv-slug", taken + "-2");
    await page.click("#nv-save");
    await page.waitForSelector("#nv-form", { state: "hidden" });
    assert.equal(await page.textContent("#nv-short"), base + "/" + taken + "-2");
    assert.equal(await page.isHidden("#nv-error"), true);
    await aboveTheFold(page, "#nv-copy", screen.viewport);
    const videos = (await api(page, "GET", "/api/v1/videos?limit=200")).json.videos.filter((v) => v.title === title);
    assert.equal(videos.length, 1, "the video was made once");
    const made = (await api(page, "GET", "/api/v1/promo-codes?limit=200")).json.promo_codes.find((c) => c.code === code);
    assert.equal(made.offer_id, offer.id);
    await page.context().close();
  });
}

for (const screen of [screens[0], screens[3]]) {
  test(`a caption longer than a link title is cut to fit, not refused under a field left empty (${screen.name})`, async () => {
    const page = await newVideoPage(screen);
    // 193 bytes of text, a thumbs-up with a skin tone (two characters, 4 bytes each, one
    // grapheme) across the link title's 200-byte limit, then accented letters: 282 bytes, which
    // a video title takes (300) and a link title does not (200).
    const prefix = unique("NV long") + " ";
    const kept = prefix + "a".repeat(193 - prefix.length);
    const caption = kept + "👍🏽" + " " + "é".repeat(40);
    assert.equal(Buffer.byteLength(kept), 193);
    assert.equal(Buffer.byteLength(caption), 282);
    const slug = unique("nv-long");
    await open(page, "new-video", "#new-video[data-loaded]");
    await page.fill("#nv-title", caption);
    await page.fill("#nv-target", "https://shop.example/long?subid={click_id}");
    await page.fill("#nv-slug", slug);
    await page.click("#nv-save");
    await page.waitForSelector("#nv-form[hidden], #nv-error:not([hidden])", { state: "attached" });
    assert.equal(await page.isHidden("#nv-error"), true, await page.textContent("#nv-error"));
    assert.equal(await page.textContent("#nv-short"), base + "/" + slug);
    // The video keeps the whole caption; the link's title is cut before the emoji, which is
    // neither split in its bytes nor parted from its skin tone.
    const video = (await api(page, "GET", "/api/v1/videos?limit=200")).json.videos.find((v) => v.title.startsWith(prefix));
    assert.equal(video.title, caption);
    const link = (await api(page, "GET", "/api/v1/links?limit=200")).json.links.find((l) => l.slug === slug);
    assert.equal(link.title, kept);
    assert.equal(link.video_id, video.id);
    await page.context().close();
  });
}

for (const screen of [screens[1], screens[2]]) {
  test(`the older forms: a video is posted now by default, a code takes its link's offer (${screen.name})`, async () => {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const linked = await makeOffer(page, unique("Linked offer"));
    await makeOffer(page, unique("Unrelated offer"));
    const slug = unique("code-link");
    const link = (await api(page, "POST", "/api/v1/links", { target_url: "https://shop.example/c", slug, offer_id: linked.id })).json;

    await open(page, "videos", "#videos[data-loaded]");
    assert.equal(await page.getAttribute("#video-posted", "required"), null);
    assert.ok(await page.inputValue("#video-posted"), "Posted at starts at now");
    const title = unique("Plain video");
    await page.fill("#video-title", title);
    await page.click("#video-save");
    await page.waitForSelector(`#videos-table td >> text=${title}`);

    await open(page, "codes", `#code-link option[value='${link.id}']`);
    assert.equal(await page.inputValue("#code-offer"), "", "no unrelated offer pre-selected");
    assert.equal(await page.textContent("#code-offer option[value='']"), screen.fr ? "Choisir l'offre" : "Choose the offer");
    await page.selectOption("#code-link", String(link.id));
    assert.equal(await page.inputValue("#code-offer"), String(linked.id));
    await shot(page, `codes-offer-from-link-${screen.name}`);
    await page.context().close();
  });
}
