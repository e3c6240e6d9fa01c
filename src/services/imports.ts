/**
 * 导入 — a batch of new 16PF results, from CSV (as Excel writes it in China) or JSON, validated as a
 * whole and then written in one transaction, or not at all.
 *
 * The column scheme (Chinese or English headers, stens or raw scores) is documented in
 * `import-table.ts`; the checks of a row in `import-rows.ts`.
 *
 * ## Duplicates
 * The same cadre, date and scores twice in one file is an error on the later line, and so is the
 * same cadre and date with other scores. A row whose cadre already has an assessment that day with
 * the same stens is skipped (counted in `skipped`: re-sending an overlapping file adds nothing); one
 * with other stens is an error (`conflicts_stored`: correct the stored one instead).
 */
import { type DbOrTx, type Tx, writeTransaction } from "../../db/client";
import { factorColumns, type NewAssessmentRow, rawOf, stensOf } from "../../db/queries/assessments";
import * as q from "../../db/queries/imports";
import { FACTORS, type FactorRecord } from "../../scoring/factors";
import type { Norm } from "../../scoring/norms";
import type { RequestServices } from "../deps";
import type { CsvEncoding } from "../lib/csv";
import { ApiError, notFound } from "../lib/problem";
import { DEFAULT_NORM } from "./assessments";
import { type CadreIndex, checkRow, naturalKey, type RowContext, type ValidRow } from "./import-rows";
import {
  csvTable,
  type ImportIssue,
  issueAt,
  jsonTable,
  layoutOf,
  type MatchKey,
  type ScoreKind,
  type Table,
} from "./import-table";
import { getNorm } from "./norms";

export type { ImportIssue, MatchKey, ScoreKind } from "./import-table";

/** What an import did (or, on a dry run, would do). Stored with the batch and returned on replays. */
export interface ImportSummary {
  id: string | null;
  dryRun: boolean;
  /** True when this answer is an earlier import's, returned for the same key or the same bytes. */
  replayed: boolean;
  format: "csv" | "json";
  encoding: CsvEncoding | null;
  contentSha256: string;
  matchBy: MatchKey[];
  /** Data rows read (blank lines not counted). */
  rows: number;
  /** Assessments created (dry run: that would be created). */
  created: number;
  /** Rows already stored with the same cadre, date and stens: not created again. */
  skipped: number;
  /** Cadres with a new assessment, sorted: what a re-rank job has to look at. */
  cadreIds: string[];
  /** Header names that mean nothing here and were not read. */
  ignoredColumns: string[];
  /** How many problems there are; `errors` lists the first {@link MAX_LISTED_ERRORS}. */
  errorCount: number;
  errors: ImportIssue[];
  jobId: string | null;
  createdAt: string | null;
}

export type ImportSource =
  | { format: "csv"; bytes: Uint8Array; charset?: string | undefined }
  | { format: "json"; rows: readonly unknown[] };

export interface ImportOptions {
  dryRun?: boolean | undefined;
  idempotencyKey?: string | undefined;
  /** `["cadreId"]` (default) or a natural key such as `["name", "birthYear"]`; checked by {@link matchKeys}. */
  matchBy?: readonly string[] | undefined;
  /** What unmarked factor columns hold when a row has no kind cell. */
  kind?: ScoreKind | undefined;
  /** Norm for raw scores when a row names none (default cn-16pf-187). */
  norm?: string | undefined;
  /**
   * Runs inside the import's write transaction once its rows are in, e.g. to queue the re-rank job
   * over `cadreIds`; the id it returns is stored as the batch's `jobId`. Not called on dry runs,
   * failures or replays.
   */
  onImported?: ((tx: Tx, batch: { id: string; cadreIds: string[] }) => Promise<string | null>) | undefined;
}

/** Problems listed in one answer; `errorCount` has the total. */
export const MAX_LISTED_ERRORS = 10_000;
/** Tests taken "today" in China can be tomorrow in UTC. */
const FUTURE_TOLERANCE_MS = 36 * 3600 * 1000;

// ---------------------------------------------------------------------------------------------
// The whole table

const signature = (r: { stens: FactorRecord; raw: FactorRecord | null }) =>
  `${FACTORS.map((f) => r.stens[f]).join(",")}|${r.raw ? FACTORS.map((f) => r.raw?.[f]).join(",") : "-"}`;

const sameStens = (a: FactorRecord, b: FactorRecord) => FACTORS.every((f) => a[f] === b[f]);

interface Checked {
  rows: number;
  valid: ValidRow[];
  skipped: number;
  issues: ImportIssue[];
  ignoredColumns: string[];
}

/** Validates every row of the table against the database; reads only. */
async function checkTable(
  db: DbOrTx,
  table: Table,
  options: { matchBy: readonly MatchKey[]; kind: ScoreKind | undefined; norm: string; now: Date },
  resolveNorm: (code: string) => Promise<Norm | null>,
): Promise<Checked> {
  const issues = [...table.issues];
  const { layout, issues: headerIssues } = layoutOf(table, options.matchBy, options.kind);
  issues.push(...headerIssues);

  const needsAllCadres = options.matchBy[0] !== "cadreId";
  const idCol = layout.fields.cadreId;
  const ids =
    idCol === undefined ? [] : table.rows.flatMap((r) => (r.cells?.[idCol] ? [r.cells[idCol].trim()] : []));
  const keys = needsAllCadres ? await q.allCadreKeys(db) : await q.cadreKeysById(db, ids);
  const cadres: CadreIndex = { byId: new Map(), byNaturalKey: new Map() };
  for (const c of keys) {
    cadres.byId.set(c.id, c);
    if (needsAllCadres) {
      const key = naturalKey(options.matchBy, c.name, c.birthYear);
      cadres.byNaturalKey.set(key, [...(cadres.byNaturalKey.get(key) ?? []), c]);
    }
  }

  const normCol = layout.fields.norm;
  const normCodes = new Set([options.norm]);
  if (normCol !== undefined)
    for (const r of table.rows) {
      const code = r.cells?.[normCol]?.trim();
      if (code) normCodes.add(code);
    }
  const norms = new Map<string, Norm | null>();
  for (const code of normCodes) norms.set(code, await resolveNorm(code));

  const ctx: RowContext = {
    table,
    layout,
    matchBy: options.matchBy,
    defaultKind: options.kind,
    defaultNorm: options.norm,
    cadres,
    norms,
    latestDate: new Date(options.now.getTime() + FUTURE_TOLERANCE_MS).toISOString().slice(0, 10),
  };
  const checked: ValidRow[] = [];
  for (const row of table.rows) {
    const valid = checkRow(ctx, row, issues);
    if (valid) checked.push(valid);
  }

  // Duplicates within the file, then against what is stored.
  const seen = new Map<string, ValidRow>();
  const unique: ValidRow[] = [];
  const report = (r: ValidRow, code: string, message: string) =>
    issues.push(issueAt(table.format, r.line, undefined, code, message));
  for (const r of checked) {
    const key = `${r.cadreId}\u0000${r.takenOn}`;
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, r);
      unique.push(r);
    } else if (signature(earlier) === signature(r))
      report(r, "duplicate_row", `the same assessment as line ${earlier.line} (${r.cadreId}, ${r.takenOn})`);
    else
      report(r, "conflicting_row", `line ${earlier.line} has ${r.cadreId} on ${r.takenOn} with other scores`);
  }
  const stored = await q.assessmentsOn(
    db,
    unique.map((r) => r.cadreId),
    unique.map((r) => r.takenOn),
  );
  const storedByKey = new Map<string, typeof stored>();
  for (const a of stored) {
    const key = `${a.cadreId}\u0000${a.takenOn}`;
    storedByKey.set(key, [...(storedByKey.get(key) ?? []), a]);
  }
  const valid: ValidRow[] = [];
  let skipped = 0;
  for (const r of unique) {
    const same = storedByKey.get(`${r.cadreId}\u0000${r.takenOn}`) ?? [];
    const identical = same.find((a) => {
      const raw = rawOf(a);
      return sameStens(stensOf(a), r.stens) && (!raw || !r.raw || sameStens(raw, r.raw));
    });
    if (identical) skipped++;
    else if (same[0])
      report(
        r,
        "conflicts_stored",
        `${r.cadreId} already has assessment ${same[0].id} on ${r.takenOn} with other scores; correct that one instead`,
      );
    else valid.push(r);
  }

  if (table.rows.length === 0 && issues.length === 0)
    issues.push(issueAt(table.format, 1, undefined, "empty_file", "there are no rows to import"));
  issues.sort((a, b) => a.line - b.line);
  const rows =
    table.rows.length +
    table.issues.filter((i) => i.code === "unterminated_quote" || i.code === "bad_quote").length;
  return { rows, valid, skipped, issues, ignoredColumns: layout.ignored };
}

// ---------------------------------------------------------------------------------------------
// Verbs

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const storedSummary = (row: q.ImportBatchRow, replayed: boolean): ImportSummary => ({
  ...(row.summary as unknown as ImportSummary),
  jobId: row.jobId,
  replayed,
});

/** The earlier import this request repeats (same key, or same bytes), or a 409 for a reused key. */
async function findReplay(db: DbOrTx, key: string | undefined, contentSha256: string) {
  if (key) {
    const byKey = await q.findImportBatchByKey(db, key);
    if (byKey) {
      if (byKey.contentSha256 !== contentSha256)
        throw new ApiError(
          "conflict",
          `Idempotency-Key '${key}' was already used for a different body (import ${byKey.id}).`,
          { field: "header.idempotency-key" },
        );
      return storedSummary(byKey, true);
    }
  }
  const byContent = await q.findImportBatchByContent(db, contentSha256);
  return byContent ? storedSummary(byContent, true) : undefined;
}

/** Normalizes `matchBy`: the id alone, or a natural key of name and/or birth year. */
export function matchKeys(value: readonly string[] | undefined): MatchKey[] {
  const keys = [...new Set(value?.length ? value : ["cadreId"])];
  const natural = keys.every((k) => k === "name" || k === "birthYear");
  if (!(keys.length === 1 && keys[0] === "cadreId") && !natural)
    throw new ApiError("validation_failed", "matchBy: cadreId, or a natural key of name and birthYear", {
      errors: [
        { field: "query.matchBy", code: "invalid", message: "cadreId, name, birthYear or name,birthYear" },
      ],
    });
  return keys.sort((a, b) => (a === "name" ? -1 : b === "name" ? 1 : 0)) as MatchKey[];
}

/**
 * Imports a batch of assessments: validates every row first, then (unless a dry run) writes the batch
 * and all its assessments in one write transaction. Repeating an import — the same `Idempotency-Key`
 * or the same bytes — writes nothing and answers with the first import's summary (`status` 200).
 * A real run with any problem throws one 422 listing them all, and writes nothing.
 *
 * @example
 * ```ts
 * const { status, summary } = await importAssessments(services, { format: "csv", bytes }, { dryRun: true });
 * summary.errors; // [{ line: 4, column: "A", code: "sten_out_of_range", … }]
 * ```
 */
export async function importAssessments(
  services: RequestServices,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<{ status: 200 | 201; summary: ImportSummary }> {
  const matchBy = matchKeys(options.matchBy);
  const normCode = options.norm ?? DEFAULT_NORM;
  const resolveNorm = (code: string) =>
    getNorm(services, code).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "not_found") return null;
      throw error;
    });
  if (!(await resolveNorm(normCode)))
    throw new ApiError("validation_failed", `norm: unknown norm '${normCode}'`, {
      errors: [{ field: "query.norm", code: "unknown_reference", message: `unknown norm '${normCode}'` }],
    });
  const bytes =
    source.format === "csv" ? source.bytes : new TextEncoder().encode(JSON.stringify({ rows: source.rows }));
  const contentSha256 = await sha256Hex(bytes);
  const key = options.idempotencyKey;
  if (!options.dryRun) {
    const replay = await findReplay(services.db, key, contentSha256);
    if (replay) return { status: 200, summary: replay };
  }

  const table = source.format === "csv" ? csvTable(source.bytes, source.charset) : jsonTable(source.rows);
  const settings = { matchBy, kind: options.kind, norm: normCode, now: services.clock.now() };
  const summaryOf = (checked: Checked, id: string | null, createdAt: string | null): ImportSummary => ({
    id,
    dryRun: !!options.dryRun,
    replayed: false,
    format: table.format,
    encoding: table.encoding,
    contentSha256,
    matchBy,
    rows: checked.rows,
    created: checked.issues.length ? 0 : checked.valid.length,
    skipped: checked.skipped,
    cadreIds: checked.issues.length ? [] : [...new Set(checked.valid.map((r) => r.cadreId))].sort(),
    ignoredColumns: checked.ignoredColumns,
    errorCount: checked.issues.length,
    errors: checked.issues.slice(0, MAX_LISTED_ERRORS),
    jobId: null,
    createdAt,
  });

  if (options.dryRun) {
    const checked = await checkTable(services.db, table, settings, resolveNorm);
    return { status: 200, summary: summaryOf(checked, null, null) };
  }

  // Validation runs inside the write transaction too: nothing it read can change before the write.
  // Past the request's deadline nothing is written: checked before the first write and before COMMIT.
  services.deadline?.check();
  return writeTransaction(services.db, async (tx) => {
    const replay = await findReplay(tx, key, contentSha256);
    if (replay) return { status: 200 as const, summary: replay };
    const checked = await checkTable(tx, table, settings, resolveNorm);
    if (checked.issues.length) throw validationFailed(checked.issues);

    const id = services.newId();
    const createdAt = services.clock.now().toISOString();
    const summary = summaryOf(checked, id, createdAt);
    const stored = { ...summary } as Partial<ImportSummary>;
    delete stored.replayed;
    await q.insertImportBatch(tx, {
      id,
      idempotencyKey: key ?? null,
      contentSha256,
      format: table.format,
      rowCount: checked.rows,
      jobId: null,
      summary: stored as Record<string, unknown>,
      createdAt,
    });
    await q.insertAssessments(
      tx,
      checked.valid.map(
        (r): NewAssessmentRow => ({
          id: services.newId(),
          cadreId: r.cadreId,
          instrument: r.instrument,
          takenOn: r.takenOn,
          norm: r.norm,
          importBatchId: id,
          ...factorColumns(r.stens, r.raw),
          createdAt,
        }),
      ),
    );
    if (options.onImported) {
      const jobId = await options.onImported(tx, { id, cadreIds: summary.cadreIds });
      if (jobId) {
        await q.setImportBatchJob(tx, id, jobId);
        summary.jobId = jobId;
      }
    }
    services.deadline?.check();
    return { status: 201 as const, summary };
  });
}

function validationFailed(issues: ImportIssue[]): ApiError {
  const [first] = issues;
  const where = first ? `${first.field}: ${first.message}` : "";
  return new ApiError(
    "validation_failed",
    `${issues.length} problem${issues.length === 1 ? "" : "s"} in the import; nothing was written. ${where}`,
    { errors: issues.slice(0, MAX_LISTED_ERRORS) },
  );
}

/** The stored summary of an import. */
export async function getImport(services: RequestServices, id: string): Promise<ImportSummary> {
  const row = await q.findImportBatch(services.db, id);
  if (!row) throw notFound("import", id);
  return storedSummary(row, false);
}
