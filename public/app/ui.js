/** Pieces the screens share: error boxes, badges, violation lists and chart containers. */
import { ApiError } from "./api.js";
import { mountChart, printWidth as paperWidth } from "./charts.js";
import { h } from "./dom.js";
import { pick, t } from "./i18n.js";

/** An alert with the problem's detail and stable code. */
export function errorBox(error) {
  const detail =
    error instanceof ApiError ? `${error.message} (${error.code})` : String(error?.message ?? error);
  return h("div", { class: "error", role: "alert" }, t("common.error", { detail }));
}

/** A small coloured label: `kind` is ok, bad, warn or info. */
export const badge = (kind, text) => h("span", { class: `badge ${kind}` }, text);

export const feasibleBadge = (feasible) =>
  feasible ? badge("ok", t("common.feasible")) : badge("bad", t("common.infeasible"));

/** One rule finding, coloured by severity (hard: red, soft: amber), with its bilingual message. */
export function violationItem(v) {
  return h(
    "li",
    { class: ["violation", v.severity], dataset: { rule: v.rule } },
    badge(
      v.severity === "hard" ? "bad" : "warn",
      `${v.rule} · ${t(v.severity === "hard" ? "team.hard" : "team.soft")}`,
    ),
    " ",
    pick(v.message),
  );
}

/**
 * A chart container; the chart is drawn when the screen is in the document (main.js sends
 * `banzi:mount`), so ECharts can measure it. `name` goes into `data-chart`; `label` is the short
 * text summary screen readers get instead of the picture (ECharts' own description is turned off);
 * `option` may be a function of the container's width (narrow screens get fewer, turned labels);
 * `printHeight` is the chart's height on paper, `printShare` the share of the sheet's width its card takes.
 */
export function chartBox(
  name,
  option,
  { height = 420, printHeight = Math.min(height, 380), printShare = 1, label } = {},
) {
  const el = h("div", {
    class: "chart",
    role: "img",
    "aria-label": label,
    dataset: { chart: name },
    style: { height: `${height}px` },
  });
  el.style.setProperty("--print-height", `${printHeight}px`);
  el.style.setProperty("--print-width", `${paperWidth(printShare)}px`);
  el.addEventListener(
    "banzi:mount",
    () =>
      mountChart(el, option).catch((error) => {
        el.replaceWith(errorBox(error));
      }),
    { once: true },
  );
  return el;
}

/**
 * Moves keyboard focus (and the view) to an answer that may have appeared below the fold: its
 * first heading or alert, so staff see that something happened and screen readers read it.
 */
export function showAnswer(area) {
  const target = area.querySelector("h2, [role=alert]") ?? area;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
}

/** A `<section>` with a heading. */
export const section = (title, ...children) =>
  h("section", { class: "card" }, h("h2", null, title), ...children);

/** A table from a header row and body rows (arrays of cells). */
export function table(headers, rows, props = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      props,
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          headers.map((x) => h("th", { scope: "col" }, x)),
        ),
      ),
      h("tbody", null, rows),
    ),
  );
}

/** Ids one `GET /v1/cadres?ids=…` may name. */
const IDS_PER_LIST = 200;

/** Loads cadres by id (one list request per 200), into a Map; unknown ids are left out. */
export async function cadresById(get, ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const chunks = [];
  for (let i = 0; i < unique.length; i += IDS_PER_LIST) chunks.push(unique.slice(i, i + IDS_PER_LIST));
  const pages = await Promise.all(
    chunks.map((chunk) =>
      get(`/v1/cadres?limit=${IDS_PER_LIST}&ids=${chunk.map(encodeURIComponent).join(",")}`).catch(
        () => null,
      ),
    ),
  );
  return new Map(pages.flatMap((page) => page?.items ?? []).map((c) => [c.id, c]));
}

/** `张三 (C0001)` as a link to the cadre's page. */
export function cadreLink(id, cadre) {
  if (!id) return h("span", { class: "muted" }, t("common.vacant"));
  return h("a", { href: `#/cadres/${encodeURIComponent(id)}` }, cadre ? `${cadre.name} (${id})` : id);
}
