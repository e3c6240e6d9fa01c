/**
 * What the decision loop shows staff (issue 14): a saved result that later writes have made out of
 * date, whether a team with vacancies can still be completed, and — when accepting or carrying out
 * is refused or changes the score — why, naming the rules, seats and people in the page's language.
 */
import { ApiError } from "./api.js";
import { h, points } from "./dom.js";
import { pick, t } from "./i18n.js";
import { badge, errorBox } from "./ui.js";

/** `2026-12-03T08:05:00.000Z` → `2026-12-03 16:05` in the browser's time zone. */
function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * The stale marker of a saved suggestion, exchange plan or stored team score (`stale` in the API):
 * nothing when the result is current.
 */
export function staleNotice(stale) {
  if (!stale) return null;
  return h(
    "div",
    {
      class: "notice warn",
      role: "status",
      dataset: { stale: String(stale.reasons.length + stale.omitted) },
    },
    h("strong", null, t("stale.title")),
    h("p", null, t("stale.since", { since: when(stale.since) })),
    h(
      "ul",
      null,
      stale.reasons.map((r) => h("li", { dataset: { code: r.code } }, pick(r.message))),
    ),
    stale.omitted ? h("p", { class: "muted" }, t("stale.omitted", { n: stale.omitted })) : null,
  );
}

/** A badge for `completable` (null for a complete team: nothing to show). */
export const completableBadge = (completable) =>
  completable
    ? badge(completable.value ? "ok" : "bad", t(completable.value ? "complete.yes" : "complete.no"))
    : null;

/** Whether a team with vacancies can be completed, with the reasons when it cannot. */
export function completableBlock(completable) {
  if (!completable) return null;
  return h(
    "div",
    { dataset: { completable: String(completable.value) } },
    h("h3", null, t("complete.title"), " ", completableBadge(completable)),
    completable.value
      ? h("p", { class: "muted" }, t("complete.none"))
      : h(
          "div",
          null,
          h("p", { class: "muted" }, t(`complete.intro.${completable.pool}`)),
          h(
            "ul",
            { class: "violations" },
            completable.reasons.map((r) =>
              h(
                "li",
                { class: "violation hard", dataset: { rule: r.rule } },
                badge("bad", r.rule),
                " ",
                pick(r.message),
              ),
            ),
          ),
        ),
  );
}

/** `张三（C0001）、李四（C0002）`. */
const people = (members) => members.map((m) => `${m.name}（${m.id}）`).join("、");

/**
 * A refused accept or carry-out, said plainly: `now_infeasible` lists each hard rule the team would
 * now break, with its seat and the people involved; the other 409s say what to do.
 */
export function placeRefusal(error, fallbackText) {
  if (!(error instanceof ApiError)) return errorBox(error);
  const p = error.problem;
  const box = (...children) =>
    h("div", { class: "error", role: "alert", dataset: { problem: error.code } }, ...children);
  if (error.code === "now_infeasible")
    return box(
      h("strong", null, t("place.nowInfeasible")),
      h(
        "ul",
        { class: "violations" },
        (p.violations ?? []).map((v) =>
          h(
            "li",
            { class: "violation hard", dataset: { rule: v.rule } },
            badge("bad", t("place.nowInfeasibleRule", { rule: v.rule, name: pick(v.ruleName) })),
            " ",
            v.seat !== null && v.seat !== undefined
              ? `${t("place.seat", { seat: v.seat + 1, post: v.postName ? pick(v.postName) : (v.post ?? "") })} · `
              : "",
            v.members?.length ? `${t("place.people", { people: people(v.members) })} · ` : "",
            pick(v.message),
          ),
        ),
      ),
      typeof p.scoreThen === "number" && typeof p.scoreNow === "number"
        ? h(
            "p",
            { class: "muted" },
            t("place.scoreChanged", { before: points(p.scoreThen), now: points(p.scoreNow) }),
          )
        : null,
    );
  const text = {
    already_accepted: t("sugg.placeAlready"),
    team_changed: t("sugg.placeChanged"),
    seat_locked: t("place.locked"),
    ranking_changed: t("place.rankingChanged"),
    in_progress: t("place.inProgress"),
  }[error.code];
  if (!text && error.status !== 409) return errorBox(error);
  return box(
    h("strong", null, text ?? fallbackText ?? t("sugg.placeChanged")),
    p.message && typeof p.message === "object" ? h("p", null, pick(p.message)) : null,
  );
}

/**
 * What a carried-out suggestion or plan did beyond the placements: the score then and now, who moved
 * from where to where, and the seats they left (teams by name).
 */
export function carriedOutDetails(done, postName = (code) => code) {
  const place = (state) =>
    [state?.regionName ?? state?.region, state?.post ? postName(state.post) : null]
      .filter(Boolean)
      .join(" ") || "—";
  const changed = (done.teams ?? []).filter((x) => Math.abs(x.scoreNow - x.scoreThen) >= 0.0005);
  return [
    changed.length
      ? h(
          "ul",
          { class: "notice", dataset: { rescored: String(changed.length) } },
          changed.map((x) =>
            h(
              "li",
              null,
              `${x.team}：`,
              t("place.scoreChanged", { before: points(x.scoreThen), now: points(x.scoreNow) }),
            ),
          ),
        )
      : null,
    done.records?.length
      ? h(
          "ul",
          { dataset: { records: String(done.records.length) } },
          done.records.map((r) =>
            h(
              "li",
              null,
              t("place.moved", {
                name: `${r.name}（${r.cadreId}）`,
                before: place(r.before),
                after: place(r.after),
              }),
              r.promoted ? t("place.promoted") : "",
            ),
          ),
        )
      : null,
  ];
}

/** A vacated seat, named: `平湖县党政领导班子 第3席（张三（C0001））`. */
export const vacatedSeatText = (v, cadreName = (id) => id) =>
  t("place.vacatedSeat", {
    team: v.teamName ?? v.regionName ?? v.teamId,
    seat: v.position + 1,
    cadre: cadreName(v.cadreId),
  });
