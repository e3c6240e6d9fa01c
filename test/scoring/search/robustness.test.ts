import { describe, expect, it } from "vitest";
import { robustness } from "../../../scoring/search/robustness";
import { suggest } from "../../../scoring/search/suggest";
import { instance, vacancies } from "./helpers";

describe("robustness under sten measurement error", () => {
  const problem = instance(14, vacancies(14, 4), 14);
  const { suggestions } = suggest(problem, { top: 4 });

  it("is deterministic for a seed", () => {
    const a = robustness(problem, suggestions, { samples: 20, seed: 5 });
    const b = robustness(problem, suggestions, { samples: 20, seed: 5 });
    expect(b).toEqual(a);
    expect(robustness(problem, suggestions, { samples: 20, seed: 6 })).not.toEqual(a);
  });

  it("gives shares in [0, 1] for every suggestion, in rank order", () => {
    const result = robustness(problem, suggestions, { samples: 30, seed: 1 });
    expect(result.samples).toBe(30);
    expect(result.compared).toBeGreaterThan(suggestions.length);
    expect(result.suggestions.map((s) => s.memberIds)).toEqual(suggestions.map((s) => s.memberIds));
    for (const s of result.suggestions) {
      expect(s.stayShare).toBeGreaterThanOrEqual(0);
      expect(s.stayShare).toBeLessThanOrEqual(1);
      expect(s.firstShare).toBeLessThanOrEqual(s.stayShare);
      expect(s.meanRank).toBeGreaterThanOrEqual(1);
      expect(s.sdScore).toBeGreaterThanOrEqual(0);
    }
    expect(result.suggestions.reduce((sum, s) => sum + s.firstShare, 0)).toBeLessThanOrEqual(1 + 1e-12);
  });

  it("keeps an optimal ranking exactly when there is no measurement error", () => {
    const result = robustness(problem, suggestions, { samples: 3, sd: 0 });
    result.suggestions.forEach((s, i) => {
      expect(s.stayShare).toBe(1);
      expect(s.meanRank).toBe(i + 1);
      expect(s.sdScore).toBeCloseTo(0, 12);
      expect(s.meanScore).toBeCloseTo(suggestions[i]?.score as number, 12);
    });
    expect(result.suggestions[0]?.firstShare).toBe(1);
  });

  it("handles no suggestions and rejects bad options", () => {
    expect(robustness(problem, []).suggestions).toEqual([]);
    expect(() => robustness(problem, suggestions, { samples: 0 })).toThrow(RangeError);
    expect(() => robustness(problem, [{ memberIds: ["nobody"] }])).toThrow(RangeError);
  });
});
