/**
 * Rectangular linear assignment (n rows ≤ m columns): give each row a distinct column so that the
 * total weight is as large as possible.
 *
 * Algorithm: the shortest augmenting path method with dual potentials (the Hungarian method of
 * Kuhn, "The Hungarian method for the assignment problem", Naval Research Logistics Quarterly 2,
 * 1955, in the O(n²m) form of Jonker & Volgenant, "A shortest augmenting path algorithm for dense
 * and sparse linear assignment problems", Computing 38:325–340, 1987, without their initialisation
 * heuristics; the rectangular case as in Crouse, "On implementing 2D rectangular assignment
 * algorithms", IEEE Trans. Aerospace and Electronic Systems 52(4):1679–1696, 2016). Rows are added
 * one at a time and each is routed along a shortest path in reduced costs (Dijkstra on a dense
 * graph), so the potentials prove optimality when it ends.
 *
 * @example
 * ```ts
 * // 2 seats × 3 candidates, weights row-major
 * maxWeightAssignment(2, 3, Float64Array.of(0.9, 0.8, 0.1, 0.85, 0.2, 0.3));
 * // → { columns: Int32Array [1, 0], total: 1.65 }
 * ```
 */

/** Weights at or below this are forbidden pairs. */
export const FORBIDDEN = Number.NEGATIVE_INFINITY;
/** A finite stand-in for forbidden pairs inside the algorithm (weights are scores of order 1). */
const BIG = 1e9;

export interface AssignmentResult {
  /** Column of each row. */
  columns: Int32Array;
  /** Sum of the chosen weights; −Infinity when some row could only take a forbidden column. */
  total: number;
}

/**
 * Maximum-weight assignment of every row to a distinct column. `weights[r * m + c]` is the weight
 * of row r in column c; `FORBIDDEN` (−Infinity) marks a pair that must not be used. Requires n ≤ m.
 */
export function maxWeightAssignment(n: number, m: number, weights: Float64Array): AssignmentResult {
  if (n > m) throw new RangeError(`assignment needs rows ≤ columns (got ${n} > ${m})`);
  // Costs to minimise, 1-based as in the textbook form: u (rows), v (columns), p (row of column).
  const cost = (r: number, c: number): number => {
    const w = weights[(r - 1) * m + (c - 1)] as number;
    return w === FORBIDDEN ? BIG : -w;
  };
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost(i0, j) - (u[i0] as number) - (v[j] as number);
        if (reduced < (minv[j] as number)) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const row = p[j] as number;
          u[row] = (u[row] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minv[j] = (minv[j] as number) - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Flip the augmenting path.
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const columns = new Int32Array(n);
  for (let j = 1; j <= m; j++) if ((p[j] as number) > 0) columns[(p[j] as number) - 1] = j - 1;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const w = weights[r * m + (columns[r] as number)] as number;
    total += w;
  }
  return { columns, total };
}
