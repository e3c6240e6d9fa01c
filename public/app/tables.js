/**
 * Every data table on the page, whoever built it (ui.js `table()` or a screen by hand), is made
 * sortable and readable on a phone by watching the content for new tables:
 * - each column header gets a button that sorts the rows (ascending, then descending), with
 *   `aria-sort` on the header; numbers sort as numbers, text as Chinese (拼音) order, empty cells last;
 * - each cell gets `data-label` (its column's name), which style.css shows when a narrow screen
 *   turns the rows into cards;
 * - a table's scrolling box can take keyboard focus and is named, so it can be scrolled by keys.
 */
import { t } from "./i18n.js";

const collator = new Intl.Collator("zh-CN", { numeric: true, sensitivity: "base" });
const NUMBER = /^[-+−]?\d+(?:\.\d+)?%?$/;
const EMPTY = new Set(["", "—", "-", "…"]);

/** A cell's sort key: its `data-sort`, else its text. */
const key = (cell) => (cell?.dataset.sort ?? cell?.textContent ?? "").trim();
const toNumber = (text) => Number.parseFloat(text.replace("−", "-"));

/** The header cells of a table's single header row, or null for tables that are not simple grids. */
function headers(table) {
  const rows = table.tHead?.rows;
  if (rows?.length !== 1) return null;
  const cells = [...(rows[0]?.cells ?? [])];
  return cells.some((c) => c.colSpan > 1) ? null : cells;
}

/** A comparator for column `index` in direction `dir` (1 or -1); empty cells go last either way. */
function comparator(rows, index, dir) {
  const keys = new Map(rows.map((row) => [row, key(row.cells[index])]));
  const filled = [...keys.values()].filter((k) => !EMPTY.has(k));
  const numeric = filled.length > 0 && filled.every((k) => NUMBER.test(k));
  return (a, b) => {
    const x = keys.get(a);
    const y = keys.get(b);
    if (EMPTY.has(x) || EMPTY.has(y)) return EMPTY.has(x) - EMPTY.has(y);
    return dir * (numeric ? toNumber(x) - toNumber(y) : collator.compare(x, y));
  };
}

/** Puts the body's rows in the table's chosen order (a stable sort), touching the DOM only if needed. */
function applySort(table) {
  const state = table.sortState;
  const body = table.tBodies[0];
  if (!state || !body) return;
  const rows = [...body.rows];
  const sorted = [...rows].sort(comparator(rows, state.index, state.dir));
  if (sorted.every((row, i) => row === rows[i])) return;
  body.append(...sorted);
}

function sortBy(table, index) {
  const same = table.sortState?.index === index;
  table.sortState = { index, dir: same ? -table.sortState.dir : 1 };
  for (const [i, th] of (headers(table) ?? []).entries()) {
    if (i === index) th.setAttribute("aria-sort", table.sortState.dir === 1 ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  }
  applySort(table);
}

/** Header buttons, once per table. */
function makeSortable(table, cells) {
  table.dataset.sortable = "";
  for (const [index, th] of cells.entries()) {
    const name = th.textContent.trim();
    if (!name || th.querySelector("button")) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.title = t("sort.by", { column: name });
    button.append(...th.childNodes);
    const icon = document.createElement("span");
    icon.className = "sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.append(icon);
    button.addEventListener("click", () => sortBy(table, index));
    th.append(button);
  }
}

/** The name of a table's scrolling box: its section's heading, else the screen's. */
function regionName(wrap) {
  const heading =
    wrap.closest("section")?.querySelector("h2, h3") ?? wrap.closest(".screen")?.querySelector("h1");
  return heading?.textContent.trim() || wrap.querySelector("table")?.dataset.list || "";
}

/** Enhances every table under `root` (idempotent: run it again after any change). */
export function enhanceTables(root) {
  for (const table of root.querySelectorAll("table")) {
    const cells = headers(table);
    if (!cells) continue;
    if (!("sortable" in table.dataset)) makeSortable(table, cells);
    const names = cells.map((c) => c.textContent.trim());
    for (const row of table.tBodies[0]?.rows ?? [])
      for (const [i, cell] of [...row.cells].entries())
        if (cell.dataset.label === undefined) cell.dataset.label = names[i] ?? "";
    applySort(table);
  }
  for (const wrap of root.querySelectorAll(".table-wrap:not([tabindex])")) {
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", t("table.region", { name: regionName(wrap) }));
  }
}

/** Keeps the tables under `root` enhanced as screens draw and redraw them. */
export function watchTables(root) {
  let queued = false;
  const run = () => {
    queued = false;
    enhanceTables(root);
  };
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(run);
  }).observe(root, { childList: true, subtree: true, characterData: true });
}
