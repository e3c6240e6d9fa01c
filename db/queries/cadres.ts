import { and, asc, eq, gt, inArray, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { cadrePreferences, cadreSkills, cadres, kinLinks, seats } from "../schema";

export type CadreRow = typeof cadres.$inferSelect;
export type NewCadreRow = typeof cadres.$inferInsert;
export type KinRelation = (typeof kinLinks.$inferSelect)["relation"];

/** A cadre with the lists stored beside it. */
export interface CadreRecord extends CadreRow {
  skills: { skill: string; level: number }[];
  kin: { cadreId: string; relation: KinRelation }[];
  preferences: { region: string; post: string }[];
}

export interface CadreFilter {
  region?: string;
  rank?: CadreRow["rank"];
  reserve?: boolean;
  skill?: string;
  /** Only these ids. */
  ids?: string[];
  /** Names containing this text (matched literally). */
  name?: string;
}

export async function findCadreRow(db: DbOrTx, id: string): Promise<CadreRow | undefined> {
  const [row] = await db.select().from(cadres).where(eq(cadres.id, id)).limit(1);
  return row;
}

/** Which of `ids` exist, as a set. */
export async function existingCadreIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows = await db.select({ id: cadres.id }).from(cadres).where(inArray(cadres.id, unique));
  return new Set(rows.map((r) => r.id));
}

/** Attaches skills, kin and preferences to rows, with three queries whatever the number of rows. */
export async function withLists(db: DbOrTx, rows: CadreRow[]): Promise<CadreRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [skillRows, kinRows, preferenceRows] = await Promise.all([
    db.select().from(cadreSkills).where(inArray(cadreSkills.cadreId, ids)).orderBy(asc(cadreSkills.skill)),
    db
      .select()
      .from(kinLinks)
      .where(or(inArray(kinLinks.cadreId, ids), inArray(kinLinks.kinId, ids))),
    db
      .select()
      .from(cadrePreferences)
      .where(inArray(cadrePreferences.cadreId, ids))
      .orderBy(asc(cadrePreferences.cadreId), asc(cadrePreferences.rank)),
  ]);
  return rows.map((row) => ({
    ...row,
    skills: skillRows.filter((s) => s.cadreId === row.id).map(({ skill, level }) => ({ skill, level })),
    kin: kinRows
      .filter((k) => k.cadreId === row.id || k.kinId === row.id)
      .map((k) => ({ cadreId: k.cadreId === row.id ? k.kinId : k.cadreId, relation: k.relation }))
      .sort((a, b) => a.cadreId.localeCompare(b.cadreId)),
    preferences: preferenceRows
      .filter((p) => p.cadreId === row.id)
      .map((p) => ({ region: p.regionCode, post: p.postCode })),
  }));
}

export async function listCadreRows(
  db: DbOrTx,
  options: CadreFilter & { limit: number; after?: string },
): Promise<CadreRow[]> {
  const where: SQL[] = [];
  if (options.after !== undefined) where.push(gt(cadres.id, options.after));
  if (options.region !== undefined) where.push(eq(cadres.currentRegion, options.region));
  if (options.rank !== undefined) where.push(eq(cadres.rank, options.rank));
  if (options.reserve !== undefined) where.push(eq(cadres.reserve, options.reserve));
  if (options.skill !== undefined)
    where.push(
      inArray(
        cadres.id,
        db.select({ id: cadreSkills.cadreId }).from(cadreSkills).where(eq(cadreSkills.skill, options.skill)),
      ),
    );
  if (options.ids !== undefined) where.push(inArray(cadres.id, options.ids));
  if (options.name !== undefined) {
    // LIKE with the text's own % and _ (and the escape character) escaped: a substring match.
    const pattern = `%${options.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`${cadres.name} like ${pattern} escape '\\'`);
  }
  return db
    .select()
    .from(cadres)
    .where(and(...where))
    .orderBy(asc(cadres.id))
    .limit(options.limit + 1);
}

export interface CadreLists {
  skills?: { skill: string; level: number }[];
  kin?: { cadreId: string; relation: KinRelation }[];
  preferences?: { region: string; post: string }[];
}

/** Replaces whichever lists are given (skills, kin, preferences) of one cadre. */
export async function replaceLists(tx: DbOrTx, id: string, lists: CadreLists): Promise<void> {
  if (lists.skills) {
    await tx.delete(cadreSkills).where(eq(cadreSkills.cadreId, id));
    if (lists.skills.length)
      await tx
        .insert(cadreSkills)
        .values(lists.skills.map((s) => ({ cadreId: id, skill: s.skill, level: s.level })));
  }
  if (lists.kin) {
    await tx.delete(kinLinks).where(or(eq(kinLinks.cadreId, id), eq(kinLinks.kinId, id)));
    if (lists.kin.length)
      await tx.insert(kinLinks).values(
        lists.kin.map((k) => {
          const [a, b] = id < k.cadreId ? [id, k.cadreId] : [k.cadreId, id];
          return { cadreId: a, kinId: b, relation: k.relation };
        }),
      );
  }
  if (lists.preferences) {
    await tx.delete(cadrePreferences).where(eq(cadrePreferences.cadreId, id));
    if (lists.preferences.length)
      await tx.insert(cadrePreferences).values(
        lists.preferences.map((p, i) => ({
          cadreId: id,
          rank: i + 1,
          regionCode: p.region,
          postCode: p.post,
        })),
      );
  }
}

export async function insertCadre(tx: DbOrTx, row: NewCadreRow, lists: CadreLists): Promise<void> {
  await tx.insert(cadres).values(row);
  await replaceLists(tx, row.id, lists);
}

/** Updates columns and bumps `version`; returns false when no row has `id`. */
export async function updateCadre(tx: DbOrTx, id: string, patch: Partial<NewCadreRow>, lists: CadreLists) {
  const result = await tx
    .update(cadres)
    .set({ ...patch, version: sql`${cadres.version} + 1` })
    .where(eq(cadres.id, id));
  if (result.rowsAffected === 0) return false;
  await replaceLists(tx, id, lists);
  return true;
}

export async function deleteCadre(db: DbOrTx, id: string): Promise<number> {
  return (await db.delete(cadres).where(eq(cadres.id, id))).rowsAffected;
}

/** Team ids whose seats a cadre holds. */
export async function seatsHeldBy(db: DbOrTx, id: string): Promise<string[]> {
  const rows = await db.select({ teamId: seats.teamId }).from(seats).where(eq(seats.cadreId, id));
  return rows.map((r) => r.teamId);
}
