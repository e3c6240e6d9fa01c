import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { assessments, cadres, importBatches } from "../schema";
import type { NewAssessmentRow } from "./assessments";

export type ImportBatchRow = typeof importBatches.$inferSelect;
export type NewImportBatchRow = typeof importBatches.$inferInsert;

/** Ids per `IN (…)` list: keeps each statement far below SQLite's bound-parameter limit. */
const IN_CHUNK = 500;
/**
 * Assessment rows per INSERT: 38 columns each ≈ 15,200 parameters, under SQLite's 32,766. Fewer,
 * larger statements: 10,000 rows went in ~25% faster than with 200 per statement.
 */
const INSERT_CHUNK = 400;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function findImportBatch(db: DbOrTx, id: string): Promise<ImportBatchRow | undefined> {
  const [row] = await db.select().from(importBatches).where(eq(importBatches.id, id)).limit(1);
  return row;
}

export async function findImportBatchByKey(db: DbOrTx, key: string): Promise<ImportBatchRow | undefined> {
  const [row] = await db.select().from(importBatches).where(eq(importBatches.idempotencyKey, key)).limit(1);
  return row;
}

/**
 * The first batch imported from these exact bytes. A full scan of `import_batches` (one row per
 * import, so small); an index on `content_sha256` would make it a lookup.
 */
export async function findImportBatchByContent(
  db: DbOrTx,
  contentSha256: string,
): Promise<ImportBatchRow | undefined> {
  const [row] = await db
    .select()
    .from(importBatches)
    .where(eq(importBatches.contentSha256, contentSha256))
    .orderBy(importBatches.createdAt)
    .limit(1);
  return row;
}

/** What matching a row to a cadre needs: the id and the natural key (姓名 + 出生年份). */
export interface CadreKeyRow {
  id: string;
  name: string;
  birthYear: number;
}

/** Keys of the cadres among `ids` (those that exist). */
export async function cadreKeysById(db: DbOrTx, ids: readonly string[]): Promise<CadreKeyRow[]> {
  const out: CadreKeyRow[] = [];
  for (const chunk of chunks([...new Set(ids)], IN_CHUNK)) {
    out.push(
      ...(await db
        .select({ id: cadres.id, name: cadres.name, birthYear: cadres.birthYear })
        .from(cadres)
        .where(inArray(cadres.id, chunk))),
    );
  }
  return out;
}

/** Keys of every cadre (matching by name needs them all: names are not indexed and not unique). */
export async function allCadreKeys(db: DbOrTx): Promise<CadreKeyRow[]> {
  return db.select({ id: cadres.id, name: cadres.name, birthYear: cadres.birthYear }).from(cadres);
}

/** Stored assessments of `cadreIds` taken on any of `dates` (to find rows already imported). */
export async function assessmentsOn(
  db: DbOrTx,
  cadreIds: readonly string[],
  dates: readonly string[],
): Promise<(typeof assessments.$inferSelect)[]> {
  const uniqueDates = [...new Set(dates)];
  if (uniqueDates.length === 0) return [];
  const out: (typeof assessments.$inferSelect)[] = [];
  for (const chunk of chunks([...new Set(cadreIds)], IN_CHUNK)) {
    out.push(
      ...(await db
        .select()
        .from(assessments)
        .where(and(inArray(assessments.cadreId, chunk), inArray(assessments.takenOn, uniqueDates)))),
    );
  }
  return out;
}

export async function insertImportBatch(db: DbOrTx, row: NewImportBatchRow): Promise<void> {
  await db.insert(importBatches).values(row);
}

export async function insertAssessments(db: DbOrTx, rows: readonly NewAssessmentRow[]): Promise<void> {
  for (const chunk of chunks(rows, INSERT_CHUNK)) await db.insert(assessments).values(chunk);
}

/** Records the job an import queued (e.g. the re-rank over its cadres). */
export async function setImportBatchJob(db: DbOrTx, id: string, jobId: string): Promise<void> {
  await db.update(importBatches).set({ jobId }).where(eq(importBatches.id, id));
}
