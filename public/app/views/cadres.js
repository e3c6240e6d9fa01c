/** Cadres: a filterable list, and a cadre's page (profile chart, derived factors, history, rules). */
import { get, getAll, post } from "../api.js";
import { profileOption, stensSummary } from "../charts.js";
import { field, h, num, select } from "../dom.js";
import { FACTORS, label, t } from "../i18n.js";
import { printButton } from "../print.js";
import { counties, placeName, postName, refs, regionName } from "../refs.js";
import { badge, cadreLink, cadresById, chartBox, errorBox, section, table, violationItem } from "../ui.js";

const RANKS = ["deputy-section", "section", "deputy-division", "division", "deputy-bureau"];
const FILTERS = ["region", "rank", "reserve", "skill"];

/** The list: server-side filters (region, rank, reserve, skill) and a search over what was loaded. */
export async function cadreList(route) {
  const r = await refs();
  const query = route.query;
  const apiQuery = new URLSearchParams({ limit: "200" });
  for (const key of FILTERS) if (query.get(key)) apiQuery.set(key, query.get(key));
  const first = await get(`/v1/cadres?${apiQuery}`);
  const items = [...first.items];
  let cursor = first.nextCursor;

  const q = h("input", { type: "search", name: "q", value: query.get("q") ?? "", autocomplete: "off" });
  const region = select(
    [["", t("common.all")], ...counties(r).map((c) => [c.code, `${regionName(r, c.code)} (${c.code})`])],
    query.get("region") ?? "",
    { name: "region" },
  );
  const rank = select(
    [["", t("common.all")], ...RANKS.map((k) => [k, label("rank", k)])],
    query.get("rank") ?? "",
    { name: "rank" },
  );
  const reserve = select(
    [
      ["", t("common.all")],
      ["true", t("common.yes")],
      ["false", t("common.no")],
    ],
    query.get("reserve") ?? "",
    { name: "reserve" },
  );
  const skill = h("input", {
    type: "text",
    name: "skill",
    value: query.get("skill") ?? "",
    autocomplete: "off",
  });

  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": t("cadres.filters"),
      onsubmit(event) {
        event.preventDefault();
        const next = new URLSearchParams();
        for (const [key, el] of Object.entries({ q, region, rank, reserve, skill }))
          if (el.value.trim()) next.set(key, el.value.trim());
        location.hash = `#/cadres?${next}`;
      },
    },
    field(t("cadres.q"), q, t("cadres.qHint")),
    field(t("cadres.region"), region),
    field(t("cadres.rank"), rank),
    field(t("cadres.reserve"), reserve),
    field(t("cadres.skill"), skill, t("cadres.skillHint")),
    h("button", { type: "submit", class: "primary" }, t("common.search")),
  );

  const tbody = h("tbody");
  const count = h("p", { class: "muted", "aria-live": "polite" });
  const more = h("button", { type: "button", hidden: !cursor }, t("common.more"));
  const draw = () => {
    const needle = q.value.trim().toLowerCase();
    const shown = needle
      ? items.filter((c) => c.name.toLowerCase().includes(needle) || c.id.toLowerCase().includes(needle))
      : items;
    tbody.replaceChildren(
      ...shown.map((c) =>
        h(
          "tr",
          null,
          h("td", null, h("a", { href: `#/cadres/${encodeURIComponent(c.id)}` }, c.id)),
          h("td", null, c.name),
          h("td", null, label("gender", c.gender)),
          h("td", null, c.birthYear),
          h("td", null, label("rank", c.rank)),
          h("td", null, regionName(r, c.currentRegion)),
          h("td", null, postName(r, c.currentPost)),
          h("td", null, c.reserve ? badge("info", t("cadres.reserve")) : ""),
          h("td", null, c.assessment?.takenOn ?? "—"),
        ),
      ),
    );
    count.textContent = shown.length
      ? t("common.shown", { shown: shown.length, loaded: items.length })
      : t("cadres.empty");
    more.hidden = !cursor;
  };
  q.addEventListener("input", draw);
  more.addEventListener("click", async () => {
    if (!cursor) return;
    const next = new URLSearchParams(apiQuery);
    next.set("cursor", cursor);
    more.disabled = true;
    try {
      const page = await get(`/v1/cadres?${next}`);
      items.push(...page.items);
      cursor = page.nextCursor;
      draw();
    } catch (error) {
      more.after(errorBox(error));
    } finally {
      more.disabled = false;
    }
  });
  draw();

  return h(
    "div",
    null,
    h("h1", null, t("cadres.title")),
    form,
    count,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "list", dataset: { list: "cadres" } },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            [
              t("common.id"),
              t("common.name"),
              t("cadres.gender"),
              t("cadres.birthYear"),
              t("common.rank"),
              t("cadres.region"),
              t("common.post"),
              t("cadres.reserve"),
              t("cadres.assessed"),
            ].map((x) => h("th", { scope: "col" }, x)),
          ),
        ),
        tbody,
      ),
    ),
    more,
  );
}

/** Derived factors with their thresholds (the Chinese manual and screening practice). */
function derivedRows(d) {
  const flag = (key, value) => {
    if (key === "Y1" && value < 12) return badge("bad", t("derived.flag.low"));
    if (key === "Y2" && value > 55) return badge("ok", t("derived.flag.good"));
    if (key === "Y4" && value < 17) return badge("warn", t("derived.flag.low"));
    if (key === "Y4" && value > 24) return badge("ok", t("derived.flag.high"));
    if (key === "Y3" && d.Y3Sten >= 8) return badge("ok", t("derived.flag.high"));
    return null;
  };
  return ["X1", "X2", "X3", "X4", "Y1", "Y2", "Y3", "Y4"].map((key) => {
    const value =
      key === "Y3" ? `${d.Y3} (${t("chart.sten")} ${d.Y3Sten})` : num(d[key], key.startsWith("X") ? 1 : 0);
    return h(
      "tr",
      { dataset: { derived: key } },
      h("th", { scope: "row" }, `${key} ${t(`derived.${key}`)}`),
      h("td", { class: "num" }, value, " ", flag(key, d[key])),
      h("td", null, t(`derived.${key}.note`)),
    );
  });
}

/** Tenure, locality, avoidance regions and kin, plus what the team's score says about the cadre. */
function ruleStatus(r, cadre, kin, teamScores) {
  const post = cadre.currentPost ? r.posts.get(cadre.currentPost) : undefined;
  const items = [];
  if (cadre.currentPost) {
    const years = num(cadre.yearsInPost, 1);
    items.push(
      h(
        "li",
        { class: cadre.yearsInPost >= 10 ? "violation hard" : "" },
        t(cadre.yearsInPost >= 10 ? "rule.R4.bad" : "rule.R4.ok", { n: years }),
      ),
    );
    const term = post?.principal ? 5 : 3;
    if (cadre.yearsInPost < term) items.push(h("li", null, t("rule.R7", { min: term })));
  }
  items.push(
    h(
      "li",
      { class: cadre.yearsInLocality >= 10 ? "violation soft" : "" },
      t(cadre.yearsInLocality >= 10 ? "rule.R5.bad" : "rule.R5.ok", { n: num(cadre.yearsInLocality, 1) }),
    ),
  );
  const homes = [...new Set([cadre.birthRegion, cadre.growthRegion])];
  items.push(
    h(
      "li",
      null,
      t("cadre.avoidance", { regions: homes.map((c) => `${regionName(r, c)} (${c})`).join("、") }),
    ),
  );
  if (post?.avoidance && homes.includes(cadre.currentRegion))
    items.push(h("li", { class: "violation hard" }, t("cadre.avoidanceBreach")));

  const kinList = cadre.kin.length
    ? h(
        "ul",
        null,
        cadre.kin.map((k) =>
          h(
            "li",
            null,
            label("kin", k.relation),
            "：",
            cadreLink(k.cadreId, kin.get(k.cadreId)),
            kin.get(k.cadreId)?.currentRegion
              ? ` · ${placeName(r, kin.get(k.cadreId).currentRegion, kin.get(k.cadreId).currentPost)}`
              : "",
          ),
        ),
      )
    : h("p", { class: "muted" }, t("cadre.noKin"));

  const findings = teamScores.flatMap(({ team, score }) =>
    score.violations.filter((v) => v.memberIds.includes(cadre.id)).map((v) => ({ team, v })),
  );
  return section(
    t("cadre.rules"),
    h("p", { class: "muted" }, t("cadre.rulesNote")),
    h("ul", { class: "rules" }, items),
    h("h3", null, t("cadre.kin")),
    kinList,
    h("h3", null, t("cadre.teamViolations")),
    teamScores.length === 0
      ? h("p", { class: "muted" }, t("cadre.notInTeam"))
      : findings.length === 0
        ? h("p", { class: "muted" }, t("cadre.noTeamViolations"))
        : h(
            "ul",
            { class: "violations" },
            findings.map(({ team, v }) => {
              const li = violationItem(v);
              li.append(
                " — ",
                h("a", { href: `#/teams/${encodeURIComponent(team.id)}` }, team.name ?? team.id),
              );
              return li;
            }),
          ),
  );
}

/** A cadre's page. */
export async function cadrePage(route) {
  const r = await refs();
  const id = route.id;
  const cadre = await get(`/v1/cadres/${encodeURIComponent(id)}`);
  const [history, teams, kin] = await Promise.all([
    getAll(`/v1/cadres/${encodeURIComponent(id)}/assessments`),
    get(`/v1/teams?cadre=${encodeURIComponent(id)}&kind=current`).then((p) => p.items),
    cadresById(
      get,
      cadre.kin.map((k) => k.cadreId),
    ),
  ]);
  const [derived, teamScores] = await Promise.all([
    cadre.assessment ? post("/v1/psychometrics/derive", { stens: cadre.assessment.stens }) : null,
    Promise.all(
      teams.map((team) =>
        get(`/v1/teams/${encodeURIComponent(team.id)}/score`).then((score) => ({ team, score })),
      ),
    ),
  ]);
  const ideal = cadre.currentPost ? r.posts.get(cadre.currentPost)?.idealProfile : undefined;
  const older = history.filter((a) => a.id !== cadre.assessment?.id && a.stens);

  const fact = (name, value) => h("div", null, h("dt", null, name), h("dd", null, value ?? "—"));
  const facts = h(
    "dl",
    { class: "facts" },
    fact(t("cadres.gender"), label("gender", cadre.gender)),
    fact(t("cadres.birthYear"), cadre.birthYear),
    fact(t("cadre.education"), label("education", cadre.education)),
    fact(t("common.rank"), label("rank", cadre.rank)),
    fact(t("cadre.currentRegion"), regionName(r, cadre.currentRegion)),
    fact(t("cadre.currentPost"), postName(r, cadre.currentPost)),
    fact(t("cadre.birthRegion"), regionName(r, cadre.birthRegion)),
    fact(t("cadre.growthRegion"), regionName(r, cadre.growthRegion)),
    fact(t("cadre.serviceYears"), cadre.serviceYears),
    fact(t("cadre.grassrootsYears"), cadre.grassrootsYears),
    fact(t("cadre.lastPromotion"), cadre.lastPromotion),
    fact(t("cadres.reserve"), cadre.reserve ? t("common.yes") : t("common.no")),
    fact(
      t("cadre.skills"),
      cadre.skills.map((s) => `${s.skill} ${"★".repeat(s.level)}`).join("，") || t("common.none"),
    ),
    fact(
      t("cadre.preferences"),
      cadre.preferences
        .map((p, i) => `${i + 1}. ${regionName(r, p.region)} ${postName(r, p.post)}`)
        .join("；") || t("common.none"),
    ),
  );

  const profiles = cadre.assessment
    ? [
        {
          id: "stens",
          name: `${t("chart.current")} ${cadre.assessment.takenOn}`,
          stens: cadre.assessment.stens,
        },
        ...older.map((a, i) => ({
          id: `history-${i}`,
          name: a.takenOn,
          stens: a.stens,
          dashed: true,
          color: "#94a3b8",
        })),
      ]
    : [];
  const profile = cadre.assessment
    ? h(
        "div",
        null,
        h(
          "p",
          { class: "muted" },
          t("cadre.profileNote"),
          ideal ? ` (${postName(r, cadre.currentPost)})` : "",
        ),
        chartBox("profile", (width) => profileOption({ profiles, ideal }, width), {
          height: 520,
          printHeight: 420,
          // The sheet's left column (style.css: `.sheet .grid-2` is 56fr : 44fr on paper).
          printShare: 56 / 100,
          label: t("summary.profile", {
            name: cadre.name,
            stens: stensSummary(cadre.assessment.stens),
          }),
        }),
      )
    : h("p", { class: "muted" }, t("cadre.noAssessment"));

  const historyTable = table(
    [t("common.date"), t("cadre.instrument"), t("cadre.norm"), ...FACTORS],
    history.map((a) =>
      h(
        "tr",
        { class: a.id === cadre.assessment?.id ? "current" : "" },
        h("td", null, a.takenOn),
        h("td", null, a.instrument ?? "—"),
        h("td", null, a.norm ?? "cn-16pf-187"),
        FACTORS.map((f) => h("td", { class: "num" }, a.stens?.[f] ?? "—")),
      ),
    ),
    { class: "compact", dataset: { list: "assessments" } },
  );

  return h(
    "div",
    { class: "sheet", dataset: { sheet: "cadre" } },
    h("p", { class: "no-print" }, h("a", { href: "#/cadres" }, `← ${t("common.back")}`)),
    h("div", { class: "title-row" }, h("h1", null, `${cadre.name} (${cadre.id})`), printButton()),
    h(
      "div",
      { class: "grid-2" },
      section(t("cadre.profile"), profile),
      h(
        "div",
        null,
        section(t("cadre.facts"), facts),
        derived
          ? section(
              t("cadre.derived"),
              h("p", { class: "muted" }, t("cadre.derivedNote")),
              table([t("derived.index"), t("derived.value"), t("derived.meaning")], derivedRows(derived), {
                class: "derived",
              }),
            )
          : null,
      ),
    ),
    section(t("cadre.history"), historyTable),
    ruleStatus(r, cadre, kin, teamScores),
  );
}
