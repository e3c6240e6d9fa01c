import { asc, eq, gt, inArray } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { postTypes } from "../schema";

export type PostTypeRow = typeof postTypes.$inferSelect;
export type NewPostTypeRow = typeof postTypes.$inferInsert;

export async function findPostType(db: DbOrTx, code: string): Promise<PostTypeRow | undefined> {
  const [row] = await db.select().from(postTypes).where(eq(postTypes.code, code)).limit(1);
  return row;
}

/** Which of `codes` exist, as a set. */
export async function existingPostCodes(db: DbOrTx, codes: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return new Set();
  const rows = await db
    .select({ code: postTypes.code })
    .from(postTypes)
    .where(inArray(postTypes.code, unique));
  return new Set(rows.map((r) => r.code));
}

/** Post types in code order (the list is short, a few dozen at most, but paged like every list). */
export async function listPostTypes(
  db: DbOrTx,
  options: { limit: number; after?: string },
): Promise<PostTypeRow[]> {
  return db
    .select()
    .from(postTypes)
    .where(options.after !== undefined ? gt(postTypes.code, options.after) : undefined)
    .orderBy(asc(postTypes.code))
    .limit(options.limit + 1);
}

export async function insertPostType(db: DbOrTx, row: NewPostTypeRow): Promise<void> {
  await db.insert(postTypes).values(row);
}

export async function updatePostType(
  db: DbOrTx,
  code: string,
  patch: Partial<NewPostTypeRow>,
): Promise<void> {
  await db.update(postTypes).set(patch).where(eq(postTypes.code, code));
}

export async function deletePostType(db: DbOrTx, code: string): Promise<number> {
  return (await db.delete(postTypes).where(eq(postTypes.code, code))).rowsAffected;
}
