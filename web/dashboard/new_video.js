// "New video" (#new-video, issue 20): one form that makes what a new TikTok needs, in order: the
// video, its short link, and optionally the promo code said in it (its offer is the link's).
// Each part is a call to the ordinary API (POST /api/v1/videos, /links, /promo-codes); when one
// fails, what was already made stays made and is listed, its fields are locked, and the error
// names the field to fix, so "Create" again only makes the rest. The short link, its Copy
// button and its QR code then lead the screen, ready to paste into the TikTok bio.
"use strict";
(function () {
  const { $, el, t, api, say, toIso, startAtNow, options, lists, sections } = window.LL;

  // What this run of the form has made so far; cleared by "Another new video".
  let made = { video: null, link: null, code: null };

  // The API names the failing field; these are the inputs it means, per step.
  const FIELDS = {
    video: { title: "nv-title", url: "nv-video-url", platform: "nv-platform", posted_at: "nv-posted" },
    link: { target_url: "nv-target", slug: "nv-slug", title: "nv-link-title", offer_id: "nv-offer", disclosure: "nv-disclosure" },
    code: { code: "nv-code", offer_id: "nv-offer" }
  };

  // The input an error is about, as the user sees the form: a link left without a title of its
  // own takes the video's, so a refused link title is the video title's problem. A field the
  // form does not show (none, or one of the API's own) names no input rather than a wrong one.
  function inputOf(step, field) {
    if (step === "link" && field === "title" && !$("nv-link-title").value.trim()) return "nv-title";
    return FIELDS[step][field] || null;
  }

  function fieldError(step, e) {
    const id = inputOf(step, e.field);
    if (!id) {
      $("nv-error").textContent = t("nv.failed." + step) + " " + e.message;
      $("nv-error").hidden = false;
      return;
    }
    const input = $(id);
    const label = document.querySelector("label[for='" + id + "']");
    input.setAttribute("aria-invalid", "true");
    const [open, close] = LL.lang() === "fr" ? ["« ", " » :"] : ["“", "”:"];
    $("nv-error").textContent = t("nv.failed." + step) + " " + t("nv.field") + " " + open + (label ? label.textContent : e.field) + close + " " + e.message;
    $("nv-error").hidden = false;
    $("nv-error").dataset.field = id;
    input.focus();
  }

  // A link's title is at most 200 bytes of UTF-8 (links_api.cpp), a video's 300: a longer caption
  // copied to the link is cut to fit, between characters, and between graphemes (an emoji with
  // its skin tone, a letter with its accent) where the browser can tell them apart.
  const LINK_TITLE_BYTES = 200;
  function cutToBytes(text, max) {
    const utf8 = new TextEncoder();
    if (utf8.encode(text).length <= max) return text;
    const pieces = typeof Intl.Segmenter === "function"
      ? Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text), (g) => g.segment)
      : Array.from(text); // code points: never half a surrogate pair
    let out = "", bytes = 0;
    for (const piece of pieces) {
      bytes += utf8.encode(piece).length;
      if (bytes > max) break;
      out += piece;
    }
    return out.trimEnd();
  }

  function clearErrors() {
    $("nv-error").hidden = true; $("nv-error").textContent = ""; delete $("nv-error").dataset.field;
    for (const n of document.querySelectorAll("#nv-form [aria-invalid]")) n.removeAttribute("aria-invalid");
  }

  // The list of what exists now, and the short link with Copy and QR once the link is made.
  function showMade() {
    const items = [];
    if (made.video) items.push(el("li", { "data-made": "video" }, "✓ " + t("nv.made.video") + " " + LL.videoLabel(made.video)));
    if (made.link) items.push(el("li", { "data-made": "link" }, "✓ " + t("nv.made.link") + " /" + made.link.slug));
    if (made.code) items.push(el("li", { "data-made": "code" }, "✓ " + t("nv.made.code") + " " + made.code.code));
    $("nv-made").replaceChildren(...items);
    const complete = made.link && (made.code || !$("nv-code").value.trim());
    $("nv-result").hidden = !items.length;
    $("nv-short-box").hidden = !made.link;
    $("nv-result-title").textContent = t(complete ? "nv.done" : "nv.partial");
    if (made.link) {
      $("nv-short").textContent = made.link.short_url;
      $("nv-qr").src = made.link.qr_svg;
      $("nv-qr-png").href = made.link.qr_png;
    }
    // A part that exists is not typed again: its fields are locked until "Another new video".
    $("nv-video-set").disabled = !!made.video;
    $("nv-link-set").disabled = !!made.link;
    $("nv-code-set").disabled = !!made.code;
    $("nv-form").hidden = !!complete;
    $("nv-another").hidden = !complete;
  }

  function reset() {
    made = { video: null, link: null, code: null };
    $("nv-form").reset(); clearErrors();
    startAtNow($("nv-posted"));
    showMade();
    $("nv-result").hidden = true;
  }

  async function step(name, work) {
    try { made[name] = await work(); return true; } catch (e) { if (e.message === "401") throw e; fieldError(name, e); return false; }
  }

  async function create(event) {
    event.preventDefault();
    clearErrors();
    const code = $("nv-code").value.trim();
    // A code belongs to an offer: it is the link's, so without one there is nothing to attach it to.
    if (code && !made.code && !$("nv-offer").value) {
      fieldError("code", { field: "offer_id", message: t("nv.code_needs_offer") });
      return;
    }
    $("nv-save").disabled = true;
    try {
      const ok = (made.video || await step("video", () => api("POST", "/api/v1/videos", {
        title: $("nv-title").value, url: $("nv-video-url").value, platform: $("nv-platform").value,
        posted_at: toIso($("nv-posted").value) || new Date().toISOString().replace(/\.\d{3}Z$/, "Z")
      }))) && (made.link || await step("link", () => {
        const body = {
          target_url: $("nv-target").value, title: $("nv-link-title").value.trim() || cutToBytes(made.video.title, LINK_TITLE_BYTES),
          video_id: made.video.id, offer_id: $("nv-offer").value ? Number($("nv-offer").value) : null,
          bio: $("nv-bio").checked, disclosure: $("nv-disclosure").value || null
        };
        if ($("nv-slug").value.trim()) body.slug = $("nv-slug").value.trim();
        return api("POST", "/api/v1/links", body);
      })) && (made.code || !code || await step("code", () => api("POST", "/api/v1/promo-codes", {
        code, offer_id: made.link.offer_id, video_id: made.video.id, link_id: made.link.id
      })));
      showMade();
      if (ok) {
        say(t("saved"));
        // The short link leads the screen: scroll up to it, and read it out to screen readers.
        window.scrollTo(0, 0);
        $("nv-result").focus({ preventScroll: true });
      } else say(t("nv.fix"), true);
    } finally { $("nv-save").disabled = false; }
  }

  async function load() {
    const offers = await lists.offers();
    options($("nv-offer"), offers.filter((o) => o.active), (o) => o.name, "col.offer");
    if (!made.video) startAtNow($("nv-posted"));
    offerNote();
  }

  // Under the code field: which offer the code will belong to, in words.
  function offerNote() {
    const select = $("nv-offer");
    const name = select.value ? select.options[select.selectedIndex].textContent : "";
    $("nv-code-offer").textContent = name ? t("nv.code_offer").replace("{offer}", name) : t("nv.code_no_offer");
  }

  LL.inits.push(() => {
    $("nv-form").addEventListener("submit", create);
    $("nv-offer").addEventListener("change", offerNote);
    $("nv-copy").addEventListener("click", () => { navigator.clipboard?.writeText($("nv-short").textContent); say(t("copied")); });
    $("nv-another").addEventListener("click", () => { reset(); $("nv-title").focus(); });
  });
  sections["new-video"] = load;
})();
