/**
 * 预测效度 — the validity report (GET /v1/validity-report): does the fit predicted at placement go
 * with the later appraisals? Overall and by post type: Spearman's ρ with its 95 % interval, n and
 * the verdict in plain words; appraisal rates by fit quartile with Wilson intervals (a chart with
 * whiskers and the same figures as a table); the sample warnings first and prominent; and the
 * reminder that the report is descriptive and changes no weight.
 */
import { get } from "../api.js";
import { quartileRatesOption } from "../charts.js";
import { field, h, num, percent, select } from "../dom.js";
import { pick, t } from "../i18n.js";
import { postName, refs } from "../refs.js";
import { badge, chartBox, section, table } from "../ui.js";

export async function validityScreen(route) {
  const r = await refs();
  const postType = route.query.get("postType") ?? "";
  const report = await get(
    `/v1/validity-report${postType ? `?postType=${encodeURIComponent(postType)}` : ""}`,
  );
  const postSelect = select(
    [
      ["", t("validity.allPosts")],
      ...[...r.posts.keys()].sort().map((code) => [code, `${postName(r, code)} (${code})`]),
    ],
    postType,
    { name: "postType" },
  );
  const filters = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": t("validity.postType"),
      onsubmit(event) {
        event.preventDefault();
        location.hash = `#/validity${postSelect.value ? `?postType=${encodeURIComponent(postSelect.value)}` : ""}`;
      },
    },
    field(t("validity.postType"), postSelect),
    h("button", { type: "submit", class: "primary" }, t("validity.show")),
  );
  const facts = h(
    "dl",
    { class: "facts" },
    [
      [t("validity.placements"), report.placements],
      [t("validity.withOutcome"), report.withOutcome],
      [t("validity.versions"), report.profileVersions.length ? report.profileVersions.join(", ") : "—"],
      [t("validity.generated"), report.generatedAt.slice(0, 16).replace("T", " ")],
    ].map(([term, value]) => h("div", null, h("dt", null, term), h("dd", null, String(value)))),
  );

  return h(
    "div",
    null,
    h("h1", null, t("validity.title")),
    h("p", null, t("validity.intro")),
    h("p", { class: "notice", dataset: { descriptive: "" } }, h("strong", null, t("validity.descriptive"))),
    filters,
    section(
      report.postType ? `${postName(r, report.postType)} (${report.postType})` : t("validity.overall"),
      facts,
      figuresBlock(report.overall, "overall", 320),
    ),
    section(
      t("validity.byPost"),
      report.postType ? h("p", null, h("a", { href: "#/validity" }, t("validity.backToAll"))) : null,
      report.byPostType.length
        ? byPostTable(report.byPostType)
        : h("p", { class: "muted" }, t("validity.byPostEmpty")),
    ),
    report.notes.length
      ? section(
          t("validity.notes"),
          h(
            "ul",
            null,
            report.notes.map((n) => h("li", null, pick(n))),
          ),
        )
      : null,
  );
}

/**
 * One row per post type: both correlations with n and verdict, and its warnings; the link opens the
 * full figures of that post type (the report restricted to it, with its quartile chart).
 */
function byPostTable(posts) {
  return table(
    [
      t("validity.postType"),
      t("validity.n"),
      t("validity.fitGrade"),
      t("validity.teamScoreGrade"),
      t("validity.warnings"),
    ],
    posts.map((p) => {
      const quartileWarnings = p.warnings.filter((w) => w.code === "small-quartile").length;
      return h(
        "tr",
        { dataset: { post: p.post } },
        h(
          "th",
          { scope: "row" },
          h(
            "a",
            { href: `#/validity?postType=${encodeURIComponent(p.post)}` },
            `${pick(p.name)} (${p.post})`,
          ),
        ),
        h("td", { class: "num" }, p.n),
        ...[p.fitGrade, p.teamScoreGrade].map((c) =>
          h(
            "td",
            null,
            c.rho === null ? "" : `ρ = ${num(c.rho)}${c.ci ? ` [${num(c.ci.low)}, ${num(c.ci.high)}]` : ""} `,
            verdictBadge(c),
          ),
        ),
        h(
          "td",
          { class: p.warnings.length ? "warn-text" : undefined },
          p.warnings
            .filter((w) => w.code !== "small-quartile")
            .map((w) => h("div", { dataset: { warning: w.code } }, `⚠ ${pick(w.message)}`)),
          quartileWarnings
            ? h(
                "div",
                { dataset: { warning: "small-quartile" } },
                `⚠ ${t("validity.smallQuartiles", { n: quartileWarnings })}`,
              )
            : null,
        ),
      );
    }),
    { class: "compact", dataset: { list: "by-post-type" } },
  );
}

/** One set of figures (overall or one post type): warnings, correlations, findings, quartiles. */
function figuresBlock(fig, key, chartHeight) {
  const warnings = fig.warnings.length
    ? h(
        "div",
        { class: "warnings", role: "note", dataset: { warnings: key } },
        h("strong", null, `⚠ ${t("validity.warnings")}`),
        h(
          "ul",
          null,
          fig.warnings.map((w) => h("li", { dataset: { warning: w.code } }, pick(w.message))),
        ),
      )
    : null;
  const correlations = table(
    [t("validity.measure"), t("validity.rho"), t("validity.ci"), t("validity.n"), t("validity.verdict")],
    [
      ["fitGrade", t("validity.fitGrade")],
      ["teamScoreGrade", t("validity.teamScoreGrade")],
    ].map(([id, name]) => {
      const c = fig[id];
      return h(
        "tr",
        { dataset: { correlation: id, verdict: c.verdict } },
        h("th", { scope: "row" }, name),
        h("td", { class: "num" }, num(c.rho)),
        h("td", { class: "num" }, c.ci ? `${num(c.ci.low)} – ${num(c.ci.high)}` : "—"),
        h("td", { class: "num" }, c.n),
        h("td", null, verdictBadge(c)),
      );
    }),
    { class: "compact" },
  );
  const quartiles = table(
    [
      "",
      t("validity.n"),
      t("validity.fitRange"),
      t("validity.excellent"),
      t("validity.interval"),
      t("validity.low"),
      t("validity.interval"),
    ],
    fig.quartiles.map((q) =>
      h(
        "tr",
        { dataset: { quartile: String(q.quartile) } },
        h("th", { scope: "row" }, t("validity.quartile", { q: q.quartile })),
        h("td", { class: "num" }, q.n),
        h("td", { class: "num" }, q.fitRange ? `${num(q.fitRange.low)} – ${num(q.fitRange.high)}` : "—"),
        ...[q.excellent, q.low].flatMap((p) => [
          h("td", { class: "num" }, `${percent(p.share)} (${p.count}/${p.n})`),
          h("td", { class: "num" }, p.ci ? `${percent(p.ci.low)} – ${percent(p.ci.high)}` : "—"),
        ]),
      ),
    ),
    { class: "compact" },
  );
  return h(
    "div",
    { class: "figures", dataset: { figures: key } },
    warnings,
    h("h3", null, t("validity.correlation")),
    correlations,
    h("h3", null, t("validity.summary")),
    h(
      "ul",
      { dataset: { summary: key } },
      fig.summary.map((line) => h("li", null, pick(line))),
    ),
    h("h3", null, t("validity.quartiles")),
    h("p", { class: "muted" }, t("validity.quartilesIntro")),
    chartBox(`quartiles-${key}`, () => quartileRatesOption(fig.quartiles), {
      height: chartHeight,
      label: t("validity.chartLabel"),
    }),
    quartiles,
  );
}

/** The verdict in plain words, coloured: a found relation, none, or too few to say. */
function verdictBadge(c) {
  if (c.verdict === "too-few") return badge("warn", t("validity.verdict.tooFew"));
  if (c.verdict === "no-relation") return badge("info", t("validity.verdict.none"));
  return c.direction === "negative"
    ? badge("bad", t("validity.verdict.negative"))
    : badge("ok", t("validity.verdict.positive"));
}
