/** Typed queries of the change log and of saved results' freshness (see src/services/staleness/). */
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import {
  cadreSkills,
  cadres,
  dataChanges,
  jobs,
  regions,
  resultFreshness,
  type SAVED_RESULT_KINDS,
  seats,
  teams,
} from "../schema";

export type DataChangeRow = typeof dataChanges.$inferSelect;
export type FreshnessRow = typeof resultFreshness.$inferSelect;
export type SavedResultKind = (typeof SAVED_RESULT_KINDS)[number];

const IN_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The newest change's `seq` (0 before any): what a result computed from now on has read. */
export async function latestChangeSeq(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ seq: sql<number | null>`max(${dataChanges.seq})` }).from(dataChanges);
  return Number(row?.seq ?? 0);
}

/** Changes after `after` up to `through` (inclusive), oldest first; at most `limit`. */
export async function changesBetween(
  db: DbOrTx,
  after: number,
  through: number | null,
  limit: number,
): Promise<DataChangeRow[]> {
  return db
    .select()
    .from(dataChanges)
    .where(
      through === null
        ? gt(dataChanges.seq, after)
        : and(gt(dataChanges.seq, after), lte(dataChanges.seq, through)),
    )
    .orderBy(asc(dataChanges.seq))
    .limit(limit);
}

/** Freshness rows of the given results of one kind (missing: never recorded, basis 0). */
export async function freshnessOf(
  db: DbOrTx,
  kind: SavedResultKind,
  ids: readonly string[],
): Promise<Map<string, FreshnessRow>> {
  const out = new Map<string, FreshnessRow>();
  for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
    const rows = await db
      .select()
      .from(resultFreshness)
      .where(and(eq(resultFreshness.kind, kind), inArray(resultFreshness.id, part)));
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/**
 * Records that results read the data as of `basisSeq` (never moving a basis back) and sets or
 * clears their last failure.
 */
export async function upsertFreshness(
  db: DbOrTx,
  rows: { kind: SavedResultKind; id: string; basisSeq: number; failure: FreshnessRow["failure"] }[],
  now: string,
): Promise<void> {
  for (const part of chunks(rows, 100))
    await db
      .insert(resultFreshness)
      .values(part.map((r) => ({ ...r, updatedAt: now })))
      .onConflictDoUpdate({
        target: [resultFreshness.kind, resultFreshness.id],
        set: {
          basisSeq: sql`max(${resultFreshness.basisSeq}, excluded.basis_seq)`,
          failure: sql`excluded.failure`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
}

/**
 * Keeps a result's basis but records why its re-rank failed, timed by the database's clock like the
 * changes (a marker's `since` compares the two).
 */
export async function recordFailures(
  db: DbOrTx,
  rows: { kind: SavedResultKind; id: string; failure: Omit<NonNullable<FreshnessRow["failure"]>, "at"> }[],
  now: string,
): Promise<void> {
  for (const part of chunks(rows, 100))
    await db
      .insert(resultFreshness)
      .values(
        part.map((r) => ({
          kind: r.kind,
          id: r.id,
          failure: sql`json_object('code', ${r.failure.code}, 'message', ${r.failure.message}, 'jobId', ${r.failure.jobId}, 'at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
          basisSeq: 0,
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [resultFreshness.kind, resultFreshness.id],
        set: { failure: sql`excluded.failure`, updatedAt: sql`excluded.updated_at` },
      });
}

/**
 * Forgets changes no saved result can still need: at most `through`, at most the lowest basis of
 * any recorded result, and older than `before` (a result being computed right now may have read
 * at an older `seq` than any recorded one; none takes a day).
 */
export async function pruneChanges(db: DbOrTx, through: number, before: string): Promise<void> {
  await db
    .delete(dataChanges)
    .where(
      sql`${dataChanges.seq} <= ${through} and ${dataChanges.at} < ${before} and ${dataChanges.seq} <= coalesce((select min(${resultFreshness.basisSeq}) from ${resultFreshness}), ${through})`,
    );
}

/** What a candidate pool filters on, per cadre (absent: no such cadre any more). */
export interface PoolFacts {
  region: string | null;
  rank: string;
  reserve: boolean;
  /** Null when unknown (a deleted cadre's skills). */
  skills: Set<string> | null;
}

export async function poolFactsOf(db: DbOrTx, ids: readonly string[]): Promise<Map<string, PoolFacts>> {
  const out = new Map<string, PoolFacts>();
  for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
    const rows = await db
      .select({ id: cadres.id, region: cadres.currentRegion, rank: cadres.rank, reserve: cadres.reserve })
      .from(cadres)
      .where(inArray(cadres.id, part));
    for (const r of rows)
      out.set(r.id, { region: r.region, rank: r.rank, reserve: r.reserve, skills: new Set<string>() });
    const skillRows = await db
      .select({ id: cadreSkills.cadreId, skill: cadreSkills.skill })
      .from(cadreSkills)
      .where(inArray(cadreSkills.cadreId, part));
    for (const s of skillRows) out.get(s.id)?.skills?.add(s.skill);
  }
  return out;
}

/** Holders of the given teams' seats, per team. */
export async function holdersOf(db: DbOrTx, teamIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunks([...new Set(teamIds)], IN_CHUNK)) {
    const rows = await db
      .select({ teamId: seats.teamId, cadreId: seats.cadreId })
      .from(seats)
      .where(inArray(seats.teamId, part));
    for (const r of rows) if (r.cadreId) out.set(r.teamId, [...(out.get(r.teamId) ?? []), r.cadreId]);
  }
  return out;
}

/** Succeeded exchange-plan jobs (the saved plans), with their request and plan. */
export async function savedPlans(db: DbOrTx, ids?: readonly string[]) {
  return db
    .select({ id: jobs.id, payload: jobs.payload, result: jobs.result })
    .from(jobs)
    .where(
      and(
        eq(jobs.kind, "exchange-plan"),
        eq(jobs.status, "succeeded"),
        ...(ids ? [inArray(jobs.id, [...ids])] : []),
      ),
    )
    .orderBy(asc(jobs.id));
}

/** Replaces a saved plan (its job's result) with a re-run one. */
export async function replacePlan(db: DbOrTx, id: string, plan: unknown, now: string): Promise<void> {
  await db
    .update(jobs)
    .set({ result: plan, updatedAt: now })
    .where(and(eq(jobs.id, id), eq(jobs.kind, "exchange-plan"), eq(jobs.status, "succeeded")));
}

/** Names for messages: cadres by id, teams (name, region names) by id. */
export async function namesOf(db: DbOrTx, cadreIds: readonly string[], teamIds: readonly string[]) {
  const cadreNames = new Map<string, string>();
  for (const part of chunks([...new Set(cadreIds)], IN_CHUNK))
    for (const r of await db
      .select({ id: cadres.id, name: cadres.name })
      .from(cadres)
      .where(inArray(cadres.id, part)))
      cadreNames.set(r.id, r.name);
  const teamNames = new Map<
    string,
    { name: string | null; region: string; regionName: string | null; regionNameEn: string | null }
  >();
  for (const part of chunks([...new Set(teamIds)], IN_CHUNK))
    for (const r of await db
      .select({
        id: teams.id,
        name: teams.name,
        region: teams.regionCode,
        regionName: regions.name,
        regionNameEn: regions.nameEn,
      })
      .from(teams)
      .leftJoin(regions, eq(regions.code, teams.regionCode))
      .where(inArray(teams.id, part)))
      teamNames.set(r.id, {
        name: r.name,
        region: r.region,
        regionName: r.regionName,
        regionNameEn: r.regionNameEn,
      });
  return { cadreNames, teamNames };
}

/** The queued re-rank job of scope "changes" (queued by the change log's trigger), if one waits. */
export async function waitingChangeRerank(db: DbOrTx): Promise<string | null> {
  const [row] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(eq(jobs.status, "queued"), eq(jobs.kind, "rerank"), sql`${jobs.payload} = '{"scope":"changes"}'`),
    )
    .limit(1);
  return row?.id ?? null;
}
