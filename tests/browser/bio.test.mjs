// Issue 20, the bio page: Links and Bio page warn while no handle is saved (the page does not
// exist until then) and offer "View my page" once it does; /@handle's 404 speaks the visitor's
// language; promo codes show on the page with a disclosure; arrows in Bio page reorder the links
// and the page follows. At 390x844 and 1280x800, in French and English; each test makes its
// own data through the API. The handle is one per instance: the test without one runs first
// and skips itself if another file saved one before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, owner, phone, laptop, chrome, tiktokUa, session, shot, open, api, unique } from "./lib.mjs";

const screens = [
  { name: "phone-fr", viewport: phone, locale: "fr-FR", fr: true },
  { name: "phone-en", viewport: phone, locale: "en-US", fr: false },
  { name: "laptop-fr", viewport: laptop, locale: "fr-FR", fr: true },
  { name: "laptop-en", viewport: laptop, locale: "en-US", fr: false }
];
const handleOf = (prefix) => unique(prefix).replace(/-/g, "_");

async function noHorizontalScroll(page, viewport) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `page is ${width} px wide on a ${viewport.width} px screen`);
}

async function saveProfile(page, handle, language) {
  const saved = await api(page, "PUT", "/api/v1/profile", { handle, display_name: "Léa " + handle, language });
  assert.equal(saved.status, 200, saved.text);
  return saved.json;
}

// The bio page as a follower's phone or laptop sees it, without JavaScript.
async function visit(path, screen) {
  const context = await chrome.browser.newContext({ javaScriptEnabled: false, viewport: screen.viewport, locale: screen.locale });
  const page = await context.newPage();
  const response = await page.goto(base + path);
  return { page, response, context };
}

test("without a handle, Links and Bio page say the page does not exist yet, and saving one opens it", async (t) => {
  const first = await session(owner, { locale: "fr-FR", viewport: phone });
  if ((await api(first, "GET", "/api/v1/profile")).json.handle) {
    t.skip("a handle was saved before this file ran; the warning cannot be shown");
    await first.context().close();
    return;
  }
  await first.context().close();
  for (const screen of screens) {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    assert.equal((await api(page, "POST", "/api/v1/links", { target_url: "https://shop.example/w", slug: unique("warn"), bio: true })).status, 201);
    await open(page, "links", "#links[data-loaded]");
    await page.waitForSelector("#links-no-handle:not([hidden])");
    assert.match(await page.textContent("#links-no-handle"), screen.fr ? /n'existe qu'une fois son identifiant choisi/ : /only exists once it has a handle/);
    assert.equal(await page.getAttribute("#links-no-handle a", "href"), "#bio");
    assert.equal(await page.isHidden("#links-bio-view"), true);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `bio-no-handle-links-${screen.name}`);
    await page.click("#links-no-handle a");
    await page.waitForSelector("#bio[data-loaded] #bio-no-handle:not([hidden])");
    assert.match(await page.textContent("#bio-no-handle"), screen.fr ? /n'existe pas encore/ : /does not exist yet/);
    assert.equal(await page.isHidden("#bio-link"), true);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `bio-no-handle-${screen.name}`);
    await page.context().close();
  }
  // Saving a handle in the form takes the warning away and shows "View my page".
  const page = await session(owner, { locale: "fr-FR", viewport: phone });
  await open(page, "bio", "#bio[data-loaded]");
  const handle = handleOf("first");
  await page.fill("#profile-handle", handle);
  await page.fill("#profile-name", "Léa");
  await page.click("#profile-form button[type=submit]");
  await page.waitForSelector("#bio-link:not([hidden])");
  await page.waitForSelector("#bio-no-handle", { state: "hidden" });
  assert.equal(await page.textContent("#bio-view"), "Voir ma page");
  assert.equal(await page.getAttribute("#bio-view", "href"), base + "/@" + handle);
  await page.context().close();
});

for (const screen of screens) {
  test(`with a handle, Links and Bio page link to the page (${screen.name})`, async () => {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const handle = handleOf("view");
    await saveProfile(page, handle, screen.fr ? "fr" : "en");
    await open(page, "links", "#links[data-loaded]");
    await page.waitForSelector("#links-bio-view:not([hidden])");
    assert.equal(await page.isHidden("#links-no-handle"), true);
    assert.equal(await page.textContent("#links-bio-url"), screen.fr ? "Voir ma page" : "View my page");
    assert.equal(await page.getAttribute("#links-bio-url", "href"), base + "/@" + handle);
    await open(page, "bio", "#bio[data-loaded]");
    await page.waitForSelector("#bio-link:not([hidden])");
    assert.equal(await page.isHidden("#bio-no-handle"), true);
    assert.equal(await page.getAttribute("#bio-view", "href"), base + "/@" + handle);
    const target = await page.request.get(await page.getAttribute("#bio-view", "href"));
    assert.equal(target.status(), 200);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `bio-view-my-page-${screen.name}`);
    await page.context().close();
  });

  test(`a page that does not exist answers in the visitor's language (${screen.name})`, async () => {
    const { page, response, context } = await visit("/@" + handleOf("nobody"), screen);
    assert.equal(response.status(), 404);
    assert.equal(await page.getAttribute("html", "lang"), screen.fr ? "fr" : "en");
    assert.equal(await page.textContent("h1"), screen.fr ? "Page introuvable" : "Page not found");
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `bio-404-${screen.name}`);
    await context.close();
  });
}

for (const screen of screens) {
  test(`promo codes show on the bio page with their disclosure (${screen.name})`, async () => {
    const owned = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const offer = (await api(owned, "POST", "/api/v1/offers", { name: unique("Bio shop"), currency: "EUR", commission: { type: "reported" } })).json;
    const slug = unique("bio-code"), code = unique("LEA").replace(/-/g, "").toUpperCase();
    const link = (await api(owned, "POST", "/api/v1/links", { target_url: "https://shop.example/socks", slug, title: "Socks " + slug,
      bio: true, disclosure: "collaboration", offer_id: offer.id })).json;
    assert.equal((await api(owned, "POST", "/api/v1/promo-codes", { code, offer_id: offer.id, link_id: link.id })).status, 201);
    const handle = handleOf("codes");
    await saveProfile(owned, handle, screen.fr ? "fr" : "en");
    await owned.context().close();

    const { page, response, context } = await visit("/@" + handle, screen);
    assert.equal(response.status(), 200);
    const card = page.locator("li", { has: page.locator(`a.card[href*='/${slug}?']`) });
    assert.equal(await card.locator(".codes .code").textContent(), code);
    assert.equal(await card.locator(".codes .disclosure").textContent(), screen.fr ? "Collaboration commerciale" : "Paid partnership");
    assert.match(await card.locator(".codes").textContent(), screen.fr ? /^Code promo/ : /^Promo code/);
    await noHorizontalScroll(page, screen.viewport);
    await card.scrollIntoViewIfNeeded();
    await shot(page, `bio-codes-${screen.name}`);
    await context.close();
  });
}

for (const screen of screens) {
  test(`the arrows in Bio page reorder the links and the page follows (${screen.name})`, async () => {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const slugs = [unique("order-a"), unique("order-b"), unique("order-c")];
    for (const slug of slugs)
      assert.equal((await api(page, "POST", "/api/v1/links", { target_url: "https://shop.example/" + slug, slug, title: slug, bio: true })).status, 201);
    const handle = handleOf("order");
    await saveProfile(page, handle, screen.fr ? "fr" : "en");
    const pageOrder = async () => {
      const html = await (await page.request.get(base + "/@" + handle)).text();
      return slugs.map((s) => [s, html.indexOf("/" + s + "?utm_source=bio")]).sort((a, b) => a[1] - b[1]).map((p) => p[0]);
    };
    // New links go to the top: the newest first.
    assert.deepEqual(await pageOrder(), [slugs[2], slugs[1], slugs[0]]);

    await open(page, "bio", "#bio[data-loaded]");
    const item = (slug) => `#bio-order li[data-slug='${slug}']`;
    await page.waitForSelector(item(slugs[0]));
    const listed = async () => (await page.$$eval("#bio-order li", (lis) => lis.map((li) => li.dataset.slug))).filter((s) => slugs.includes(s));
    assert.deepEqual(await listed(), [slugs[2], slugs[1], slugs[0]]);
    const waitListed = (expected) => page.waitForFunction((want) =>
      JSON.stringify([...document.querySelectorAll("#bio-order li")].map((li) => li.dataset.slug).filter((s) => want.includes(s))) ===
      JSON.stringify(want), expected);
    // The oldest link up twice: to the top of these three.
    await page.click(item(slugs[0]) + " button.up");
    await waitListed([slugs[2], slugs[0], slugs[1]]);
    await page.click(item(slugs[0]) + " button.up");
    await waitListed([slugs[0], slugs[2], slugs[1]]);
    const label = await page.getAttribute(item(slugs[0]) + " button.up", "aria-label");
    assert.match(label, screen.fr ? /^Monter/ : /^Move up/);
    const size = await page.locator(item(slugs[0]) + " button.down").boundingBox();
    assert.ok(size.width >= 44 && size.height >= 44, "arrows are 44 px tap targets");
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `bio-order-${screen.name}`);
    assert.deepEqual(await pageOrder(), [slugs[0], slugs[2], slugs[1]]);
    // And down again: one step.
    await page.click(item(slugs[0]) + " button.down");
    await waitListed([slugs[2], slugs[0], slugs[1]]);
    assert.deepEqual(await pageOrder(), [slugs[2], slugs[0], slugs[1]]);
    await page.context().close();
  });
}

// The order list in Bio page and the page itself follow one rule (the server's): a bio link the
// page leaves out right now (turned off, not valid yet, expired, out of clicks) stays in the list,
// in its place, marked with why; every link not marked is on the page. An expired link with an
// expired_url is on the page (its card leads there) and not marked.
const hiddenWords = {
  en: { turned_off: "link turned off", not_yet_valid: "not active yet", expired: "expired", out_of_clicks: "out of clicks" },
  fr: { turned_off: "lien désactivé", not_yet_valid: "pas encore actif", expired: "expiré", out_of_clicks: "nombre de clics maximal atteint" }
};
for (const screen of [screens[0], screens[3]]) {
  test(`Bio page marks the links the page hides, and why (${screen.name})`, async () => {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const made = async (slug, extra) => {
      const r = await api(page, "POST", "/api/v1/links", { target_url: "https://shop.example/" + slug, slug, title: "T " + slug, bio: true, ...extra });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const s = { open: unique("hid-open"), later: unique("hid-later"), over: unique("hid-over"), elsewhere: unique("hid-else"),
      spent: unique("hid-spent"), off: unique("hid-off") };
    await made(s.open);
    await made(s.later, { valid_from: "2099-01-01T00:00:00Z" });
    await made(s.over, { valid_until: "2020-01-01T00:00:00Z" });
    await made(s.elsewhere, { valid_until: "2020-01-01T00:00:00Z", expired_url: "https://shop.example/sold-out" });
    await made(s.spent, { max_clicks: 1 });
    const off = await made(s.off);
    assert.equal((await api(page, "PATCH", "/api/v1/links/" + off.id, { active: false })).status, 200);
    const handle = handleOf("hidden");
    await saveProfile(page, handle, screen.fr ? "fr" : "en");
    const onPage = async (slug) => (await (await page.request.get(base + "/@" + handle)).text()).includes("/" + slug + "?utm_source=bio");
    // A follower's tap spends the one click; once stored, the page drops the card.
    assert.equal((await page.request.get(base + "/" + s.spent, { maxRedirects: 0, headers: { "User-Agent": tiktokUa } })).status(), 302);
    for (let i = 0; i < 300 && (await onPage(s.spent)); ++i) await page.waitForTimeout(100);
    assert.equal(await onPage(s.spent), false, "the spent link left the page");

    await open(page, "bio", "#bio[data-loaded]");
    await page.waitForSelector(`#bio-order li[data-slug='${s.open}']`);
    const listed = await page.$$eval("#bio-order li[data-slug]", (lis) => lis.map((li) => ({ slug: li.dataset.slug,
      hidden: li.dataset.hidden || "", why: li.querySelector(".why-hidden")?.textContent ?? null })));
    const mine = Object.fromEntries(listed.filter((l) => Object.values(s).includes(l.slug)).map((l) => [l.slug, l]));
    const expected = { [s.open]: "", [s.later]: "not_yet_valid", [s.over]: "expired", [s.elsewhere]: "", [s.spent]: "out_of_clicks", [s.off]: "turned_off" };
    const words = hiddenWords[screen.fr ? "fr" : "en"];
    for (const [slug, reason] of Object.entries(expected)) {
      assert.ok(mine[slug], `${slug} is in the order list`);
      assert.equal(mine[slug].hidden, reason, slug);
      assert.equal(mine[slug].why, reason ? (screen.fr ? "Masqué sur votre page : " : "Hidden on your page: ") + words[reason] : null, slug);
      // Marked hidden exactly when the page leaves it out.
      assert.equal(await onPage(slug), reason === "", `${slug} on the page`);
    }
    // Every link of the list, not only these: none unmarked is missing from the page.
    const html = await (await page.request.get(base + "/@" + handle)).text();
    for (const l of listed) assert.equal(html.includes("/" + l.slug + "?utm_source=bio"), l.hidden === "", `${l.slug} (${l.hidden})`);
    await noHorizontalScroll(page, screen.viewport);
    await page.locator(`#bio-order li[data-slug='${s.spent}']`).scrollIntoViewIfNeeded();
    await shot(page, `bio-order-hidden-${screen.name}`);
    await page.context().close();
  });
}

// After the test without a handle (the instance has one bio page): Bio page takes the page down
// after asking, the warning comes back, the address answers 404, the profile and the links stay;
// saving the form puts it back.
for (const screen of [screens[0], screens[3]]) {
  test(`the page can be taken down from Bio page (${screen.name})`, async () => {
    const page = await session(owner, { locale: screen.locale, viewport: screen.viewport });
    const handle = handleOf("down");
    await saveProfile(page, handle, screen.fr ? "fr" : "en");
    const slug = unique("kept");
    assert.equal((await api(page, "POST", "/api/v1/links", { target_url: "https://shop.example/k", slug, bio: true })).status, 201);
    await open(page, "bio", "#bio[data-loaded]");
    await page.waitForSelector("#bio-link:not([hidden])");
    assert.equal(await page.textContent("#bio-take-down"), screen.fr ? "Retirer ma page" : "Take my page down");
    await noHorizontalScroll(page, screen.viewport);
    // Declined: nothing changes.
    page.once("dialog", (d) => d.dismiss());
    await page.click("#bio-take-down");
    assert.equal((await api(page, "GET", "/api/v1/profile")).json.handle, handle);
    let asked = "";
    page.once("dialog", (d) => { asked = d.message(); d.accept(); });
    await page.click("#bio-take-down");
    await page.waitForSelector("#bio-link", { state: "hidden" });
    await page.waitForSelector("#bio-no-handle:not([hidden])");
    // The warning says the page is down, not that it was never made.
    assert.match(await page.textContent("#bio-no-handle"), screen.fr ? /page bio est retirée/ : /page is taken down/);
    assert.match(asked, screen.fr ? new RegExp("^Retirer @" + handle + " \\?") : new RegExp("^Take @" + handle + " down\\?"));
    assert.equal(await page.inputValue("#profile-handle"), handle);
    assert.equal(await page.inputValue("#profile-name"), "Léa " + handle);
    assert.equal((await page.request.get(base + "/@" + handle, { maxRedirects: 0 })).status(), 404);
    assert.equal((await page.request.get(base + "/" + slug, { maxRedirects: 0 })).status(), 302);
    await noHorizontalScroll(page, screen.viewport);
    await shot(page, `bio-taken-down-${screen.name}`);
    await open(page, "links", "#links[data-loaded]");
    await page.waitForSelector("#links-no-handle:not([hidden])");
    assert.match(await page.textContent("#links-no-handle"), screen.fr ? /votre page bio est retirée\.\s+Remettre ma page en ligne/ : /your bio page is taken down\.\s+Put my page back/);
    await page.click("#links-no-handle a");
    await page.waitForSelector("#bio[data-loaded] #bio-no-handle:not([hidden])");
    // Saving the form as it stands puts the page back.
    await page.click("#profile-form button[type=submit]");
    await page.waitForSelector("#bio-link:not([hidden])");
    assert.equal((await page.request.get(base + "/@" + handle, { maxRedirects: 0 })).status(), 200);
    await page.context().close();
  });
}
