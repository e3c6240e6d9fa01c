/**
 * Why a request cannot be satisfied, found before any search: locked members who already break a
 * hard rule, vacancies no candidate may hold (and which rules exclude them), too few distinct
 * candidates for the vacancies (Hall's condition), and R10/R11 when hard and out of reach even with
 * the best choice for them. Each reason is bilingual and names the seats and rules.
 */
import { RULE_NAMES, seatViolations, teamViolations } from "../rules";
import type { PostProfile, RuleId, Team, Text } from "../types";
import { FORBIDDEN, maxWeightAssignment } from "./lap";
import type { SearchSpace } from "./space";
import type { Reason } from "./types";

/** "县委书记 (第1席)" / "seat 1 (County Party Secretary)", as the rules' messages name seats. */
function seatText(space: SearchSpace, s: number): Text {
  const post = space.prep.posts[s] as PostProfile;
  return { zh: `${post.name} (第${s + 1}席)`, en: `seat ${s + 1} (${post.nameEn})` };
}

const joinText = (parts: Text[], zh = "、", en = ", "): Text => ({
  zh: parts.map((p) => p.zh).join(zh),
  en: parts.map((p) => p.en).join(en),
});

/** Reasons that make every completion infeasible; empty when none is evident before searching. */
export function infeasibility(space: SearchSpace): Reason[] {
  const reasons = lockedReasons(space);
  const { open, eligible, problem } = space;
  const poolSize = space.nCandidates - space.base.filter((c) => c >= 0).length;
  if (open.length > 0 && poolSize === 0)
    return [
      ...reasons,
      {
        rule: "pool",
        memberIds: [],
        message: {
          zh: "候选人库为空，无法填补空缺",
          en: "The candidate pool is empty: no vacancy can be filled",
        },
      },
    ];
  for (const s of open) if ((eligible[s] as Int32Array).length === 0) reasons.push(excludedAll(space, s));
  if (reasons.length > 0) return reasons;

  // Hall's condition: distinct candidates for all vacancies at once.
  const capacity = bestAssignment(space, () => 0);
  if (capacity === null)
    return [
      {
        rule: "pool",
        memberIds: [],
        message: {
          zh: `空缺 ${open.length} 个，符合刚性规定的不同候选人不足以同时填满：${joinText(Array.from(open, (s) => seatText(space, s))).zh}`,
          en: `${open.length} vacancies cannot all be filled by distinct eligible candidates: ${joinText(Array.from(open, (s) => seatText(space, s))).en}`,
        },
      },
    ];
  const { rules } = problem.profile;
  const lockedLocals = Array.from(space.base).filter((c) => c >= 0 && space.localish[c]).length;
  if (rules.R10.mode === "hard" && space.localsNeeded > 0) {
    const most = lockedLocals + (bestAssignment(space, (c) => space.localish[c] as number) ?? 0);
    if (most < space.localsNeeded) reasons.push(r10Reason(space, lockedLocals, most));
  }
  if (rules.R11.mode === "hard") {
    const n = space.nSeats;
    const lockedMoved = Array.from(space.base).filter((c, s) => c >= 0 && space.prep.moved[c * n + s]).length;
    const fewest =
      lockedMoved - (bestAssignment(space, (c, s) => -(space.prep.moved[c * n + s] as number)) ?? 0);
    if (fewest > space.movesAllowed)
      reasons.push({
        rule: "R11",
        memberIds: [],
        message: {
          zh: `${n} 人的班子至少有 ${fewest} 人为交流调入，超过上限 ${space.movesAllowed} 人，违反${RULE_NAMES.R11.zh} (R11)`,
          en: `A team of ${n} would have at least ${fewest} moved members, more than the limit of ${space.movesAllowed}: ${RULE_NAMES.R11.en} (R11)`,
        },
      });
  }
  return reasons;
}

/** Hard violations of the locked members in their seats and among themselves (R2). */
function lockedReasons(space: SearchSpace): Reason[] {
  const { problem } = space;
  const reasons: Reason[] = [];
  space.base.forEach((c, s) => {
    const member = problem.seats[s]?.locked;
    if (c < 0 || !member || space.prep.seatHard[c * space.nSeats + s] === 0) return;
    for (const v of seatViolations(
      member,
      s,
      space.prep.posts[s] as PostProfile,
      problem.region,
      problem.profile,
    ))
      if (v.severity === "hard")
        reasons.push({
          rule: v.rule,
          seat: s,
          post: v.post ?? "",
          memberIds: v.memberIds,
          message: v.message,
        });
  });
  const locked: Team = {
    region: problem.region,
    seats: problem.seats.map((seat) => ({ post: seat.post, member: seat.locked ?? null })),
  };
  for (const v of teamViolations(locked, problem.profile))
    if (v.rule === "R2" && v.severity === "hard")
      reasons.push({ rule: "R2", memberIds: v.memberIds, message: v.message });
  return reasons;
}

/** A vacancy that no candidate may hold, with how many candidates each rule excludes. */
function excludedAll(space: SearchSpace, s: number): Reason {
  const { problem, prep } = space;
  const post = prep.posts[s] as PostProfile;
  const counts = new Map<RuleId, number>();
  const lockedIds = new Set(problem.seats.flatMap((seat) => (seat.locked ? [seat.locked.id] : [])));
  const lockedIndexes = Array.from(space.base).filter((c) => c >= 0);
  let total = 0;
  prep.problem.candidates.forEach((member, c) => {
    if (lockedIds.has(member.id)) return;
    total++;
    const rules = new Set<RuleId>(
      seatViolations(member, s, post, problem.region, problem.profile)
        .filter((v) => v.severity === "hard")
        .map((v) => v.rule),
    );
    if (space.kinHard && lockedIndexes.some((l) => (prep.kin[l] as Int32Array).includes(c))) rules.add("R2");
    for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  });
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const label = seatText(space, s);
  const detail = joinText(
    sorted.map(([rule, k]) => ({
      zh: `${RULE_NAMES[rule].zh} (${rule}) ${k} 人`,
      en: `${rule} ${RULE_NAMES[rule].en}: ${k}`,
    })),
    "；",
    "; ",
  );
  return {
    rule: sorted[0]?.[0] ?? "pool",
    seat: s,
    post: post.code,
    memberIds: [],
    message: {
      zh: `${label.zh}：${total} 名候选人均不符合刚性规定（${detail.zh}）`,
      en: `${label.en}: none of the ${total} candidates may hold it under the hard rules (${detail.en})`,
    },
  };
}

function r10Reason(space: SearchSpace, lockedLocals: number, most: number): Reason {
  const { nSeats, problem } = space;
  const avoidance = Array.from(space.open).filter((s) => space.prep.posts[s]?.avoidance);
  const note: Text =
    avoidance.length > 0
      ? {
          zh: `；${joinText(avoidance.map((s) => seatText(space, s))).zh} 为回避岗位 (R1)，不能由本地干部担任`,
          en: `; ${joinText(avoidance.map((s) => seatText(space, s))).en} are avoidance posts (R1) that locals may not hold`,
        }
      : { zh: "", en: "" };
  return {
    rule: "R10",
    memberIds: [],
    message: {
      zh: `本县 ${problem.region} 班子 ${nSeats} 人须有本地干部至少 ${space.localsNeeded} 人，现有 ${lockedLocals} 人，填补空缺后最多 ${most} 人${note.zh}，违反${RULE_NAMES.R10.zh} (R10)`,
      en: `The team of ${problem.region} (${nSeats} seats) needs at least ${space.localsNeeded} local cadres; it has ${lockedLocals} and can reach at most ${most} by filling the vacancies${note.en}: ${RULE_NAMES.R10.en} (R10)`,
    },
  };
}

/**
 * The largest total of `value(c, s)` over assignments of distinct eligible candidates to all
 * vacancies, or null when there is no such assignment. `value` may depend only on whether c is
 * local (R10) and whether c would be moved to s (R11): then each vacancy needs only its first k
 * eligible candidates of each of those four kinds (k = number of vacancies) — whatever the other
 * k − 1 vacancies take, one of them is still free — which keeps the assignment small.
 */
function bestAssignment(space: SearchSpace, value: (c: number, s: number) => number): number | null {
  const { open, eligible, localish, prep, nSeats } = space;
  const k = open.length;
  if (k === 0) return 0;
  const rows = Array.from(open, (s) => {
    const taken = [0, 0, 0, 0];
    const row: number[] = [];
    for (const c of eligible[s] as Int32Array) {
      const kind = (localish[c] as number) * 2 + (prep.moved[c * nSeats + s] as number);
      if ((taken[kind] as number) < k) {
        taken[kind] = (taken[kind] as number) + 1;
        row.push(c);
      }
    }
    return row;
  });
  const columns = [...new Set(rows.flat())];
  if (columns.length < k) return null;
  const index = new Map(columns.map((c, j) => [c, j]));
  const m = columns.length;
  const weights = new Float64Array(k * m).fill(FORBIDDEN);
  rows.forEach((row, r) => {
    for (const c of row) weights[r * m + (index.get(c) as number)] = value(c, open[r] as number);
  });
  const result = maxWeightAssignment(k, m, weights);
  return result.total === Number.NEGATIVE_INFINITY ? null : result.total;
}
