/**
 * Person–post fit (人岗相适): how far a sten profile lies outside a post's ideal ranges, weighted,
 * measured with the factor correlation matrix R so that correlated deviations are not counted
 * twice — e.g. low C (stability) and high O (apprehension) largely say the same thing.
 *
 * For factor f with ideal range [min, max] and weight w, the deviation in SD units is
 * v_f = w · (s_f − min)/2 below the range (negative), w · (s_f − max)/2 above it, 0 inside (a sten
 * SD is 2). Let S be the factors outside their range, σ_f = sign(v_f) and u_f = |v_f|.
 *
 * Why not the plain Mahalanobis form vᵀR⁻¹v (used before): it is not monotone. Its gradient
 * 2R⁻¹v has negative entries wherever one deviation "explains" another, so moving a sten TOWARDS
 * its range could raise D² (issue 14: party-secretary with O 9 → 5 lowered fit from 0.052 to
 * 0.015; 579 of 3,000 random one-step moves did). Unsigned deviations |v|ᵀR⁻¹|v| do not help: the
 * gradient 2R⁻¹|v| goes negative just the same (and the sign of a deviation is what makes low C
 * with high O one pattern). So D² is the smallest Mahalanobis distance of any profile that is at
 * least as far out as this one on every factor it leaves, in the same direction:
 *
 *   D² = min { xᵀR⁻¹x : σ_f·x_f ≥ u_f for f ∈ S, x_f free for f ∉ S }
 *      = max { 2λᵀu − λᵀΣλ : λ ≥ 0 }        (Lagrange dual; Σ_ij = σ_iσ_j R_ij over S × S)
 *
 * - Monotone: a step towards the range lowers one u_f (or takes f out of S, which frees x_f); the
 *   feasible set of the minimum only grows, so D² never rises and fit = exp(−D²/scale) never falls.
 *   The dual says the same: for λ ≥ 0, 2λᵀu − λᵀΣλ is non-decreasing in every u_f.
 * - It is the greatest monotone function below vᵀR⁻¹v (any monotone h ≤ vᵀR⁻¹v has
 *   h(v) ≤ h(x) ≤ xᵀR⁻¹x for every such x), and equals the Mahalanobis distance of the deviations
 *   under their own correlations (u_Sᵀ Σ⁻¹ u_S) whenever that is already monotone at v.
 * - Correlations still count once: C one SD low with O one SD high (R = −0.75) costs 1.14 SD²
 *   (Euclid would say 2); C and O both one SD low — unusual — costs 8 (`test/scoring/fit.test.ts`).
 * - Bounds: max_f u_f² ≤ D² ≤ u_SᵀΣ⁻¹u_S ≤ vᵀR⁻¹v; factors inside their range neither cost
 *   nor constrain (x_f free), so the last step into a range may drop D² by more than that factor's
 *   own deviation (it stops vouching for an unusual combination).
 * - Shares: at the optimum D² = Σ_f λ_f u_f with every λ_f u_f ≥ 0: the `costliest` shares sum
 *   to D², and a deviation the others already imply (its constraint not binding) has share 0.
 *
 * The dual is a small convex quadratic programme with λ ≥ 0, solved exactly by the active-set
 * method of Lawson & Hanson ("Solving Least Squares Problems", 1974, ch. 23) over |S| ≤ 16
 * variables; D² is then recomputed from the final active set P alone as u_Pᵀ Σ_PP⁻¹ u_P (Cholesky
 * in factor order; `monotone-distance.ts`), so the same active set gives bit-for-bit the same D² — rounding cannot make a
 * step that leaves P unchanged look non-monotone. fit = exp(−D² / scale) ∈ (0, 1]; it is worked
 * out once per candidate and seat (`prepare.ts`), never inside the evaluation loop.
 */
import { inverse } from "ml-matrix";
import { correlationCholesky } from "./correlation";
import { FACTORS, type FactorCode, type FactorRecord } from "./factors";
import { monotoneDistance2 } from "./monotone-distance";
import type { IdealProfile, Knockout } from "./post-profiles";

const N = FACTORS.length;

let lowerInverse: Float64Array | undefined;

/** L⁻¹ with R = L·Lᵀ, row-major: whitening z ↦ L⁻¹z makes Mahalanobis distances Euclidean. */
export function whiteningMatrix(): Float64Array {
  if (!lowerInverse) lowerInverse = Float64Array.from(inverse(correlationCholesky()).to1DArray());
  return lowerInverse;
}

/**
 * Whitened profile w = L⁻¹ (s − 5.5)/2, so that |w_a − w_b|² is the Mahalanobis distance² of two
 * profiles; written into `out` from `offset`.
 */
export function whiten(stens: FactorRecord, out = new Float64Array(N), offset = 0): Float64Array {
  const l = whiteningMatrix();
  for (let j = 0; j < N; j++) zScratch[j] = (stens[FACTORS[j] as FactorCode] - 5.5) / 2;
  for (let i = 0; i < N; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += (l[i * N + j] as number) * (zScratch[j] as number);
    out[offset + i] = sum;
  }
  return out;
}

// Scratch space for the allocation-free paths (JavaScript runs one call at a time here).
const zScratch = new Float64Array(N);
const vScratch = new Float64Array(N);
const partsScratch = new Float64Array(N);
/** The weighted, signed out-of-range deviation v (SD units) of a profile against an ideal profile. */
export function deviation(stens: FactorRecord, ideal: IdealProfile, out = new Float64Array(N)): Float64Array {
  for (let i = 0; i < N; i++) {
    const factor = FACTORS[i] as FactorCode;
    const range = ideal[factor];
    const s = stens[factor];
    out[i] = !range
      ? 0
      : s < range.min
        ? (range.weight * (s - range.min)) / 2
        : s > range.max
          ? (range.weight * (s - range.max)) / 2
          : 0;
  }
  return out;
}

/**
 * Per-factor shares of D² (each ≥ 0, summing to D²) and D² itself, for a signed deviation v
 * (as {@link deviation} gives it).
 */
export function distanceParts(v: Float64Array): { parts: Float64Array; d2: number } {
  const parts = new Float64Array(N);
  const d2 = monotoneDistance2(v, parts);
  return { parts, d2 };
}

/** D² of a profile against an ideal profile, without allocating. */
export function distance2(stens: FactorRecord, ideal: IdealProfile): number {
  return monotoneDistance2(deviation(stens, ideal, vScratch));
}

const compiled = new WeakMap<IdealProfile, Float64Array>();

/**
 * An ideal profile as three rows of 16 (min, max, weight), built once per profile object; a factor
 * without a range gets an unbounded one of weight 0.
 */
export function compiledIdeal(ideal: IdealProfile): Float64Array {
  let rows = compiled.get(ideal);
  if (!rows) {
    rows = new Float64Array(3 * N);
    for (let i = 0; i < N; i++) {
      const range = ideal[FACTORS[i] as FactorCode];
      rows[i] = range ? range.min : Number.NEGATIVE_INFINITY;
      rows[N + i] = range ? range.max : Number.POSITIVE_INFINITY;
      rows[2 * N + i] = range ? range.weight : 0;
    }
    compiled.set(ideal, rows);
  }
  return rows;
}

/** D² of the stens at `row[offset…offset+15]` (factor order) against a compiled ideal profile. */
export function distance2Row(row: ArrayLike<number>, offset: number, ideal: Float64Array): number {
  const v = vScratch;
  for (let i = 0; i < N; i++) {
    const s = row[offset + i] as number;
    const min = ideal[i] as number;
    const max = ideal[N + i] as number;
    v[i] =
      s < min
        ? ((ideal[2 * N + i] as number) * (s - min)) / 2
        : s > max
          ? ((ideal[2 * N + i] as number) * (s - max)) / 2
          : 0;
  }
  return monotoneDistance2(v);
}

/** Whitens the stens at `row[offset…]` into `out[outOffset…]` (see {@link whiten}). */
export function whitenRow(
  row: ArrayLike<number>,
  offset: number,
  out: Float64Array,
  outOffset: number,
): void {
  const l = whiteningMatrix();
  const z = zScratch;
  for (let j = 0; j < N; j++) z[j] = ((row[offset + j] as number) - 5.5) / 2;
  for (let i = 0; i < N; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += (l[i * N + j] as number) * (z[j] as number);
    out[outOffset + i] = sum;
  }
}

/** Person–post fit exp(−D²/scale) alone, for precomputed tables. */
export function fitValue(stens: FactorRecord, ideal: IdealProfile, scale: number): number {
  return Math.exp(-distance2(stens, ideal) / scale);
}

/** Knock-outs a profile triggers. */
export function triggeredKnockouts(stens: FactorRecord, knockouts: readonly Knockout[]): Knockout[] {
  return knockouts.filter((k) => (k.op === "lte" ? stens[k.factor] <= k.value : stens[k.factor] >= k.value));
}

/** One member's fit to one post, with the factors that cost the most. */
export interface FitResult {
  fit: number;
  d2: number;
  /**
   * Factors outside their range, most costly first: sten, ideal range and `share`, the factor's
   * part of D² (λ_f·u_f ≥ 0; the parts sum to D², in SD² units, not a fraction). A deviation that
   * the others already imply has share 0.
   */
  costliest: { factor: FactorCode; sten: number; min: number; max: number; share: number }[];
}

/** Person–post fit in [0, 1]: exp(−D²/scale). Knock-outs are rules (KO), reported separately. */
export function personPostFit(stens: FactorRecord, ideal: IdealProfile, scale: number): FitResult {
  const v = deviation(stens, ideal, vScratch);
  const d2 = monotoneDistance2(v, partsScratch);
  const costliest: FitResult["costliest"] = [];
  for (let i = 0; i < N; i++) {
    if (v[i] === 0) continue;
    const factor = FACTORS[i] as FactorCode;
    const range = ideal[factor] as { min: number; max: number };
    costliest.push({
      factor,
      sten: stens[factor],
      min: range.min,
      max: range.max,
      share: partsScratch[i] as number,
    });
  }
  costliest.sort((a, b) => b.share - a.share || a.factor.localeCompare(b.factor));
  return { fit: Math.exp(-d2 / scale), d2, costliest };
}
