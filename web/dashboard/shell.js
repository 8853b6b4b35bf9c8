// The dashboard's shell (issue 20): the compact header's "More" menu, and how tables fit a
// phone. The header shows five sections as tabs; the others, the language, who is signed in
// and Log out are in "More", a disclosure (a button and the panel it shows, next in the tab
// order), laid over the page so opening it moves nothing. Tables marked `cards` read as one
// card per row on a narrow screen (each cell carries its column's name, shown before it by
// app.css); the rankings keep their name column in place while the rest scrolls sideways, and
// any table wider than its box says so above it ("Scroll sideways"). Charts are drawn to their
// box's width (LL.chartWidth).
"use strict";
(function () {
  const { $, el, t } = window.LL;

  // ---- the "More" menu ----
  const button = () => $("more");
  const panel = () => $("more-menu");
  const isOpen = () => button().getAttribute("aria-expanded") === "true";
  // What can take the focus inside the panel, in order (hidden entries left out).
  const items = () => [...panel().querySelectorAll("a[href], select, button, input:not([type=hidden])")]
    .filter((n) => !n.hidden && !n.closest("[hidden]") && !n.disabled);

  function setOpen(open, focusButton) {
    button().setAttribute("aria-expanded", String(open));
    panel().hidden = !open;
    if (!open && focusButton) button().focus();
  }

  // Keeps the More button marked while the section shown is one of its entries.
  function markCurrent() {
    const id = (location.hash || "#overview").slice(1).split("/")[0];
    const inside = [...panel().querySelectorAll("a[href^='#']")].some((a) => a.hash === "#" + id);
    button().classList.toggle("current", inside);
  }

  function move(step) {
    const list = items();
    if (!list.length) return;
    const at = list.indexOf(document.activeElement);
    list[(at + step + list.length) % list.length].focus();
  }

  function wireMenu() {
    button().addEventListener("click", () => setOpen(!isOpen()));
    // ArrowDown on the button opens the menu at its first entry; Escape anywhere in it closes
    // it and gives the focus back to the button. Up and Down move between the entries (a select
    // keeps its own arrows, to change the language).
    button().addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); setOpen(true); items()[0]?.focus(); }
    });
    $("more-box").addEventListener("keydown", (e) => {
      if (e.key === "Escape" && isOpen()) { e.preventDefault(); setOpen(false, true); return; }
      if (!isOpen() || !panel().contains(e.target) || e.target.tagName === "SELECT") return;
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Home") { e.preventDefault(); items()[0]?.focus(); }
      else if (e.key === "End") { e.preventDefault(); items().at(-1)?.focus(); }
    });
    // Tabbing out of it, or a click or tap elsewhere, closes it.
    $("more-box").addEventListener("focusout", (e) => {
      if (isOpen() && e.relatedTarget && !$("more-box").contains(e.relatedTarget)) setOpen(false);
    });
    document.addEventListener("pointerdown", (e) => { if (isOpen() && !$("more-box").contains(e.target)) setOpen(false); });
    // Choosing a section closes it (the language select leaves it open: its effect is visible behind).
    panel().addEventListener("click", (e) => { if (e.target.closest("a[href^='#']")) setOpen(false); });
    window.addEventListener("hashchange", () => { setOpen(false); markCurrent(); });
    markCurrent();
  }

  // ---- tables on a phone ----
  // Card tables: each cell gets its column's name (data-label), again whenever rows are drawn.
  function labelCells(table) {
    const head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    const names = [...head.cells].map((th) => th.textContent.trim());
    for (const body of table.tBodies)
      for (const tr of body.rows)
        if (tr.cells.length === names.length)
          [...tr.cells].forEach((td, i) => { if (names[i] && td.dataset.label !== names[i]) td.dataset.label = names[i]; });
  }

  // A table wider than its box: a hint above it, and the box marked (app.css shades the edge
  // that has more). Checked when a box or its table changes size and when it scrolls.
  function fit(box) {
    const over = box.scrollWidth > box.clientWidth + 1;
    let hint = box.previousElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      if (!over) return;
      hint = el("p", { class: "scroll-hint", "data-i18n": "table.scroll", "aria-hidden": "true" }, t("table.scroll"));
      box.before(hint);
    }
    hint.hidden = !over;
    box.classList.toggle("overflowing", over);
    box.classList.toggle("at-end", over && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
  }

  // ---- charts ----
  // A chart is drawn at its box's own width in pixels (its viewBox that wide), so its 12 px
  // labels are 12 px on a phone too and the last date ends inside the picture. LL.chartWidth(box)
  // gives that width (the svg's 1 px border off each side); a module leaves its drawing function
  // on the box (box.redraw), called again when the box's width changes (a turned phone, a
  // resized window, a section shown).
  LL.chartWidth = (box) => {
    box.dataset.drawnAt = String(box.clientWidth);
    return Math.max(200, (box.clientWidth || 602) - 2);
  };
  // Money bars stand on a zero line between `top` and `bottom` (y grows downwards). A day in the
  // red (a refund after payment is booked, negative, on the day it came: README "Adjustments
  // after payment") hangs below that line; drawn from the bottom like the others it showed as a
  // 2 px sliver of profit. LL.moneyBars(values, top, bottom): { zero (the line's y), low, high,
  // bar(v) -> { y, height } }, a bar never thinner than 2 px unless its value is 0.
  LL.moneyBars = (values, top, bottom) => {
    const high = Math.max(0, ...values), low = Math.min(0, ...values), span = high - low || 1;
    const zero = bottom + low / span * (bottom - top);
    return { zero, low, high, bar: (v) => {
      if (!v) return { y: zero, height: 0 };
      const height = Math.max(2, Math.abs(v) / span * (bottom - top));
      return { y: v > 0 ? zero - height : zero, height };
    } };
  };
  const charts = new ResizeObserver((entries) => {
    for (const { target: box } of entries)
      if (typeof box.redraw === "function" && box.clientWidth && String(box.clientWidth) !== box.dataset.drawnAt) box.redraw();
  });

  const watched = new WeakSet();
  const sizes = new ResizeObserver((entries) => {
    for (const e of entries) fit(e.target.classList.contains("scroll") ? e.target : e.target.closest(".scroll"));
  });

  function watch() {
    markCurrent(); // a section added late (audit.js's Activity) may be the one shown
    for (const box of document.querySelectorAll("main .chart")) if (!watched.has(box)) { watched.add(box); charts.observe(box); }
    for (const table of document.querySelectorAll("main table.cards")) labelCells(table);
    for (const box of document.querySelectorAll("main .scroll")) {
      const table = box.querySelector("table");
      if (!watched.has(box)) {
        watched.add(box);
        sizes.observe(box);
        box.addEventListener("scroll", () => fit(box), { passive: true });
      }
      if (table && !watched.has(table)) { watched.add(table); sizes.observe(table); }
      fit(box);
    }
  }

  let pending = false;
  const later = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; watch(); }); } };

  LL.inits.push(() => {
    wireMenu();
    new MutationObserver(later).observe(document.querySelector("main"), { childList: true, subtree: true });
    later();
  });
})();
