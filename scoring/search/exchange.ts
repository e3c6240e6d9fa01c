/**
 * Exchange plans (交流方案): fill the vacancies of several teams at once from one movable pool,
 * maximising the total of the teams' scores or the worst team's score, with cadres' ranked
 * preferences as a small bonus and R11 (not both 正职 of a county moved; at most a third of a team
 * moved) kept as a hard rule.
 *
 * 1. Reasons that make every plan infeasible are looked for first (`exchange-starts.ts`).
 * 2. Small spaces (at most `exactLimit` plans) are enumerated: `status: "optimal"`.
 * 3. Otherwise linear assignments of the pool to all vacancies (`exchange-starts.ts`) start
 *    simulated annealing over moves and trades across teams (`exchange-anneal.ts`, incremental
 *    evaluation per team), restarted from the other starts and from perturbed best plans, and a
 *    final descent to a local optimum: `status: "budget"`.
 * Deterministic for a seed and an iteration budget. The plan returned is re-scored from scratch
 * (`Evaluator.evaluate`) and never breaks a hard rule; without such a plan the status is
 * `infeasible`.
 */
import { Evaluator } from "../evaluate";
import { createRng } from "../random";
import { isMove } from "../rules";
import type { Member } from "../types";
import { annealPlans } from "./exchange-anneal";
import { enumeratePlans, planSpaceSize } from "./exchange-enumerate";
import { candidateIn, type ExchangeSpace, prepareExchange } from "./exchange-space";
import { exchangeReasons, exchangeStarts } from "./exchange-starts";
import { HARD_WEIGHT, planValue } from "./exchange-state";
import {
  defaultExchangeOptions,
  type ExchangeOptions,
  type ExchangeOutcome,
  type ExchangeProblem,
  type PlannedMove,
  type PlannedTeam,
} from "./exchange-types";
import { Meter } from "./meter";
import type { Budget } from "./types";

/** The caller's options over `defaultExchangeOptions`, checked. Throws a RangeError naming a bad option. */
export function resolveExchangeOptions(options: Partial<ExchangeOptions> = {}): ExchangeOptions {
  const budget: Budget = {};
  if (options.budget?.iterations !== undefined) budget.iterations = options.budget.iterations;
  if (options.budget?.milliseconds !== undefined) budget.milliseconds = options.budget.milliseconds;
  const merged: ExchangeOptions = {
    ...defaultExchangeOptions,
    ...options,
    budget:
      budget.iterations === undefined && budget.milliseconds === undefined
        ? { ...defaultExchangeOptions.budget }
        : budget,
  };
  if (merged.objective !== "sum" && merged.objective !== "maxmin")
    throw new RangeError(`objective must be "sum" or "maxmin" (got ${merged.objective})`);
  if (!Number.isInteger(merged.seed)) throw new RangeError(`seed must be an integer (got ${merged.seed})`);
  if (!(merged.preferenceWeight >= 0 && merged.preferenceWeight <= 1))
    throw new RangeError(`preferenceWeight must be in [0, 1] (got ${merged.preferenceWeight})`);
  if (!(merged.exactLimit >= 0)) throw new RangeError(`exactLimit must be ≥ 0 (got ${merged.exactLimit})`);
  for (const [name, value] of Object.entries(merged.budget))
    if (!(typeof value === "number" && value > 0 && Number.isFinite(value)))
      throw new RangeError(`budget.${name} must be a positive number (got ${value})`);
  return merged;
}

/**
 * The best plan found for an exchange round. Never mutates the problem.
 *
 * @example
 * ```ts
 * const outcome = exchange({ profile, teams, pool, preferences }, { objective: "sum", budget: { iterations: 300_000 } });
 * outcome.moves.map((m) => `${m.memberId} → ${m.to.teamId}/${m.to.post}`);
 * outcome.preferences.firstShare; // 0.41
 * ```
 */
export function exchange(problem: ExchangeProblem, options: Partial<ExchangeOptions> = {}): ExchangeOutcome {
  const steps = exchangeSteps(problem, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Where a running exchange search is (what `exchangeSteps` yields). */
export interface ExchangeProgress {
  /** Share of the budget spent (0–1): iterations, or time where a millisecond limit is given. */
  spent: number;
  /** Iterations spent so far. */
  iterations: number;
  /** Whether a plan meeting every hard rule has been found yet. */
  feasible: boolean;
}

/**
 * `exchange` in slices: a generator that yields its progress every few tens of milliseconds of
 * search (`PULSE` iterations) and returns the outcome. A caller that must not block (a job on a
 * server's event loop) resumes it after each yield — reporting progress, letting other work run —
 * and gets exactly what `exchange` returns: when it resumes does not change the search.
 *
 * @example
 * ```ts
 * const steps = exchangeSteps(problem, { budget: { iterations: 1_000_000 } });
 * for (let step = steps.next(); ; step = steps.next()) {
 *   if (step.done) return step.value;
 *   await report(step.value.spent); // then give the event loop a turn
 * }
 * ```
 */
export function* exchangeSteps(
  problem: ExchangeProblem,
  options: Partial<ExchangeOptions> = {},
): Generator<ExchangeProgress, ExchangeOutcome, void> {
  const resolved = resolveExchangeOptions(options);
  const { clock } = resolved;
  const started = clock ? clock() : 0;
  // The meter starts before the preparation, so that a millisecond limit bounds the whole call.
  const meter = new Meter(resolved.budget, clock);
  const space = prepareExchange(problem, resolved);
  const elapsed = () => (clock ? clock() - started : null);
  const reasons = exchangeReasons(space);
  if (reasons.length > 0) return infeasible(space, resolved, 0, elapsed(), reasons);

  let first: { iteration: number; ms: number | null } | null = null;
  const found = () => {
    first ??= { iteration: meter.used, ms: elapsed() };
  };
  let best: Int32Array | null = null;
  let complete = false;
  if (planSpaceSize(space) <= resolved.exactLimit) {
    const result = enumeratePlans(space, resolved.objective, meter, found);
    best = result.best;
    complete = result.complete;
  } else {
    const starts = exchangeStarts(space);
    const search = annealPlans(space, resolved.objective, starts, meter, createRng(resolved.seed), found);
    for (let step = search.next(); ; step = search.next()) {
      if (step.done) {
        best = step.value;
        break;
      }
      yield { spent: Math.min(1, meter.spent), iterations: meter.used, feasible: first !== null };
    }
  }
  if (!best)
    return infeasible(space, resolved, meter.used, elapsed(), [
      {
        rule: "combination",
        memberIds: [],
        message: complete
          ? {
              zh: "穷尽搜索证明：没有任何交流方案能同时满足全部刚性规定",
              en: "Exhaustive search proves that no plan meets all hard rules at once",
            }
          : {
              zh: "在给定的计算预算内未找到满足全部刚性规定的交流方案；可增加预算后重试",
              en: "No plan meeting all hard rules was found within the budget; try again with a larger budget",
            },
      },
    ]);
  const outcome = describePlan(space, resolved, best);
  if (!outcome) throw new Error("exchange: a plan accepted as feasible is not feasible on re-scoring");
  return {
    ...outcome,
    status: complete ? "optimal" : "budget",
    firstFeasible: first,
    evaluated: meter.used,
    ms: elapsed(),
  };
}

function infeasible(
  space: ExchangeSpace,
  options: ExchangeOptions,
  evaluated: number,
  ms: number | null,
  reasons: NonNullable<ExchangeOutcome["reasons"]>,
): ExchangeOutcome {
  return {
    status: "infeasible",
    objective: options.objective,
    value: 0,
    objectiveValue: 0,
    totalScore: 0,
    worstScore: 0,
    teams: [],
    moves: [],
    unplaced: space.problem.pool.map((m) => m.id),
    preferences: satisfaction(space, null),
    firstFeasible: null,
    evaluated,
    ms,
    reasons,
  };
}

/** Preference figures of a plan (`assign`: pool member per vacancy), or of none. */
function satisfaction(space: ExchangeSpace, assign: Int32Array | null): ExchangeOutcome["preferences"] {
  const prefs = space.problem.preferences ?? {};
  const stated = new Set(space.problem.pool.filter((m) => (prefs[m.id]?.length ?? 0) > 0).map((m) => m.id));
  let placed = 0;
  let first = 0;
  let top3 = 0;
  assign?.forEach((p, v) => {
    if (!stated.has((space.problem.pool[p] as Member).id)) return;
    placed++;
    const rank = space.choice[p * space.nVacancies + v] as number;
    if (rank === 1) first++;
    if (rank >= 1 && rank <= 3) top3++;
  });
  return {
    withPreferences: stated.size,
    placed,
    first,
    top3,
    firstShare: placed > 0 ? first / placed : 0,
    top3Share: placed > 0 ? top3 / placed : 0,
  };
}

/**
 * The outcome's plan from scratch: each team evaluated by a fresh `Evaluator`, the value from
 * those scores; null if any team breaks a hard rule.
 */
export function describePlan(
  space: ExchangeSpace,
  options: Pick<ExchangeOptions, "objective">,
  assign: Int32Array,
): Omit<ExchangeOutcome, "status" | "firstFeasible" | "evaluated" | "ms"> | null {
  const { problem, teams, vTeam, vSeat, nVacancies } = space;
  const values = new Float64Array(space.nTeams);
  const planned: PlannedTeam[] = [];
  for (let t = 0; t < space.nTeams; t++) {
    const team = teams[t];
    if (!team) continue;
    const members = Int32Array.from(team.base);
    for (const v of space.teamVacancies[t] as Int32Array)
      members[vSeat[v] as number] = candidateIn(space, t, assign[v] as number);
    const b = new Evaluator(team.prep).evaluate(members);
    if (!b.feasible) return null;
    values[t] = b.score - HARD_WEIGHT * b.hard;
    let moved = 0;
    for (let s = 0; s < team.nSeats; s++)
      moved += team.prep.moved[(members[s] as number) * team.nSeats + s] as number;
    planned.push({
      teamId: problem.teams[t]?.id as string,
      region: team.problem.region,
      score: b.score,
      breakdown: b,
      memberIds: Array.from(members, (c) => team.prep.problem.candidates[c]?.id as string),
      vacancies: Array.from(team.open),
      moved,
    });
  }
  let bonus = 0;
  const moves: PlannedMove[] = [];
  const placed = new Set<number>();
  for (let v = 0; v < nVacancies; v++) {
    const p = assign[v] as number;
    placed.add(p);
    bonus += space.bonus[p * nVacancies + v] as number;
    const member = problem.pool[p] as Member;
    const t = vTeam[v] as number;
    const team = problem.teams[t];
    const post = team?.seats[vSeat[v] as number]?.post as string;
    const rank = space.choice[p * nVacancies + v] as number;
    moves.push({
      memberId: member.id,
      from: { region: member.currentRegion ?? null, post: member.currentPost ?? null },
      to: { teamId: team?.id as string, region: team?.region as string, seat: vSeat[v] as number, post },
      moved: isMove(member, post, team?.region as string),
      preferenceRank: rank > 0 ? rank : null,
    });
  }
  const scores = planned.map((t) => t.score);
  const totalScore = scores.reduce((a, b) => a + b, 0);
  const worstScore = scores.length > 0 ? Math.min(...scores) : 0;
  return {
    objective: options.objective,
    value: planValue(options.objective, values, bonus),
    objectiveValue: options.objective === "sum" ? totalScore : worstScore,
    totalScore,
    worstScore,
    teams: planned,
    moves,
    unplaced: problem.pool.filter((_, p) => !placed.has(p)).map((m) => m.id),
    preferences: satisfaction(space, assign),
  };
}
