/**
 * The Node compute: a pool of worker threads (tinypool) that run the compute tasks, so that a
 * search, a re-rank or a large score batch never holds the event loop. Node only (workerd has no
 * threads): `src/node.ts` makes one and gives it to the app and the job runner.
 *
 * Cancellation is cooperative: each task shares a small SharedArrayBuffer with its thread; an
 * abort sets its flag, the task's clock then reads +Infinity and its budget meter ends the search
 * at its next check (every 1,024 iterations). `run` rejects at once on abort; the thread finishes
 * the task's last slice and is free again — no thread is killed (a new one would load TypeScript
 * anew, ~0.5 s).
 */
import Tinypool from "tinypool";
import { ApiError } from "../lib/problem";
import { CANCEL, PROGRESS, PROGRESS_SCALE, type ThreadTask } from "./thread";
import { type Compute, cancelReason } from "./types";

/** A thread idle this long ends (a day: in practice, threads are kept once started). */
const IDLE_MS = 24 * 60 * 60 * 1000;

/** How often a job's progress is read from its thread (ms). */
const PROGRESS_EVERY_MS = 200;

export interface ComputePoolOptions {
  /** Threads in the pool (BANZI_COMPUTE_THREADS; see src/env.ts). */
  threads: number;
}

/**
 * A pool of compute threads.
 *
 * @example
 * ```ts
 * const compute = new ComputePool({ threads: 1 });
 * const solved = await compute.run("suggest", { prepared }, { signal });
 * await compute.close();
 * ```
 */
export class ComputePool implements Compute {
  private readonly pool: Tinypool;
  /** The tasks under way: their control arrays (to cancel them at shutdown) and their ends. */
  private readonly running = new Map<Int32Array, Promise<unknown>>();
  private closing = false;

  constructor(options: ComputePoolOptions) {
    this.pool = new Tinypool({
      filename: new URL("./thread-entry.mjs", import.meta.url).href,
      // Started on the first task and then kept: a thread loads TypeScript when it starts (about a
      // CPU-second), which a server's start (or each of several processes') need not wait for.
      minThreads: 0,
      maxThreads: options.threads,
      idleTimeout: IDLE_MS,
      // The thread registers tsx itself (thread-entry.mjs): no loader flags of the parent.
      execArgv: [],
    });
  }

  get threads(): number {
    return this.pool.options.maxThreads;
  }

  run: Compute["run"] = async (name, input, options = {}) => {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw cancelReason(signal);
    if (this.closing) throw shuttingDown();
    const control = new Int32Array(new SharedArrayBuffer(8));
    const cancel = () => Atomics.store(control, CANCEL, 1);

    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        cancel();
        reject(cancelReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    const progress = onProgress
      ? setInterval(() => onProgress(Atomics.load(control, PROGRESS) / PROGRESS_SCALE), PROGRESS_EVERY_MS)
      : undefined;
    const task: ThreadTask = { name, input, control };
    const work = this.pool.run(task) as Promise<{ cancelled: boolean; value?: unknown }>;
    // An abort answers at once; the thread's result, if it comes later, is dropped.
    this.running.set(
      control,
      work.catch(() => {}),
    );
    try {
      const outcome = await (signal ? Promise.race([work, aborted]) : work);
      // Cancelled without a signal of its own: by close() (shutdown).
      if (outcome.cancelled) throw signal?.aborted ? cancelReason(signal) : shuttingDown();
      return outcome.value as never;
    } finally {
      if (progress) clearInterval(progress);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      this.running.delete(control);
    }
  };

  /**
   * Cancels every task under way — a task without a signal of its own rejects with a 503
   * `unavailable` (the request is answered, nothing stored) — waits for their threads to let go
   * (each ends within one budget check; at most `graceMs`), and stops the threads.
   */
  async close(graceMs = 1_000): Promise<void> {
    this.closing = true;
    for (const control of this.running.keys()) Atomics.store(control, CANCEL, 1);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled(this.running.values()),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.pool.destroy();
  }
}

const shuttingDown = () =>
  new ApiError("unavailable", "The server is shutting down; nothing was changed. Try again.", {
    headers: { "retry-after": "1" },
  });
