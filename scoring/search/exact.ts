/**
 * Branch and bound over the vacancies: depth-first, one vacancy per level (`seatOrder`), pruning a
 * subtree when its admissible bound (`bound.ts`) falls below the M-th best score found so far
 * (the elite pool's threshold; a 1e-9 margin covers rounding, so ties are still explored and
 * broken by ids exactly as enumeration would).
 *
 * At each node the linear bound of the vacancies below is tabulated once (`linear-bound.ts`).
 * Its children — the branching seat's eligible candidates, best `lin` first — are weighed in two
 * steps: an ENVELOPE that differs between children only by lin(c, s) (most favourable kinds, the
 * node's non-linear bound) ends the scan at the first child below the threshold, since all later
 * ones are lower still; each child that passes gets its own bound (its kinds combined with the
 * table). The survivors are then visited best bound first, which finds good teams early and raises
 * the threshold for the rest; on placing one, its own non-linear parts tighten the bound again.
 * With no pruning this is plain enumeration, which is why the same code serves small spaces.
 *
 * Vacancies of the same post are interchangeable: only assignments with their members in id order
 * are enumerated (the canonical forms of `elite.ts`).
 */

import { emptyBreakdown } from "../evaluate";
import { Bounder } from "./bound";
import type { Elite } from "./elite";
import type { Needs } from "./linear-bound";
import { finish, type Meter, type Steps } from "./meter";
import { Partial } from "./partial";
import type { SearchSpace } from "./space";

/** Rounding margin: prune only when the bound is below the threshold by more than this. */
const EPSILON = 1e-9;

export interface ExactResult {
  /** True when the whole space was searched: the elite pool is then the proven top-M. */
  complete: boolean;
  /** Largest bound of a pruned subtree (every team in it scores at most this). */
  prunedBound: number;
  /** When stopped by the budget: an upper bound on every team not yet seen. */
  remainingBound: number;
}

/**
 * Branching order: the leading pair first (its score is then exact below), then the seats whose
 * choice matters most — the largest regret, i.e. the drop from the best candidate to the 10th plus,
 * under R10, the drop from the best candidate to the best local. Deciding those early tightens the
 * bound where it is loosest (measured: about a third of the nodes of fewest-candidates-first on
 * 9 vacancies × 1,000 candidates).
 */
export function seatOrder(space: SearchSpace): Int32Array {
  const { eligible, eligibleLocal, lin, nSeats, localsNeeded } = space;
  const leading = new Set(space.prep.leadingSeats ?? []);
  const value = (c: number | undefined, s: number) => (c === undefined ? 0 : (lin[c * nSeats + s] as number));
  const regret = (s: number) => {
    const list = eligible[s] as Int32Array;
    const locals = eligibleLocal[s] as Int32Array;
    const spread = value(list[0], s) - value(list[Math.min(10, list.length - 1)], s);
    const localLoss = localsNeeded > 0 && locals.length > 0 ? value(list[0], s) - value(locals[0], s) : 0;
    return spread + localLoss;
  };
  const regrets = Float64Array.from({ length: nSeats }, (_, s) => (space.base[s] === -1 ? regret(s) : 0));
  return Int32Array.from(
    [...space.open].sort(
      (a, b) =>
        Number(leading.has(b)) - Number(leading.has(a)) ||
        (regrets[b] as number) - (regrets[a] as number) ||
        a - b,
    ),
  );
}

/** An upper bound on every completion of the locked seats (the root of the search). */
export function rootBound(space: SearchSpace): number {
  return Math.max(0, new Bounder(space).total(new Partial(space), space.open));
}

/** Per level: the children that passed their bounds, to be visited best bound first. */
interface Children {
  candidate: Int32Array;
  bound: Float64Array;
  /** The linear bound of the seats below, given this child. */
  rest: Float64Array;
  order: Int32Array;
}

/** Options of one run. */
export interface BranchOptions {
  /** Stop once the meter's spent share reaches this (the result is then incomplete). */
  until?: number;
  /** A second pool that is offered every complete team too. */
  also?: Elite;
  /**
   * A `Bounder` built for a space with the same preparation and eligible lists whose open seats
   * include this one's (its potential is then over a superset of candidates: still admissible).
   * Lets many small runs (`pairs.ts`) share one instead of building one each.
   */
  bounder?: Bounder;
}

/** Runs branch and bound, feeding every complete team it evaluates to `elite`. */
export function branchAndBound(
  space: SearchSpace,
  elite: Elite,
  meter: Meter,
  options: BranchOptions = {},
): ExactResult {
  return finish(branchAndBoundSteps(space, elite, meter, options));
}

/**
 * `branchAndBound` as a generator that yields every `PULSE` iterations (see `meter.ts`), so that a
 * caller may give the event loop a turn; the search does not depend on when it is resumed.
 */
export function* branchAndBoundSteps(
  space: SearchSpace,
  elite: Elite,
  meter: Meter,
  { until = 1, also, bounder = new Bounder(space) }: BranchOptions = {},
): Steps<ExactResult> {
  const tick = () => meter.tick() || meter.spent >= until;
  const order = seatOrder(space);
  const partial = new Partial(space);
  const linear = bounder.linear;
  const tables = Array.from(order, () => new Float64Array(linear.size));
  const needsAt: Needs[] = Array.from(order, () => ({ R: 0, Q: 0, L: 0 }));
  const kinds = new Int32Array(3);
  const leaf = emptyBreakdown();
  const children: Children[] = Array.from(order, (s) => {
    const size = (space.eligible[s] as Int32Array).length;
    return {
      candidate: new Int32Array(size),
      bound: new Float64Array(size),
      rest: new Float64Array(size),
      order: new Int32Array(size),
    };
  });
  const { lin, nSeats, eligible, idRank } = space;
  const team = partial.team;
  const blocked = partial.blocked;
  const twins = space.twins;
  const rests = Array.from(order, (_, i) => order.subarray(i + 1));
  let prunedBound = Number.NEGATIVE_INFINITY;
  let remainingBound = Number.NEGATIVE_INFINITY;
  let aborted = false;

  const canonicalWith = (s: number, c: number): boolean => {
    for (const t of twins[s] as Int32Array) {
      const other = team[t] as number;
      if (other < 0) continue;
      if (
        t < s
          ? (idRank[other] as number) > (idRank[c] as number)
          : (idRank[c] as number) > (idRank[other] as number)
      )
        return false;
    }
    return true;
  };

  const pulse = meter.pulse();
  function* visit(level: number, parentBound: number): Steps<void> {
    if (level === order.length) {
      const b = space.evaluator.evaluate(team, leaf);
      elite.offer(team, b.score, b.feasible);
      also?.offer(team, b.score, b.feasible);
      if (tick()) aborted = true;
      else if (meter.used >= pulse.next) yield* pulse.yield();
      return;
    }
    const s = order[level] as number;
    const rest = rests[level] as Int32Array;
    const needs = linear.needs(partial, rest.length + 1, needsAt[level] as Needs);
    const table = tables[level] as Float64Array;
    if (!linear.table(partial, rest, needs, table)) return;
    const nonLinear = bounder.nonLinear(partial, order.subarray(level));
    if (nonLinear === Number.NEGATIVE_INFINITY) return;
    const fixed = partial.fixedLin;
    // Children come in decreasing lin; with the most favourable kinds this bounds them all.
    const envelope = fixed + nonLinear + linear.combine(table, needs, 1, 1, 1);
    const kids = children[level] as Children;
    let count = 0;
    for (const c of eligible[s] as Int32Array) {
      if ((blocked[c] as number) > 0 || !canonicalWith(s, c)) continue;
      const value = lin[c * nSeats + s] as number;
      const loose = Math.max(0, Math.min(parentBound, envelope + value));
      if (loose + EPSILON < elite.threshold()) {
        prunedBound = Math.max(prunedBound, loose);
        break;
      }
      if (tick()) {
        aborted = true;
        remainingBound = Math.max(remainingBound, parentBound);
        return;
      }
      linear.kinds(c, s, needs, kinds);
      const restLinear = linear.combine(
        table,
        needs,
        kinds[0] as number,
        kinds[1] as number,
        kinds[2] as number,
      );
      if (restLinear === Number.NEGATIVE_INFINITY) continue;
      const bound = Math.max(0, Math.min(parentBound, fixed + value + restLinear + nonLinear));
      if (bound + EPSILON < elite.threshold()) {
        prunedBound = Math.max(prunedBound, bound);
        continue;
      }
      kids.candidate[count] = c;
      kids.bound[count] = bound;
      kids.rest[count] = restLinear;
      kids.order[count] = count;
      count++;
    }
    // Best bound first: good teams are found early, which raises the threshold for the rest.
    const sorted = kids.order
      .subarray(0, count)
      .sort((x, y) => (kids.bound[y] as number) - (kids.bound[x] as number) || x - y);
    for (let i = 0; i < count; i++) {
      const k = sorted[i] as number;
      const bound = kids.bound[k] as number;
      if (bound + EPSILON < elite.threshold()) {
        // Sorted: every later child is bounded by this one.
        prunedBound = Math.max(prunedBound, bound);
        return;
      }
      const c = kids.candidate[k] as number;
      partial.assign(s, c);
      // If the node still needed a staying leader, `rest` has charged its absence already.
      const childNonLinear = bounder.nonLinear(partial, rest, needs.L === 0);
      const tight =
        childNonLinear === Number.NEGATIVE_INFINITY
          ? childNonLinear
          : Math.max(0, partial.fixedLin + (kids.rest[k] as number) + childNonLinear);
      if (tight === Number.NEGATIVE_INFINITY) {
        partial.unassign(s);
        continue;
      }
      if (tight + EPSILON < elite.threshold()) {
        prunedBound = Math.max(prunedBound, tight);
        partial.unassign(s);
        continue;
      }
      yield* visit(level + 1, tight);
      partial.unassign(s);
      if (aborted) {
        // This child's subtree is partly unexplored and the later children not at all: they are
        // sorted by bound, so this child's bound covers them all.
        remainingBound = Math.max(remainingBound, bound);
        return;
      }
    }
  }
  yield* visit(0, Math.max(0, bounder.total(partial, space.open)));
  return { complete: !aborted, prunedBound, remainingBound };
}
