/**
 * The elite pool: the best M distinct feasible teams seen so far, best first.
 *
 * Order: higher score first; equal scores by member ids seat by seat (code-unit order), so the
 * order never depends on candidate indices or on the order in which teams were found.
 *
 * Distinct: vacancies of the same post are interchangeable (every table of `prepare` is the same
 * for them), so two assignments that only permute the members of such seats are ONE team. Each
 * team is stored in canonical form — within a group of such seats, members in id order — and
 * scored by a full evaluation of that form, so every listed score is exactly what
 * `Evaluator.evaluate` (and `POST /v1/score`) gives for the listed assignment.
 */
import { type Breakdown, emptyBreakdown } from "../evaluate";
import type { SearchSpace } from "./space";

export interface EliteEntry {
  team: Int32Array;
  score: number;
  breakdown: Breakdown;
}

/** Margin under the M-th score within which a team is still evaluated exactly (delta scores drift ~1e-15). */
const SLACK = 1e-9;

export class Elite {
  readonly entries: EliteEntry[] = [];
  private readonly keys = new Set<string>();
  private readonly groups: Int32Array[];
  private readonly scratch: Int32Array;
  private readonly trial = emptyBreakdown();
  /** The best score among rejected or evicted feasible teams: no unlisted team seen scores higher. */
  bestRejected = Number.NEGATIVE_INFINITY;
  /** How many times the pool has changed (lets a search notice that it has stalled). */
  changes = 0;

  constructor(
    private readonly space: SearchSpace,
    readonly size: number,
  ) {
    // Each group of interchangeable vacancies once, in seat order.
    this.groups = Array.from(space.open)
      .filter(
        (s) => (space.twins[s] as Int32Array).length > 0 && s < ((space.twins[s] as Int32Array)[0] as number),
      )
      .map((s) => Int32Array.from([s, ...(space.twins[s] as Int32Array)].sort((a, b) => a - b)));
    this.scratch = new Int32Array(space.nSeats);
  }

  /** The score a team must reach to enter (−Infinity until the pool is full). */
  threshold(): number {
    return this.entries.length < this.size
      ? Number.NEGATIVE_INFINITY
      : (this.entries[this.size - 1] as EliteEntry).score;
  }

  /** Orders two complete teams of equal score: member ids seat by seat. */
  compareTeams(a: Int32Array, b: Int32Array): number {
    const rank = this.space.idRank;
    for (let s = 0; s < a.length; s++) {
      const d = (rank[a[s] as number] as number) - (rank[b[s] as number] as number);
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Writes the canonical form of `team` into `out` (members of interchangeable seats in id order). */
  canonical(team: Int32Array, out: Int32Array): Int32Array {
    out.set(team);
    const rank = this.space.idRank;
    for (const group of this.groups) {
      const members = Array.from(group, (s) => team[s] as number).sort(
        (a, b) => (rank[a] as number) - (rank[b] as number),
      );
      group.forEach((s, i) => {
        out[s] = members[i] as number;
      });
    }
    return out;
  }

  /**
   * Offers a complete team with its (possibly delta-evaluated) score; infeasible teams are ignored.
   * Returns true when the pool changed.
   */
  offer(team: Int32Array, score: number, feasible: boolean): boolean {
    if (!feasible || score < this.threshold() - SLACK) {
      if (feasible && score > this.bestRejected) this.bestRejected = score;
      return false;
    }
    const canon = this.canonical(team, this.scratch);
    const key = canon.join(",");
    if (this.keys.has(key)) return false;
    const b = this.space.evaluator.evaluate(canon, this.trial);
    if (!b.feasible) return false;
    const entries = this.entries;
    // Position by score, then by ids.
    let at = entries.length;
    while (at > 0) {
      const prev = entries[at - 1] as EliteEntry;
      if (prev.score > b.score || (prev.score === b.score && this.compareTeams(prev.team, canon) < 0)) break;
      at--;
    }
    if (at >= this.size) {
      if (b.score > this.bestRejected) this.bestRejected = b.score;
      return false;
    }
    entries.splice(at, 0, { team: Int32Array.from(canon), score: b.score, breakdown: { ...b } });
    this.keys.add(key);
    this.changes++;
    if (entries.length > this.size) {
      const evicted = entries.pop() as EliteEntry;
      this.keys.delete(evicted.team.join(","));
      if (evicted.score > this.bestRejected) this.bestRejected = evicted.score;
    }
    return true;
  }

  /** Whether a team (in any seat order of interchangeable seats) is in the pool. */
  has(team: Int32Array): boolean {
    return this.keys.has(this.canonical(team, this.scratch).join(","));
  }
}
