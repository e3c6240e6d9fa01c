/**
 * The monotone Mahalanobis distance of `fit.ts` (see its header for what and why):
 * D² = max { 2λᵀu − λᵀΣλ : λ ≥ 0 } with u = |v| over the out-of-range factors S and
 * Σ_ij = sign(v_i)·sign(v_j)·R_ij, solved exactly by the active-set method of Lawson & Hanson
 * ("Solving Least Squares Problems", 1974, ch. 23). Allocation-free: scratch space is module-level
 * (JavaScript runs one call at a time here).
 */
import { FACTOR_CORRELATION } from "./correlation";
import { FACTORS } from "./factors";

const N = FACTORS.length;
/** R row-major, read in the solver's inner loops. */
const CORRELATION = Float64Array.from(FACTOR_CORRELATION.flat());

/** Factor index of each out-of-range factor (position k of S), |v| and sign there. */
const qFactor = new Int32Array(N);
const qU = new Float64Array(N);
const qSign = new Float64Array(N);
/** Σ over S × S, row-major with stride N. */
const qSigma = new Float64Array(N * N);
const qLambda = new Float64Array(N);
const qTrial = new Float64Array(N);
const qActive = new Uint8Array(N);
/** Positions in S of the active set, ascending (so every solve has one fixed order). */
const qMembers = new Int32Array(N);
const qChol = new Float64Array(N * N);
const qRhs = new Float64Array(N);
/** Dual residual above which a factor enters the active set (SD² units; D² values are O(1–100)). */
const ENTER = 1e-12;
/** Iterations of the active-set method at most (it ends in far fewer; this only guards rounding loops). */
const MAX_ITERATIONS = 64;

/**
 * Solves Σ_PP x = u_P for the active positions `qMembers[0…m)` by Cholesky, into `qTrial` (by
 * position in S). Returns false when Σ_PP is not numerically positive definite.
 */
function solveActive(m: number): boolean {
  for (let a = 0; a < m; a++) {
    const ia = qMembers[a] as number;
    const rowA = a * N;
    for (let b = 0; b <= a; b++) {
      const rowB = b * N;
      let sum = qSigma[ia * N + (qMembers[b] as number)] as number;
      for (let k = 0; k < b; k++) sum -= (qChol[rowA + k] as number) * (qChol[rowB + k] as number);
      if (a === b) {
        if (sum <= 1e-12) return false;
        qChol[rowA + a] = Math.sqrt(sum);
      } else qChol[rowA + b] = sum / (qChol[rowB + b] as number);
    }
  }
  for (let a = 0; a < m; a++) {
    let sum = qU[qMembers[a] as number] as number;
    for (let k = 0; k < a; k++) sum -= (qChol[a * N + k] as number) * (qRhs[k] as number);
    qRhs[a] = sum / (qChol[a * N + a] as number);
  }
  for (let a = m - 1; a >= 0; a--) {
    let sum = qRhs[a] as number;
    for (let k = a + 1; k < m; k++) sum -= (qChol[k * N + a] as number) * (qRhs[k] as number);
    qRhs[a] = sum / (qChol[a * N + a] as number);
  }
  for (let a = 0; a < m; a++) qTrial[qMembers[a] as number] = qRhs[a] as number;
  return true;
}

/** The active positions in ascending order into `qMembers`; returns their number. */
function collectActive(k: number): number {
  let m = 0;
  for (let i = 0; i < k; i++) if (qActive[i]) qMembers[m++] = i;
  return m;
}

/**
 * D² = max { 2λᵀu − λᵀΣλ : λ ≥ 0 } for the signed deviation v (see the header), by Lawson–Hanson
 * active sets. With `parts`, writes each factor's share λ_f·u_f (0 for factors in range).
 */
export function monotoneDistance2(v: ArrayLike<number>, parts?: Float64Array): number {
  let k = 0;
  for (let f = 0; f < N; f++) {
    const vf = v[f] as number;
    if (vf === 0) continue;
    qFactor[k] = f;
    qSign[k] = vf < 0 ? -1 : 1;
    qU[k] = vf < 0 ? -vf : vf;
    k++;
  }
  if (parts) parts.fill(0);
  if (k === 0) return 0;
  if (k === 1) {
    const d2 = (qU[0] as number) * (qU[0] as number);
    if (parts) parts[qFactor[0] as number] = d2;
    return d2;
  }
  for (let a = 0; a < k; a++) {
    const row = (qFactor[a] as number) * N;
    const sa = qSign[a] as number;
    for (let b = 0; b < k; b++)
      qSigma[a * N + b] = sa * (qSign[b] as number) * (CORRELATION[row + (qFactor[b] as number)] as number);
    qLambda[a] = 0;
    qActive[a] = 0;
  }
  let m = 0;
  /** Whether `qTrial` holds the solution for the current active set. */
  let solved = true;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // The factor whose constraint pulls hardest: the largest (u − Σλ)_j outside the active set.
    let enter = -1;
    let best = ENTER;
    for (let j = 0; j < k; j++) {
      if (qActive[j]) continue;
      let w = qU[j] as number;
      const row = j * N;
      for (let a = 0; a < m; a++) {
        const i = qMembers[a] as number;
        w -= (qSigma[row + i] as number) * (qLambda[i] as number);
      }
      if (w > best) {
        best = w;
        enter = j;
      }
    }
    if (enter < 0) break;
    qActive[enter] = 1;
    for (;;) {
      m = collectActive(k);
      if (!solveActive(m)) {
        qActive[enter] = 0; // Σ_PP singular to rounding: that factor adds nothing new.
        m = collectActive(k);
        solved = false;
        break;
      }
      solved = true;
      let alpha = 1;
      let positive = true;
      for (let a = 0; a < m; a++) {
        const i = qMembers[a] as number;
        const t = qTrial[i] as number;
        if (t <= 0) {
          positive = false;
          const l = qLambda[i] as number;
          const step = l / (l - t);
          if (step < alpha) alpha = step;
        }
      }
      if (positive) {
        for (let a = 0; a < m; a++) {
          const i = qMembers[a] as number;
          qLambda[i] = qTrial[i] as number;
        }
        break;
      }
      for (let a = 0; a < m; a++) {
        const i = qMembers[a] as number;
        const l = (qLambda[i] as number) + alpha * ((qTrial[i] as number) - (qLambda[i] as number));
        if (l <= 1e-15) {
          qLambda[i] = 0;
          qActive[i] = 0;
        } else qLambda[i] = l;
      }
    }
  }
  // D² from the final active set alone, solved in one fixed order (see the header).
  m = collectActive(k);
  if (m === 0) return 0;
  if (!solved && !solveActive(m)) return 0;
  let d2 = 0;
  for (let a = 0; a < m; a++) {
    const i = qMembers[a] as number;
    const t = qTrial[i] as number;
    const share = Math.max(t, 0) * (qU[i] as number);
    d2 += share;
    if (parts) parts[qFactor[i] as number] = share;
  }
  return d2;
}
