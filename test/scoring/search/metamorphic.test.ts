import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seatCharges } from "../../../scoring/rules";
import { scoreTeam } from "../../../scoring/score-team";
import { suggest } from "../../../scoring/search/suggest";
import type { SuggestOutcome, SuggestProblem } from "../../../scoring/search/types";
import type { Member } from "../../../scoring/types";
import { instance, profile, REGION, vacancies } from "./helpers";

const summary = (o: SuggestOutcome) => ({
  status: o.status,
  suggestions: o.suggestions.map((s) => ({ ids: s.memberIds, score: s.score })),
});

/** A member no seat will take: too few years of service (R12 is hard for every post). */
function excludedEverywhere(model: Member, id: string): Member {
  return { ...model, id, serviceYears: 0, kin: [] };
}

/** Deterministic shuffle (Fisher–Yates driven by a simple LCG). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const cases: [string, (seed: number) => SuggestProblem, { top: number; budget?: { iterations: number } }][] =
  [
    ["exact, 4 vacancies × 12", (seed) => instance(seed, vacancies(seed, 4), 12), { top: 5 }],
    [
      "heuristic, 8 vacancies × 150",
      (seed) => instance(seed, [1, 2, 3, 4, 5, 6, 7, 8], 150),
      { top: 5, budget: { iterations: 8000 } },
    ],
  ];

describe.each(cases)("metamorphic relations (%s)", (_, make, options) => {
  it.each([1, 2, 3, 4])("adding a candidate no seat can take changes nothing (seed %i)", (seed) => {
    const problem = make(seed);
    const outsider = excludedEverywhere(problem.pool[0] as Member, "ZZ-outsider");
    problem.seats.forEach((seat, s) => {
      const post = profile.posts[seat.post];
      if (post) expect(seatCharges(outsider, s, post, REGION, profile).hard).toBeGreaterThan(0);
    });
    const before = suggest(problem, { ...options, seed });
    const after = suggest({ ...problem, pool: [...problem.pool, outsider] }, { ...options, seed });
    expect(summary(after)).toEqual(summary(before));
  });

  it.each([1, 2, 3, 4])("relabelling (reordering) the candidates changes nothing (seed %i)", (seed) => {
    const problem = make(seed);
    const before = suggest(problem, { ...options, seed });
    const after = suggest({ ...problem, pool: shuffled(problem.pool, seed) }, { ...options, seed });
    expect(summary(after)).toEqual(summary(before));
  });
});

describe("excluding the #1 team's member of a seat", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "gives the best old suggestion without them, or better (seed %i)",
    (seed) => {
      const problem = instance(seed, vacancies(seed, 4), 12);
      const before = suggest(problem, { top: 10 });
      if (before.status !== "optimal") return;
      const first = before.suggestions[0];
      if (!first) return;
      const open = problem.seats.flatMap((s, i) => (s.locked ? [] : [i]));
      for (const s of open) {
        const out = first.memberIds[s] as string;
        const after = suggest({ ...problem, pool: problem.pool.filter((m) => m.id !== out) }, { top: 10 });
        const oldBest = before.suggestions.find((x) => !x.memberIds.includes(out));
        const newBest = after.suggestions[0];
        if (oldBest) expect(newBest?.score).toBeGreaterThanOrEqual(oldBest.score - 1e-12);
        if (newBest) {
          expect(newBest.memberIds).not.toContain(out);
          expect(newBest.score).toBeLessThanOrEqual(first.score + 1e-12);
        }
      }
    },
  );
});

describe("no suggestion ever breaks a hard rule", () => {
  it("holds over random instances (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 6, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 200, max: 5000 }),
        (seed, open, size, top, iterations) => {
          const problem = instance(seed, vacancies(seed, open), size);
          const outcome = suggest(problem, { top, seed, budget: { iterations } });
          const keys = new Set<string>();
          outcome.suggestions.forEach((s, i) => {
            const team = {
              region: problem.region,
              seats: problem.seats.map((seat, k) => ({
                post: seat.post,
                member: seat.locked ?? problem.pool.find((m) => m.id === s.memberIds[k]) ?? null,
              })),
            };
            problem.seats.forEach((seat, k) => {
              if (seat.locked) expect(s.memberIds[k]).toBe(seat.locked.id);
            });
            const scored = scoreTeam(team, problem.profile);
            expect(scored.feasible).toBe(true);
            expect(scored.violations.filter((v) => v.severity === "hard")).toEqual([]);
            expect(Math.abs(scored.score - s.score)).toBeLessThanOrEqual(1e-12);
            expect(team.seats.every((seat) => seat.member)).toBe(true);
            if (i > 0) expect(s.score).toBeLessThanOrEqual(outcome.suggestions[i - 1]?.score as number);
            keys.add(s.memberIds.join());
          });
          expect(keys.size).toBe(outcome.suggestions.length);
          expect(outcome.suggestions.length).toBeLessThanOrEqual(top);
        },
      ),
      { numRuns: 60, seed: 20260 },
    );
  });
});
