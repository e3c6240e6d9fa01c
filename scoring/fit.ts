/**
 * Person–post fit (人岗相适): how far a sten profile lies outside a post's ideal ranges, weighted,
 * and measured with the factor correlation matrix (Mahalanobis) so that correlated factors are not
 * counted twice — e.g. low C (stability) and high O (apprehension) largely say the same thing.
 *
 * For factor f with ideal range [min, max] and weight w, the signed deviation in SD units is
 * v_f = w · (s_f − min)/2 below the range (negative), w · (s_f − max)/2 above it, 0 inside (a sten
 * SD is 2). The sign matters: low C with high O (they correlate at −0.75) is one pattern and costs
 * less than low C with low O, which the correlations make unusual.
 * D² = vᵀ R⁻¹ v with R the correlation matrix, and fit = exp(−D² / scale) ∈ (0, 1].
 * R⁻¹ is computed once (ml-matrix); the per-candidate work is a 16×16 quadratic form.
 */
import { inverse, Matrix } from "ml-matrix";
import { correlationCholesky, FACTOR_CORRELATION } from "./correlation";
import { FACTORS, type FactorCode, type FactorRecord } from "./factors";
import type { IdealProfile, Knockout } from "./post-profiles";

const N = FACTORS.length;

let precision: Float64Array | undefined;
let lowerInverse: Float64Array | undefined;

/** R⁻¹ (the precision matrix), row-major, computed once. */
export function correlationPrecision(): Float64Array {
  if (!precision) {
    const inv = inverse(new Matrix(FACTOR_CORRELATION.map((row) => [...row])));
    precision = Float64Array.from(inv.to1DArray());
  }
  return precision;
}

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

// Scratch vectors for the allocation-free paths (JavaScript runs one call at a time here).
const zScratch = new Float64Array(N);
const vScratch = new Float64Array(N);
const outScratch = new Int32Array(N);

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

/** Per-factor shares of D² (c_f = v_f · (R⁻¹v)_f, summing to D²) and D² itself. */
export function distanceParts(v: Float64Array): { parts: Float64Array; d2: number } {
  const p = correlationPrecision();
  const parts = new Float64Array(N);
  let d2 = 0;
  for (let i = 0; i < N; i++) {
    const vi = v[i] as number;
    if (vi === 0) continue;
    let row = 0;
    for (let j = 0; j < N; j++) row += (p[i * N + j] as number) * (v[j] as number);
    parts[i] = vi * row;
    d2 += parts[i] as number;
  }
  return { parts, d2: Math.max(0, d2) };
}

/** D² of a profile against an ideal profile, without allocating. */
export function distance2(stens: FactorRecord, ideal: IdealProfile): number {
  const v = deviation(stens, ideal, vScratch);
  const p = correlationPrecision();
  let d2 = 0;
  for (let i = 0; i < N; i++) {
    const vi = v[i] as number;
    if (vi === 0) continue;
    let row = 0;
    for (let j = 0; j < N; j++) row += (p[i * N + j] as number) * (v[j] as number);
    d2 += vi * row;
  }
  return Math.max(0, d2);
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
  // vᵀPv over the factors out of range only (usually a few of the 16): the others add nothing.
  const p = correlationPrecision();
  const out = outScratch;
  let k = 0;
  for (let i = 0; i < N; i++) if (v[i] !== 0) out[k++] = i;
  let d2 = 0;
  for (let a = 0; a < k; a++) {
    const i = out[a] as number;
    let sum = 0;
    for (let b = 0; b < k; b++) {
      const j = out[b] as number;
      sum += (p[i * N + j] as number) * (v[j] as number);
    }
    d2 += (v[i] as number) * sum;
  }
  return Math.max(0, d2);
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
  /** Factors outside their range, most costly first: sten, ideal range and `share`, the factor's part of D² (the parts sum to D², in SD² units, not a fraction). */
  costliest: { factor: FactorCode; sten: number; min: number; max: number; share: number }[];
}

/** Person–post fit in [0, 1]: exp(−D²/scale). Knock-outs are rules (KO), reported separately. */
export function personPostFit(stens: FactorRecord, ideal: IdealProfile, scale: number): FitResult {
  const v = deviation(stens, ideal, vScratch);
  const p = correlationPrecision();
  const costliest: FitResult["costliest"] = [];
  let d2 = 0;
  for (let i = 0; i < N; i++) {
    const vi = v[i] as number;
    if (vi === 0) continue;
    let row = 0;
    for (let j = 0; j < N; j++) row += (p[i * N + j] as number) * (v[j] as number);
    const share = vi * row;
    d2 += share;
    const factor = FACTORS[i] as FactorCode;
    const range = ideal[factor] as { min: number; max: number };
    costliest.push({ factor, sten: stens[factor], min: range.min, max: range.max, share });
  }
  d2 = Math.max(0, d2);
  costliest.sort((a, b) => b.share - a.share || a.factor.localeCompare(b.factor));
  return { fit: Math.exp(-d2 / scale), d2, costliest };
}
