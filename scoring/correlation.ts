import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { FACTORS } from "./factors";

/**
 * Correlations between the 16 primary factors, in the order of {@link FACTORS} (A … Q4).
 *
 * Source: `nwhitehead/personality`, `datasets/16PF/cov.npy` (commit
 * 3b4014ed735ee9c67819108f582cd508ec5468cd), computed on the Open-Source Psychometrics Project's
 * IPIP-16PF responses (complete responders; scale scores standardised, so the diagonal is 1).
 * Rounded to 6 decimals; copied via `shared/data/16pf/factor_cov_nwhitehead.json`, whose OSPP letters
 * A..P map one-to-one onto A, B, C, E, F, G, H, I, L, M, N, O, Q1, Q2, Q3, Q4.
 * Example of what it captures: C (emotional stability) with O (apprehension) ≈ −0.75.
 */
export const FACTOR_CORRELATION: readonly (readonly number[])[] = [
  [
    1, 0.112333, 0.225162, 0.171438, 0.414262, 0.240417, 0.510573, 0.292011, -0.438365, -0.053709, -0.491989,
    -0.014164, 0.251787, -0.406826, 0.103402, -0.379791,
  ],
  [
    0.112333, 1, 0.299318, 0.4718, 0.039805, -0.102806, 0.178463, 0.267749, -0.000122, 0.17818, -0.078056,
    -0.271453, 0.565624, 0.156173, 0.194174, -0.130589,
  ],
  [
    0.225162, 0.299318, 1, 0.396292, 0.208735, 0.221907, 0.453704, -0.072637, -0.4284, -0.238982, -0.275234,
    -0.748361, 0.129245, -0.233784, 0.186567, -0.549259,
  ],
  [
    0.171438, 0.4718, 0.396292, 1, 0.296151, -0.073804, 0.513479, 0.012279, -0.0285, 0.007167, -0.300653,
    -0.421564, 0.291615, -0.131916, 0.240701, -0.030091,
  ],
  [
    0.414262, 0.039805, 0.208735, 0.296151, 1, -0.096194, 0.635832, -0.005911, -0.198151, 0.130949, -0.413467,
    -0.155057, 0.156048, -0.50853, -0.113782, -0.100654,
  ],
  [
    0.240417, -0.102806, 0.221907, -0.073804, -0.096194, 1, 0.098895, 0.022647, -0.341514, -0.501247,
    -0.133836, -0.027656, -0.24837, -0.173179, 0.383326, -0.253124,
  ],
  [
    0.510573, 0.178463, 0.453704, 0.513479, 0.635832, 0.098895, 1, 0.03453, -0.370512, -0.139057, -0.638212,
    -0.372553, 0.177564, -0.562498, 0.112296, -0.268545,
  ],
  [
    0.292011, 0.267749, -0.072637, 0.012279, -0.005911, 0.022647, 0.03453, 1, -0.118055, 0.218788, -0.130843,
    0.129772, 0.438903, 0.117114, 0.021179, -0.125981,
  ],
  [
    -0.438365, -0.000122, -0.4284, -0.0285, -0.198151, -0.341514, -0.370512, -0.118055, 1, 0.264073, 0.434032,
    0.284145, -0.056061, 0.394026, -0.062475, 0.542208,
  ],
  [
    -0.053709, 0.17818, -0.238982, 0.007167, 0.130949, -0.501247, -0.139057, 0.218788, 0.264073, 1, 0.134719,
    0.164427, 0.437741, 0.258156, -0.338663, 0.155141,
  ],
  [
    -0.491989, -0.078056, -0.275234, -0.300653, -0.413467, -0.133836, -0.638212, -0.130843, 0.434032,
    0.134719, 1, 0.159809, -0.128919, 0.493663, -0.06482, 0.194256,
  ],
  [
    -0.014164, -0.271453, -0.748361, -0.421564, -0.155057, -0.027656, -0.372553, 0.129772, 0.284145, 0.164427,
    0.159809, 1, -0.138269, 0.140964, -0.079607, 0.471983,
  ],
  [
    0.251787, 0.565624, 0.129245, 0.291615, 0.156048, -0.24837, 0.177564, 0.438903, -0.056061, 0.437741,
    -0.128919, -0.138269, 1, 0.073985, -0.060116, -0.222253,
  ],
  [
    -0.406826, 0.156173, -0.233784, -0.131916, -0.50853, -0.173179, -0.562498, 0.117114, 0.394026, 0.258156,
    0.493663, 0.140964, 0.073985, 1, 0.002102, 0.214965,
  ],
  [
    0.103402, 0.194174, 0.186567, 0.240701, -0.113782, 0.383326, 0.112296, 0.021179, -0.062475, -0.338663,
    -0.06482, -0.079607, -0.060116, 0.002102, 1, -0.070001,
  ],
  [
    -0.379791, -0.130589, -0.549259, -0.030091, -0.100654, -0.253124, -0.268545, -0.125981, 0.542208,
    0.155141, 0.194256, 0.471983, -0.222253, 0.214965, -0.070001, 1,
  ],
];

/**
 * Lower-triangular Cholesky factor L of {@link FACTOR_CORRELATION} (R = L·Lᵀ), computed once.
 * Used to draw correlated profiles (z = L·ε) and to whiten deviations for Mahalanobis distances.
 */
export function correlationCholesky(): Matrix {
  cachedCholesky ??= choleskyOf(FACTOR_CORRELATION);
  return cachedCholesky;
}
let cachedCholesky: Matrix | undefined;

/** Cholesky factor of a symmetric positive-definite matrix; throws when it is not positive definite. */
export function choleskyOf(matrix: readonly (readonly number[])[]): Matrix {
  if (matrix.length !== FACTORS.length)
    throw new RangeError(`expected a ${FACTORS.length}×${FACTORS.length} matrix`);
  const decomposition = new CholeskyDecomposition(new Matrix(matrix.map((row) => [...row])));
  if (!decomposition.isPositiveDefinite()) throw new RangeError("matrix is not positive definite");
  return decomposition.lowerTriangularMatrix;
}
