/**
 * Which changed cadres can change a stored ranking — the test that lets a re-rank job leave most
 * requests alone and still end up with exactly what a full recomputation would give.
 *
 * A stored ranking is the PROVEN top-M (`status: optimal`) of every complete team over the old
 * pool. After some pool members' assessments change (nobody else's, the scoring profile the same):
 * a team without a changed member keeps its score, so the old top-M can only be displaced by a team
 * WITH a changed member. If, for every changed candidate c and every vacancy s c may hold, the
 * admissible upper bound (`scoring/search/bound.ts`) of any feasible team with c in s is below the
 * M-th stored score, no such team can enter, and the new exact search would return the old list.
 * Otherwise — a changed holder or listed member, a heuristic or time-limited result, fewer than M
 * teams, another profile — the request is re-searched.
 */
import { Bounder } from "../../scoring/search/bound";
import { Partial } from "../../scoring/search/partial";
import type { SearchSpace } from "../../scoring/search/space";

/** Margin for rounding between a bound and an evaluated score. */
const MARGIN = 1e-9;

/**
 * True when some changed candidate could be part of a team scoring at least `threshold` (the M-th
 * stored score; −Infinity when fewer than M teams were listed).
 */
export function couldEnter(space: SearchSpace, changed: ReadonlySet<string>, threshold: number): boolean {
  const { candidates } = space.prep.problem;
  const bounder = new Bounder(space);
  for (const s of space.open) {
    const eligible = space.eligible[s] as Int32Array;
    const rest = Int32Array.from([...space.open].filter((t) => t !== s));
    for (let i = 0; i < eligible.length; i++) {
      const c = eligible[i] as number;
      if (!changed.has((candidates[c] as { id: string }).id)) continue;
      const partial = new Partial(space);
      partial.assign(s, c);
      if (bounder.total(partial, rest) >= threshold - MARGIN) return true;
    }
  }
  return false;
}
