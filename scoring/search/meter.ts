/**
 * The budget meter shared by the phases of one search. Iterations are counted exactly (so a seed
 * and an iteration budget reproduce a result); a wall-clock limit, when given, is read from the
 * caller's clock every 1,024 iterations (scoring reads no clock of its own).
 */
import type { Budget } from "./types";

const CLOCK_EVERY = 1024;

/**
 * Iterations between two yields of a search run in slices (a few tens of milliseconds): the
 * `…Steps` generators yield the share of the budget spent (0–1) this often, so that a caller can
 * report progress and give the event loop a turn; what they compute does not depend on when they
 * are resumed.
 */
export const PULSE = 16_384;

/** A search that yields the budget's spent share (0–1) between slices and returns `T`. */
export type Steps<T> = Generator<number, T, void>;

/** Runs a search in slices to its end at once (the synchronous form). */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

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
      // A clock reading +Infinity is the caller cancelling the search (scoring reads no flag of its own).
      if (now === Number.POSITIVE_INFINITY) this.out = true;
      else {
        this.timeShare = (now - this.start) / (this.deadline - this.start);
        this.out = now >= this.deadline;
      }
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

  /**
   * A pulse for a search in slices: `yield* pulse.yield()` once `used` reaches `pulse.next` yields
   * once and sets the next. Searches nested in one another may each hold their own.
   */
  pulse(): { next: number; yield: () => Steps<void> } {
    const meter = this;
    const pulse = {
      next: meter.used + PULSE,
      *yield(): Steps<void> {
        if (meter.used < pulse.next) return;
        pulse.next = meter.used + PULSE;
        yield Math.min(1, meter.spent);
      },
    };
    return pulse;
  }
}
