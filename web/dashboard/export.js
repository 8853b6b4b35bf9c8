// Spreadsheet exports of the dashboard's tables (issue 20), made in the browser from the rows
// the table shows, in the dashboard's language: translated headers, amounts in units with the
// currency in its own column, rates in percent, dates as the dashboard writes them (format.js).
// French files use ';' and a decimal comma, which French Excel splits into columns; both carry
// a UTF-8 BOM so Excel reads accents. The API's own CSV and JSON stay in machine format.
//
// A table's columns (as given to LL.table / LL.pagedTable) export as they are: `export(row)`
// when the column has one, else row[key], else the text the cell shows. A column with
// `only: "export"` is in the file and not on screen (e.g. the currency beside an amount).
// Typed cells come from LL.cell: money(minor, currency), count(n), percent(fraction),
// date(iso), dateTime(iso), day("2026-12-01"); anything else is text.
"use strict";
(function () {
  const L = () => window.LL;
  const t = (key) => L().t(key);
  const french = () => L().lang() === "fr";

  const cell = {
    money: (minor, currency) => ({ money: minor, currency }),
    count: (n) => ({ count: n }),
    percent: (fraction) => ({ percent: fraction }),
    date: (iso) => ({ date: iso }), dateTime: (iso) => ({ dateTime: iso }), day: (text) => ({ day: text })
  };

  // Numbers without thousands separators, so that spreadsheets read them as numbers.
  const decimalMark = (text) => french() ? text.replace(".", ",") : text;
  function moneyText(minor, currency) {
    if (minor === null || minor === undefined) return "";
    if (!currency) return String(minor);
    const digits = L().exponent(currency), negative = minor < 0;
    const units = L().toMajor(Math.abs(minor), currency);
    return (negative ? "-" : "") + (digits ? decimalMark(units) : units);
  }
  function percentText(fraction) {
    if (fraction === null || fraction === undefined || isNaN(fraction)) return "";
    const n = Math.round(fraction * 10000) / 100;
    return french() ? String(n).replace(".", ",") + " %" : String(n) + "%";
  }

  function text(v) {
    if (v === null || v === undefined) return "";
    if (v instanceof Node) return v.textContent.trim();
    if (typeof v !== "object") return String(v);
    const f = L().fmt;
    if ("money" in v) return moneyText(v.money, v.currency);
    if ("count" in v) return v.count === null || v.count === undefined ? "" : String(v.count);
    if ("percent" in v) return percentText(v.percent);
    if ("dateTime" in v) return f.dateTime(v.dateTime);
    if ("date" in v) return f.date(v.date);
    if ("day" in v) return f.day(v.day);
    return String(v);
  }

  const FORMULA = /^[=+\-@\t\r]/;
  // RFC 4180 quoting; a text cell that a spreadsheet would run as a formula gets a leading '
  // (numbers we write, a negative amount included, are left alone).
  function csvCell(v, separator) {
    let s = text(v);
    const typed = v !== null && typeof v === "object" && !(v instanceof Node);
    const neutralised = !typed && FORMULA.test(s);
    if (neutralised) s = "'" + s;
    return neutralised || s.includes(separator) || /["\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  // The file's text: headers then rows, CRLF, BOM first.
  function csv(headers, rows) {
    const separator = french() ? ";" : ",";
    const line = (cells) => cells.map((c) => csvCell(c, separator)).join(separator);
    return "\uFEFF" + [line(headers)].concat(rows.map(line)).join("\r\n") + "\r\n";
  }

  // A table's columns and rows as a sheet: headers and cells.
  function sheet(columns, rows) {
    const cols = columns.filter((c) => c.export !== false);
    return {
      headers: cols.map((c) => t(c.exportLabel || c.label)),
      rows: rows.map((r) => cols.map((c) => c.export ? c.export(r) : c.key ? r[c.key] : c.render ? c.render(r) : ""))
    };
  }

  // Today in the user's zone, for the file name.
  function today() {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: L().zone ? L().zone() : undefined, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    } catch { return new Date().toISOString().slice(0, 10); }
  }

  function download(fileName, body) {
    const a = L().el("a", { href: URL.createObjectURL(new Blob([body], { type: "text/csv;charset=utf-8" })), download: fileName });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // A button that exports: `name` is the file's word (an i18n key "export.file.<name>", e.g.
  // "ventes"), `load` answers { headers, rows } (see sheet()). data-csv names it for tests.
  function button(name, load) {
    return L().el("button", { type: "button", class: "secondary export", "data-csv": name, onclick: async (e) => {
      const b = e.currentTarget; b.disabled = true;
      try {
        const s = await load();
        download("linkledger-" + t("export.file." + name) + "-" + today() + ".csv", csv(s.headers, s.rows));
        // How many rows the file holds, said: a creator can check it against the list they expect.
        L().say(t("export.done").replace("{n}", L().fmt.count(s.rows.length)));
      } catch (err) { L().say(t("error") + ": " + err.message, true); } finally { b.disabled = false; }
    } }, t("csv"));
  }

  // Puts (or puts back) a table's export button just above it.
  function attach(tableNode, name, load) {
    const id = "export-" + name, box = tableNode.closest(".scroll") || tableNode;
    const tools = L().el("div", { class: "row table-tools", id }, button(name, load));
    const old = document.getElementById(id);
    if (old) old.replaceWith(tools); else box.before(tools);
  }

  window.LL_EXPORT = { cell, sheet, csv, button, attach };
})();
