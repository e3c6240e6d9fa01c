import fc from "fast-check";
import { determinant, Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { FACTOR_CORRELATION } from "../../scoring/correlation";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { Evaluator } from "../../scoring/evaluate";
import { FACTORS, type FactorRecord } from "../../scoring/factors";
import { personPostFit, whiten } from "../../scoring/fit";
import type { IdealProfile } from "../../scoring/post-profiles";
import { prepare } from "../../scoring/prepare";
import { NINE_POSTS, randomPool } from "./fixtures";

const R = new Matrix(FACTOR_CORRELATION.map((row) => [...row]));
const stensArb = fc.record(
  Object.fromEntries(FACTORS.map((f) => [f, fc.integer({ min: 1, max: 10 })])) as Record<
    keyof FactorRecord,
    fc.Arbitrary<number>
  >,
);
const profile = defaultScoringProfile(2026);

/** D² = vᵀ R⁻¹ v computed independently: solve R x = v with ml-matrix's LU, then v·x. */
function independentD2(stens: FactorRecord, ideal: IdealProfile): number {
  const v = FACTORS.map((f) => {
    const r = ideal[f];
    if (!r) return 0;
    const s = stens[f];
    return s < r.min ? (r.weight * (s - r.min)) / 2 : s > r.max ? (r.weight * (s - r.max)) / 2 : 0;
  });
  const x = solve(R, Matrix.columnVector(v)).to1DArray();
  return v.reduce((sum, vi, i) => sum + vi * (x[i] as number), 0);
}

describe("person–post fit", () => {
  it("is 1 inside every range and exp(−D²/scale) with the Mahalanobis D² outside", () => {
    const ideal = profile.posts["party-secretary"]!.idealProfile;
    const inside = Object.fromEntries(FACTORS.map((f) => [f, ideal[f]!.min])) as FactorRecord;
    expect(personPostFit(inside, ideal, 12)).toMatchObject({ fit: 1, d2: 0, costliest: [] });
    fc.assert(
      fc.property(stensArb, (stens) => {
        const result = personPostFit(stens, ideal, 12);
        const d2 = independentD2(stens, ideal);
        expect(result.d2).toBeCloseTo(d2, 9);
        expect(result.fit).toBeCloseTo(Math.exp(-d2 / 12), 12);
        const shares = result.costliest.reduce((sum, c) => sum + c.share, 0);
        expect(shares).toBeCloseTo(result.d2, 9);
      }),
      { numRuns: 300 },
    );
  });

  it("counts a deviation along the correlations less than one against them (C and O correlate at −0.75)", () => {
    const ideal: IdealProfile = { C: { min: 5, max: 6, weight: 1 }, O: { min: 5, max: 6, weight: 1 } };
    const base = Object.fromEntries(FACTORS.map((f) => [f, 5])) as FactorRecord;
    const along = personPostFit({ ...base, C: 4, O: 7 }, ideal, 12).d2; // low C with high O: one pattern
    const against = personPostFit({ ...base, C: 4, O: 4 }, ideal, 12).d2; // low C with low O: unusual
    expect(along).toBeLessThan(against);
    expect(along).toBeCloseTo(independentD2({ ...base, C: 4, O: 7 }, ideal), 9);
  });

  it("whitening turns Mahalanobis distances into Euclidean ones", () => {
    fc.assert(
      fc.property(stensArb, stensArb, (a, b) => {
        const wa = whiten(a);
        const wb = whiten(b);
        const euclid = wa.reduce((sum, x, i) => sum + (x - (wb[i] as number)) ** 2, 0);
        const d = FACTORS.map((f) => (a[f] - b[f]) / 2);
        const x = solve(R, Matrix.columnVector(d)).to1DArray();
        expect(euclid).toBeCloseTo(
          d.reduce((sum, di, i) => sum + di * (x[i] as number), 0),
          9,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe("diversity", () => {
  it("is exp(log det K / n) of the members' kernel matrix", () => {
    const pool = randomPool(11, 9);
    const prep = prepare({ profile, region: "R01", seats: [...NINE_POSTS], candidates: pool });
    const b = new Evaluator(prep).evaluate(Int32Array.from(NINE_POSTS, (_, i) => i));
    const h = profile.balance.kernelBandwidth;
    const white = pool.map((m) => whiten(m.stens));
    const K = new Matrix(
      white.map((wa) =>
        white.map((wb) =>
          Math.exp(-wa.reduce((s, x, i) => s + (x - (wb[i] as number)) ** 2, 0) / (2 * h * h)),
        ),
      ),
    );
    expect(b.diversity).toBeCloseTo(determinant(K) ** (1 / 9), 9);
  });
});
