import { describe, expect, it } from "vitest";
import { prepareSearch } from "../../../scoring/search/space";
import { resolveOptions, suggest, suggestIn } from "../../../scoring/search/suggest";
import type { SuggestOutcome, SuggestProblem } from "../../../scoring/search/types";
import type { Member } from "../../../scoring/types";
import { enumerate, instance, PROFILE_VARIANTS, profile, REGION, vacancies } from "./helpers";

function expectSameAsEnumeration(outcome: SuggestOutcome, problem: SuggestProblem, top: number) {
  const expected = enumerate(problem, top);
  if (expected.length === 0) {
    expect(outcome.status).toBe("infeasible");
    return;
  }
  expect(outcome.status).toBe("optimal");
  expect(outcome.suggestions.map((s) => s.memberIds)).toEqual(expected.map((e) => e.memberIds));
  outcome.suggestions.forEach((s, i) => {
    expect(Math.abs(s.score - (expected[i]?.score as number))).toBeLessThanOrEqual(1e-12);
    expect(s.rank).toBe(i + 1);
  });
}

describe("suggest equals exhaustive enumeration on small instances", () => {
  const cases = Array.from({ length: 16 }, (_, i) => i + 1).flatMap((seed) =>
    [1, 3, 10].map((top) => [seed, top] as const),
  );
  it.each(cases)("seed %i, top %i (4 vacancies × 10 candidates)", (seed, top) => {
    const problem = instance(seed, vacancies(seed, 4), 10);
    expectSameAsEnumeration(suggest(problem, { top, seed }), problem, top);
  });

  it.each([21, 22, 23, 24])("heuristic first, then branch and bound (seed %i, exactLimit 0)", (seed) => {
    const problem = instance(seed, vacancies(seed, 4), 11);
    expectSameAsEnumeration(suggest(problem, { top: 5, seed, exactLimit: 0 }), problem, 5);
  });

  it.each([31, 32, 33])("3 vacancies × 14 candidates incl. the leading pair (seed %i)", (seed) => {
    const problem = instance(seed, [0, 1, 8], 14);
    expectSameAsEnumeration(suggest(problem, { top: 8, seed }), problem, 8);
  });

  const variants = PROFILE_VARIANTS;
  const variantCases = variants.flatMap(([name, change]) =>
    [61, 62, 63, 64].map((seed) => [name, seed, change] as const),
  );
  it.each(variantCases)("with %s (seed %i)", (_, seed, change) => {
    const base = instance(seed, vacancies(seed, 4), 11);
    const problem = { ...base, profile: change(base.profile) };
    expectSameAsEnumeration(suggest(problem, { top: 6, seed }), problem, 6);
  });

  it("breaks ties by member ids (teams that all score 0)", () => {
    const problem = instance(1, vacancies(1, 4), 10);
    const expected = enumerate(problem, 10);
    expect(expected[9]?.score).toBe(0);
    expectSameAsEnumeration(suggest(problem, { top: 10 }), problem, 10);
  });
});

describe("status and bound", () => {
  it.each([1, 2, 3, 4, 5, 6])(
    "reports optimal only when equal to enumeration; bounds what is unlisted (seed %i)",
    (seed) => {
      const problem = instance(seed + 40, vacancies(seed + 40, 4), 12);
      const all = enumerate(problem, 1e9);
      for (const iterations of [60, 300, 1500, 8000]) {
        const outcome = suggest(problem, { top: 4, seed, budget: { iterations } });
        if (all.length === 0) {
          expect(outcome.suggestions).toEqual([]);
          continue;
        }
        if (outcome.status === "optimal") expectSameAsEnumeration(outcome, problem, 4);
        else expect(outcome.status).toBe("budget");
        const listed = new Set(outcome.suggestions.map((s) => s.memberIds.join()));
        const bestUnlisted = all.find((e) => !listed.has(e.memberIds.join()));
        if (bestUnlisted && outcome.bound !== undefined)
          expect(outcome.bound).toBeGreaterThanOrEqual(bestUnlisted.score - 1e-9);
        if (outcome.status === "optimal" && outcome.bound !== undefined)
          expect(outcome.bound).toBeLessThanOrEqual((outcome.suggestions.at(-1)?.score as number) + 1e-9);
        expect(outcome.evaluated).toBeLessThanOrEqual(iterations);
      }
    },
  );

  it.each([51, 53, 56, 58])(
    "keeps its bound above every unlisted team when the budget runs out (seed %i)",
    (seed) => {
      const problem = instance(seed, vacancies(seed, 5), 13);
      const all = enumerate(problem, 1e9);
      let budgets = 0;
      for (const iterations of [40, 150, 600, 2500]) {
        const outcome = suggest(problem, { top: 6, seed, exactLimit: 0, budget: { iterations } });
        if (outcome.status === "optimal") {
          expectSameAsEnumeration(outcome, problem, 6);
          continue;
        }
        budgets++;
        const listed = new Set(outcome.suggestions.map((s) => s.memberIds.join()));
        const bestUnlisted = all.find((e) => !listed.has(e.memberIds.join()));
        expect(outcome.bound).toBeGreaterThanOrEqual((bestUnlisted?.score as number) - 1e-9);
        outcome.suggestions.forEach((s) => {
          expect(all.some((e) => e.memberIds.join() === s.memberIds.join())).toBe(true);
        });
      }
      expect(budgets).toBeGreaterThan(0);
    },
  );

  it("says when the suggestions are heuristic", () => {
    const problem = instance(5, [2, 3, 4, 5, 6, 7, 8], 300);
    const outcome = suggest(problem, { top: 5, budget: { iterations: 3000 } });
    expect(outcome.status).toBe("budget");
    expect(outcome.method).toBe("heuristic");
    expect(outcome.bound).toBeGreaterThanOrEqual(outcome.suggestions[0]?.score as number);
    expect(outcome.suggestions).toHaveLength(5);
  });

  it("fills a team with no vacancy as it is", () => {
    const problem = instance(6, [], 5);
    const outcome = suggest(problem, { top: 3 });
    expect(outcome.status).toBe("optimal");
    expect(outcome.suggestions.map((s) => s.memberIds)).toEqual(
      enumerate(problem, 3).map((e) => e.memberIds),
    );
  });
});

describe("determinism and inputs", () => {
  it("gives identical results for the same seed and iteration budget", () => {
    const problem = instance(9, [1, 2, 3, 4, 5, 6, 7, 8], 250);
    const run = () => suggest(problem, { top: 6, seed: 42, budget: { iterations: 20_000 } });
    const a = run();
    const b = run();
    expect(a.status).toBe("budget");
    expect(b).toEqual(a);
  });

  it("never mutates the problem", () => {
    const problem = instance(10, vacancies(10, 4), 12);
    const copy = structuredClone(problem);
    suggest(problem, { top: 3 });
    expect(problem).toEqual(copy);
  });

  it("merges options over the defaults and rejects bad ones", () => {
    expect(resolveOptions({}).top).toBe(5);
    expect(resolveOptions({ budget: {} }).budget).toEqual({ iterations: 200_000 });
    expect(resolveOptions({ budget: { milliseconds: 20 } }).budget).toEqual({ milliseconds: 20 });
    for (const top of [0, 101, 2.5, Number.NaN]) expect(() => resolveOptions({ top })).toThrow(RangeError);
    expect(() => resolveOptions({ budget: { iterations: -1 } })).toThrow(RangeError);
    expect(() => resolveOptions({ seed: 1.5 })).toThrow(RangeError);
    const problem = instance(11, [7, 8], 6);
    expect(() => suggest(problem, { budget: { milliseconds: 10 } })).toThrow(/clock/);
    let now = 0;
    const outcome = suggest(problem, { budget: { milliseconds: 10 }, clock: () => (now += 1) });
    expect(outcome.suggestions.length).toBeGreaterThan(0);
  });

  it("rejects a member locked in two seats and an unknown post", () => {
    const problem = instance(12, [7, 8], 6);
    const member = problem.seats[0]?.locked as Member;
    const twice = {
      ...problem,
      seats: problem.seats.map((s, i) => (i === 1 ? { ...s, locked: member } : s)),
    };
    expect(() => suggest(twice)).toThrow(RangeError);
    expect(() => suggest({ ...problem, seats: [...problem.seats, { post: "no-such-post" }] })).toThrow(
      RangeError,
    );
  });

  it("reuses a prepared space", () => {
    const problem = instance(13, vacancies(13, 3), 9);
    const space = prepareSearch(problem);
    expect(suggestIn(space, { top: 2 })).toEqual(suggest(problem, { top: 2 }));
    expect(space.prep.nCandidates).toBe(6 + 9);
    expect(profile.version).toBe(1);
    expect(REGION).toBe("R01");
  });
});
