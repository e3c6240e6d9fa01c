import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FORBIDDEN, maxWeightAssignment } from "../../../scoring/search/lap";

/** Best total over all injective row → column maps (−Infinity when every map uses a forbidden pair). */
function bruteForce(n: number, m: number, w: Float64Array): number {
  let best = Number.NEGATIVE_INFINITY;
  const used = new Array<boolean>(m).fill(false);
  const visit = (r: number, total: number) => {
    if (r === n) {
      best = Math.max(best, total);
      return;
    }
    for (let c = 0; c < m; c++) {
      if (used[c]) continue;
      used[c] = true;
      visit(r + 1, total + (w[r * m + c] as number));
      used[c] = false;
    }
  };
  visit(0, 0);
  return best;
}

describe("maximum-weight rectangular assignment", () => {
  it("matches the example in its documentation", () => {
    const result = maxWeightAssignment(2, 3, Float64Array.of(0.9, 0.8, 0.1, 0.85, 0.2, 0.3));
    expect(Array.from(result.columns)).toEqual([1, 0]);
    expect(result.total).toBeCloseTo(1.65, 12);
  });

  it("equals brute force, forbidden pairs included (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.integer({ min: n, max: 7 }).chain((m) =>
              fc.tuple(
                fc.constant(m),
                fc.array(fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constant(FORBIDDEN)), {
                  minLength: n * m,
                  maxLength: n * m,
                }),
              ),
            ),
          ),
        ),
        ([n, [m, values]]) => {
          const w = Float64Array.from(values);
          const result = maxWeightAssignment(n, m, w);
          const expected = bruteForce(n, m, w);
          if (expected === Number.NEGATIVE_INFINITY) expect(result.total).toBe(Number.NEGATIVE_INFINITY);
          else expect(result.total).toBeCloseTo(expected, 9);
          expect(new Set(result.columns).size).toBe(n);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it("rejects more rows than columns", () => {
    expect(() => maxWeightAssignment(3, 2, new Float64Array(6))).toThrow(RangeError);
  });
});
