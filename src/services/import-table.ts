/**
 * An import's input as one table of text cells (CSV decoded and parsed, or JSON rows flattened),
 * and what its header means. Pure: no database.
 *
 * ## Columns (header names in Chinese or English; case, spaces, `_ - . ( ) :` and full-width forms ignored)
 * | column | names | |
 * |---|---|---|
 * | cadre id | `cadreId`, `cadre_id`, `干部编号`, `干部ID` | required unless `matchBy` names the natural key |
 * | name, birth year | `name`/`姓名`, `birthYear`/`出生年份`/`出生年` | the natural key (`matchBy=name,birthYear`); beside an id they are checked against the cadre |
 * | date | `takenOn`, `date`, `测评日期`, `测试日期`, `日期` | `2026-05-12`, `2026/5/12`, `2026.5.12` or `2026年5月12日` |
 * | norm | `norm`, `常模` | for raw scores; default `?norm=` or cn-16pf-187 |
 * | instrument | `instrument`, `测验`, `量表` | default 16pf-cn-187 |
 * | score kind | `kind`, `分数类型` | `sten`/`标准分` or `raw`/`原始分`: what the unmarked factor columns hold |
 * | factors | `A` … `Q4`, `乐群性` …, `Warmth` …, or a code with a name (`A 乐群性`, `A(Warmth)`) | unmarked: the kind column (or `?kind=`) says sten or raw |
 * | marked factors | the same with `_sten`/`标准分` or `_raw`/`原始分` (`A_raw`, `A原始分`, `乐群性标准分`); JSON also `stens: { A … }`, `raw: { A … }` | a row may carry both sets: stens are then kept as given |
 *
 * A file uses unmarked or marked factor columns, not both. Other columns are ignored and listed.
 * JSON `{ rows: [ { … } ] }` takes the same names as keys; a row's `line` is its 1-based position.
 */
import { FACTOR_INFO, FACTORS, type FactorCode } from "../../scoring/factors";
import { type CsvEncoding, decodeCsv, looksLikeUtf16, parseCsv } from "../lib/csv";
import type { FieldError } from "../lib/problem";

export type ScoreKind = "sten" | "raw";
export type MatchKey = "cadreId" | "name" | "birthYear";

/** One problem in an import: where (line, header of the column) and a stable code. */
export interface ImportIssue extends FieldError {
  /** CSV: the 1-based line of the file (the header is line 1). JSON: the row's 1-based position. */
  line: number;
  column?: string;
}

// ---------------------------------------------------------------------------------------------
// Column scheme

export type Field = "cadreId" | "takenOn" | "norm" | "instrument" | "kind" | "name" | "birthYear";
export type ColumnRole = { field: Field } | { factor: FactorCode; marked: ScoreKind | null };

const FIELD_NAMES: Record<Field, string[]> = {
  cadreId: ["cadreId", "干部编号", "干部ID"],
  takenOn: ["takenOn", "date", "测评日期", "测试日期", "施测日期", "日期"],
  norm: ["norm", "常模"],
  instrument: ["instrument", "测验", "量表", "测验版本"],
  kind: ["kind", "scoreKind", "分数类型"],
  name: ["name", "姓名"],
  birthYear: ["birthYear", "出生年份", "出生年"],
};
const MARKERS: Record<ScoreKind, string[]> = {
  sten: ["sten", "stens", "标准分", "标准十分"],
  raw: ["raw", "原始分", "粗分"],
};
export const KIND_VALUES: Record<string, ScoreKind> = {
  sten: "sten",
  stens: "sten",
  标准分: "sten",
  标准十分: "sten",
  raw: "raw",
  原始分: "raw",
  粗分: "raw",
};

/** Header text → comparison key: NFKC (full-width → ASCII), lower case, no spaces or punctuation. */
export function normalizeHeader(header: string): string {
  return header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-.()[\]【】:：/·]/g, "");
}

const COLUMN_ROLES: ReadonlyMap<string, ColumnRole> = (() => {
  const roles = new Map<string, ColumnRole>();
  const add = (name: string, role: ColumnRole) => {
    const key = normalizeHeader(name);
    if (roles.has(key)) throw new Error(`import column name '${name}' is ambiguous`);
    roles.set(key, role);
  };
  for (const [field, names] of Object.entries(FIELD_NAMES) as [Field, string[]][])
    for (const name of names) add(name, { field });
  for (const factor of FACTORS) {
    const { nameZh, nameEn } = FACTOR_INFO[factor];
    const bases = [factor, nameZh, nameEn, factor + nameZh, nameZh + factor, factor + nameEn];
    for (const base of bases) {
      add(base, { factor, marked: null });
      for (const kind of ["sten", "raw"] as const)
        for (const marker of MARKERS[kind]) {
          add(base + marker, { factor, marked: kind });
          add(marker + base, { factor, marked: kind });
        }
    }
  }
  return roles;
})();

/** What a header means, or undefined for a column the import does not read. */
export function columnRole(header: string): ColumnRole | undefined {
  return COLUMN_ROLES.get(normalizeHeader(header));
}

// ---------------------------------------------------------------------------------------------
// Sources → one table of text cells

export interface TableRow {
  line: number;
  /** Null when the record itself is malformed (already reported): nothing in it is read. */
  cells: string[] | null;
  /** Cells already reported (bad encoding, a non-scalar JSON value): not checked again. */
  bad: Set<number>;
}

export interface Table {
  format: "csv" | "json";
  encoding: CsvEncoding | null;
  headers: string[];
  /** Line where each header first appears (CSV: 1; JSON: the first row with that key). */
  headerLines: number[];
  rows: TableRow[];
  issues: ImportIssue[];
}

export function issueAt(
  format: "csv" | "json",
  line: number,
  column: string | undefined,
  code: string,
  message: string,
): ImportIssue {
  const field =
    format === "json"
      ? `rows.${line - 1}${column === undefined ? "" : `.${column}`}`
      : `line ${line}${column === undefined ? "" : `, ${column}`}`;
  return column === undefined ? { line, code, message, field } : { line, column, code, message, field };
}

export function csvTable(bytes: Uint8Array, charset: string | undefined): Table {
  const table: Table = { format: "csv", encoding: null, headers: [], headerLines: [], rows: [], issues: [] };
  const fail = (line: number, column: string | undefined, code: string, message: string) =>
    table.issues.push(issueAt("csv", line, column, code, message));
  if (looksLikeUtf16(bytes)) {
    fail(1, undefined, "bad_encoding", "the file is UTF-16 (Excel 'Unicode text'): save it as CSV (UTF-8)");
    return table;
  }
  const decoded = decodeCsv(bytes, charset);
  table.encoding = decoded.encoding;
  const parsed = parseCsv(decoded.text);
  for (const p of parsed.problems) fail(p.line, undefined, p.code, p.message);
  const [header, ...records] = parsed.records;
  if (!header) {
    if (parsed.problems.length === 0) fail(1, undefined, "empty_file", "the file has no header row");
    return table;
  }
  table.headers = header.fields.map((h) => h.trim());
  table.headerLines = table.headers.map(() => header.line);
  if (decoded.lossy)
    for (const h of table.headers)
      if (h.includes("\uFFFD"))
        fail(header.line, h, "bad_encoding", "the header has bytes that are neither UTF-8 nor GB18030");
  const width = table.headers.length;
  for (const record of records) {
    const row: TableRow = { line: record.line, cells: record.fields, bad: new Set() };
    if (record.fields.length < width) {
      fail(
        record.line,
        undefined,
        "truncated_row",
        `the row has ${record.fields.length} fields, the header ${width} (the row was cut short?)`,
      );
      row.cells = null;
    } else if (record.fields.slice(width).some((f) => f.trim() !== "")) {
      fail(
        record.line,
        undefined,
        "extra_fields",
        `the row has ${record.fields.length} fields, the header ${width}`,
      );
      row.cells = null;
    } else if (decoded.lossy) {
      record.fields.forEach((cell, i) => {
        if (i < width && cell.includes("\uFFFD")) {
          fail(record.line, table.headers[i], "bad_encoding", "bytes that are neither UTF-8 nor GB18030");
          row.bad.add(i);
        }
      });
    }
    table.rows.push(row);
  }
  return table;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function jsonTable(rows: readonly unknown[]): Table {
  const table: Table = { format: "json", encoding: null, headers: [], headerLines: [], rows: [], issues: [] };
  const index = new Map<string, number>();
  const flat: (Map<string, unknown> | null)[] = rows.map((row, i) => {
    const line = i + 1;
    if (!isPlainObject(row)) {
      table.issues.push(issueAt("json", line, undefined, "bad_row", "each row must be an object"));
      return null;
    }
    const cells = new Map<string, unknown>();
    for (const [key, value] of Object.entries(row)) {
      if ((key === "stens" || key === "raw") && isPlainObject(value))
        for (const [factor, score] of Object.entries(value)) cells.set(`${key}.${factor}`, score);
      else cells.set(key, value);
    }
    for (const key of cells.keys())
      if (!index.has(key)) {
        index.set(key, table.headers.length);
        table.headers.push(key);
        table.headerLines.push(line);
      }
    return cells;
  });
  flat.forEach((cells, i) => {
    const row: TableRow = { line: i + 1, cells: null, bad: new Set() };
    if (cells) {
      row.cells = table.headers.map((key, col) => {
        const value = cells.get(key);
        if (value === undefined || value === null) return "";
        if (typeof value === "string") return value;
        if (typeof value === "number" && Number.isFinite(value)) return String(value);
        table.issues.push(issueAt("json", i + 1, key, "bad_value", "must be a string or a number"));
        row.bad.add(col);
        return "";
      });
    }
    table.rows.push(row);
  });
  return table;
}

// ---------------------------------------------------------------------------------------------
// Header → layout

export interface FactorSet {
  /** What the columns hold; null: unmarked, the row's kind cell (or `?kind=`) decides. */
  kind: ScoreKind | null;
  columns: Map<FactorCode, number>;
}

/** A column the rows need but the header lacks: one error at line 1 (CSV) or one per row (JSON). */
interface Missing {
  column: string | undefined;
  rowCode: string;
  message: string;
  rowMessage: string;
}

export interface Layout {
  fields: Partial<Record<Field, number>>;
  sets: FactorSet[];
  ignored: string[];
  missing: Missing[];
}

export const factorLabel = (f: FactorCode) => `${f} (${FACTOR_INFO[f].nameZh})`;
const namesOf = (field: Field) => FIELD_NAMES[field].join(" / ");

export function layoutOf(table: Table, matchBy: readonly MatchKey[], defaultKind: ScoreKind | undefined) {
  const issues: ImportIssue[] = [];
  const layout: Layout = { fields: {}, sets: [], ignored: [], missing: [] };
  const byKind = new Map<ScoreKind | null, FactorSet>();
  table.headers.forEach((header, col) => {
    const line = table.headerLines[col] ?? 1;
    const duplicate = () =>
      issues.push(issueAt(table.format, line, header, "duplicate_column", "another column means the same"));
    const role = columnRole(header);
    if (!role) {
      const empty = header === "" && table.rows.every((r) => !r.cells?.[col]?.trim());
      if (!empty) layout.ignored.push(header === "" ? `(column ${col + 1})` : header);
      return;
    }
    if ("field" in role) {
      if (layout.fields[role.field] !== undefined) duplicate();
      else layout.fields[role.field] = col;
      return;
    }
    let set = byKind.get(role.marked);
    if (!set) {
      set = { kind: role.marked, columns: new Map() };
      byKind.set(role.marked, set);
    }
    if (set.columns.has(role.factor)) duplicate();
    else set.columns.set(role.factor, col);
  });

  const unmarked = byKind.get(null);
  const marked = [byKind.get("sten"), byKind.get("raw")].filter((s): s is FactorSet => s !== undefined);
  if (unmarked && marked.length) {
    const first = Math.min(...marked.flatMap((s) => [...s.columns.values()]));
    issues.push(
      issueAt(
        table.format,
        table.headerLines[first] ?? 1,
        table.headers[first],
        "mixed_factor_columns",
        "use either unmarked factor columns with a kind column, or marked ones (A_sten, A_raw), not both",
      ),
    );
  }
  layout.sets = unmarked ? [unmarked] : marked;

  const miss = (column: string | undefined, rowCode: string, message: string, rowMessage = message) =>
    layout.missing.push({ column, rowCode, message, rowMessage });
  if (layout.sets.length === 0)
    miss(
      undefined,
      "no_scores",
      "no factor columns: A … Q4 (乐群性 …), or A_sten / A_raw (A标准分 / A原始分)",
      "the row has no scores",
    );
  for (const set of layout.sets)
    for (const f of FACTORS)
      if (!set.columns.has(f)) {
        const what = `factor ${factorLabel(f)}${set.kind ? ` (${set.kind})` : ""}`;
        miss(
          set.kind ? `${f}_${set.kind}` : f,
          "missing_factor",
          `no column for ${what}`,
          `${what} is missing`,
        );
      }
  if (unmarked && layout.fields.kind === undefined && !defaultKind)
    miss(
      "kind",
      "bad_kind",
      "say whether the factor columns hold stens or raw scores: add a column kind / 分数类型 " +
        "(sten / 标准分 or raw / 原始分), or mark the headers (A_sten, A原始分)",
    );
  for (const key of [...matchBy, "takenOn"] as Field[])
    if (layout.fields[key] === undefined)
      miss(key, "missing_value", `no ${key} column (${namesOf(key)})`, `${key} is missing`);

  if (table.format === "csv")
    for (const m of layout.missing) issues.push(issueAt("csv", 1, m.column, "missing_column", m.message));
  return { layout, issues };
}
