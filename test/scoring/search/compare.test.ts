import { describe, expect, it } from "vitest";
import { compareSuggestions } from "../../../scoring/search/compare";
import { prepareSearch } from "../../../scoring/search/space";
import { suggestIn } from "../../../scoring/search/suggest";
import { instance, vacancies } from "./helpers";

describe("why #1 beats #2", () => {
  it.each([2, 4, 6, 12])("explains the score difference by components and seats (seed %i)", (seed) => {
    const space = prepareSearch(instance(seed, vacancies(seed, 4), 12));
    const { suggestions } = suggestIn(space, { top: 2 });
    const [a, b] = suggestions;
    if (!a || !b) throw new Error("fixture has fewer than two suggestions");
    const comparison = compareSuggestions(a, b, space.prep);
    expect(comparison.scoreDelta).toBeCloseTo(a.score - b.score, 12);
    if (b.score > 0) {
      const sum = comparison.components.reduce((acc, c) => acc + c.contribution, 0);
      expect(sum).toBeCloseTo(comparison.scoreDelta, 12);
    }
    // Largest contribution first.
    for (let i = 1; i < comparison.components.length; i++)
      expect(Math.abs(comparison.components[i]?.contribution as number)).toBeLessThanOrEqual(
        Math.abs(comparison.components[i - 1]?.contribution as number),
      );
    const differing = a.memberIds.flatMap((id, s) => (id !== b.memberIds[s] ? [s] : []));
    expect(comparison.seats.map((d) => d.seat)).toEqual(differing);
    for (const d of comparison.seats) {
      expect(d.a.memberId).toBe(a.memberIds[d.seat]);
      expect(d.b.memberId).toBe(b.memberIds[d.seat]);
      expect(comparison.summary.zh).toContain(d.a.memberId);
      expect(comparison.summary.en).toContain(d.b.memberId);
      expect(d.a.fit).toBeGreaterThan(0);
    }
    expect(comparison.summary.zh).toMatch(/^方案 1 比方案 2 高/);
    expect(comparison.summary.en).toMatch(/^#1 scores .* more than #2/);
  });
});
