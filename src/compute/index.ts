/**
 * Compute off the request thread: the CPU-bound work of suggestions, exchange plans, re-rank jobs
 * and large score batches goes through a {@link Compute}, which runs a named task (`tasks.ts`) on
 * plain data. On Node it is a pool of worker threads (`pool.ts`, made by `src/node.ts`), so that
 * the event loop only parses, authorizes, reads and writes; in the worker runtime (no threads) and
 * wherever none is given, the same tasks run inline, in slices with a turn of the event loop
 * between them (`inline.ts`).
 *
 * Cancellation: the request's deadline or a shutdown aborts `options.signal`; the task's search
 * stops at its budget meter's next check (every 1,024 iterations) and `run` rejects with the
 * signal's reason. Nothing a task computes is written unless `run` resolves.
 *
 * @example
 * ```ts
 * const solved = await computeOf(services).run("suggest", { prepared }, { signal: services.signal });
 * ```
 */
import { inlineCompute } from "./inline";
import type { Compute } from "./types";

export { inlineCompute } from "./inline";
export type { TaskInput, TaskName, TaskOutput } from "./tasks";
export { type Compute, ComputeCancelled, type ComputeOptions, cancelReason } from "./types";

/** The task's compute, or the inline one where the runtime gives none. */
export function computeOf(services: { compute?: Compute | undefined }): Compute {
  return services.compute ?? inlineCompute;
}
