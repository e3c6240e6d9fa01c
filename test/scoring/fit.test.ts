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
/** fast-check runs per shipped post profile in the monotonicity property. */
const MONOTONE_RUNS = 5000;

/** The signed, weighted out-of-range deviation, written out again here (SD units). */
function signedDeviation(stens: FactorRecord, ideal: IdealProfile): number[] {
  return FACTORS.map((f) => {
    const r = ideal[f];
    if (!r) return 0;
    const s = stens[f];
    return s < r.min ? (r.weight * (s - r.min)) / 2 : s > r.max ? (r.weight * (s - r.max)) / 2 : 0;
  });
}

/**
 * D² computed independently, by brute force over the dual: with S the out-of-range factors,
 * u = |v| and Σ = sign-adjusted R over S, D² = max over subsets A of S whose λ_A = Σ_AA⁻¹u_A is
 * ≥ 0 of u_Aᵀλ_A (each such λ, padded with zeros, is dual-feasible, and the optimum is one of them).
 * Solved with ml-matrix's LU. Exponential in |S|: callers keep |S| small.
 */
function bruteForceD2(stens: FactorRecord, ideal: IdealProfile): number {
  const v = signedDeviation(stens, ideal);
  const S = v.flatMap((x, i) => (x !== 0 ? [i] : []));
  let best = 0;
  for (let mask = 1; mask < 1 << S.length; mask++) {
    const A = S.filter((_, k) => (mask >> k) & 1);
    const sigma = new Matrix(
      A.map((i) =>
        A.map((j) => Math.sign(v[i] as number) * Math.sign(v[j] as number) * (R.get(i, j) as number)),
      ),
    );
    const u = A.map((i) => Math.abs(v[i] as number));
    const lambda = solve(sigma, Matrix.columnVector(u)).to1DArray();
    if (lambda.some((l) => l < -1e-12)) continue;
    best = Math.max(
      best,
      u.reduce((sum, ui, k) => sum + ui * (lambda[k] as number), 0),
    );
  }
  return best;
}

const outOfRange = (stens: FactorRecord, ideal: IdealProfile) =>
  signedDeviation(stens, ideal).filter((x) => x !== 0).length;

/** One sten one step towards its ideal range (unchanged when it is inside). */
function stepTowards(stens: FactorRecord, factor: keyof FactorRecord, ideal: IdealProfile): FactorRecord {
  const r = ideal[factor];
  const s = stens[factor];
  if (!r || (s >= r.min && s <= r.max)) return stens;
  return { ...stens, [factor]: s < r.min ? s + 1 : s - 1 };
}

describe("person–post fit", () => {
  it("is 1 inside every range and exp(−D²/scale) with D² the monotone Mahalanobis distance outside", () => {
    const ideal = profile.posts["party-secretary"]!.idealProfile;
    const inside = Object.fromEntries(FACTORS.map((f) => [f, ideal[f]!.min])) as FactorRecord;
    expect(personPostFit(inside, ideal, 12)).toMatchObject({ fit: 1, d2: 0, costliest: [] });
    let checked = 0;
    fc.assert(
      fc.property(stensArb, (stens) => {
        // The brute force is exponential in the factors out of range: keep to at most 10 of them.
        fc.pre(outOfRange(stens, ideal) <= 10);
        checked++;
        const result = personPostFit(stens, ideal, 12);
        const d2 = bruteForceD2(stens, ideal);
        expect(result.d2).toBeCloseTo(d2, 9);
        expect(result.fit).toBeCloseTo(Math.exp(-d2 / 12), 12);
        for (const c of result.costliest) expect(c.share).toBeGreaterThanOrEqual(0);
        const shares = result.costliest.reduce((sum, c) => sum + c.share, 0);
        expect(shares).toBeCloseTo(result.d2, 9);
      }),
      { numRuns: 300 },
    );
    expect(checked).toBe(300);
  });

  it("counts a deviation along the correlations less than one against them (C and O correlate at −0.75)", () => {
    const ideal: IdealProfile = { C: { min: 5, max: 6, weight: 1 }, O: { min: 5, max: 6, weight: 1 } };
    const base = Object.fromEntries(FACTORS.map((f) => [f, 5])) as FactorRecord;
    const along = personPostFit({ ...base, C: 4, O: 7 }, ideal, 12).d2; // low C with high O: one pattern
    const against = personPostFit({ ...base, C: 4, O: 4 }, ideal, 12).d2; // low C with low O: unusual
    // Two deviations of ½ SD: u = (½, ½); with r = R(C, O), Σ = [[1, ∓r], [∓r, 1]] and both
    // constraints binding, D² = uᵀΣ⁻¹u = 2·¼ / (1 ± r') with r' the sign-adjusted correlation.
    const r = FACTOR_CORRELATION[2]![11]!; // C × O
    expect(r).toBeCloseTo(-0.748361, 6);
    expect(along).toBeCloseTo(0.5 / (1 - r), 12); // sign-adjusted correlation −(−0.75) = +0.75
    expect(against).toBeCloseTo(0.5 / (1 + r), 12);
    expect(along).toBeLessThan(0.5); // less than the two counted apart (Euclid)
    expect(against).toBeGreaterThan(0.5);
  });

  it("regression (issue 14): party-secretary A6 B8 C3 E7 F6 G7 H7 I4 L4 M5 N5 O9 Q1 6 Q2 5 Q3 8 Q4 3 — O 9 → 5 does not lower fit", () => {
    const ideal = profile.posts["party-secretary"]!.idealProfile;
    const before: FactorRecord = {
      A: 6,
      B: 8,
      C: 3,
      E: 7,
      F: 6,
      G: 7,
      H: 7,
      I: 4,
      L: 4,
      M: 5,
      N: 5,
      O: 9,
      Q1: 6,
      Q2: 5,
      Q3: 8,
      Q4: 3,
    };
    const after = { ...before, O: 5 };
    const fitBefore = personPostFit(before, ideal, 12);
    const fitAfter = personPostFit(after, ideal, 12);
    // The old signed form gave 0.0519 before and 0.0152 after.
    expect(fitAfter.fit).toBeGreaterThanOrEqual(fitBefore.fit);
    expect(fitBefore.d2).toBeCloseTo(bruteForceD2(before, ideal), 9);
    expect(fitAfter.d2).toBeCloseTo(bruteForceD2(after, ideal), 9);
    // Every step of O from 9 down to 5 never lowers fit either.
    let stens = before;
    let fit = fitBefore.fit;
    while (stens.O > 5) {
      stens = stepTowards(stens, "O", ideal);
      const next = personPostFit(stens, ideal, 12).fit;
      expect(next).toBeGreaterThanOrEqual(fit);
      fit = next;
    }
  });

  const posts = Object.values(profile.posts);
  it.each(posts.map((p) => [p.code, p] as const))(
    "is monotone over the whole sten cube for the shipped profile %s: one step towards the range never lowers fit",
    (_code, post) => {
      const factorArb = fc.constantFrom(...FACTORS);
      let moved = 0;
      fc.assert(
        fc.property(stensArb, factorArb, (stens, factor) => {
          const next = stepTowards(stens, factor, post.idealProfile);
          if (next === stens) return;
          moved++;
          const before = personPostFit(stens, post.idealProfile, profile.fit.scale);
          const after = personPostFit(next, post.idealProfile, profile.fit.scale);
          // Exact in arithmetic; 1e-12 relative allows for rounding when the active set changes.
          expect(after.d2).toBeLessThanOrEqual(before.d2 * (1 + 1e-12));
          expect(after.fit).toBeGreaterThanOrEqual(before.fit * (1 - 1e-12));
        }),
        { numRuns: MONOTONE_RUNS },
      );
      // Most random factors are out of range for a random profile: most runs really moved a sten.
      expect(moved).toBeGreaterThan(MONOTONE_RUNS / 4);
    },
  );

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
