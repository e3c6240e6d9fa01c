/**
 * Jobs as the API shows them (`GET /v1/jobs/{id}`), and a job's report: its stored result plus,
 * for a re-rank job, every ranking diff and team score it wrote.
 */
import type { DbOrTx } from "../../db/client";
import * as q from "../../db/queries/jobs";
import * as rq from "../../db/queries/rerank";
import { notFound } from "../lib/problem";
import type { RankingDiff, TeamScoreDiff } from "../services/rerank-diff";

export interface JobView {
  id: string;
  kind: q.JobRow["kind"];
  status: q.JobRow["status"];
  progress: { done: number; total: number };
  result?: unknown;
  error?: string;
  /** How many times a runner has claimed it (more than 1: it was interrupted and resumed). */
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export function jobView(row: q.JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: { done: row.done, total: row.total },
    ...(row.result !== null && row.result !== undefined ? { result: row.result } : {}),
    ...(row.error ? { error: row.error } : {}),
    attempts: row.attempts,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function getJob(db: DbOrTx, id: string): Promise<JobView> {
  const row = await q.findJob(db, id);
  if (!row) throw notFound("job", id);
  return jobView(row);
}

/** A job with what it changed: for re-rank jobs, each request's ranking diff and each team's new score. */
export async function jobReport(db: DbOrTx, id: string) {
  const job = await getJob(db, id);
  const [diffs, scores] = await Promise.all([rq.diffsOfJob(db, id), rq.teamScoresOfJob(db, id)]);
  return {
    job,
    requests: diffs.map((d) => ({
      requestId: d.requestId,
      fromVersion: d.fromVersion,
      version: d.version,
      diff: d.diff as unknown as RankingDiff,
    })),
    teams: scores.map((s) => ({
      teamId: s.teamId,
      version: s.version,
      score: s.score,
      feasible: s.feasible,
      diff: s.diff as unknown as TeamScoreDiff | null,
    })),
  };
}
