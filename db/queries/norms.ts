import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { norms } from "../schema";

export type NormRow = typeof norms.$inferSelect;

/** The newest version of a norm, or a given one. */
export async function findNormRow(db: DbOrTx, code: string, version?: number): Promise<NormRow | undefined> {
  const where =
    version === undefined ? eq(norms.code, code) : and(eq(norms.code, code), eq(norms.version, version));
  const [row] = await db.select().from(norms).where(where).orderBy(desc(norms.version)).limit(1);
  return row;
}

/** The newest version of every uploaded norm. */
export async function latestNormRows(db: DbOrTx): Promise<NormRow[]> {
  return db
    .select()
    .from(norms)
    .where(sql`${norms.version} = (select max(n2.version) from norms n2 where n2.code = ${norms.code})`)
    .orderBy(norms.code);
}

export async function insertNorm(db: DbOrTx, row: typeof norms.$inferInsert): Promise<void> {
  await db.insert(norms).values(row);
}
