import { and, asc, desc, eq, gt, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { cadres, placementOutcomes, placements } from "../schema";

export type PlacementRow = typeof placements.$inferSelect;
export type NewPlacementRow = typeof placements.$inferInsert;
export type OutcomeRow = typeof placementOutcomes.$inferSelect;
export type NewOutcomeRow = typeof placementOutcomes.$inferInsert;

/** SQLite's bound-parameter limit is far above it. */
const CHUNK = 500;

export async function insertPlacements(db: DbOrTx, rows: NewPlacementRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insert(placements).values(rows.slice(i, i + CHUNK));
}

export async function findPlacement(db: DbOrTx, id: string): Promise<PlacementRow | undefined> {
  const [row] = await db.select().from(placements).where(eq(placements.id, id)).limit(1);
  return row;
}

export async function placementsByIds(db: DbOrTx, ids: readonly string[]): Promise<PlacementRow[]> {
  const out: PlacementRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    out.push(
      ...(await db
        .select()
        .from(placements)
        .where(inArray(placements.id, ids.slice(i, i + CHUNK)))),
    );
  return out;
}

/** Placements of these cadres (for the import's cadre + date lookup). */
export async function placementsOfCadres(db: DbOrTx, cadreIds: readonly string[]): Promise<PlacementRow[]> {
  const out: PlacementRow[] = [];
  for (let i = 0; i < cadreIds.length; i += CHUNK)
    out.push(
      ...(await db
        .select()
        .from(placements)
        .where(inArray(placements.cadreId, cadreIds.slice(i, i + CHUNK)))),
    );
  return out;
}

/** Placements from one suggestion request or exchange plan. */
export async function placementsFromSource(
  db: DbOrTx,
  source: PlacementRow["source"],
  sourceId: string,
): Promise<PlacementRow[]> {
  return db
    .select()
    .from(placements)
    .where(and(eq(placements.source, source), eq(placements.sourceId, sourceId)))
    .orderBy(asc(placements.id));
}

/**
 * A stored placement identical to this one (same cadre, team — or, outside a team, region — post
 * and date), whatever its source: a placement is one fact, stored once.
 */
export async function findSamePlacement(
  db: DbOrTx,
  p: Pick<PlacementRow, "cadreId" | "teamId" | "regionCode" | "postCode" | "placedOn">,
): Promise<PlacementRow | undefined> {
  const [row] = await db
    .select()
    .from(placements)
    .where(
      and(
        eq(placements.cadreId, p.cadreId),
        eq(placements.postCode, p.postCode),
        eq(placements.placedOn, p.placedOn),
        p.teamId === null
          ? and(isNull(placements.teamId), eq(placements.regionCode, p.regionCode))
          : eq(placements.teamId, p.teamId),
      ),
    )
    .limit(1);
  return row;
}

/** The cadre's placement dated after `placedOn`, if any (then an older one does not set their record). */
export async function laterPlacement(
  db: DbOrTx,
  cadreId: string,
  placedOn: string,
): Promise<PlacementRow | undefined> {
  const [row] = await db
    .select()
    .from(placements)
    .where(and(eq(placements.cadreId, cadreId), gt(placements.placedOn, placedOn)))
    .orderBy(desc(placements.placedOn))
    .limit(1);
  return row;
}

export interface PlacementFilter {
  cadreId?: string | undefined;
  teamId?: string | undefined;
  region?: string | undefined;
  post?: string | undefined;
}

/** A page of placements, newest placement date first (then id), after the cursor's `[placedOn, id]`. */
export async function listPlacementRows(
  db: DbOrTx,
  filter: PlacementFilter,
  options: { limit: number; after?: [string, string] | undefined },
): Promise<PlacementRow[]> {
  const where: SQL[] = [];
  if (filter.cadreId !== undefined) where.push(eq(placements.cadreId, filter.cadreId));
  if (filter.teamId !== undefined) where.push(eq(placements.teamId, filter.teamId));
  if (filter.region !== undefined) where.push(eq(placements.regionCode, filter.region));
  if (filter.post !== undefined) where.push(eq(placements.postCode, filter.post));
  if (options.after) {
    const [placedOn, id] = options.after;
    where.push(
      or(
        lt(placements.placedOn, placedOn),
        and(eq(placements.placedOn, placedOn), gt(placements.id, id)),
      ) as SQL,
    );
  }
  return db
    .select()
    .from(placements)
    .where(and(...where))
    .orderBy(desc(placements.placedOn), asc(placements.id))
    .limit(options.limit + 1);
}

/** Every placement (the follow-up list and the report read them all: a city has hundreds, not millions). */
export async function allPlacements(db: DbOrTx, post?: string): Promise<PlacementRow[]> {
  return db
    .select()
    .from(placements)
    .where(post === undefined ? undefined : eq(placements.postCode, post))
    .orderBy(
      asc(placements.cadreId),
      asc(placements.placedOn),
      asc(placements.createdAt),
      asc(placements.id),
    );
}

/** Outcomes of these placements, by placement and year. */
export async function outcomesOf(db: DbOrTx, placementIds: readonly string[]): Promise<OutcomeRow[]> {
  const out: OutcomeRow[] = [];
  for (let i = 0; i < placementIds.length; i += CHUNK)
    out.push(
      ...(await db
        .select()
        .from(placementOutcomes)
        .where(inArray(placementOutcomes.placementId, placementIds.slice(i, i + CHUNK)))
        .orderBy(asc(placementOutcomes.placementId), asc(placementOutcomes.year))),
    );
  return out;
}

export async function allOutcomes(db: DbOrTx): Promise<OutcomeRow[]> {
  return db
    .select()
    .from(placementOutcomes)
    .orderBy(asc(placementOutcomes.placementId), asc(placementOutcomes.year));
}

export async function insertOutcomes(db: DbOrTx, rows: NewOutcomeRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db.insert(placementOutcomes).values(rows.slice(i, i + CHUNK));
}

/** Names of cadres (the follow-up list shows who). */
export async function cadreNames(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += CHUNK)
    for (const r of await db
      .select({ id: cadres.id, name: cadres.name })
      .from(cadres)
      .where(inArray(cadres.id, ids.slice(i, i + CHUNK))))
      names.set(r.id, r.name);
  return names;
}
