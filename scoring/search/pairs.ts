/**
 * Intensification by exact re-optimisation of two seats at a time (a large-neighbourhood search
 * whose neighbourhoods are solved exactly): with every other seat of a team held, branch and bound
 * (`exact.ts`) finds the best members for the two seats over the space's eligible lists (`suggest.ts`
 * passes short lists), with the team's score as the threshold to beat; the team moves to any better team found, until no pair of
 * seats can be improved. This reaches the teams that need two seats changed at once — typically
 * where a hard count (R10's locals) or a soft step (R11's share of moves) makes each change alone a
 * loss — which single replacements and swaps, and annealing at its low temperatures, do not.
 *
 * Large-neighbourhood search: Shaw, "Using constraint programming and local search methods to solve
 * vehicle routing problems", CP 1998, LNCS 1520:417–431 (destroy a few variables, re-optimise them
 * exactly); here the destroyed set runs over every pair of vacancies, as in variable-neighbourhood
 * descent (Mladenović & Hansen, Computers & Operations Research 24(11):1097–1100, 1997).
 */
import { Bounder } from "./bound";
import { Elite } from "./elite";
import { branchAndBoundSteps } from "./exact";
import { finish, type Meter, type Steps } from "./meter";
import type { SearchSpace } from "./space";

/**
 * Iterations charged for setting up one two-seat search (its partial team and bounds), so that an
 * iteration budget stays roughly proportional to time also when most pairs are pruned at once.
 */
const SETUP = 32;

/**
 * The space with only seats `free` open; `base` is its own, to be filled with a team's members
 * (`hold`) before each search. Only open seats are read from the eligible lists, which stay the
 * full space's.
 */
function around(space: SearchSpace, free: Int32Array): SearchSpace & { base: Int32Array } {
  const isFree = (s: number) => free.includes(s);
  return {
    ...space,
    base: Int32Array.from(space.base),
    open: free,
    twins: space.twins.map((t, s) => (isFree(s) ? t.filter(isFree) : t.subarray(0, 0))),
  };
}

/** Holds every seat of `team` but the open ones of `sub` (in place). */
function hold(sub: SearchSpace & { base: Int32Array }, team: Int32Array): SearchSpace {
  sub.base.set(team);
  for (const s of sub.open) sub.base[s] = -1;
  return sub;
}

/**
 * Descends from `team` (complete, feasible, scoring `score`) by exact two-seat re-optimisation until
 * no pair of vacancies improves it or the meter's share `until` is reached. Each team it moves to
 * is offered to `elite` too (not every team its searches evaluate: offering those costs more than
 * they bring; the runners-up are the later phases' work). Returns the team reached (canonical
 * form) and its score, and whether the descent finished (a local optimum for every pair).
 */
export function pairDescent(
  space: SearchSpace,
  elite: Elite,
  meter: Meter,
  team: Int32Array,
  score: number,
  until: number,
): Descent {
  return finish(pairDescentSteps(space, elite, meter, team, score, until));
}

/** Where a descent ended (see `pairDescent`). */
export interface Descent {
  team: Int32Array;
  score: number;
  finished: boolean;
}

/** `pairDescent` in slices: yields every `PULSE` iterations (`meter.ts`). */
export function* pairDescentSteps(
  space: SearchSpace,
  elite: Elite,
  meter: Meter,
  team: Int32Array,
  score: number,
  until: number,
): Steps<Descent> {
  const best = new Elite(space, 1);
  const bounder = new Bounder(space);
  best.offer(team, score, true);
  const open = space.open;
  const pairs: (SearchSpace & { base: Int32Array })[] = [];
  for (let i = 0; i < open.length; i++)
    for (let j = i + 1; j < open.length; j++)
      pairs.push(around(space, Int32Array.of(open[i] as number, open[j] as number)));
  // Pairs checked since the last improvement: a full round of them is a local optimum.
  let quiet = 0;
  for (let k = 0; quiet < pairs.length; k = (k + 1) % pairs.length) {
    if (meter.exhausted || meter.spent >= until) break;
    const incumbent = best.entries[0];
    if (!incumbent) break;
    const before = incumbent.score;
    if (meter.tick(SETUP)) break;
    const sub = hold(pairs[k] as SearchSpace & { base: Int32Array }, incumbent.team);
    yield* branchAndBoundSteps(sub, best, meter, { until, bounder });
    const after = best.entries[0];
    if (after && after.score > before + 1e-12) {
      quiet = 0;
      elite.offer(after.team, after.score, true);
    } else quiet++;
  }
  const reached = best.entries[0];
  return {
    team: reached ? Int32Array.from(reached.team) : Int32Array.from(team),
    score: reached?.score ?? score,
    finished: quiet >= pairs.length,
  };
}
