/**
 * A job's compute task: run in the job's compute (a thread on Node, inline in the worker), with its
 * share done reported as the job's progress, and cancelled when the runner stops (shutdown) or
 * loses its claim.
 */
import { computeOf, type TaskInput, type TaskName, type TaskOutput } from "../compute";
import type { JobContext } from "./types";

/**
 * Runs task `name` for a job; its share done (0–1) becomes progress `from + share × (to − from)` of
 * `total` (never `total` itself: the job reports that once it has its answer).
 *
 * @example
 * ```ts
 * const solved = await runInJob(ctx, "suggest", { prepared }, 1000);
 * ```
 */
export async function runInJob<K extends TaskName>(
  ctx: JobContext,
  name: K,
  input: TaskInput<K>,
  total: number,
  from = 0,
  to = total,
): Promise<TaskOutput<K>> {
  const stop = new AbortController();
  const onStop = () => stop.abort(ctx.signal?.reason);
  if (ctx.signal?.aborted) onStop();
  ctx.signal?.addEventListener("abort", onStop, { once: true });
  // Progress is written one report at a time; a failed write (the claim was lost) cancels the task.
  let writing: Promise<void> | undefined;
  const onProgress = (share: number) => {
    if (writing) return;
    const done = Math.min(total - 1, Math.round(from + share * (to - from)));
    writing = ctx
      .progress(done, total)
      .catch((error: unknown) => stop.abort(error))
      .finally(() => {
        writing = undefined;
      });
  };
  try {
    const value = await computeOf(ctx).run(name, input, { signal: stop.signal, onProgress });
    await writing;
    if (stop.signal.aborted) throw stop.signal.reason;
    return value;
  } finally {
    ctx.signal?.removeEventListener("abort", onStop);
  }
}
