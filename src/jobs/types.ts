/**
 * The contract between job kinds and the job runner. A job is a row in `jobs` (kind, status,
 * progress, payload, result); the runner claims queued and interrupted jobs, calls the kind's
 * handler, and commits the handler's effects together with the job's success in one write
 * transaction — so a job is never half-applied, and a job interrupted by a crash is simply run again
 * (handlers are deterministic: the same payload over the same data gives the same result).
 */
import type { Db, Tx } from "../../db/client";
import type { JOB_KINDS } from "../../db/schema";
import type { Compute } from "../compute/types";
import type { Clock } from "../deps";

export type JobKind = (typeof JOB_KINDS)[number];

/** What a handler gets besides its payload. */
export interface JobContext {
  /** Read-only use while computing; effects go through `JobOutcome.apply`. */
  db: Db;
  clock: Clock;
  newId: () => string;
  jobId: string;
  /** Where the job's CPU-bound work runs (src/compute): a thread pool on Node; inline when absent. */
  compute?: Compute | undefined;
  /** Aborted when the runner stops (shutdown): the job's compute is cancelled and the job queued again. */
  signal?: AbortSignal | undefined;
  /** Reports progress (persisted, throttled by the runner). */
  progress(done: number, total: number): Promise<void>;
}

/** What a handler returns: the job's stored result and, optionally, its writes. */
export interface JobOutcome {
  /** Stored as the job's `result` (JSON). */
  result: unknown;
  /** Writes the job's effects; run in the same transaction that marks the job succeeded. */
  apply?: (tx: Tx) => Promise<void>;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<JobOutcome>;

/** Tells whatever runs jobs in this runtime that a job is waiting (Node: the in-process runner; worker: a Queue). */
export interface JobNotifier {
  notify(jobId: string): void | Promise<void>;
}
