/**
 * Suggestions for one team (配班子建议): the top-M distinct feasible ways to fill its vacancies.
 *
 * 1. Reasons that make every completion infeasible are looked for first (`reasons.ts`).
 * 2. Starting teams from linear assignments (`starts.ts`) enter the elite pool.
 * 3. Small spaces (at most `exactLimit` assignments) then close the pool's neighbourhoods briefly
 *    and go to branch and bound. Larger ones first get, within shares of the budget: simulated
 *    annealing (`anneal.ts`); exact two-seat descent (`pairs.ts`) from the best team and from the
 *    starts of basins not yet reached; branch and bound for the best team alone over short lists,
 *    then over everything (one team's threshold prunes far more than the M-th's; these two find
 *    the teams that need several seats changed at once, which annealing misses); and the closing
 *    of the pool's neighbourhoods (so that the runners-up are right too).
 * 4. Branch and bound for the top-M (`exact.ts`) searches the whole space with what is left. If it
 *    finishes, the pool is the proven top-M (`status: "optimal"`); if not, it is the best found
 *    (`status: "budget"`) and `bound` says how much better any unseen team could be.
 * Every listed score is a full evaluation (`Evaluator.evaluate`) of the listed assignment, and
 * every listed team is feasible.
 */
import { createRng } from "../random";
import { anneal, polish } from "./anneal";
import { Elite } from "./elite";
import { branchAndBoundSteps, rootBound } from "./exact";
import { finish, Meter, type Steps } from "./meter";
import { pairDescentSteps } from "./pairs";
import { infeasibility } from "./reasons";
import { prepareSearch, type SearchSpace } from "./space";
import { restrictedSpace, shortLists, signatureOf, startTeams } from "./starts";
import {
  type Budget,
  defaultOptions,
  type Suggestion,
  type SuggestOptions,
  type SuggestOutcome,
  type SuggestProblem,
} from "./types";

/**
 * Shares of the budget (spent so far) by which the phases for large spaces end at the latest:
 * annealing (which also stops when it stalls), two-seat descent, branch and bound for #1 over short
 * lists, then over everything, closing the neighbourhoods; branch and bound for the top-M gets the
 * rest. Chosen on instances of 9 vacancies × 1,000 candidates (`bench/suggest.ts`'s generator),
 * against the proven optimum: with a 30 ms search, #1 was optimal on 28 of seeds 1–30 and 29 of
 * seeds 31–60 (the latter not used to choose), against 25 and 26 without the two-seat descent;
 * at 60,000 iterations on 30 and 29 (before: 28 and 29).
 */
const PHASES = { anneal: 0.25, pairs: 0.6, narrow: 0.75, probe: 0.9, polish: 1 };
/** Short-list size per vacancy for the narrow branch and bound; for the two-seat descent. */
const NARROW_LIST = 12;
const PAIR_LIST = 24;
/** Share of the budget the quick start of small spaces may use at most. */
const QUICK_SHARE = 0.1;

/**
 * Exact two-seat descent (`pairs.ts`, over short lists of `PAIR_LIST`) from the elite's best team,
 * then from each start whose signature (`signatureOf`: which side of R10, R11's share and R11's
 * leaders it is on) no descent has reached yet — the basins annealing had no time for — until the
 * meter's share `until`. Everything found is offered to `elite`.
 */
function* intensify(
  full: SearchSpace,
  elite: Elite,
  meter: Meter,
  starts: readonly Int32Array[],
  until: number,
): Steps<void> {
  const space = restrictedSpace(full, shortLists(full, PAIR_LIST));
  const seen = new Set<number>();
  const first = elite.entries[0];
  if (first) {
    seen.add(signatureOf(space, first.team));
    const reached = yield* pairDescentSteps(space, elite, meter, first.team, first.score, until);
    seen.add(signatureOf(space, reached.team));
  }
  for (const start of starts) {
    if (meter.exhausted || meter.spent >= until) return;
    if (seen.has(signatureOf(space, start))) continue;
    const b = space.evaluator.evaluate(start);
    if (!b.feasible) continue;
    const reached = yield* pairDescentSteps(space, elite, meter, start, b.score, until);
    seen.add(signatureOf(space, reached.team));
  }
}

/** A pool of one holding the elite's best team (for branch and bound on #1 alone). */
function bestOf(space: SearchSpace, elite: Elite): Elite {
  const best = new Elite(space, 1);
  const first = elite.entries[0];
  if (first) best.offer(first.team, first.score, true);
  return best;
}

/** The caller's options over `defaultOptions`, checked. Throws a RangeError naming a bad option. */
export function resolveOptions(options: Partial<SuggestOptions> = {}): SuggestOptions {
  const budget: Budget = {};
  if (options.budget?.iterations !== undefined) budget.iterations = options.budget.iterations;
  if (options.budget?.milliseconds !== undefined) budget.milliseconds = options.budget.milliseconds;
  const merged: SuggestOptions = {
    ...defaultOptions,
    ...options,
    budget:
      budget.iterations === undefined && budget.milliseconds === undefined
        ? { ...defaultOptions.budget }
        : budget,
  };
  const { top, seed, exactLimit } = merged;
  if (!Number.isInteger(top) || top < 1 || top > 100)
    throw new RangeError(`top must be an integer 1–100 (got ${top})`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed})`);
  if (!(exactLimit >= 0)) throw new RangeError(`exactLimit must be ≥ 0 (got ${exactLimit})`);
  for (const [name, value] of Object.entries(merged.budget))
    if (!(typeof value === "number" && value > 0 && Number.isFinite(value)))
      throw new RangeError(`budget.${name} must be a positive number (got ${value})`);
  return merged;
}

/**
 * The top-M distinct feasible teams that fill the problem's vacancies, best first.
 * Deterministic for a seed and an iteration budget; never mutates the problem.
 *
 * @example
 * ```ts
 * const outcome = suggest(
 *   { profile: defaultScoringProfile(2026), region: "R01", seats: [{ post: "county-head" }, { post: "deputy-head" }], pool },
 *   { top: 3, budget: { iterations: 20_000 } },
 * );
 * outcome.status; // "optimal"
 * outcome.suggestions.map((s) => s.memberIds); // [["M17", "M4"], ["M17", "M30"], ["M2", "M4"]]
 * ```
 */
export function suggest(problem: SuggestProblem, options: Partial<SuggestOptions> = {}): SuggestOutcome {
  const resolved = resolveOptions(options);
  return suggestIn(prepareSearch(problem), resolved);
}

/** Product of the vacancies' eligible counts: the size of the space before all-different and symmetry. */
export function spaceSize(space: SearchSpace): number {
  let size = 1;
  for (const s of space.open) size *= (space.eligible[s] as Int32Array).length;
  return size;
}

/** What every search starts with: the options, the checks for infeasibility, the pool and the starts. */
function begin(space: SearchSpace, options: Partial<SuggestOptions>) {
  const { top, seed, budget, clock } = resolveOptions(options);
  const reasons = infeasibility(space);
  const meter = new Meter(budget, clock);
  const elite = new Elite(space, top);
  const lists = shortLists(space);
  const starts = reasons.length > 0 ? [] : startTeams(space, lists, elite);
  for (const start of starts) {
    const b = space.evaluator.evaluate(start);
    elite.offer(start, b.score, b.feasible);
  }
  return { reasons, meter, elite, lists, starts, rng: createRng(seed) };
}

function listed(space: SearchSpace, elite: Elite): Suggestion[] {
  return elite.entries.map((e, i) => ({
    rank: i + 1,
    score: e.score,
    assignment: Int32Array.from(e.team),
    memberIds: Array.from(e.team, (c) => space.prep.problem.candidates[c]?.id as string),
    breakdown: { ...e.breakdown },
  }));
}

/**
 * The heuristic alone (starts, annealing until it stalls or the budget ends, closing the elite's
 * neighbourhoods), without branch and bound: `status` is "budget" (or "infeasible") and `bound` the
 * root bound. For comparisons (tests, bench); `suggest` is what callers want.
 */
export function heuristicIn(space: SearchSpace, options: Partial<SuggestOptions> = {}): SuggestOutcome {
  const { reasons, meter, elite, lists, starts, rng } = begin(space, options);
  if (reasons.length > 0)
    return { status: "infeasible", method: "exact", suggestions: [], evaluated: 0, reasons };
  finish(anneal(space, elite, meter, rng, lists, starts, 1));
  finish(polish(space, elite, meter, lists, 1));
  return {
    status: "budget",
    method: "heuristic",
    suggestions: listed(space, elite),
    evaluated: meter.used,
    bound: rootBound(space),
  };
}

/** `suggest` over a space already built by `prepareSearch` (to share it with `compareSuggestions`). */
export function suggestIn(space: SearchSpace, options: Partial<SuggestOptions> = {}): SuggestOutcome {
  return finish(suggestSteps(space, options));
}

/**
 * `suggestIn` in slices: a generator that yields every `PULSE` iterations (`meter.ts`) and returns
 * the outcome, so that a caller that must not block (a job on a server's event loop) can give the
 * event loop a turn between slices. What it returns does not depend on when it is resumed.
 *
 * @example
 * ```ts
 * const steps = suggestSteps(space, { top: 5, budget: { iterations: 5_000_000 } });
 * let step = steps.next();
 * for (; !step.done; step = steps.next()) await nextTurn();
 * step.value.status; // "optimal"
 * ```
 */
export function* suggestSteps(
  space: SearchSpace,
  options: Partial<SuggestOptions> = {},
): Steps<SuggestOutcome> {
  const { exactLimit } = resolveOptions(options);
  const { reasons, meter, elite, lists, starts, rng } = begin(space, options);
  if (reasons.length > 0)
    return { status: "infeasible", method: "exact", suggestions: [], evaluated: 0, reasons };
  if (starts.length > 0) {
    if (spaceSize(space) > exactLimit) {
      yield* anneal(space, elite, meter, rng, lists, starts, PHASES.anneal);
      yield* intensify(space, elite, meter, starts, PHASES.pairs);
      // Branch and bound for the best team alone — first over short lists, then over all — its
      // finds also offered to the top-M pool.
      const narrow = restrictedSpace(space, shortLists(space, NARROW_LIST));
      yield* branchAndBoundSteps(narrow, bestOf(narrow, elite), meter, { until: PHASES.narrow, also: elite });
      yield* branchAndBoundSteps(space, bestOf(space, elite), meter, { until: PHASES.probe, also: elite });
      yield* polish(space, elite, meter, lists, PHASES.polish);
    } else yield* polish(space, elite, meter, lists, QUICK_SHARE);
  }
  const exact = yield* branchAndBoundSteps(space, elite, meter);
  const suggestions = listed(space, elite);
  const unlisted = Math.max(exact.prunedBound, elite.bestRejected);
  if (exact.complete) {
    if (suggestions.length === 0)
      return {
        status: "infeasible",
        method: "exact",
        suggestions,
        evaluated: meter.used,
        reasons: [
          {
            rule: "combination",
            memberIds: [],
            message: {
              zh: "穷尽搜索证明：没有任何配备方案能同时满足全部刚性规定（如亲属回避、本地干部比例与岗位资格的组合）",
              en: "Exhaustive search proves that no assignment meets all hard rules at once (e.g. kin avoidance, the local share and post eligibility together)",
            },
          },
        ],
      };
    return {
      status: "optimal",
      method: "exact",
      suggestions,
      evaluated: meter.used,
      ...(Number.isFinite(unlisted) ? { bound: unlisted } : {}),
    };
  }
  const bound = Math.max(unlisted, exact.remainingBound);
  return {
    status: "budget",
    method: "heuristic",
    suggestions,
    evaluated: meter.used,
    ...(Number.isFinite(bound) ? { bound } : {}),
    ...(suggestions.length === 0
      ? {
          reasons: [
            {
              rule: "combination" as const,
              memberIds: [],
              message: {
                zh: "在给定的计算预算内未找到满足全部刚性规定的方案；可增加预算后重试",
                en: "No assignment meeting all hard rules was found within the budget; try again with a larger budget",
              },
            },
          ],
        }
      : {}),
  };
}
