import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { cadreSkills, cadres, suggestionRequests, suggestionResults } from "../schema";

export type SuggestionRequestRow = typeof suggestionRequests.$inferSelect;
export type SuggestionResultRow = typeof suggestionResults.$inferSelect;

/** A candidate pool's filters (all optional; the lists are ids). */
export interface PoolFilter {
  region?: string | undefined;
  rank?: (typeof cadres.$inferSelect)["rank"] | undefined;
  reserve?: boolean | undefined;
  /** Every listed skill is required. */
  skills?: readonly string[] | undefined;
}

/** Ids of all cadres matching a pool filter, in id order. */
export async function poolIds(db: DbOrTx, filter: PoolFilter): Promise<string[]> {
  const where: SQL[] = [];
  if (filter.region !== undefined) where.push(eq(cadres.currentRegion, filter.region));
  if (filter.rank !== undefined) where.push(eq(cadres.rank, filter.rank));
  if (filter.reserve !== undefined) where.push(eq(cadres.reserve, filter.reserve));
  for (const skill of filter.skills ?? [])
    where.push(
      inArray(
        cadres.id,
        db.select({ id: cadreSkills.cadreId }).from(cadreSkills).where(eq(cadreSkills.skill, skill)),
      ),
    );
  const rows = await db
    .select({ id: cadres.id })
    .from(cadres)
    .where(and(...where))
    .orderBy(cadres.id);
  return rows.map((r) => r.id);
}

export async function insertRequestWithResult(
  db: DbOrTx,
  request: typeof suggestionRequests.$inferInsert,
  result: typeof suggestionResults.$inferInsert,
): Promise<void> {
  await db.insert(suggestionRequests).values(request);
  await db.insert(suggestionResults).values(result);
}

export async function findRequest(db: DbOrTx, id: string): Promise<SuggestionRequestRow | undefined> {
  const [row] = await db.select().from(suggestionRequests).where(eq(suggestionRequests.id, id)).limit(1);
  return row;
}

/** The versions of a request's ranking, newest first. */
export async function resultVersions(db: DbOrTx, requestId: string): Promise<SuggestionResultRow[]> {
  return db
    .select()
    .from(suggestionResults)
    .where(eq(suggestionResults.requestId, requestId))
    .orderBy(desc(suggestionResults.version));
}

/**
 * Saved suggestion requests, newest first (then by id), optionally of one team, after a cursor's
 * `[createdAt, id]`; one row more than `limit` tells whether a next page exists.
 */
export async function listRequestRows(
  db: DbOrTx,
  filter: { teamId?: string | undefined },
  options: { limit: number; after?: [string, string] | undefined },
): Promise<SuggestionRequestRow[]> {
  const where: SQL[] = [];
  if (filter.teamId !== undefined) where.push(eq(suggestionRequests.teamId, filter.teamId));
  if (options.after) {
    const [createdAt, id] = options.after;
    where.push(
      or(
        lt(suggestionRequests.createdAt, createdAt),
        and(eq(suggestionRequests.createdAt, createdAt), gt(suggestionRequests.id, id)),
      ) as SQL,
    );
  }
  return db
    .select()
    .from(suggestionRequests)
    .where(and(...where))
    .orderBy(desc(suggestionRequests.createdAt), asc(suggestionRequests.id))
    .limit(options.limit + 1);
}
