import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { jobs } from "../schema";

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;

export async function insertJob(db: DbOrTx, row: NewJobRow): Promise<void> {
  await db.insert(jobs).values(row);
}

export async function findJob(db: DbOrTx, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
  return row;
}

/**
 * The change log's catch-up re-rank (queued by a trigger after any write; see
 * src/services/staleness/) goes after the jobs someone waits for — an import's own re-rank, a
 * suggestion or plan being computed — which also leave less for it to do.
 */
const DRAIN_LAST = sql`case when ${jobs.kind} = 'rerank' and ${jobs.payload} = '{"scope":"changes"}' then 1 else 0 end`;

/**
 * Claims one job for `runner` in ONE statement, so two runners (threads, processes, isolates) can
 * never both claim it: a queued job, or a running one whose lease has passed (its runner died).
 * With `id`, only that job. Oldest first (the change log's catch-up re-rank last). Returns the
 * claimed row, or undefined.
 */
export async function claimJob(
  db: DbOrTx,
  claim: { runner: string; now: string; leaseUntil: string; id?: string | undefined },
): Promise<JobRow | undefined> {
  const claimable = sql`(${jobs.status} = 'queued' or (${jobs.status} = 'running' and ${jobs.leaseUntil} < ${claim.now}))`;
  const pick =
    claim.id === undefined
      ? sql`(select ${jobs.id} from ${jobs} where ${claimable} order by ${DRAIN_LAST}, ${jobs.createdAt}, ${jobs.id} limit 1)`
      : sql`${claim.id}`;
  const rows = await db
    .update(jobs)
    .set({
      status: "running",
      runner: claim.runner,
      leaseUntil: claim.leaseUntil,
      attempts: sql`${jobs.attempts} + 1`,
      updatedAt: claim.now,
    })
    .where(and(sql`${jobs.id} = ${pick}`, claimable))
    .returning();
  return rows[0];
}

/** Persists progress and renews the lease; false when the runner no longer holds the job. */
export async function renewJob(
  db: DbOrTx,
  id: string,
  runner: string,
  patch: { done?: number; total?: number; leaseUntil: string; now: string },
): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({
      ...(patch.done !== undefined ? { done: patch.done } : {}),
      ...(patch.total !== undefined ? { total: patch.total } : {}),
      leaseUntil: patch.leaseUntil,
      updatedAt: patch.now,
    })
    .where(and(eq(jobs.id, id), eq(jobs.runner, runner), eq(jobs.status, "running")))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Ends a job held by `runner`; false (and nothing written) when it no longer holds it. */
export async function finishJob(
  db: DbOrTx,
  id: string,
  runner: string,
  end: { status: "succeeded" | "failed" | "queued"; result?: unknown; error?: string | null; now: string },
): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({
      status: end.status,
      ...(end.status === "succeeded" ? { done: sql`${jobs.total}`, result: end.result ?? null } : {}),
      ...(end.error !== undefined ? { error: end.error } : {}),
      runner: end.status === "queued" ? null : runner,
      leaseUntil: null,
      updatedAt: end.now,
    })
    .where(and(eq(jobs.id, id), eq(jobs.runner, runner), eq(jobs.status, "running")))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Ids of jobs a runner could claim now (queued, or running with a passed lease), oldest first. */
export async function claimableJobIds(db: DbOrTx, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(sql`${jobs.status} = 'queued' or (${jobs.status} = 'running' and ${jobs.leaseUntil} < ${now})`)
    .orderBy(jobs.createdAt, jobs.id)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The earliest lease among running jobs (to know when an interrupted one becomes claimable). */
export async function earliestLease(db: DbOrTx): Promise<string | null> {
  const [row] = await db
    .select({ at: sql<string | null>`min(${jobs.leaseUntil})` })
    .from(jobs)
    .where(eq(jobs.status, "running"));
  return row?.at ?? null;
}
