/**
 * Exchange rounds (交流轮岗): choose the county teams and the movable pool, start a plan (a job),
 * watch its progress, then read the board of counties (score before → after, who arrives and who
 * leaves), the moves from → to with each cadre's preference rank, and the preference satisfaction.
 */
import { ApiError, get, getAll, post } from "../api.js";
import { fitLabels } from "../charts.js";
import { staleNotice } from "../decisions.js";
import { field, h, nextId, percent, points, replace, select } from "../dom.js";
import { t } from "../i18n.js";
import { placeName, postName, refs, regionName } from "../refs.js";
import {
  badge,
  cadreLink,
  cadresById,
  chartBox,
  errorBox,
  section,
  showAnswer,
  table,
  violationItem,
} from "../ui.js";

const POLL_MS = 500;
/** The last plan on this screen, redrawn after a language switch. */
let last = null;
/** Leaves a team out of the selection and plans again (set by the screen's form). */
let dropTeam = () => {};

const list = (text) =>
  text
    .split(/[,，;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Whether an error means the server has no exchange-plan route at all (an older build). */
const routeMissing = (error) =>
  error instanceof ApiError &&
  (error.code === "method_not_allowed" || (error.code === "not_found" && /^Nothing at/.test(error.message)));

export async function exchangeScreen() {
  const r = await refs();
  const teams = await getAll("/v1/teams?kind=current");
  const chosen = new Set(last?.teamIds ?? teams.slice(0, 3).map((x) => x.id));
  const boxes = teams.map((team) => {
    const id = nextId("xt");
    return h(
      "div",
      { class: "check" },
      h("input", { type: "checkbox", id, name: "teamIds", value: team.id, checked: chosen.has(team.id) }),
      h("label", { for: id }, `${regionName(r, team.region)} · ${team.name ?? team.id}`),
    );
  });
  const objective = select(
    [
      ["sum", t("exchange.objective.sum")],
      ["maxmin", t("exchange.objective.maxmin")],
    ],
    last?.request.objective ?? "sum",
    { name: "objective" },
  );
  const mustMoveId = nextId("must");
  const mustMove = h("input", {
    type: "checkbox",
    id: mustMoveId,
    name: "mustMove",
    checked: last?.request.mustMove ?? true,
  });
  const volunteers = h("input", { type: "text", name: "volunteers", autocomplete: "off" });
  const budget = select(
    [
      ["50000", t("exchange.budget.quick")],
      ["400000", t("exchange.budget.standard")],
      ["2000000", t("exchange.budget.thorough")],
    ],
    String(last?.request.budget?.iterations ?? 400000),
    { name: "budget" },
  );
  const seed = h("input", { type: "number", name: "seed", min: 0, value: String(last?.request.seed ?? 1) });
  const out = h("div", { class: "results", "aria-live": "polite" });
  const start = h("button", { type: "submit", class: "primary" }, t("exchange.start"));

  const form = h(
    "form",
    {
      class: "card",
      async onsubmit(event) {
        event.preventDefault();
        const teamIds = boxes
          .map((b) => b.querySelector("input"))
          .filter((x) => x.checked)
          .map((x) => x.value);
        const request = {
          teamIds,
          objective: objective.value,
          mustMove: mustMove.checked,
          seed: Number(seed.value) || 0,
          budget: { iterations: Number(budget.value) },
        };
        if (list(volunteers.value).length) request.volunteers = list(volunteers.value);
        start.disabled = true;
        // Progress shows at once: a short plan may be over before the first poll.
        replace(
          out,
          section(
            t("exchange.progress"),
            h(
              "p",
              { role: "status" },
              h("progress", { "aria-label": t("exchange.progress") }),
              " ",
              t("exchange.starting"),
            ),
          ),
        );
        showAnswer(out);
        try {
          const before = new Map(
            await Promise.all(
              teamIds.map((id) => get(`/v1/teams/${encodeURIComponent(id)}/score`).then((s) => [id, s])),
            ),
          );
          const accepted = await post("/v1/exchange-plans", request);
          last = {
            teamIds,
            request,
            before,
            teams: new Map(teams.map((x) => [x.id, x])),
            view: null,
            names: new Map(),
          };
          await follow(out, r, accepted.id);
        } catch (error) {
          replace(
            out,
            routeMissing(error)
              ? h(
                  "p",
                  { class: "notice", role: "status", dataset: { unavailable: "" } },
                  t("exchange.unavailable"),
                )
              : errorBox(error),
          );
          showAnswer(out);
        } finally {
          start.disabled = false;
        }
      },
    },
    h(
      "div",
      { class: "grid-2" },
      h("fieldset", { class: "seats-choice" }, h("legend", null, t("exchange.teams")), boxes),
      h(
        "div",
        null,
        field(t("exchange.objective"), objective),
        h("div", { class: "check" }, mustMove, h("label", { for: mustMoveId }, t("exchange.mustMove"))),
        field(t("exchange.volunteers"), volunteers, t("exchange.volunteersHint")),
        field(t("exchange.budget"), budget),
        field(t("sugg.seed"), seed),
      ),
    ),
    start,
  );
  dropTeam = (teamId) => {
    const box = boxes.map((b) => b.querySelector("input")).find((x) => x.value === teamId);
    if (box) box.checked = false;
    form.requestSubmit();
  };
  if (last?.view) draw(out, r);
  return h("div", null, h("h1", null, t("exchange.title")), h("p", null, t("exchange.intro")), form, out);
}

async function follow(out, r, id) {
  for (;;) {
    const view = await get(`/v1/exchange-plans/${encodeURIComponent(id)}`);
    last.view = view;
    if (view.plan)
      last.names = await cadresById(get, [...view.plan.moves.map((m) => m.memberId), ...view.plan.unplaced]);
    if (!out.isConnected) return;
    draw(out, r);
    if (view.status === "succeeded" || view.status === "failed") {
      showAnswer(out.querySelector("[data-result]") ?? out);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function draw(out, r) {
  const { view, before, names } = last;
  const total = Math.max(view.progress.total, 1);
  const progress = section(
    t("exchange.progress"),
    h(
      "p",
      null,
      h("progress", { max: total, value: view.progress.done, "aria-label": t("exchange.progress") }),
      ` ${view.progress.done} / ${view.progress.total} · `,
      h("span", { dataset: { jobStatus: view.status } }, t(`imports.jobStatus.${view.status}`)),
    ),
    view.error ? h("p", { class: "error" }, view.error) : null,
  );
  const plan = view.plan;
  if (!plan) return replace(out, progress);

  const prefs = plan.preferences;
  const infeasible = plan.status === "infeasible";
  // What blocks the plan comes first: the county and the rule, with the offer to leave it out.
  const blocking = (plan.reasons ?? []).filter((x) => x.teamId && last.teams.has(x.teamId));
  const blockers = [...new Map(blocking.map((x) => [x.teamId, x])).values()].map((x) => {
    const county = regionName(r, last.teams.get(x.teamId).region);
    return h(
      "div",
      { class: "blocked", dataset: { blocking: x.teamId } },
      h("p", { class: "big" }, badge("bad", x.rule), " ", t("exchange.blocked", { county, rule: x.rule })),
      h("button", { type: "button", onclick: () => dropTeam(x.teamId) }, t("exchange.drop", { county })),
    );
  });
  const summary = section(
    t("exchange.result"),
    staleNotice(view.stale),
    blockers,
    h(
      "p",
      null,
      badge(infeasible ? "bad" : "ok", t(`sugg.status.${plan.status}`)),
      " ",
      infeasible
        ? t("exchange.noAverage")
        : t("exchange.totals", {
            total: points(plan.totalScore / Math.max(plan.teams.length, 1)),
            worst: points(plan.worstScore),
            moves: plan.moves.filter((m) => m.moved).length,
          }),
    ),
    h(
      "p",
      { dataset: { satisfaction: "" } },
      `${t("exchange.satisfaction")}: `,
      t("exchange.prefs", {
        placed: prefs.placed,
        with: prefs.withPreferences,
        first: percent(prefs.firstShare),
        top3: percent(prefs.top3Share),
      }),
    ),
    plan.reasons?.length
      ? h(
          "ul",
          { class: "violations", dataset: { list: "reasons" } },
          plan.reasons.map((x) => violationItem({ severity: "hard", ...x })),
        )
      : null,
    // Often most of the pool: folded under its count, by name with the id beside it.
    plan.unplaced.length
      ? h(
          "details",
          { dataset: { unplaced: String(plan.unplaced.length) } },
          h("summary", null, t("exchange.unplacedCount", { n: plan.unplaced.length })),
          h(
            "p",
            null,
            plan.unplaced.flatMap((id, i) => [i ? "，" : "", cadreLink(id, names.get(id))]),
          ),
        )
      : null,
  );
  summary.dataset.result = plan.status;
  if (plan.teams.length === 0) return replace(out, progress, summary);

  const arriving = (team) => plan.moves.filter((m) => m.to.teamId === team.teamId);
  const leaving = (team) =>
    plan.moves.filter((m) => m.moved && m.from.region === team.region && m.to.teamId !== team.teamId);
  const board = h(
    "div",
    { class: "board", dataset: { list: "board" } },
    plan.teams.map((team) => {
      const was = before.get(team.teamId)?.score;
      const delta = was === undefined ? null : team.score - was;
      return h(
        "article",
        { class: "card county", dataset: { team: team.teamId } },
        h("h3", null, regionName(r, team.region)),
        h(
          "p",
          { class: "big" },
          `${points(was)} → ${points(team.score)} `,
          delta === null
            ? null
            : badge(delta >= 0 ? "ok" : "warn", `${delta >= 0 ? "+" : ""}${(delta * 100).toFixed(1)}`),
        ),
        h("p", { class: "muted" }, t("exchange.movedCount", { n: team.moved })),
        h(
          "ul",
          { class: "moves-in" },
          arriving(team).map((m) =>
            h("li", null, "→ ", cadreLink(m.memberId, names.get(m.memberId)), ` · ${postName(r, m.to.post)}`),
          ),
        ),
        h(
          "ul",
          { class: "moves-out" },
          leaving(team).map((m) =>
            h(
              "li",
              null,
              "← ",
              cadreLink(m.memberId, names.get(m.memberId)),
              ` → ${regionName(r, m.to.region)}`,
            ),
          ),
        ),
      );
    }),
  );
  const moves = plan.moves.length
    ? table(
        [t("common.name"), t("exchange.from"), t("exchange.to"), t("exchange.preference")],
        plan.moves.map((m) =>
          h(
            "tr",
            { class: m.moved ? "" : "muted" },
            h("td", null, cadreLink(m.memberId, names.get(m.memberId))),
            h("td", null, placeName(r, m.from.region, m.from.post)),
            h(
              "td",
              null,
              `${regionName(r, m.to.region)} ${postName(r, m.to.post)} (${t("common.seat")} ${m.to.seat + 1})`,
            ),
            h("td", { class: "num" }, m.preferenceRank ?? "—"),
          ),
        ),
        { class: "compact", dataset: { list: "moves" } },
      )
    : h("p", { class: "muted" }, t("exchange.noMoves"));
  const chart = chartBox(
    "exchange-scores",
    (width) => ({
      animation: false,
      aria: { enabled: false },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v * 100).toFixed(1) },
      xAxis: {
        type: "category",
        data: plan.teams.map((x) => regionName(r, x.region)),
        axisLabel: fitLabels(width, plan.teams.length),
      },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) } },
      series: [
        {
          name: t("exchange.before"),
          type: "bar",
          data: plan.teams.map((x) => before.get(x.teamId)?.score ?? null),
        },
        { name: t("exchange.after"), type: "bar", data: plan.teams.map((x) => x.score) },
      ],
    }),
    {
      height: 260,
      label: t("summary.exchange", {
        values: plan.teams
          .map(
            (x) => `${regionName(r, x.region)} ${points(before.get(x.teamId)?.score)} → ${points(x.score)}`,
          )
          .join("，"),
      }),
    },
  );
  replace(
    out,
    progress,
    summary,
    section(t("exchange.board"), chart, board),
    section(t("exchange.moves"), moves),
  );
  for (const el of out.querySelectorAll("[data-chart]"))
    if (out.isConnected) el.dispatchEvent(new CustomEvent("banzi:mount"));
}
