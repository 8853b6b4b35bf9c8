// The bio page seen from the dashboard (issue 20): a warning in Links and Bio page while no
// handle is saved (until then /@handle does not exist, whatever the links' "bio" box says) or
// while the page is taken down, a
// "View my page" link once it does, and the order of the bio links with up and down buttons.
// Ordering numbers every bio link 1..n (PATCH bio_position); a new link keeps position 0 and so
// shows at the top of the page, newest first, until the creator orders them again.
// The list is the server's (GET /api/v1/profile/links): every bio link in page order, those the
// page leaves out right now (turned off, not valid yet, expired, out of clicks, past the 100th
// card) in their place and marked with why, by the rule the page itself follows
// (server/bio/profile_store.cpp), so the list never claims a link is on the page when it is not.
"use strict";
(function () {
  const { $, el, t, relabel, api, change, linkLabel, sections } = window.LL;

  // Shows or hides the handle warning and the "View my page" links; returns the profile.
  async function handleState() {
    const p = await api("GET", "/api/v1/profile");
    const live = p.published; // false with no profile, and for a page taken down
    $("links-no-handle").hidden = live;
    $("links-bio-view").hidden = !live;
    $("bio-no-handle").hidden = live;
    // A page taken down keeps its handle: the notes say so, not "choose a handle".
    const down = !live && Boolean(p.handle);
    const [why, fix] = $("links-no-handle").children;
    relabel(why, down ? "bio.taken_down.links" : "bio.no_handle.links");
    relabel(fix, down ? "bio.put_back" : "bio.set_handle");
    if (live) $("links-bio-url").href = $("bio-view").href = p.bio_url;
    return p;
  }

  async function move(order, from, to) {
    const next = order.slice();
    const [link] = next.splice(from, 1);
    next.splice(to, 0, link);
    await change(async () => {
      // Only links whose number changes are written; one PATCH each, in page order.
      for (const [i, l] of next.entries()) {
        if (l.bio_position !== i + 1) await api("PATCH", "/api/v1/links/" + l.id, { bio_position: i + 1 });
      }
      await loadOrder();
    });
    const moved = document.querySelector("#bio-order li[data-link='" + link.id + "'] button." + (to < from ? "up" : "down"));
    (moved && !moved.disabled ? moved : document.querySelector("#bio-order li[data-link='" + link.id + "'] button:not([disabled])"))?.focus();
  }

  async function loadOrder() {
    const order = (await api("GET", "/api/v1/profile/links")).links;
    $("bio-order").replaceChildren(...order.map((l, i) => el("li", { "data-link": l.id, "data-slug": l.slug, "data-hidden": l.hidden || "",
      class: l.hidden ? "hidden-link" : "" },
      el("span", { class: "title" }, linkLabel(l),
        ...(l.hidden ? [el("span", { class: "why-hidden" }, t("bio.hidden").replace("{why}", t("bio.hidden." + l.hidden)))] : [])),
      el("span", { class: "arrows changes" },
        el("button", { type: "button", class: "secondary up", disabled: i === 0, "aria-label": t("bio.up") + " : " + linkLabel(l),
          onclick: () => move(order, i, i - 1) }, "↑"),
        el("button", { type: "button", class: "secondary down", disabled: i === order.length - 1, "aria-label": t("bio.down") + " : " + linkLabel(l),
          onclick: () => move(order, i, i + 1) }, "↓")))));
    if (!order.length) $("bio-order").append(el("li", { class: "note" }, t("bio.order.empty")));
  }

  const loadLinks = sections.links, loadBio = sections.bio;
  sections.links = (item) => Promise.all([loadLinks(item), handleState()]);
  sections.bio = (item) => Promise.all([loadBio(item), handleState(), loadOrder()]);
  // A saved profile shows #bio-link (app.js's loadProfile): the warning goes and "View my page"
  // points at the page, without waiting for the next load.
  LL.inits.push(() => new MutationObserver(() => {
    $("bio-no-handle").hidden = !$("bio-link").hidden;
    if (!$("bio-link").hidden) $("bio-view").href = $("bio-url").href;
  }).observe($("bio-link"), { attributes: true, attributeFilter: ["hidden"] }));
})();
