import { describe, expect, it } from "vitest";
import { Elite } from "../../../scoring/search/elite";
import { Meter } from "../../../scoring/search/meter";
import { pairDescent } from "../../../scoring/search/pairs";
import { prepareSearch } from "../../../scoring/search/space";
import { suggestIn } from "../../../scoring/search/suggest";
import type { SuggestProblem } from "../../../scoring/search/types";
import { NINE_POSTS, randomPool } from "../fixtures";
import { enumerate, instance, profile, REGION } from "./helpers";

/** 9 vacancies × 1,000 candidates, as in the benchmark's case (a). */
const nineFromThousand = (seed: number): SuggestProblem => ({
  profile,
  region: REGION,
  seats: NINE_POSTS.map((post) => ({ post })),
  pool: randomPool(seed, 1000),
});

describe("the search against the proven optimum (9 vacancies × 1,000 candidates, top-10)", () => {
  // Before the two-seat descent, #1 missed the proven optimum on these seeds at 60,000 iterations
  // (seed of the search = seed of the instance; gaps 0.0004–0.009).
  // With the monotone person–post fit (issue 14) seed 4 is no longer solved at this budget: see
  // the next test.
  it.each([11, 14, 29])("#1 is the proven optimum at 60,000 iterations (seed %i)", (seed) => {
    const space = prepareSearch(nineFromThousand(seed));
    const exact = suggestIn(space, { top: 1, budget: { iterations: 5_000_000 } });
    expect(exact.status).toBe("optimal");
    const found = suggestIn(space, { top: 10, seed, budget: { iterations: 60_000 } });
    expect(found.status).toBe("budget");
    expect(found.suggestions[0]?.memberIds).toEqual(exact.suggestions[0]?.memberIds);
    expect(found.suggestions[0]?.score).toBe(exact.suggestions[0]?.score);
  });

  it("#1 is within 0.0025 of the proven optimum at 60,000 iterations (seed 4, a harder landscape since the monotone fit)", () => {
    // Measured when the fit changed: a gap of 0.0021 at 60,000 iterations (0.0012 at 120,000).
    const space = prepareSearch(nineFromThousand(4));
    const exact = suggestIn(space, { top: 1, budget: { iterations: 5_000_000 } });
    expect(exact.status).toBe("optimal");
    const found = suggestIn(space, { top: 10, seed: 4, budget: { iterations: 60_000 } });
    const best = exact.suggestions[0]?.score as number;
    expect(found.suggestions[0]?.score).toBeLessThanOrEqual(best);
    expect(found.suggestions[0]?.score).toBeGreaterThan(best - 0.0025);
  });
});

describe("two-seat descent", () => {
  it("ends in a team that no change of two seats improves (checked by enumeration)", () => {
    // 2 vacancies × 40 candidates: the descent over them is the whole space, so it must end at
    // the enumerated optimum; from a poor start (the worst feasible team).
    const problem = instance(5, [3, 6], 40);
    const space = prepareSearch(problem);
    const all = enumerate(problem, 10_000);
    const worst = all.at(-1);
    const best = all[0];
    if (!worst || !best) throw new Error("no feasible team");
    const team = Int32Array.from(worst.memberIds, (id) =>
      space.prep.problem.candidates.findIndex((m) => m.id === id),
    );
    const elite = new Elite(space, 3);
    const reached = pairDescent(space, elite, new Meter({ iterations: 1_000_000 }), team, worst.score, 1);
    expect(reached.finished).toBe(true);
    expect(reached.score).toBeCloseTo(best.score, 12);
    expect(Array.from(reached.team, (c) => space.prep.problem.candidates[c]?.id)).toEqual(best.memberIds);
    // The teams it moved to went to the pool too: the pool's best is the optimum.
    expect(elite.entries[0]?.score).toBeCloseTo(best.score, 12);
  });

  it("stops at its share of the budget and keeps what it had", () => {
    const problem = instance(8, [0, 2, 4, 5, 7], 120);
    const space = prepareSearch(problem);
    const start = suggestIn(space, { top: 1, seed: 2, budget: { iterations: 300 } }).suggestions[0];
    if (!start) throw new Error("no start");
    const meter = new Meter({ iterations: 1000 });
    const reached = pairDescent(space, new Elite(space, 1), meter, start.assignment, start.score, 0.5);
    expect(meter.used).toBeLessThan(600);
    expect(reached.score).toBeGreaterThanOrEqual(start.score);
    expect(space.evaluator.evaluate(reached.team).score).toBeCloseTo(reached.score, 12);
  });
});
