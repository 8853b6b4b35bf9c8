// Issue 20, the bio page: Links and Bio page warn while no handle is saved (the page does not
// exist until then) and offer "View my page" once it does; /@handle's 404 speaks the visitor's
// language; promo codes show on the page with a disclosure; arrows in Bio page reorder the links
// and the page follows. At 390x844 and 1280x800, in French and English; each test makes its
// own data through the API. The handle is one per instance: the test without one runs first
// and skips itself if another file saved one before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, owner, phone, laptop, chrome, session, shot, open, api, unique } from "./lib.mjs";

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
