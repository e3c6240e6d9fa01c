/**
 * Running one job, the same way in every runtime: claim it (one atomic UPDATE, so no two runners
 * run it), call its kind's handler with a renewing lease, then commit the handler's writes together
 * with `succeeded` in one write transaction — or, if the runner lost its claim meanwhile (it stalled
 * past its lease and another runner took over), commit nothing. A crash at any point leaves either
 * the whole outcome or none of it; a job left `running` by a dead process is claimed again once its
 * lease passes, and re-run (handlers are deterministic).
 */
import { type Db, writeTransaction } from "../../db/client";
import * as q from "../../db/queries/jobs";
import type { Compute } from "../compute/types";
import type { Clock } from "../deps";
import { ApiError } from "../lib/problem";
import { JobInterrupted, StaleJobError } from "./errors";
import { jobHandlers } from "./handlers";
import type { JobContext, JobHandler, JobKind } from "./types";

export interface RunnerOptions {
  /** This runner's id (process or isolate), stored on the jobs it holds. */
  runner: string;
  /** How long a claim holds without renewal (ms); an interrupted job is resumed after this. */
  leaseMs: number;
  /** Least time between two progress writes (ms). */
  progressMs: number;
  /** Claims of one job after which it fails instead of being run again (a job that kills its runner). */
  maxAttempts: number;
  handlers: Partial<Record<JobKind, JobHandler>>;
  /** Sees every progress report (e.g. a command line's progress bar); not throttled. */
  onProgress?: ((jobId: string, done: number, total: number) => void) | undefined;
}

export const defaultRunnerOptions: Omit<RunnerOptions, "runner"> = {
  leaseMs: 60_000,
  progressMs: 250,
  maxAttempts: 5,
  handlers: jobHandlers,
};

/** What a runner needs besides the database. */
export interface RunnerServices {
  clock: Clock;
  newId: () => string;
  /** Accepted so that request services can be passed as they are; the runner uses its `db` argument. */
  db?: Db | undefined;
  /** Where handlers' CPU-bound work runs (a thread pool on Node); inline when absent. */
  compute?: Compute | undefined;
  /** Aborted (with a `JobInterrupted`) when the runner stops: the job in hand is queued again. */
  signal?: AbortSignal | undefined;
}

export { JobInterrupted, StaleJobError };

class LostClaimError extends Error {
  override readonly name = "LostClaimError";
}

export type RunStatus = "succeeded" | "failed" | "queued" | "lost";

/** What may be stored as a job's error: an API error's own message, otherwise only the kind of failure. */
export function jobErrorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  // Other messages may repeat SQL parameters (names, stens): keep only the kind and code.
  const name = (error as { name?: unknown })?.name;
  const code = (error as { code?: unknown })?.code;
  return `internal: ${typeof name === "string" ? name : "Error"}${typeof code === "string" ? ` (${code})` : ""}`;
}

const later = (clock: Clock, ms: number) => new Date(clock.now().getTime() + ms).toISOString();

/**
 * Claims a job (the given one, or the oldest claimable) and runs it to its end. Returns undefined
 * when there was nothing to claim.
 */
export async function claimAndRun(
  db: Db,
  services: RunnerServices,
  options: RunnerOptions,
  id?: string,
): Promise<{ id: string; status: RunStatus } | undefined> {
  const now = services.clock.now().toISOString();
  const job = await q.claimJob(db, {
    runner: options.runner,
    now,
    leaseUntil: later(services.clock, options.leaseMs),
    id,
  });
  if (!job) return undefined;
  return { id: job.id, status: await runClaimed(db, job, services, options) };
}

async function runClaimed(
  db: Db,
  job: q.JobRow,
  services: RunnerServices,
  options: RunnerOptions,
): Promise<RunStatus> {
  const { clock } = services;
  const end = async (status: "failed" | "queued", error: string) =>
    (await q.finishJob(db, job.id, options.runner, { status, error, now: clock.now().toISOString() }))
      ? status
      : "lost";
  const handler = options.handlers[job.kind];
  if (!handler) return end("failed", `no_handler: this build runs no '${job.kind}' jobs`);
  if (job.attempts > options.maxAttempts)
    return end("failed", `gave_up: interrupted ${job.attempts - 1} times without finishing`);

  let lost = false;
  let saved = 0;
  const renew = async (done?: number, total?: number) => {
    const ok = await q.renewJob(db, job.id, options.runner, {
      done,
      total,
      leaseUntil: later(clock, options.leaseMs),
      now: clock.now().toISOString(),
    });
    if (!ok) lost = true;
    return ok;
  };
  const ctx: JobContext = {
    db,
    clock,
    newId: services.newId,
    jobId: job.id,
    compute: services.compute,
    signal: services.signal,
    async progress(done, total) {
      if (lost) throw new LostClaimError(job.id);
      options.onProgress?.(job.id, done, total);
      const at = clock.now().getTime();
      if (at - saved < options.progressMs && done < total) return;
      saved = at;
      if (!(await renew(done, total))) throw new LostClaimError(job.id);
    },
  };
  // Renews the lease even while a handler is between progress reports.
  const heartbeat = setInterval(
    () => {
      renew().catch(() => {});
    },
    Math.max(50, Math.floor(options.leaseMs / 3)),
  );
  (heartbeat as { unref?: () => void }).unref?.();
  try {
    const outcome = await handler(job.payload, ctx);
    clearInterval(heartbeat);
    await writeTransaction(db, async (tx) => {
      const ok = await q.finishJob(tx, job.id, options.runner, {
        status: "succeeded",
        result: outcome.result ?? null,
        error: null,
        now: clock.now().toISOString(),
      });
      if (!ok) throw new LostClaimError(job.id);
      await outcome.apply?.(tx);
    });
    return "succeeded";
  } catch (error) {
    clearInterval(heartbeat);
    if (error instanceof LostClaimError) return "lost";
    if (error instanceof StaleJobError) return end("queued", `stale: ${error.message}`);
    // Stopped by a shutdown: queued again at once, so that the next start resumes it.
    if (error instanceof JobInterrupted || services.signal?.aborted)
      return end("queued", `interrupted: ${error instanceof Error ? error.message : "the runner stopped"}`);
    return end("failed", jobErrorText(error));
  }
}
