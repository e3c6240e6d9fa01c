/**
 * 考核结果导入 — annual appraisals of placements from CSV (as Excel writes it in China: UTF-8 with or
 * without BOM, or GB18030; RFC 4180) or JSON rows, through the same table reader as the assessment
 * import (`import-table.ts`). Every row is checked first and every problem listed by line and
 * column; a real import writes all rows or none.
 *
 * ## Columns (Chinese or English; case, spaces and punctuation ignored)
 * | column | names |
 * |---|---|
 * | placement | `placementId`, `任职编号` — or the cadre and date: `cadreId`/`干部编号` + `placedOn`/`任职日期` |
 * | year | `year`, `年度`, `考核年度` |
 * | grade | `grade`, `考核等次`, `等次` — `优秀`/`excellent`, `称职`/`competent`, `基本称职`/`basically-competent`, `不称职`/`incompetent` |
 * | notes | `notes`, `备注` (optional) |
 *
 * A row whose placement already has the same grade for that year is skipped (re-sending a file adds
 * nothing); another grade for a stored year is an error (`conflicts_stored`).
 */
import { type DbOrTx, writeTransaction } from "../../db/client";
import * as q from "../../db/queries/placements";
import { type Grade, parseGrade } from "../../scoring/validity";
import type { RequestServices } from "../deps";
import type { CsvEncoding } from "../lib/csv";
import { ApiError } from "../lib/problem";
import { parseDate } from "./import-rows";
import { csvTable, type ImportIssue, issueAt, jsonTable, normalizeHeader, type Table } from "./import-table";
import { MAX_LISTED_ERRORS } from "./imports";
import { ALLOWED_GRADES, latestYear } from "./placements";

type Column = "placementId" | "cadreId" | "placedOn" | "year" | "grade" | "notes";

const COLUMN_NAMES: Record<Column, string[]> = {
  placementId: ["placementId", "placement", "任职编号", "任职ID"],
  cadreId: ["cadreId", "干部编号", "干部ID"],
  placedOn: ["placedOn", "任职日期", "任职时间"],
  year: ["year", "年度", "考核年度"],
  grade: ["grade", "考核等次", "等次", "考核结果"],
  notes: ["notes", "备注", "跟踪记录"],
};

const COLUMN_OF: ReadonlyMap<string, Column> = new Map(
  (Object.entries(COLUMN_NAMES) as [Column, string[]][]).flatMap(([column, names]) =>
    names.map((name) => [normalizeHeader(name), column] as const),
  ),
);

const MAX_NOTES = 2000;

export type OutcomeSource =
  | { format: "csv"; bytes: Uint8Array; charset?: string | undefined }
  | { format: "json"; rows: readonly unknown[] };

/** What an outcome import did (or, on a dry run, would do). */
export interface OutcomeImportSummary {
  dryRun: boolean;
  format: "csv" | "json";
  encoding: CsvEncoding | null;
  /** Data rows read. */
  rows: number;
  /** Appraisals created (dry run: that would be). */
  created: number;
  /** Rows already stored with the same grade. */
  skipped: number;
  ignoredColumns: string[];
  errorCount: number;
  errors: ImportIssue[];
}

interface ValidOutcome {
  line: number;
  placementId: string;
  year: number;
  grade: Grade;
  notes: Record<string, unknown> | null;
}

async function checkTable(db: DbOrTx, table: Table, thisYear: number) {
  const issues = [...table.issues];
  const fail = (line: number, column: string | undefined, code: string, message: string) =>
    issues.push(issueAt(table.format, line, column, code, message));
  const col: Partial<Record<Column, number>> = {};
  const ignored: string[] = [];
  table.headers.forEach((header, i) => {
    const column = COLUMN_OF.get(normalizeHeader(header));
    if (!column) ignored.push(header === "" ? `(column ${i + 1})` : header);
    else if (col[column] !== undefined)
      fail(table.headerLines[i] ?? 1, header, "duplicate_column", "another column means the same");
    else col[column] = i;
  });
  const byId = col.placementId !== undefined;
  const byCadre = col.cadreId !== undefined && col.placedOn !== undefined;
  const header = (c: Column) => (col[c] === undefined ? c : table.headers[col[c] as number]);
  const missing: string[] = [];
  if (!byId && !byCadre)
    missing.push("placementId (任职编号), or cadreId (干部编号) with placedOn (任职日期)");
  for (const c of ["year", "grade"] as const)
    if (col[c] === undefined) missing.push(`${c} (${COLUMN_NAMES[c].slice(1).join(" / ")})`);
  if (table.format === "csv") for (const m of missing) fail(1, undefined, "missing_column", `no column ${m}`);

  const cell = (cells: string[], c: Column) =>
    col[c] === undefined ? "" : (cells[col[c] as number] ?? "").trim();
  const ids = new Set<string>();
  const cadreIds = new Set<string>();
  for (const row of table.rows)
    if (row.cells) {
      if (byId && cell(row.cells, "placementId")) ids.add(cell(row.cells, "placementId"));
      else if (byCadre) cadreIds.add(cell(row.cells, "cadreId"));
    }
  const known = new Map((await q.placementsByIds(db, [...ids])).map((p) => [p.id, p]));
  const byCadreDate = new Map<string, q.PlacementRow[]>();
  for (const p of await q.placementsOfCadres(db, [...cadreIds])) {
    const key = `${p.cadreId}\u0000${p.placedOn}`;
    byCadreDate.set(key, [...(byCadreDate.get(key) ?? []), p]);
  }

  const checked: ValidOutcome[] = [];
  for (const row of table.rows) {
    const cells = row.cells;
    if (!cells) continue;
    if (table.format === "json" && missing.length) {
      for (const m of missing) fail(row.line, undefined, "missing_value", `no ${m}`);
      continue;
    }
    const before = issues.length;
    const at = (c: Column) => header(c);
    let placement: q.PlacementRow | undefined;
    const id = byId ? cell(cells, "placementId") : "";
    if (id) {
      placement = known.get(id);
      if (!placement) fail(row.line, at("placementId"), "unknown_placement", `no placement '${id}'`);
    } else if (byCadre) {
      const cadreId = cell(cells, "cadreId");
      const placedOn = parseDate(cell(cells, "placedOn"));
      if (!cadreId) fail(row.line, at("cadreId"), "missing_value", "the cadre id is empty");
      else if (!placedOn)
        fail(row.line, at("placedOn"), "bad_date", `'${cell(cells, "placedOn")}' is not a date (2026-05-12)`);
      else {
        const found = byCadreDate.get(`${cadreId}\u0000${placedOn}`) ?? [];
        if (found.length === 0)
          fail(
            row.line,
            at("cadreId"),
            "unknown_placement",
            `no placement of cadre '${cadreId}' on ${placedOn}`,
          );
        else if (found.length > 1)
          fail(
            row.line,
            at("cadreId"),
            "ambiguous_placement",
            `cadre '${cadreId}' has ${found.length} placements on ${placedOn}: give placementId`,
          );
        else placement = found[0];
      }
    } else fail(row.line, at("placementId"), "missing_value", "the placement id is empty");

    const yearText = cell(cells, "year").normalize("NFKC").replace(/年$/, "");
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
    if (year === undefined)
      fail(row.line, at("year"), "bad_year", `'${cell(cells, "year")}' is not a year (e.g. 2025)`);
    else if (year > thisYear) fail(row.line, at("year"), "future_year", `${year} has not ended yet`);
    else if (placement && year < Number(placement.placedOn.slice(0, 4)))
      fail(row.line, at("year"), "before_placement", `the placement began on ${placement.placedOn}`);
    const gradeText = cell(cells, "grade");
    const grade = parseGrade(gradeText);
    if (!grade)
      fail(
        row.line,
        at("grade"),
        gradeText ? "invalid_grade" : "missing_value",
        gradeText
          ? `'${gradeText}' is not an appraisal grade; allowed: ${ALLOWED_GRADES}`
          : "the grade is empty",
      );
    const notes = cell(cells, "notes");
    if (notes.length > MAX_NOTES)
      fail(row.line, at("notes"), "too_long", `notes are at most ${MAX_NOTES} characters`);
    if (issues.length === before && placement && year !== undefined && grade)
      checked.push({
        line: row.line,
        placementId: placement.id,
        year,
        grade,
        notes: notes ? { text: notes } : null,
      });
  }

  // Duplicates within the file, then against what is stored.
  const seen = new Map<string, ValidOutcome>();
  const unique: ValidOutcome[] = [];
  for (const r of checked) {
    const key = `${r.placementId}\u0000${r.year}`;
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, r);
      unique.push(r);
    } else
      fail(
        r.line,
        undefined,
        earlier.grade === r.grade ? "duplicate_row" : "conflicting_row",
        `line ${earlier.line} already gives placement ${r.placementId} a grade for ${r.year}`,
      );
  }
  const stored = new Map(
    (await q.outcomesOf(db, [...new Set(unique.map((r) => r.placementId))])).map((o) => [
      `${o.placementId}\u0000${o.year}`,
      o,
    ]),
  );
  const valid: ValidOutcome[] = [];
  let skipped = 0;
  for (const r of unique) {
    const existing = stored.get(`${r.placementId}\u0000${r.year}`);
    if (!existing) valid.push(r);
    else if (existing.grade === r.grade) skipped++;
    else
      fail(
        r.line,
        header("grade"),
        "conflicts_stored",
        `placement ${r.placementId} already has ${existing.grade} for ${r.year}; a year has one appraisal`,
      );
  }
  if (table.rows.length === 0 && issues.length === 0)
    fail(1, undefined, "empty_file", "there are no rows to import");
  issues.sort((a, b) => a.line - b.line);
  return { valid, skipped, issues, ignored };
}

/**
 * Imports appraisals: validates every row, then (unless a dry run) writes them all in one write
 * transaction. Any problem on a real run → one 422 listing them all; nothing is written.
 */
export async function importOutcomes(
  services: RequestServices,
  source: OutcomeSource,
  options: { dryRun?: boolean | undefined } = {},
): Promise<{ status: 200 | 201; summary: OutcomeImportSummary }> {
  const table = source.format === "csv" ? csvTable(source.bytes, source.charset) : jsonTable(source.rows);
  const thisYear = latestYear(services.clock);
  const summaryOf = (checked: Awaited<ReturnType<typeof checkTable>>): OutcomeImportSummary => ({
    dryRun: !!options.dryRun,
    format: table.format,
    encoding: table.encoding,
    rows: table.rows.length,
    created: checked.issues.length ? 0 : checked.valid.length,
    skipped: checked.skipped,
    ignoredColumns: checked.ignored,
    errorCount: checked.issues.length,
    errors: checked.issues.slice(0, MAX_LISTED_ERRORS),
  });
  if (options.dryRun)
    return { status: 200, summary: summaryOf(await checkTable(services.db, table, thisYear)) };
  // Past the request's deadline nothing is written: checked before the first write and before COMMIT.
  services.deadline?.check();
  return writeTransaction(services.db, async (tx) => {
    const checked = await checkTable(tx, table, thisYear);
    if (checked.issues.length) {
      const first = checked.issues[0] as ImportIssue;
      throw new ApiError(
        "validation_failed",
        `${checked.issues.length} problem${checked.issues.length === 1 ? "" : "s"} in the import; nothing was written. ${first.field}: ${first.message}`,
        { errors: checked.issues.slice(0, MAX_LISTED_ERRORS) },
      );
    }
    const createdAt = services.clock.now().toISOString();
    await q.insertOutcomes(
      tx,
      checked.valid.map((r) => ({
        placementId: r.placementId,
        year: r.year,
        grade: r.grade,
        notes: r.notes,
        createdAt,
      })),
    );
    services.deadline?.check();
    return { status: 201 as const, summary: summaryOf(checked) };
  });
}
