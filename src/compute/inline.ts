/**
 * Compute tasks run on the calling thread: the worker runtime (workerd has no threads; the queue
 * consumer runs them within its CPU limit) and tests that give no pool. The task runs in slices
 * with a turn of the event loop between them, so that an abort can be seen and other work on the
 * same thread goes on.
 */
import { type TaskName, tasks } from "./tasks";
import { type Compute, cancelReason } from "./types";

/** A turn of the event loop: setImmediate (Node) runs after pending I/O; workerd has only setTimeout. */
export const nextTurn = () =>
  new Promise<void>(
    (resolve) =>
      (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate?.(resolve) ??
      setTimeout(resolve, 0),
  );

/** Runs each task on the calling thread, in slices (see the file's header). */
export const inlineCompute: Compute = {
  async run(name, input, options = {}) {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw cancelReason(signal);
    // An aborted signal makes the clock read +Infinity: the budget meter ends the search.
    const clock = () => (signal?.aborted ? Number.POSITIVE_INFINITY : performance.now());
    const run = tasks[name as TaskName] as (
      input: unknown,
      clock: () => number,
    ) => Generator<number, unknown>;
    const steps = run(input, clock);
    for (let step = steps.next(); ; step = steps.next()) {
      if (signal?.aborted) throw cancelReason(signal);
      if (step.done) return step.value as never;
      onProgress?.(step.value);
      await nextTurn();
    }
  },
};
