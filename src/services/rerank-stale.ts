/**
 * The re-rank job's side of stale markers (see `staleness/`): which saved results the logged
 * changes affect (scope "changes"), re-running affected exchange plans, and what the job records
 * about each result it checked — its new basis (the marker clears) or its failure (the marker stays,
 * with the failure as a reason).
 */
import type { DbOrTx } from "../../db/client";
import type * as rq from "../../db/queries/rerank";
import * as q from "../../db/queries/staleness";
import type { RequestServices } from "../deps";
import { notifyJob } from "../jobs/enqueue";
import type { JobContext } from "../jobs/types";
import { ApiError } from "../lib/problem";
import { exchangePlanJob } from "./exchange-plans";
import { checkResults, planReads, type ResultReads, suggestionReads, teamScoreReads } from "./staleness";

type RequestRow = Awaited<ReturnType<typeof rq.requestsWithLatest>>[number];
type TeamRow = Awaited<ReturnType<typeof rq.teamsWithLatestScore>>[number];
export type PlanRow = Awaited<ReturnType<typeof q.savedPlans>>[number];

/** Holders per team, from the teams the job has loaded anyway. */
export function holdersByTeam(teams: readonly TeamRow[]): Map<string, string[]> {
  return new Map(
    teams.map(({ team, seats }) => [team.id, seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []))]),
  );
}

/** The saved results the changes up to `through` affect, by kind. */
export async function affectedResults(
  db: DbOrTx,
  through: number,
  requests: readonly RequestRow[],
  teams: readonly TeamRow[],
  plans: readonly PlanRow[],
) {
  const holders = holdersByTeam(teams);
  const reads: ResultReads[] = [
    ...requests.map((row) => suggestionReads(row, holders)),
    ...teams.flatMap(({ team, latest }) => (latest ? [teamScoreReads(team.id, latest, holders)] : [])),
    ...plans.map((p) => planReads(p, holders)),
  ];
  const verdicts = await checkResults(db, reads, through);
  const ids = (kind: ResultReads["kind"]) =>
    new Set(verdicts.filter((v) => v.reads.kind === kind && v.reasons.length > 0).map((v) => v.reads.id));
  return { requests: ids("suggestion"), teams: ids("team-score"), plans: ids("exchange-plan") };
}

/** A plan re-run on today's data, or why it could not be. */
export type PlanWork =
  | { planId: string; ok: true; plan: unknown }
  | { planId: string; ok: false; code: string; message: string };

/** Re-runs saved exchange plans with their stored request (seed, budget) through the plan job itself. */
export async function rerunPlans(ctx: JobContext, plans: readonly PlanRow[]): Promise<PlanWork[]> {
  const out: PlanWork[] = [];
  for (const p of plans) {
    try {
      const outcome = await exchangePlanJob(p.payload, { ...ctx, progress: async () => {} });
      out.push({ planId: p.id, ok: true, plan: outcome.result });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      out.push({ planId: p.id, ok: false, code: error.code, message: error.message });
    }
  }
  return out;
}

/** What the job records about the results it checked, in its one transaction. */
export interface FreshnessWrites {
  fresh: { kind: q.SavedResultKind; id: string }[];
  failed: { kind: q.SavedResultKind; id: string; code: string; message: string }[];
}

export async function writeFreshness(
  tx: DbOrTx,
  writes: FreshnessWrites,
  basis: number,
  jobId: string,
  now: string,
): Promise<void> {
  await q.upsertFreshness(
    tx,
    writes.fresh.map((r) => ({ ...r, basisSeq: basis, failure: null })),
    now,
  );
  await q.recordFailures(
    tx,
    writes.failed.map(({ kind, id, code, message }) => ({
      kind,
      id,
      failure: { code, message, jobId },
    })),
    now,
  );
  // The log is kept a day past the oldest basis: a result being computed now may have read before it.
  await q.pruneChanges(tx, basis, new Date(Date.parse(now) - 86_400_000).toISOString());
}

/**
 * Tells the runtime's job runner about the change log's waiting re-rank job, if any (the trigger
 * that queued it could not). Never fails the request: runners also poll (Node) or sweep (cron).
 */
export async function announceChangeRerank(services: RequestServices): Promise<void> {
  if (!services.jobs) return;
  try {
    await notifyJob(services, await q.waitingChangeRerank(services.db));
  } catch {
    // The job stays queued; the next poll or sweep runs it.
  }
}
