/**
 * Apache ECharts (served from /vendor/echarts, never a CDN, and loaded only by screens with a chart) for the 16PF profile, the members'
 * profiles overlaid, score components, and the validity report's rates by fit quartile. Charts are registered so a screen change disposes them
 * and a window resize resizes them. The `data-chart` attribute names a chart for tests and people.
 */
import { FACTORS, factorLabel, t } from "./i18n.js";

const live = new Set();
/** Options that depend on the chart's width, by chart. */
const options = new Map();
const PALETTE = [
  "#1f5fa8",
  "#c2410c",
  "#15803d",
  "#7c3aed",
  "#b91c1c",
  "#0e7490",
  "#a16207",
  "#be185d",
  "#4d7c0f",
  "#1d4ed8",
  "#9a3412",
  "#047857",
  "#6d28d9",
  "#334155",
];

/** A4's width less the print stylesheet's 10 mm margins, in CSS pixels (96 per inch). */
const PRINT_WIDTH = Math.floor(((210 - 20) / 25.4) * 96);

/**
 * The width, in CSS pixels, of a chart printed in a card that takes `share` of the sheet's width
 * (style.css's print rules: a 6 px gap between two columns, 8 px padding and a border in a card).
 */
export const printWidth = (share = 1) => Math.floor((PRINT_WIDTH - (share < 1 ? 6 : 0)) * share) - 18;

/** Resizes a chart and, when its option depends on the width, lays it out again for the new width. */
function fitChart(chart, size) {
  if (chart.isDisposed()) return;
  chart.resize(size);
  const option = options.get(chart);
  if (option) chart.setOption(option(chart.getWidth()));
}

const resizeAll = () => {
  for (const chart of live) fitChart(chart);
};
window.addEventListener("resize", resizeAll);
// Printing lays the page out at the paper's width: each chart is redrawn at its printed size, so
// nothing is cut at the right edge. `beforeprint` comes before the print layout (the size is given);
// the print media query's change comes with it (the size is measured); `afterprint` goes back.
window.addEventListener("beforeprint", () => {
  for (const chart of live) {
    if (chart.isDisposed()) continue;
    const style = chart.getDom().style;
    const width = Number.parseFloat(style.getPropertyValue("--print-width"));
    const height = Number.parseFloat(style.getPropertyValue("--print-height"));
    fitChart(chart, {
      width: Number.isFinite(width) ? width : printWidth(),
      height: Number.isFinite(height) ? height : "auto",
    });
  }
});
window.matchMedia("print").addEventListener("change", resizeAll);
window.addEventListener("afterprint", resizeAll);

/** Where ECharts is served (node_modules/echarts/dist on Node, public/vendor on the worker). */
const ECHARTS_URL = "/vendor/echarts/echarts.min.js";
let loading = null;

/**
 * Loads ECharts (a classic script that defines `window.echarts`) the first time a screen draws a
 * chart: it is most of the page's weight, and most screens have no chart. Loaded once.
 */
export function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = ECHARTS_URL;
    script.onload = () => resolve(window.echarts);
    script.onerror = () => {
      loading = null;
      script.remove();
      reject(new Error(`ECharts did not load (${ECHARTS_URL})`));
    };
    document.head.append(script);
  });
  return loading;
}

/**
 * Draws `option` into `el` (a fresh ECharts instance, once ECharts is loaded) and resolves to the
 * instance, or to null when the screen was left meanwhile. `option` may be a function of the
 * chart's width, called again whenever the chart is resized (a phone turned, printing).
 */
export async function mountChart(el, option) {
  const echarts = await loadEcharts();
  if (!el.isConnected) return null;
  const chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption(typeof option === "function" ? option(chart.getWidth()) : option);
  if (typeof option === "function") options.set(chart, option);
  live.add(chart);
  return chart;
}

/** Disposes every chart of the screen being left. */
export function disposeCharts() {
  for (const chart of live) chart.dispose();
  live.clear();
  options.clear();
}

const base = () => ({
  animation: false,
  // ECharts' own description is long and cut off; each chart's box carries a short Chinese
  // summary instead (ui.js chartBox's `label`), which ECharts would overwrite.
  aria: { enabled: false },
  textStyle: { fontFamily: "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" },
});

/** The ideal sten range of a post, drawn as a bar behind each factor's row. */
function idealSeries(ideal) {
  return {
    id: "ideal",
    name: t("chart.ideal"),
    type: "custom",
    z: 1,
    silent: true,
    itemStyle: { color: "rgba(21, 128, 61, 0.22)" },
    encode: { x: [1, 2], y: 0 },
    data: FACTORS.map((f, i) => [i, ideal[f]?.min ?? 1, ideal[f]?.max ?? 10]),
    renderItem(_params, api) {
      const row = api.value(0);
      const from = api.coord([api.value(1), row]);
      const to = api.coord([api.value(2), row]);
      const band = api.size([0, 1])[1] * 0.62;
      return {
        type: "rect",
        shape: {
          x: from[0] - 3,
          y: from[1] - band / 2,
          width: Math.max(6, to[0] - from[0] + 6),
          height: band,
        },
        style: api.style(),
      };
    },
  };
}

/**
 * The classic 16PF profile sheet: factors down the side (A at the top), stens 1–10 across, the
 * norm's average band 4–7, optionally a post's ideal range behind, and one line per profile.
 * `profiles`: `[{ id, name, stens, dashed?, color?, width?, opacity? }]`.
 */
export function profileOption({ profiles, ideal }, width = 800) {
  const lines = profiles.map((p, i) => ({
    id: p.id,
    name: p.name,
    type: "line",
    z: 3 + (p.dashed ? 0 : 1),
    symbol: "circle",
    symbolSize: p.dashed ? 5 : 8,
    lineStyle: {
      width: p.width ?? (p.dashed ? 1.5 : 2.5),
      type: p.dashed ? "dashed" : "solid",
      opacity: p.opacity ?? 1,
    },
    itemStyle: { color: p.color ?? PALETTE[i % PALETTE.length] },
    emphasis: { focus: "series" },
    data: FACTORS.map((f, row) => [p.stens[f], row]),
  }));
  if (lines[0])
    lines[0].markArea = {
      silent: true,
      itemStyle: { color: "rgba(100, 116, 139, 0.10)" },
      label: { show: true, position: "insideTop", color: "#64748b", formatter: t("chart.average") },
      data: [[{ xAxis: 4 }, { xAxis: 7 }]],
    };
  // Every name in the legend, wrapped over as many rows as it takes (a scrolling legend hid names
  // behind its arrows on a phone and on paper); the plot starts below it.
  const names = [...(ideal ? [t("chart.ideal")] : []), ...profiles.map((p) => p.name)];
  const legendRows = names.length > 1 ? legendRowCount(names, width) : 0;
  return {
    ...base(),
    color: PALETTE,
    grid: { left: 150, right: 24, top: 36 + legendRows * LEGEND_ROW, bottom: 36 },
    legend: legendRows ? { type: "plain", top: 0, left: 8, right: 8, itemGap: 10 } : undefined,
    tooltip: {
      trigger: "item",
      formatter: (p) => `${p.seriesName}<br>${factorLabel(FACTORS[p.value[1]])}: ${p.value[0]}`,
    },
    xAxis: {
      type: "value",
      min: 1,
      max: 10,
      interval: 1,
      name: t("chart.sten"),
      nameLocation: "middle",
      nameGap: 24,
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: FACTORS.map(factorLabel),
      axisTick: { alignWithLabel: true },
    },
    series: [...(ideal ? [idealSeries(ideal)] : []), ...lines],
  };
}

/**
 * Category labels that never run into each other: every label shown, each wrapped to its own band
 * (`width` is the chart's width; about 110 px go to the value axis and the margins).
 */
export function fitLabels(width, categories) {
  return {
    interval: 0,
    hideOverlap: true,
    // ECharts 6 keeps the value axis's labels inside the chart: allow for them and a gap.
    width: Math.max(28, Math.floor((width - 110) / Math.max(categories, 1)) - 8),
    overflow: "break",
    lineHeight: 14,
  };
}

/** "人岗匹配 61，气质互补与协调 83，…" for each of `teams`, the text a score chart shows. */
export function componentsSummary(teams) {
  const keys = ["fit", "balance", "skills", "structure", "penalty"];
  return teams
    .map((team) =>
      t("summary.components", {
        name: team.name,
        values: keys
          .map((k) => `${t(`component.${k}`)} ${Math.round((team.components[k] ?? 0) * 100)}`)
          .join("，"),
      }),
    )
    .join("；");
}

/** "A 乐群性 5，B 聪慧性 7，…": a profile as text. */
export const stensSummary = (stens) => FACTORS.map((f) => `${factorLabel(f)} ${stens[f]}`).join("，");

const LEGEND_ROW = 24;

/**
 * How many rows a plain legend of `names` takes in a chart `width` px wide: each item is its
 * symbol (25 px + gap) and its text (about 12 px a character, 7 for Latin letters and digits).
 */
function legendRowCount(names, width) {
  const room = Math.max(width - 16, 120);
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = 35 + [...name].reduce((sum, ch) => sum + (ch.charCodeAt(0) > 255 ? 12 : 7), 0);
    if (used > 0 && used + item > room) {
      rows += 1;
      used = 0;
    }
    used += item;
  }
  return rows;
}

/** The mean sten per factor of several profiles. */
export function meanStens(profiles) {
  const mean = {};
  for (const f of FACTORS)
    mean[f] = Math.round((profiles.reduce((s, p) => s + p[f], 0) / profiles.length) * 10) / 10;
  return mean;
}

/**
 * Score components side by side: one bar group per component, one series per team or option.
 * `teams`: `[{ name, components: { fit, balance, skills, structure, penalty } }]`; the penalty is
 * drawn below zero, as what it takes away.
 */
export function componentsOption(teams, width = 800) {
  const keys = ["fit", "balance", "skills", "structure", "penalty"];
  // A value over each bar only where bars are wide enough for "100" (on a phone they ran together).
  const barRoom = (width - 64) / keys.length / Math.max(teams.length, 1);
  return {
    ...base(),
    color: PALETTE,
    grid: { left: 48, right: 16, top: teams.length > 1 ? 40 : 16, bottom: 48 },
    legend: teams.length > 1 ? { top: 0 } : undefined,
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v) => (v * 100).toFixed(1),
    },
    xAxis: {
      type: "category",
      data: keys.map((k) => t(`component.${k}`)),
      axisLabel: fitLabels(width, keys.length),
    },
    // Ticks every 25 points: ECharts' own choice put 90 and 100 on top of each other.
    yAxis: {
      type: "value",
      min: -0.5,
      max: 1,
      interval: 0.25,
      axisLabel: { formatter: (v) => Math.round(v * 100) },
    },
    series: teams.map((team) => ({
      name: team.name,
      type: "bar",
      barMaxWidth: 28,
      labelLayout: { hideOverlap: true },
      label: {
        show: teams.length <= 3 && barRoom >= 24,
        position: "top",
        formatter: (p) => (p.value * 100).toFixed(0),
        fontSize: 10,
      },
      data: keys.map((k) => (k === "penalty" ? -(team.components[k] ?? 0) : (team.components[k] ?? 0))),
    })),
  };
}

/** A share in [0, 1] as a whole percentage (— for null). */
const pct = (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`);

/**
 * Appraisal rates by fit quartile: the share rated 优秀 and the share rated 基本称职 or below as
 * grouped bars, each with its 95 % Wilson interval drawn over it as a whisker (a custom series: the
 * bar chart has no error bars of its own). `quartiles` is the validity report's
 * `[{ quartile, n, excellent: { count, n, share, ci }, low: { … } }]`.
 */
export function quartileRatesOption(quartiles) {
  const BAR = 0.26; // each bar's width, as a share of its category's band
  const GAP = 0.3; // the gap between a category's bars, as a share of a bar's width
  const groups = [
    { id: "excellent", name: t("validity.excellent"), color: "#15803d" },
    { id: "low", name: t("validity.low"), color: "#c2410c" },
  ];
  // ECharts centres the group of bars on the category: bar i sits this many band widths off centre.
  const offset = (i) => (i - (groups.length - 1) / 2) * BAR * (1 + GAP);
  const bars = groups.map((g) => ({
    id: g.id,
    name: g.name,
    type: "bar",
    barWidth: `${BAR * 100}%`,
    barGap: `${GAP * 100}%`,
    itemStyle: { color: g.color },
    data: quartiles.map((q) => q[g.id].share),
  }));
  const whiskers = groups.map((g, i) => ({
    id: `${g.id}-ci`,
    // The same name as its bars: the legend shows and hides both together.
    name: g.name,
    type: "custom",
    z: 5,
    silent: true,
    encode: { x: 0, y: [1, 2] },
    data: quartiles.map((q, index) => [index, q[g.id].ci?.low ?? null, q[g.id].ci?.high ?? null]),
    renderItem(_params, api) {
      const low = api.value(1);
      const high = api.value(2);
      if (!Number.isFinite(low) || !Number.isFinite(high)) return null;
      const band = api.size([1, 0])[0];
      const from = api.coord([api.value(0), low]);
      const to = api.coord([api.value(0), high]);
      const x = from[0] + offset(i) * band;
      const cap = Math.max(4, band * BAR * 0.25);
      const style = { stroke: "#1f2933", lineWidth: 1.5 };
      return {
        type: "group",
        children: [
          { type: "line", shape: { x1: x, y1: from[1], x2: x, y2: to[1] }, style },
          { type: "line", shape: { x1: x - cap, y1: from[1], x2: x + cap, y2: from[1] }, style },
          { type: "line", shape: { x1: x - cap, y1: to[1], x2: x + cap, y2: to[1] }, style },
        ],
      };
    },
  }));
  const line = (q, g) =>
    `${g.name}: ${pct(q[g.id].share)} (${q[g.id].count}/${q[g.id].n})` +
    (q[g.id].ci ? `, ${t("validity.interval")} ${pct(q[g.id].ci.low)}–${pct(q[g.id].ci.high)}` : "");
  return {
    ...base(),
    grid: { left: 56, right: 16, top: 40, bottom: 56 },
    legend: { top: 0, data: groups.map((g) => g.name) },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params) => {
        const q = quartiles[params[0]?.dataIndex ?? 0];
        return q
          ? [t("validity.quartile", { q: q.quartile }), ...groups.map((g) => line(q, g))].join("<br>")
          : "";
      },
    },
    xAxis: {
      type: "category",
      data: quartiles.map((q) => `${t("validity.quartile", { q: q.quartile })}\nn = ${q.n}`),
      axisLabel: { interval: 0 },
    },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
    series: [...bars, ...whiskers],
  };
}
