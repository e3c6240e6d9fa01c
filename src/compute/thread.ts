/**
 * What a compute thread runs for each task (see `pool.ts`): the named task over the plain data it
 * was sent, to its end. `control` is shared with the caller: slot 0 is set to 1 to cancel (the
 * task's clock then reads +Infinity, which its budget meter takes as the end), slot 1 holds the
 * share done in millionths (a job's progress).
 */
import { type TaskName, tasks } from "./tasks";

export interface ThreadTask {
  name: TaskName;
  input: unknown;
  control: Int32Array;
}

export const CANCEL = 0;
export const PROGRESS = 1;
export const PROGRESS_SCALE = 1_000_000;

/** Runs one task; `cancelled` when the caller cancelled it (its value then means nothing). */
export function runTask({ name, input, control }: ThreadTask): { cancelled: boolean; value?: unknown } {
  const cancelled = () => Atomics.load(control, CANCEL) === 1;
  if (cancelled()) return { cancelled: true };
  const clock = () => (cancelled() ? Number.POSITIVE_INFINITY : performance.now());
  const run = tasks[name] as (input: unknown, clock: () => number) => Generator<number, unknown>;
  const steps = run(input, clock);
  for (let step = steps.next(); ; step = steps.next()) {
    if (cancelled()) return { cancelled: true };
    if (step.done) return { cancelled: false, value: step.value };
    Atomics.store(control, PROGRESS, Math.round(Math.min(1, Math.max(0, step.value)) * PROGRESS_SCALE));
  }
}
