import { describe, expect, it } from "vitest";
import { createRng } from "../../../scoring/random";
import { Bounder } from "../../../scoring/search/bound";
import { rootBound, seatOrder } from "../../../scoring/search/exact";
import { Partial } from "../../../scoring/search/partial";
import { prepareSearch, type SearchSpace } from "../../../scoring/search/space";
import { enumerate, instance, PROFILE_VARIANTS, vacancies } from "./helpers";

/** The best feasible completion of `team` over the seats `rest`, by brute force (−Infinity if none). */
function bestCompletion(space: SearchSpace, team: Int32Array, rest: readonly number[]): number {
  const used = new Set(Array.from(team).filter((c) => c >= 0));
  let best = Number.NEGATIVE_INFINITY;
  const visit = (k: number) => {
    if (k === rest.length) {
      const b = space.evaluator.evaluate(team);
      if (b.feasible) best = Math.max(best, b.score);
      return;
    }
    const s = rest[k] as number;
    for (const c of space.eligible[s] as Int32Array) {
      if (used.has(c)) continue;
      used.add(c);
      team[s] = c;
      visit(k + 1);
      team[s] = -1;
      used.delete(c);
    }
  };
  visit(0);
  return best;
}

describe("the branch-and-bound bound is admissible", () => {
  const cases = [
    ...Array.from({ length: 12 }, (_, i) => ["default profile", i + 1] as const),
    ...PROFILE_VARIANTS.flatMap(([name]) => [13, 14, 15, 16].map((seed) => [name, seed] as const)),
  ];
  it.each(cases)("never below the best completion (%s, seed %i)", (name, seed) => {
    const base = instance(seed + 100, vacancies(seed + 100, 5), 9);
    const change = PROFILE_VARIANTS.find(([n]) => n === name)?.[1];
    const problem = change ? { ...base, profile: change(base.profile) } : base;
    const space = prepareSearch(problem);
    const order = seatOrder(space);
    const bounder = new Bounder(space);
    const table = new Float64Array(bounder.linear.size);
    const kinds = new Int32Array(3);
    const rng = createRng(seed);
    const best = enumerate(problem, 1)[0]?.score ?? Number.NEGATIVE_INFINITY;
    expect(rootBound(space) + 1e-9).toBeGreaterThanOrEqual(best);
    for (let trial = 0; trial < 25; trial++) {
      const partial = new Partial(space);
      const depth = rng.int(order.length + 1);
      let level = 0;
      for (; level < depth; level++) {
        const s = order[level] as number;
        const free = Array.from(space.eligible[s] as Int32Array).filter((c) => partial.blocked[c] === 0);
        if (free.length === 0) break;
        // What exact.ts bounds a child with, before and after placing it.
        const rest = order.subarray(level + 1);
        const needs = bounder.linear.needs(partial, rest.length + 1, { R: 0, Q: 0, L: 0 });
        const ok = bounder.linear.table(partial, rest, needs, table);
        const nonLinear = bounder.nonLinear(partial, order.subarray(level));
        const c = free[rng.int(free.length)] as number;
        bounder.linear.kinds(c, s, needs, kinds);
        const restLinear = bounder.linear.combine(
          table,
          needs,
          kinds[0] as number,
          kinds[1] as number,
          kinds[2] as number,
        );
        const value = space.lin[c * space.nSeats + s] as number;
        const envelope = partial.fixedLin + nonLinear + bounder.linear.combine(table, needs, 1, 1, 1) + value;
        partial.assign(s, c);
        const truth = bestCompletion(space, Int32Array.from(partial.team), Array.from(rest));
        if (truth === Number.NEGATIVE_INFINITY) continue;
        expect(ok).toBe(true);
        const child = partial.fixedLin + restLinear + bounder.nonLinear(partial, rest, needs.L === 0);
        expect(Math.max(0, child) + 1e-9).toBeGreaterThanOrEqual(truth);
        expect(Math.max(0, envelope) + 1e-9).toBeGreaterThanOrEqual(truth);
        expect(bounder.total(partial, rest) + 1e-9).toBeGreaterThanOrEqual(truth);
      }
    }
  });
});
