/** Teams: the list with each team's score, and a team's page with violations highlighted in place. */
import { get, getAll } from "../api.js";
import { componentsOption, componentsSummary, meanStens, profileOption, stensSummary } from "../charts.js";
import { completableBadge, completableBlock, staleNotice } from "../decisions.js";
import { field, h, percent, points, select } from "../dom.js";
import { factorLabel, pick, t } from "../i18n.js";
import { printButton } from "../print.js";
import { postName, refs, regionName } from "../refs.js";
import {
  badge,
  cadreLink,
  cadresById,
  chartBox,
  feasibleBadge,
  section,
  table,
  violationItem,
} from "../ui.js";

/** Every team (current teams and saved scenarios); scores fill in as they arrive. */
export async function teamList(route) {
  const r = await refs();
  const kind = route.query.get("kind") ?? "";
  const teams = await getAll(`/v1/teams${kind ? `?kind=${encodeURIComponent(kind)}` : ""}`);
  const kindSelect = select(
    [
      ["", t("common.all")],
      ["current", t("teams.kind.current")],
      ["scenario", t("teams.kind.scenario")],
    ],
    kind,
    {
      name: "kind",
      onchange: (e) => (location.hash = e.target.value ? `#/teams?kind=${e.target.value}` : "#/teams"),
    },
  );
  const rows = teams.map((team) => {
    const held = team.seats.filter((s) => s.cadreId).length;
    const scoreCell = h("td", { class: "num" }, "…");
    const feasibleCell = h("td");
    get(`/v1/teams/${encodeURIComponent(team.id)}/score`)
      .then((score) => {
        scoreCell.textContent = points(score.score);
        feasibleCell.replaceChildren(feasibleBadge(score.feasible));
      })
      .catch(() => {
        scoreCell.textContent = "—";
      });
    return h(
      "tr",
      { dataset: { team: team.id } },
      h("td", null, h("a", { href: `#/teams/${encodeURIComponent(team.id)}` }, team.name ?? team.id)),
      h("td", null, `${regionName(r, team.region)} (${team.region})`),
      h("td", null, t(`teams.kind.${team.kind}`)),
      h("td", { class: "num" }, `${held} / ${team.seats.length - held}`),
      scoreCell,
      feasibleCell,
    );
  });
  return h(
    "div",
    null,
    h("h1", null, t("teams.title")),
    h("div", { class: "filters" }, field(t("teams.kind"), kindSelect)),
    teams.length
      ? table(
          [
            t("common.name"),
            t("common.region"),
            t("teams.kind"),
            t("teams.filled"),
            t("common.score"),
            t("teams.feasibility"),
          ],
          rows,
          { class: "list", dataset: { list: "teams" } },
        )
      : h("p", { class: "muted" }, t("teams.empty")),
  );
}

/** The seats table: each seat's holder and fit, with its own findings coloured in its row. */
function seatRows(r, score, members) {
  return score.seats.map((seat) => {
    const own = score.violations.filter((v) => v.seat === seat.seat);
    const involved = score.violations.filter(
      (v) => v.seat === undefined && seat.memberId && v.memberIds.includes(seat.memberId),
    );
    const worst = own.some((v) => v.severity === "hard")
      ? "row-hard"
      : own.length
        ? "row-soft"
        : involved.length
          ? "row-involved"
          : "";
    return h(
      "tr",
      { class: worst, dataset: { seat: String(seat.seat) } },
      h("td", { class: "num" }, seat.seat + 1),
      h("td", null, pick(seat.postName) || postName(r, seat.post)),
      h("td", null, cadreLink(seat.memberId, members.get(seat.memberId))),
      h(
        "td",
        { class: "num" },
        seat.fit === null
          ? "—"
          : [
              h("meter", {
                min: 0,
                max: 1,
                low: 0.5,
                high: 0.75,
                optimum: 1,
                value: seat.fit,
                title: points(seat.fit),
              }),
              " ",
              points(seat.fit),
            ],
      ),
      h(
        "td",
        null,
        seat.costliest.map((c) => `${factorLabel(c.factor)} ${c.sten} [${c.min}–${c.max}]`).join("；"),
      ),
      h(
        "td",
        null,
        own.length || involved.length
          ? h("ul", { class: "violations inline" }, [...own, ...involved].map(violationItem))
          : null,
      ),
    );
  });
}

/** A team's page. */
export async function teamPage(route) {
  const r = await refs();
  const id = route.id;
  const [team, score] = await Promise.all([
    get(`/v1/teams/${encodeURIComponent(id)}`),
    get(`/v1/teams/${encodeURIComponent(id)}/score`),
  ]);
  const members = await cadresById(
    get,
    team.seats.map((s) => s.cadreId),
  );
  const profiles = team.seats
    .filter((s) => s.cadreId && members.get(s.cadreId)?.assessment)
    .map((s) => ({
      id: `member-${s.cadreId}`,
      name: `${members.get(s.cadreId).name} · ${postName(r, s.post)}`,
      stens: members.get(s.cadreId).assessment.stens,
      width: 1.5,
      opacity: 0.6,
    }));
  const overlay = profiles.length
    ? [
        ...profiles,
        {
          id: "mean",
          name: t("team.mean"),
          stens: meanStens(profiles.map((p) => p.stens)),
          color: "#111827",
          width: 4,
        },
      ]
    : [];

  const hard = score.violations.filter((v) => v.severity === "hard");
  const soft = score.violations.filter((v) => v.severity !== "hard");
  const b = score.balance;
  const s = score.structure;
  return h(
    "div",
    null,
    h("p", { class: "no-print" }, h("a", { href: "#/teams" }, `← ${t("common.back")}`)),
    h("div", { class: "title-row" }, h("h1", null, team.name ?? team.id), printButton()),
    h(
      "div",
      { class: "grid-2" },
      section(
        t("team.summary"),
        h(
          "p",
          { class: "big" },
          `${t("common.score")} ${points(score.score)} `,
          feasibleBadge(score.feasible),
          " ",
          completableBadge(score.completable),
          score.completable ? " " : null,
          badge("info", t(`teams.kind.${team.kind}`)),
        ),
        h("p", null, pick(score.summary)),
        completableBlock(score.completable),
        score.stored?.stale
          ? h(
              "div",
              null,
              h(
                "p",
                { class: "muted" },
                t("stale.storedScore", { score: points(score.stored.score), version: score.stored.version }),
              ),
              staleNotice(score.stored.stale),
            )
          : null,
        h(
          "p",
          null,
          h(
            "a",
            { class: "button", href: `#/suggestions?team=${encodeURIComponent(team.id)}` },
            t("team.suggest"),
          ),
        ),
        h("h3", null, t("team.violations")),
        score.violations.length
          ? h(
              "ul",
              { class: "violations", dataset: { list: "violations" } },
              [...hard, ...soft].map((v) => {
                const li = violationItem(v);
                li.prepend(
                  h(
                    "span",
                    { class: "where" },
                    v.seat === undefined ? t("team.teamWide") : `${t("common.seat")} ${v.seat + 1}`,
                  ),
                  " ",
                );
                return li;
              }),
            )
          : h("p", { class: "muted" }, t("team.noViolations")),
      ),
      section(
        t("team.components"),
        chartBox(
          "components",
          (width) => componentsOption([{ name: team.name ?? team.id, components: score.components }], width),
          {
            height: 260,
            label: componentsSummary([{ name: team.name ?? team.id, components: score.components }]),
          },
        ),
        h("h3", null, t("team.balance")),
        h(
          "p",
          null,
          `${t("team.temperaments")}: `,
          b.temperaments.map((x) => `${pick(x.name)} (${x.members.length})`).join("，"),
        ),
        h(
          "p",
          null,
          `${t("team.conflicts")}: `,
          b.conflictPairs.length
            ? b.conflictPairs
                .map((p) => `${p.factor}: ${p.members.map((m) => members.get(m)?.name ?? m).join(" + ")}`)
                .join("；")
            : t("common.none"),
        ),
        h("p", null, `${t("team.skillsMissing")}: `, score.skills.missing.join(", ") || t("common.none")),
        h("h3", null, t("team.structure")),
        h(
          "p",
          null,
          `${t("team.avgAge")} ${s.averageAge ?? "—"} · ${t("team.university")} ${percent(s.universityShare)} · ${t("team.women")} ${s.women ?? "—"} · ${t("team.under45")} ${s.under45 ?? "—"}`,
        ),
      ),
    ),
    section(
      t("team.seatsTitle"),
      table(
        [
          t("common.seat"),
          t("common.post"),
          t("common.name"),
          t("team.fit"),
          t("team.costliest"),
          t("team.violations"),
        ],
        seatRows(r, score, members),
        { class: "seats", dataset: { list: "seats" } },
      ),
    ),
    overlay.length
      ? section(
          t("team.overlay"),
          h("p", { class: "muted" }, t("team.overlayNote")),
          chartBox("overlay", (width) => profileOption({ profiles: overlay }, width), {
            height: 560,
            printHeight: 520,
            label: t("summary.overlay", {
              n: profiles.length,
              stens: stensSummary(overlay[overlay.length - 1].stens),
            }),
          }),
        )
      : null,
  );
}
