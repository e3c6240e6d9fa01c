/**
 * Queueing a job: one `queued` row in `jobs`. Inside a transaction the row commits (or vanishes)
 * with the caller's writes — an import and its re-rank job are one unit — and the runner is told
 * only after the commit; on the database itself it is told at once.
 */
import type { DbOrTx } from "../../db/client";
import * as q from "../../db/queries/jobs";
import type { Clock } from "../deps";
import type { JobKind, JobNotifier } from "./types";

/** What queueing needs: ids, the time, and whatever runs jobs in this runtime (optional). */
export interface JobServices {
  clock: Clock;
  newId: () => string;
  jobs?: JobNotifier | undefined;
}

export interface JobSpec {
  kind: JobKind;
  payload: unknown;
  /** Units of work, if known now (progress is `done / total`); the handler may set it later. */
  total?: number | undefined;
}

/** True for a drizzle transaction handle (it can roll back; the database cannot). */
export function isTransaction(db: DbOrTx): boolean {
  return typeof (db as { rollback?: unknown }).rollback === "function";
}

/**
 * Inserts a queued job and returns its id. On a database handle the runner is notified at once; on
 * a transaction the caller calls {@link notifyJob} after the commit (a runner told earlier could
 * look for a row that is not there yet — it would only find it at its next poll).
 *
 * @example
 * ```ts
 * const id = await enqueueJob(db, { kind: "rerank", payload: { scope: "all" } }, services);
 * ```
 */
export async function enqueueJob(db: DbOrTx, spec: JobSpec, services: JobServices): Promise<string> {
  const id = services.newId();
  const now = services.clock.now().toISOString();
  await q.insertJob(db, {
    id,
    kind: spec.kind,
    status: "queued",
    done: 0,
    total: spec.total ?? 0,
    payload: spec.payload ?? null,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  });
  if (!isTransaction(db)) await notifyJob(services, id);
  return id;
}

/** Tells the runtime's runner that a committed job waits; a failure to tell is not fatal (runners also poll). */
export async function notifyJob(services: Pick<JobServices, "jobs">, id: string | null | undefined) {
  if (!id || !services.jobs) return;
  try {
    await services.jobs.notify(id);
  } catch {
    // The job is committed; the Node runner's poll or the worker's cron picks it up.
  }
}
