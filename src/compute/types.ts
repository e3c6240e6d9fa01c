/** The contract of a compute (see index.ts): tasks by name, cancellation, progress. */
import type { TaskInput, TaskName, TaskOutput } from "./tasks";

export interface ComputeOptions {
  /** Cancels the task; `run` then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Told the task's share done (0–1) now and then (a job's progress). */
  onProgress?: ((share: number) => void) | undefined;
}

/** Runs compute tasks somewhere (threads or inline). */
export interface Compute {
  run<K extends TaskName>(name: K, input: TaskInput<K>, options?: ComputeOptions): Promise<TaskOutput<K>>;
}

/** What a cancelled task rejects with when its signal gives no reason of its own. */
export class ComputeCancelled extends Error {
  override readonly name = "ComputeCancelled";
}

/** The reason to reject with once `signal` is aborted. */
export function cancelReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new ComputeCancelled("the task was cancelled");
}
