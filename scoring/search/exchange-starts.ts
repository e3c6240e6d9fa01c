/**
 * Where an exchange search starts, and what makes every plan infeasible before it starts.
 *
 * Starts: maximum-weight linear assignments (`lap.ts`) of the pool to all vacancies at once, on
 * each pair's linear score part plus its preference bonus, nudged — as for one team in `starts.ts` —
 * towards locals (R10) and members who are not moved (R11), the cardinality rules a linear
 * assignment cannot see. Starts that still break a hard rule are then repaired by targeted moves
 * (`repairPlan`).
 */

import type { ExchangeSpace } from "./exchange-space";
import { PlanState } from "./exchange-state";
import { FORBIDDEN, maxWeightAssignment } from "./lap";
import { infeasibility } from "./reasons";
import type { SearchSpace } from "./space";
import type { Reason } from "./types";

/** A reason, with the team it concerns when it concerns one. */
export type ExchangeReason = Reason & { teamId?: string };

/** Nudges tried in the starting assignments (score units). */
const LOCAL_BONUSES = [0, 0.02, 0.06];
const STAY_BONUSES = [0, 0.03];

/**
 * One linear assignment of the pool to every vacancy with `extra(p, v)` added to each eligible
 * pair's weight; null when the pool cannot fill every vacancy with distinct eligible members.
 */
export function linearPlan(
  space: ExchangeSpace,
  extra: (p: number, v: number) => number = () => 0,
): Int32Array | null {
  const { nVacancies: n, nPool: m, eligible, weight } = space;
  if (n === 0) return new Int32Array(0);
  if (m < n) return null;
  const weights = new Float64Array(n * m).fill(FORBIDDEN);
  for (let v = 0; v < n; v++)
    for (const p of eligible[v] as Int32Array)
      weights[v * m + p] = (weight[p * n + v] as number) + extra(p, v);
  const result = maxWeightAssignment(n, m, weights);
  return result.total === Number.NEGATIVE_INFINITY ? null : result.columns;
}

/**
 * Distinct starting plans (pool member per vacancy), in the order they were made: a ladder of
 * uniform nudges, then — while no start meets the hard rules — rounds that raise the nudges of the
 * teams that still break one (a Lagrangian-style repair of R10 and R11, team by team).
 */
export function exchangeStarts(space: ExchangeSpace): Int32Array[] {
  const starts = new Map<string, Int32Array>();
  const { teams, vTeam, vSeat, offset, nTeams } = space;
  const r10 = space.profile.rules.R10.mode !== "off";
  const r11 = space.profile.rules.R11.mode !== "off";
  const make = (local: Float64Array, stay: Float64Array): Int32Array | null => {
    const plan = linearPlan(space, (p, v) => {
      const t = vTeam[v] as number;
      const team = teams[t];
      if (!team) return 0;
      const c = (offset[t] as number) + p;
      const moved = team.prep.moved[c * team.nSeats + (vSeat[v] as number)] as number;
      return (local[t] as number) * (team.localish[c] as number) + (stay[t] as number) * (1 - moved);
    });
    if (plan && !starts.has(plan.join(","))) starts.set(plan.join(","), plan);
    return plan;
  };
  for (const local of r10 ? LOCAL_BONUSES : [0])
    for (const stay of r11 ? STAY_BONUSES : [0])
      if (!make(new Float64Array(nTeams).fill(local), new Float64Array(nTeams).fill(stay))) return [];
  const local = new Float64Array(nTeams);
  const stay = new Float64Array(nTeams);
  for (let round = 0; round < REPAIR_ROUNDS; round++) {
    const plan = make(local, stay);
    if (!plan) break;
    const state = new PlanState(space, "sum", plan);
    if (state.feasible) break;
    for (let t = 0; t < nTeams; t++)
      if ((state.hard[t] as number) > 0) {
        if (r10) local[t] = (local[t] as number) + REPAIR_STEP;
        if (r11) stay[t] = (stay[t] as number) + REPAIR_STEP;
      }
  }
  // Starts that still break a hard rule, repaired move by move (a repair costs tens of
  // milliseconds on 12 teams: the first few only); the repaired plans join the starts.
  let attempts = 0;
  let repairs = 0;
  for (const plan of [...starts.values()]) {
    if (attempts >= REPAIR_ATTEMPTS || repairs >= REPAIRED_STARTS) break;
    if (new PlanState(space, "sum", plan).feasible) continue;
    attempts++;
    const repaired = repairPlan(space, plan);
    if (!repaired) continue;
    repairs++;
    if (!starts.has(repaired.join(","))) starts.set(repaired.join(","), repaired);
  }
  return [...starts.values()];
}

/**
 * A plan without hard violations reached from `plan` by greedy moves, or null when the greedy
 * repair gets stuck (or `plan` has none to repair). Each step tries, for every vacancy of a team
 * that breaks a hard rule, every eligible pool member — free ones replace its member, placed ones
 * trade places with it, within or across teams — and takes the move that leaves the fewest hard
 * violations over the whole plan; of equal ones, the one that most reduces the teams' shortfall
 * under R10 (locals missing) and R11 (moves above the share), then the best value. The shortfall
 * is what the linear starts miss, and it lets the repair take a step that fixes no rule yet — a
 * member sent back to their own post, whose seat now needs someone else — on the way to one that
 * does.
 */
export function repairPlan(space: ExchangeSpace, plan: Int32Array): Int32Array | null {
  const state = new PlanState(space, "sum", plan);
  if (state.feasible) return null;
  const { teamVacancies, eligible, teams, vTeam, vSeat, offset, nTeams } = space;
  const rules = space.profile.rules;
  const moved = (t: number, p: number, v: number): number => {
    const team = teams[t] as SearchSpace;
    return team.prep.moved[((offset[t] as number) + p) * team.nSeats + (vSeat[v] as number)] as number;
  };
  const local = (t: number, p: number): number =>
    (teams[t] as SearchSpace).localish[(offset[t] as number) + p] as number;
  const shortfall = (t: number, movedCount: number, locals: number): number => {
    const team = teams[t] as SearchSpace;
    return (
      (rules.R11.mode === "off" ? 0 : Math.max(0, movedCount - team.movesAllowed)) +
      (rules.R10.mode === "off" ? 0 : Math.max(0, team.localsNeeded - locals))
    );
  };
  const movedCount = new Int32Array(nTeams);
  const locals = new Int32Array(nTeams);
  const count = (t: number) => {
    const team = teams[t] as SearchSpace;
    const members = (state.states[t] as { team: Int32Array }).team;
    let m = 0;
    let l = 0;
    for (let s = 0; s < team.nSeats; s++) {
      m += team.prep.moved[(members[s] as number) * team.nSeats + s] as number;
      l += team.localish[members[s] as number] as number;
    }
    movedCount[t] = m;
    locals[t] = l;
  };
  for (let t = 0; t < nTeams; t++) count(t);
  /** Change of the plan's shortfall if vacancy v were given to pool member q. */
  const shortfallDelta = (v: number, q: number): number => {
    const t = vTeam[v] as number;
    const p = state.assign[v] as number;
    const w = state.holder[q] as number;
    const before = (x: number) => shortfall(x, movedCount[x] as number, locals[x] as number);
    if (w >= 0 && vTeam[w] === t) {
      const dm = moved(t, q, v) + moved(t, p, w) - moved(t, p, v) - moved(t, q, w);
      return shortfall(t, (movedCount[t] as number) + dm, locals[t] as number) - before(t);
    }
    let delta =
      shortfall(
        t,
        (movedCount[t] as number) + moved(t, q, v) - moved(t, p, v),
        (locals[t] as number) + local(t, q) - local(t, p),
      ) - before(t);
    if (w >= 0) {
      const u = vTeam[w] as number;
      delta +=
        shortfall(
          u,
          (movedCount[u] as number) + moved(u, p, w) - moved(u, q, w),
          (locals[u] as number) + local(u, p) - local(u, q),
        ) - before(u);
    }
    return delta;
  };
  const n = space.nVacancies;
  for (let step = 0; step < 2 * n && !state.feasible; step++) {
    let hard = 0;
    for (let t = 0; t < nTeams; t++) hard += state.hard[t] as number;
    let best = { hard: Number.POSITIVE_INFINITY, short: 0, value: 0, v: -1, q: -1 };
    // First the moves that reduce the shortfall (cheap to find), then — only if none of them
    // helps — every move.
    for (const shortOnly of [true, false]) {
      for (let t = 0; t < nTeams; t++) {
        if (state.hard[t] === 0) continue;
        for (const v of teamVacancies[t] as Int32Array)
          for (const q of eligible[v] as Int32Array) {
            if (q === state.assign[v]) continue;
            const short = shortfallDelta(v, q);
            if (shortOnly && short >= 0) continue;
            state.tryMove(v, q);
            const after = state.trialHardTotal();
            // Only moves that remove a violation, or keep their number and reduce the shortfall.
            if (after > hard || (after === hard && short >= 0)) continue;
            const value = state.trialValue;
            if (
              after < best.hard ||
              (after === best.hard && (short < best.short || (short === best.short && value > best.value)))
            )
              best = { hard: after, short, value, v, q };
          }
      }
      if (best.v >= 0) break;
    }
    if (best.v < 0) return null;
    const w = state.holder[best.q] as number;
    state.tryMove(best.v, best.q);
    state.commit();
    count(vTeam[best.v] as number);
    if (w >= 0) count(vTeam[w] as number);
  }
  return state.feasible ? Int32Array.from(state.assign) : null;
}

/** Infeasible starts given to `repairPlan` at most, and repaired starts enough. */
const REPAIR_ATTEMPTS = 4;
const REPAIRED_STARTS = 2;
/** Rounds and step (score units) of the Lagrangian repair of starts that break a hard rule. */
const REPAIR_ROUNDS = 12;
const REPAIR_STEP = 0.05;

/** Reasons that make every plan infeasible; empty when none is evident before searching. */
export function exchangeReasons(space: ExchangeSpace): ExchangeReason[] {
  const reasons: ExchangeReason[] = [];
  const { problem } = space;
  if (space.nPool === 0 && space.nVacancies > 0)
    return [
      {
        rule: "pool",
        memberIds: [],
        message: {
          zh: "可交流干部库为空，无法填补空缺",
          en: "The movable pool is empty: no vacancy can be filled",
        },
      },
    ];
  space.teams.forEach((team, t) => {
    const teamId = problem.teams[t]?.id as string;
    // Each team on its own, with the whole pool: necessary for the plan as a whole.
    for (const reason of infeasibility(team)) reasons.push({ ...reason, teamId });
    if (team.open.length === 0) {
      const b = team.evaluator.evaluate(team.base);
      if (!b.feasible && reasons.every((r) => r.teamId !== teamId))
        reasons.push({
          rule: "combination",
          teamId,
          memberIds: [],
          message: {
            zh: `班子 ${teamId} 没有空缺，其现有成员已违反刚性规定`,
            en: `Team ${teamId} has no vacancy and its members already break a hard rule`,
          },
        });
    }
  });
  if (reasons.length > 0) return reasons;
  if (space.nPool < space.nVacancies || !linearPlan(space))
    reasons.push({
      rule: "pool",
      memberIds: [],
      message: {
        zh: `${space.nTeams} 个班子共有空缺 ${space.nVacancies} 个，可交流干部库 ${space.nPool} 人中符合刚性规定的不同人选不足以同时填满`,
        en: `The ${space.nVacancies} vacancies of ${space.nTeams} teams cannot all be filled by distinct eligible members of the pool of ${space.nPool}`,
      },
    });
  return reasons;
}
