/**
 * The budget meter shared by the phases of one search. Iterations are counted exactly (so a seed
 * and an iteration budget reproduce a result); a wall-clock limit, when given, is read from the
 * caller's clock every 1,024 iterations (scoring reads no clock of its own).
 */
import type { Budget } from "./types";

const CLOCK_EVERY = 1024;

export class Meter {
  used = 0;
  private readonly start: number;
  private readonly deadline: number;
  private out = false;
  private timeShare = 0;

  constructor(
    readonly budget: Budget,
    private readonly clock?: () => number,
  ) {
    if (budget.milliseconds !== undefined && !clock)
      throw new RangeError("budget.milliseconds needs options.clock (scoring reads no clock of its own)");
    this.start = clock ? clock() : 0;
    this.deadline =
      budget.milliseconds !== undefined ? this.start + budget.milliseconds : Number.POSITIVE_INFINITY;
  }

  /** Iterations left under the iteration limit (Infinity without one). */
  get left(): number {
    return this.budget.iterations === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(0, this.budget.iterations - this.used);
  }

  /** Counts `n` iterations; true once the budget is spent. */
  tick(n = 1): boolean {
    if (this.out) return true;
    const before = this.used;
    this.used += n;
    if (this.budget.iterations !== undefined && this.used >= this.budget.iterations) this.out = true;
    else if (this.clock && Math.floor(before / CLOCK_EVERY) !== Math.floor(this.used / CLOCK_EVERY)) {
      const now = this.clock();
      this.timeShare = (now - this.start) / (this.deadline - this.start);
      this.out = now >= this.deadline;
    }
    return this.out;
  }

  /** Share of the budget spent (0–1): the larger of the iteration share and the last measured time share. */
  get spent(): number {
    const iterations = this.budget.iterations;
    return Math.max(iterations === undefined ? 0 : this.used / iterations, this.timeShare);
  }

  get exhausted(): boolean {
    return this.out;
  }
}
