/**
 * Suggestions: choose a team, the seats to change and a candidate pool; the results side by side
 * with their components, robustness and why #1 beats #2; keep one as a saved scenario (a team of
 * kind "scenario"), or accept and place it (POST /v1/suggestions/{id}/accept, after a confirmation:
 * placements recorded for follow-up and the seats set on the team).
 */
import { api, get, getAll, post } from "../api.js";
import { componentsOption, componentsSummary } from "../charts.js";
import { carriedOutDetails, placeRefusal, staleNotice, vacatedSeatText } from "../decisions.js";
import { field, h, nextId, percent, points, replace, select } from "../dom.js";
import { label, pick, t } from "../i18n.js";
import { printButton } from "../print.js";
import { counties, postName, refs, regionName } from "../refs.js";
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

const RANKS = ["deputy-section", "section", "deputy-division", "division", "deputy-bureau"];
/** The last answer, kept so a language switch redraws it without asking again. */
let last = null;

const list = (text) =>
  text
    .split(/[,，;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export async function suggestionScreen(route) {
  const r = await refs();
  const teams = await getAll("/v1/teams?kind=current");
  const chosen = route.query.get("team") ?? last?.teamId ?? teams[0]?.id ?? "";
  const teamSelect = select(
    teams.map((x) => [x.id, `${x.name ?? x.id} (${x.region})`]),
    chosen,
    { name: "team" },
  );
  const vacateBox = h("fieldset", { class: "seats-choice" });
  const region = select(
    [["", t("common.all")], ...counties(r).map((c) => [c.code, `${regionName(r, c.code)} (${c.code})`])],
    "",
    { name: "poolRegion" },
  );
  const rank = select([["", t("common.all")], ...RANKS.map((k) => [k, label("rank", k)])], "", {
    name: "poolRank",
  });
  const reserve = select(
    [
      ["true", t("common.yes")],
      ["", t("sugg.any")],
      ["false", t("common.no")],
    ],
    "true",
    { name: "poolReserve" },
  );
  const skills = h("input", { type: "text", name: "poolSkills", autocomplete: "off" });
  const exclude = h("input", { type: "text", name: "poolExclude", autocomplete: "off" });
  const top = h("input", { type: "number", name: "top", min: 2, max: 10, value: "3" });
  const seed = h("input", { type: "number", name: "seed", min: 0, value: "1" });
  const results = h("div", { class: "results", "aria-live": "polite" });
  const noSeatId = nextId("no-seat");
  const noSeat = h("p", { class: "hint", id: noSeatId, role: "status" }, t("sugg.nothingToFill"));
  const submit = h(
    "button",
    { type: "submit", class: "primary", "aria-describedby": noSeatId },
    t("sugg.submit"),
  );

  async function drawSeats() {
    const team = teams.find((x) => x.id === teamSelect.value);
    if (!team) return replace(vacateBox, h("legend", null, t("sugg.vacate")));
    const [names, score] = await Promise.all([
      cadresById(
        get,
        team.seats.map((s) => s.cadreId),
      ),
      get(`/v1/teams/${encodeURIComponent(team.id)}/score`).catch(() => null),
    ]);
    // Holders who break a hard rule in their seat (e.g. R4) must be replaced: checked from the start.
    // A hard rule two members break together (R2, kin in one team) is solved by vacating either
    // seat: both are offered, neither chosen for the staff.
    const mustGo = new Map();
    const eitherGo = new Map();
    for (const v of score?.violations ?? [])
      if (v.severity === "hard" && v.seat !== undefined) mustGo.set(v.seat, v.rule);
      else if (v.severity === "hard")
        for (const memberId of v.memberIds ?? []) {
          const seat = team.seats.findIndex((x) => x.cadreId === memberId);
          if (seat >= 0 && !mustGo.has(seat)) eitherGo.set(seat, v.rule);
        }
    replace(
      vacateBox,
      h("legend", null, t("sugg.vacate")),
      team.seats.map((seat, i) => {
        const id = nextId("vacate");
        return h(
          "div",
          { class: "check" },
          h("input", {
            type: "checkbox",
            id,
            name: "vacate",
            value: String(i),
            checked: !seat.cadreId || mustGo.has(i) || (last?.teamId === team.id && last.vacate.includes(i)),
            disabled: !seat.cadreId,
          }),
          h(
            "label",
            { for: id },
            `${i + 1}. ${postName(r, seat.post)} — `,
            seat.cadreId
              ? `${names.get(seat.cadreId)?.name ?? ""} (${seat.cadreId})`
              : t("sugg.vacantAlready"),
          ),
          mustGo.has(i) ? badge("bad", t("sugg.mustGo", { rule: mustGo.get(i) })) : null,
          eitherGo.has(i) ? badge("warn", t("sugg.eitherGo", { rule: eitherGo.get(i) })) : null,
        );
      }),
    );
    updateSubmit();
  }
  /** 生成建议 asks for something only when a seat is to be filled (vacant, or ticked to change). */
  function updateSubmit() {
    const nothing = !vacateBox.querySelector("input[name=vacate]:checked");
    submit.disabled = nothing;
    noSeat.hidden = !nothing;
  }
  vacateBox.addEventListener("change", updateSubmit);
  teamSelect.addEventListener("change", drawSeats);
  await drawSeats();

  const form = h(
    "form",
    {
      class: "card",
      async onsubmit(event) {
        event.preventDefault();
        const vacate = [...vacateBox.querySelectorAll("input[name=vacate]:checked:not(:disabled)")].map((x) =>
          Number(x.value),
        );
        const pool = {};
        if (reserve.value) pool.reserve = reserve.value === "true";
        if (region.value) pool.region = region.value;
        if (rank.value) pool.rank = rank.value;
        if (list(skills.value).length) pool.skills = list(skills.value);
        if (list(exclude.value).length) pool.exclude = list(exclude.value);
        const request = {
          teamId: teamSelect.value,
          top: Number(top.value) || 3,
          seed: Number(seed.value) || 0,
          pool,
        };
        if (vacate.length) request.vacate = vacate;
        submit.disabled = true;
        replace(
          results,
          h(
            "p",
            { class: "muted" },
            h("progress", { "aria-label": t("sugg.running") }),
            " ",
            t("sugg.running"),
          ),
        );
        try {
          const result = await post("/v1/suggestions", request);
          const team = teams.find((x) => x.id === request.teamId);
          last = {
            teamId: request.teamId,
            teamName: team?.name ?? request.teamId,
            vacate,
            result,
            accepted: new Map(),
            placed: new Map(),
          };
          await drawResults(results, r);
        } catch (error) {
          replace(results, errorBox(error));
        } finally {
          updateSubmit();
        }
        showAnswer(results);
      },
    },
    h(
      "div",
      { class: "grid-2" },
      h("div", null, field(t("sugg.team"), teamSelect), vacateBox),
      h(
        "fieldset",
        null,
        h("legend", null, t("sugg.pool")),
        field(t("sugg.poolRegion"), region),
        field(t("sugg.poolRank"), rank),
        field(t("sugg.poolReserve"), reserve, t("sugg.poolReserveHint")),
        field(t("sugg.poolSkills"), skills),
        field(t("sugg.poolExclude"), exclude),
        h("div", { class: "row" }, field(t("sugg.top"), top), field(t("sugg.seed"), seed)),
      ),
    ),
    h("div", { class: "row" }, submit, noSeat),
  );
  const requestId = route.query.get("request");
  if (requestId && last?.result.id !== requestId) {
    try {
      const result = await get(`/v1/suggestions/${encodeURIComponent(requestId)}`);
      if (result.suggestions) {
        const team = teams.find((x) => x.id === result.teamId);
        last = {
          teamId: result.teamId ?? chosen,
          teamName: team?.name ?? result.teamId ?? regionName(r, result.region),
          vacate: [],
          result,
          accepted: new Map(),
          placed: new Map(),
        };
      }
    } catch (error) {
      results.append(errorBox(error));
    }
  }
  if (last && last.teamId === chosen) await drawResults(results, r);
  return h(
    "div",
    null,
    h("h1", null, t("sugg.title")),
    h("p", null, t("sugg.intro")),
    form,
    await savedRequests(chosen, teams),
    results,
  );
}

/**
 * The team's saved suggestion requests, newest first, each marked when later writes made it out of
 * date; "查看" opens its current ranking (`#/suggestions?team=…&request=…`).
 */
async function savedRequests(teamId, teams) {
  if (!teamId) return null;
  const page = await get(`/v1/suggestions?limit=10&teamId=${encodeURIComponent(teamId)}`).catch(() => null);
  if (!page?.items.length) return null;
  const team = teams.find((x) => x.id === teamId);
  return section(
    t("saved.title", { team: team?.name ?? teamId }),
    table(
      [t("saved.when"), t("saved.status"), t("common.score"), t("saved.fresh"), ""],
      page.items.map((x) =>
        h(
          "tr",
          { dataset: { request: x.id, stale: String(Boolean(x.stale)) } },
          h("td", null, x.rankedAt.slice(0, 16).replace("T", " ")),
          h("td", null, t(`sugg.status.${x.status}`)),
          h("td", { class: "num" }, points(x.topScore)),
          h(
            "td",
            null,
            x.stale
              ? badge("warn", t("saved.stale", { n: x.stale.reasons.length + x.stale.omitted }))
              : badge("ok", t("saved.current")),
          ),
          h(
            "td",
            null,
            h(
              "a",
              {
                href: `#/suggestions?team=${encodeURIComponent(teamId)}&request=${encodeURIComponent(x.id)}`,
              },
              t("saved.open"),
            ),
          ),
        ),
      ),
      { class: "compact" },
    ),
  );
}

/** Why #1 beats #2: the API's summary, the component deltas and the seats where they differ. */
function comparisonBlock(cmp, names) {
  const components = (cmp.components ?? []).map((c) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, pick(c.name)),
      h("td", { class: "num" }, points(c.a)),
      h("td", { class: "num" }, points(c.b)),
      h(
        "td",
        { class: `num ${c.contribution > 0 ? "pos" : c.contribution < 0 ? "neg" : ""}` },
        `${c.delta > 0 ? "+" : ""}${(c.delta * 100).toFixed(1)}`,
      ),
    ),
  );
  const seats = (cmp.seats ?? []).map((s) =>
    h(
      "li",
      null,
      `${s.seat + 1}. ${pick(s.postName)}: `,
      cadreLink(s.a.memberId, names.get(s.a.memberId)),
      ` (${points(s.a.fit)}) ↔ `,
      cadreLink(s.b.memberId, names.get(s.b.memberId)),
      ` (${points(s.b.fit)})`,
    ),
  );
  return section(
    t("sugg.why"),
    h("p", { class: "why", dataset: { why: "" } }, pick(cmp.summary)),
    components.length
      ? table(
          ["", t("sugg.option", { rank: 1 }), t("sugg.option", { rank: 2 }), t("sugg.delta")],
          components,
          { class: "compact" },
        )
      : null,
    seats.length ? h("ul", null, seats) : null,
  );
}

async function drawResults(el, r) {
  const { result } = last;
  const filledIds = result.suggestions.flatMap((s) =>
    s.assignment.filter((a) => a.filled).map((a) => a.cadreId),
  );
  const comparedIds = (result.comparison?.seats ?? []).flatMap((s) => [s.a.memberId, s.b.memberId]);
  const names = await cadresById(get, [...filledIds, ...comparedIds]);
  const robustness = new Map((result.robustness ?? []).map((x) => [x.rank, x]));
  const status = h(
    "p",
    null,
    badge(result.status === "infeasible" ? "bad" : "ok", t(`sugg.status.${result.status}`)),
    " ",
    t("sugg.status", {
      status: t(`sugg.status.${result.status}`),
      method: t(`sugg.method.${result.method}`),
      pool: result.poolSize,
    }),
    result.bound !== null ? ` · ${t("sugg.bound", { bound: points(result.bound) })}` : "",
  );
  const reasons = result.reasons.length
    ? h(
        "div",
        null,
        h("h3", null, t("sugg.reasons")),
        h(
          "ul",
          { class: "violations" },
          result.reasons.map((x) => h("li", null, `${x.rule}: `, pick(x.message))),
        ),
      )
    : null;
  const cards = result.suggestions.map((s) => {
    const rob = robustness.get(s.rank);
    const acceptArea = h("div", { class: "accept" });
    const drawAccept = () => {
      const saved = last.accepted.get(s.rank);
      replace(
        acceptArea,
        saved
          ? h(
              "p",
              { role: "status" },
              t("sugg.accepted", { name: saved.name ?? t("sugg.option", { rank: s.rank }) }),
              " ",
              h("a", { href: `#/teams/${encodeURIComponent(saved.id)}` }, t("sugg.open")),
            )
          : h(
              "button",
              {
                type: "button",
                async onclick(event) {
                  event.target.disabled = true;
                  try {
                    const team = await api(
                      "POST",
                      "/v1/teams",
                      {
                        region: result.region,
                        name: t("sugg.scenarioName", { team: last.teamName, rank: s.rank }).slice(0, 100),
                        kind: "scenario",
                        seats: s.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId })),
                      },
                      { headers: { "idempotency-key": `accept-${result.id}-${s.rank}` } },
                    );
                    last.accepted.set(s.rank, { id: team.id, name: team.name });
                    drawAccept();
                  } catch (error) {
                    acceptArea.append(errorBox(error));
                    event.target.disabled = false;
                  }
                },
              },
              t("sugg.accept"),
            ),
      );
    };
    drawAccept();
    return h(
      "article",
      { class: "card option", dataset: { rank: String(s.rank) }, "aria-labelledby": `option-${s.rank}` },
      h("h3", { id: `option-${s.rank}` }, `#${s.rank} · ${t("sugg.option", { rank: s.rank })}`),
      h("p", { class: "big" }, `${t("common.score")} ${points(s.score)}`),
      rob
        ? h(
            "p",
            { class: "muted" },
            t("sugg.robust", { stay: percent(rob.stayShare), first: percent(rob.firstShare) }),
          )
        : null,
      h("h4", null, t("sugg.filled")),
      h(
        "ul",
        null,
        s.assignment
          .filter((a) => a.filled)
          .map((a) =>
            h(
              "li",
              null,
              `${a.seat + 1}. ${postName(r, a.post)}: `,
              cadreLink(a.cadreId, names.get(a.cadreId)),
            ),
          ),
      ),
      h("h4", null, t("team.components")),
      h(
        "ul",
        { class: "components" },
        ["fit", "balance", "skills", "structure", "penalty"].map((k) =>
          h("li", null, `${t(`component.${k}`)} ${points(s.components[k])}`),
        ),
      ),
      s.violations.length
        ? h(
            "div",
            null,
            h("h4", null, t("sugg.softViolations")),
            h("ul", { class: "violations" }, s.violations.map(violationItem)),
          )
        : null,
      acceptArea,
      placeArea(s, result, r, names),
    );
  });
  const optionScores = result.suggestions.map((s) => ({
    name: t("sugg.option", { rank: s.rank }),
    components: s.components,
  }));
  replace(
    el,
    section(
      t("sugg.title"),
      h("div", { class: "title-row" }, status, printButton()),
      staleNotice(result.stale),
      reasons,
    ),
    result.suggestions.length === 0 ? h("p", null, t("sugg.none")) : null,
    result.comparison ? comparisonBlock(result.comparison, names) : null,
    result.suggestions.length
      ? section(
          t("team.components"),
          chartBox("suggestion-components", (width) => componentsOption(optionScores, width), {
            height: 280,
            label: componentsSummary(optionScores),
          }),
        )
      : null,
    h("div", { class: "options", dataset: { list: "suggestions" } }, cards),
  );
  for (const chart of el.querySelectorAll("[data-chart]"))
    if (el.isConnected) chart.dispatchEvent(new CustomEvent("banzi:mount"));
}

/** Today as `YYYY-MM-DD` (local), the default date of a placement. */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/**
 * "Accept and place" for one option: a button, then a confirmation (what will happen, the date of
 * the placement, confirm or cancel; Escape cancels), then the outcome or the problem.
 */
function placeArea(s, result, r, names) {
  const area = h("div", { class: "accept", dataset: { place: String(s.rank) } });
  const newcomers = s.assignment.filter((a) => a.filled && a.cadreId).length;
  const draw = (confirming = false, problem = null) => {
    const placed = last.placed.get(s.rank);
    if (placed) {
      replace(
        area,
        h(
          "p",
          { role: "status", class: "notice" },
          t("sugg.placed", { n: placed.placements.length, date: placed.placements[0]?.placedOn ?? "" }),
          " ",
          h("a", { href: "#/followup" }, t("sugg.placedLink")),
        ),
        ...carriedOutDetails(placed, (code) => postName(r, code)),
        // A cadre holds one post: the seats they left elsewhere are now vacant.
        placed.vacated?.length
          ? h(
              "p",
              { class: "notice", dataset: { vacated: String(placed.vacated.length) } },
              t("sugg.vacated", {
                seats: placed.vacated
                  .map((v) =>
                    vacatedSeatText(v, (id) => (names.get(id) ? `${names.get(id).name}（${id}）` : id)),
                  )
                  .join(t("sugg.vacatedSep")),
              }),
            )
          : null,
      );
      return;
    }
    const start = h(
      "button",
      { type: "button", "aria-expanded": String(confirming), onclick: () => draw(true) },
      t("sugg.place"),
    );
    if (!confirming) return replace(area, start, problem);
    const date = h("input", { type: "date", name: "placedOn", value: today(), required: true });
    const yes = h("button", { type: "button", class: "primary" }, t("sugg.placeYes"));
    const cancel = () => {
      draw(false);
      area.querySelector("button")?.focus();
    };
    const no = h("button", { type: "button", onclick: cancel }, t("sugg.placeCancel"));
    yes.addEventListener("click", async () => {
      yes.disabled = no.disabled = true;
      try {
        // The version seen: a ranking re-ranked since (a later write made it stale) is refused, not
        // silently accepted under the same rank.
        const body = { rank: s.rank, version: result.version };
        if (date.value) body.placedOn = date.value;
        last.placed.set(s.rank, await post(`/v1/suggestions/${encodeURIComponent(result.id)}/accept`, body));
        draw();
        // Keyboard users land on the way to the follow-up list.
        area.querySelector("a")?.focus();
      } catch (error) {
        draw(false, placeRefusal(error));
      }
    });
    const panel = h(
      "div",
      {
        class: "place-confirm",
        role: "group",
        "aria-label": t("sugg.place"),
        onkeydown(event) {
          if (event.key === "Escape") cancel();
        },
      },
      h("p", null, t("sugg.placeConfirm", { rank: s.rank, n: newcomers, team: last.teamName })),
      field(t("sugg.placedOn"), date),
      h("div", { class: "row" }, yes, no),
    );
    replace(area, start, panel);
    yes.focus();
  };
  draw();
  return area;
}
