import { and, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { FACTORS, type FactorCode, type FactorRecord } from "../../scoring/factors";
import type { DbOrTx } from "../client";
import { assessments } from "../schema";

export type AssessmentRow = typeof assessments.$inferSelect;
export type NewAssessmentRow = typeof assessments.$inferInsert;

type StenKey = `sten${FactorCode}`;
type RawKey = `raw${FactorCode}`;

/** The 16 stens of a row, keyed A … Q4. */
export function stensOf(row: AssessmentRow): FactorRecord {
  return Object.fromEntries(FACTORS.map((f) => [f, row[`sten${f}` as StenKey]])) as FactorRecord;
}

/** The raw scores of a row, or null when the assessment was entered as stens. */
export function rawOf(row: AssessmentRow): FactorRecord | null {
  if (FACTORS.some((f) => row[`raw${f}` as RawKey] === null)) return null;
  return Object.fromEntries(FACTORS.map((f) => [f, row[`raw${f}` as RawKey]])) as FactorRecord;
}

/** Column values for stens and (optionally) raw scores. */
export function factorColumns(stens: FactorRecord, raw: FactorRecord | null) {
  const columns: Record<string, number | null> = {};
  for (const f of FACTORS) {
    columns[`sten${f}`] = stens[f];
    columns[`raw${f}`] = raw ? raw[f] : null;
  }
  return columns as Record<StenKey, number> & Record<RawKey, number | null>;
}

/** Newest first: the first row of this order is the cadre's current assessment. */
const newestFirst = [desc(assessments.takenOn), desc(assessments.createdAt), desc(assessments.id)];

export async function listAssessmentRows(
  db: DbOrTx,
  cadreId: string,
  options: { limit: number; before?: [string, string, string] },
): Promise<AssessmentRow[]> {
  const where: SQL[] = [eq(assessments.cadreId, cadreId)];
  if (options.before) {
    const [takenOn, createdAt, id] = options.before;
    where.push(
      or(
        lt(assessments.takenOn, takenOn),
        and(eq(assessments.takenOn, takenOn), lt(assessments.createdAt, createdAt)),
        and(eq(assessments.takenOn, takenOn), eq(assessments.createdAt, createdAt), lt(assessments.id, id)),
      ) as SQL,
    );
  }
  return db
    .select()
    .from(assessments)
    .where(and(...where))
    .orderBy(...newestFirst)
    .limit(options.limit + 1);
}

export async function findAssessmentRow(
  db: DbOrTx,
  cadreId: string,
  id: string,
): Promise<AssessmentRow | undefined> {
  const [row] = await db
    .select()
    .from(assessments)
    .where(and(eq(assessments.cadreId, cadreId), eq(assessments.id, id)))
    .limit(1);
  return row;
}

/** The current (newest) assessment of each of `cadreIds` that has one. */
export async function currentAssessmentRows(
  db: DbOrTx,
  cadreIds: readonly string[],
): Promise<Map<string, AssessmentRow>> {
  const current = new Map<string, AssessmentRow>();
  if (cadreIds.length === 0) return current;
  const rows = await db
    .select()
    .from(assessments)
    .where(inArray(assessments.cadreId, [...new Set(cadreIds)]))
    .orderBy(...newestFirst);
  for (const row of rows) if (!current.has(row.cadreId)) current.set(row.cadreId, row);
  return current;
}

export async function insertAssessment(db: DbOrTx, row: NewAssessmentRow): Promise<void> {
  await db.insert(assessments).values(row);
}

export async function updateAssessment(
  db: DbOrTx,
  id: string,
  patch: Partial<NewAssessmentRow>,
): Promise<void> {
  await db.update(assessments).set(patch).where(eq(assessments.id, id));
}

export async function deleteAssessment(db: DbOrTx, cadreId: string, id: string): Promise<number> {
  return (await db.delete(assessments).where(and(eq(assessments.cadreId, cadreId), eq(assessments.id, id))))
    .rowsAffected;
}

/**
 * The 16 stens of assessment alias `a` as one column of 16 characters (`char(48 + sten)`: '1'…':').
 * The libSQL client builds every value of every row with `Object.defineProperty`, so one column
 * instead of sixteen is most of the cost of reading many profiles.
 */
export const stensAsChars = (alias: string): SQL =>
  sql.raw(`char(${FACTORS.map((f) => `48 + ${alias}.sten_${f.toLowerCase()}`).join(", ")})`);

/** The stens read back from {@link stensAsChars}. */
export function stensFromChars(chars: string): FactorRecord {
  const stens = {} as FactorRecord;
  for (let i = 0; i < FACTORS.length; i++) stens[FACTORS[i] as FactorCode] = chars.charCodeAt(i) - 48;
  return stens;
}

/** Each cadre's current (newest) assessment in brief — id, date, stens — in one narrow query. */
export async function currentAssessmentBriefs(
  db: DbOrTx,
  cadreIds: readonly string[],
): Promise<Map<string, { id: string; takenOn: string; stens: FactorRecord }>> {
  const current = new Map<string, { id: string; takenOn: string; stens: FactorRecord }>();
  const ids = [...new Set(cadreIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = (await db.values(sql`
      select a.cadre_id, a.id, a.taken_on, ${stensAsChars("a")} from assessments a
      where a.cadre_id in (${sql.join(
        chunk.map((id) => sql`${id}`),
        sql`, `,
      )})
        and a.id = (select b.id from assessments b where b.cadre_id = a.cadre_id
                    order by b.taken_on desc, b.created_at desc, b.id desc limit 1)`)) as unknown as ArrayLike<string>[];
    for (const row of rows)
      current.set(row[0] as string, {
        id: row[1] as string,
        takenOn: row[2] as string,
        stens: stensFromChars(row[3] as string),
      });
  }
  return current;
}
