import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { regions } from "../schema";

export type RegionRow = typeof regions.$inferSelect;
export type NewRegionRow = typeof regions.$inferInsert;

export async function findRegion(db: DbOrTx, code: string): Promise<RegionRow | undefined> {
  const [row] = await db.select().from(regions).where(eq(regions.code, code)).limit(1);
  return row;
}

/** Which of `codes` exist, as a set. */
export async function existingRegionCodes(db: DbOrTx, codes: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return new Set();
  const rows = await db.select({ code: regions.code }).from(regions).where(inArray(regions.code, unique));
  return new Set(rows.map((r) => r.code));
}

export async function listRegions(
  db: DbOrTx,
  options: { limit: number; after?: string; parent?: string; level?: RegionRow["level"] },
): Promise<RegionRow[]> {
  const where: SQL[] = [];
  if (options.after !== undefined) where.push(gt(regions.code, options.after));
  if (options.parent !== undefined) where.push(eq(regions.parentCode, options.parent));
  if (options.level !== undefined) where.push(eq(regions.level, options.level));
  return db
    .select()
    .from(regions)
    .where(and(...where))
    .orderBy(asc(regions.code))
    .limit(options.limit + 1);
}

export async function insertRegion(db: DbOrTx, row: NewRegionRow): Promise<void> {
  await db.insert(regions).values(row);
}

export async function updateRegion(db: DbOrTx, code: string, patch: Partial<NewRegionRow>): Promise<void> {
  await db.update(regions).set(patch).where(eq(regions.code, code));
}

export async function deleteRegion(db: DbOrTx, code: string): Promise<number> {
  const result = await db.delete(regions).where(eq(regions.code, code));
  return result.rowsAffected;
}
