import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import {
  assessments,
  seats,
  suggestionDiffs,
  suggestionRequests,
  suggestionResults,
  teamScores,
  teams,
} from "../schema";
import type { AssessmentRow } from "./assessments";

export type SuggestionResultRow = typeof suggestionResults.$inferSelect;
export type TeamScoreRow = typeof teamScores.$inferSelect;
export type SuggestionDiffRow = typeof suggestionDiffs.$inferSelect;

/** Rows per multi-row INSERT (each row ≤ 9 parameters). */
const INSERT_CHUNK = 200;
const IN_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every saved request with its newest ranking version, in id order. */
export async function requestsWithLatest(db: DbOrTx) {
  const latest = db
    .select({
      requestId: suggestionResults.requestId,
      version: sql<number>`max(${suggestionResults.version})`.as("v"),
    })
    .from(suggestionResults)
    .groupBy(suggestionResults.requestId)
    .as("latest");
  return db
    .select({ request: suggestionRequests, result: suggestionResults })
    .from(suggestionRequests)
    .innerJoin(latest, eq(latest.requestId, suggestionRequests.id))
    .innerJoin(
      suggestionResults,
      and(eq(suggestionResults.requestId, latest.requestId), eq(suggestionResults.version, latest.version)),
    )
    .orderBy(suggestionRequests.id);
}

/** Every stored team with its seats (position order) and its newest stored score, in id order. */
export async function teamsWithLatestScore(db: DbOrTx) {
  const rows = await db.select().from(teams).orderBy(teams.id);
  const seatRows = await db.select().from(seats).orderBy(seats.teamId, seats.position);
  const latest = await db
    .select()
    .from(teamScores)
    .where(
      sql`${teamScores.version} = (select max(t2.version) from team_scores t2 where t2.team_id = ${teamScores.teamId})`,
    );
  const seatsOf = new Map<string, (typeof seatRows)[number][]>();
  for (const s of seatRows) seatsOf.set(s.teamId, [...(seatsOf.get(s.teamId) ?? []), s]);
  const scoreOf = new Map(latest.map((s) => [s.teamId, s]));
  return rows.map((team) => ({ team, seats: seatsOf.get(team.id) ?? [], latest: scoreOf.get(team.id) }));
}

/** The newest version number per request (for the check that nothing was re-ranked meanwhile). */
export async function latestResultVersions(db: DbOrTx, requestIds: readonly string[]) {
  const out = new Map<string, number>();
  for (const ids of chunks(requestIds, IN_CHUNK)) {
    const rows = await db
      .select({ id: suggestionResults.requestId, v: sql<number>`max(${suggestionResults.version})` })
      .from(suggestionResults)
      .where(inArray(suggestionResults.requestId, ids))
      .groupBy(suggestionResults.requestId);
    for (const r of rows) out.set(r.id, Number(r.v));
  }
  return out;
}

export async function latestTeamScoreVersions(db: DbOrTx, teamIds: readonly string[]) {
  const out = new Map<string, number>();
  for (const ids of chunks(teamIds, IN_CHUNK)) {
    const rows = await db
      .select({ id: teamScores.teamId, v: sql<number>`max(${teamScores.version})` })
      .from(teamScores)
      .where(inArray(teamScores.teamId, ids))
      .groupBy(teamScores.teamId);
    for (const r of rows) out.set(r.id, Number(r.v));
  }
  return out;
}

export async function insertResults(
  db: DbOrTx,
  results: (typeof suggestionResults.$inferInsert)[],
  diffs: (typeof suggestionDiffs.$inferInsert)[],
): Promise<void> {
  for (const rows of chunks(results, INSERT_CHUNK)) await db.insert(suggestionResults).values(rows);
  for (const rows of chunks(diffs, INSERT_CHUNK)) await db.insert(suggestionDiffs).values(rows);
}

export async function insertTeamScores(db: DbOrTx, rows: (typeof teamScores.$inferInsert)[]): Promise<void> {
  for (const chunk of chunks(rows, INSERT_CHUNK)) await db.insert(teamScores).values(chunk);
}

/** The two newest assessments of each cadre (current first): what an import changed. */
export async function lastTwoAssessments(db: DbOrTx, cadreIds: readonly string[]) {
  const out = new Map<string, AssessmentRow[]>();
  for (const ids of chunks([...new Set(cadreIds)], IN_CHUNK)) {
    const rows = await db
      .select()
      .from(assessments)
      .where(inArray(assessments.cadreId, ids))
      .orderBy(
        assessments.cadreId,
        desc(assessments.takenOn),
        desc(assessments.createdAt),
        desc(assessments.id),
      );
    for (const r of rows) {
      const list = out.get(r.cadreId) ?? [];
      if (list.length < 2) list.push(r);
      out.set(r.cadreId, list);
    }
  }
  return out;
}

export async function diffsOfJob(db: DbOrTx, jobId: string) {
  return db
    .select()
    .from(suggestionDiffs)
    .where(eq(suggestionDiffs.jobId, jobId))
    .orderBy(suggestionDiffs.requestId, suggestionDiffs.version);
}

export async function teamScoresOfJob(db: DbOrTx, jobId: string) {
  return db.select().from(teamScores).where(eq(teamScores.jobId, jobId)).orderBy(teamScores.teamId);
}

export async function diffsOfRequest(db: DbOrTx, requestId: string) {
  return db.select().from(suggestionDiffs).where(eq(suggestionDiffs.requestId, requestId));
}

export async function teamScoreHistory(db: DbOrTx, teamId: string) {
  return db.select().from(teamScores).where(eq(teamScores.teamId, teamId)).orderBy(desc(teamScores.version));
}
