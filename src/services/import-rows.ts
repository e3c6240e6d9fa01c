/**
 * The checks of one import row: the cadre it names, its date, instrument, norm and scores. Every
 * problem is reported with its line and column; a row without problems becomes what is stored.
 */
import type { CadreKeyRow } from "../../db/queries/imports";
import { FACTORS, type FactorRecord, STEN_MAX, STEN_MIN } from "../../scoring/factors";
import { type Norm, rawToStens } from "../../scoring/norms";
import { DEFAULT_INSTRUMENT, firstAdultYear } from "./assessments";
import {
  type FactorSet,
  factorLabel,
  type ImportIssue,
  issueAt,
  KIND_VALUES,
  type Layout,
  type MatchKey,
  normalizeHeader,
  type ScoreKind,
  type Table,
  type TableRow,
} from "./import-table";

const MAX_INSTRUMENT = 40;

/** A row that passed every check: what will be stored. */
export interface ValidRow {
  line: number;
  cadreId: string;
  takenOn: string;
  instrument: string;
  norm: string | null;
  stens: FactorRecord;
  raw: FactorRecord | null;
}

export interface CadreIndex {
  byId: Map<string, CadreKeyRow>;
  byNaturalKey: Map<string, CadreKeyRow[]>;
}

export interface RowContext {
  table: Table;
  layout: Layout;
  matchBy: readonly MatchKey[];
  defaultKind: ScoreKind | undefined;
  defaultNorm: string;
  cadres: CadreIndex;
  norms: Map<string, Norm | null>;
  latestDate: string;
}

const personName = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");

function parseInteger(text: string): number | undefined {
  const t = text.normalize("NFKC").trim();
  return /^[+-]?\d+(\.0*)?$/.test(t) ? Number.parseInt(t, 10) : undefined;
}

/** `2026-05-12`, `2026/5/12`, `2026.5.12`, `2026年5月12日` → `2026-05-12`; undefined if not a real date. */
export function parseDate(text: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.normalize("NFKC").trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

export function naturalKey(
  matchBy: readonly MatchKey[],
  name: string,
  birthYear: number | undefined,
): string {
  return matchBy.map((k) => (k === "name" ? personName(name) : String(birthYear))).join("\u0000");
}

/** Checks one row; every problem goes to `issues`, and a row without problems comes back. */
export function checkRow(ctx: RowContext, row: TableRow, issues: ImportIssue[]): ValidRow | undefined {
  const { table, layout } = ctx;
  const cells = row.cells;
  if (!cells) return undefined;
  const before = issues.length;
  const report = (col: number | string | undefined, code: string, message: string) => {
    const column = typeof col === "number" ? table.headers[col] : col;
    issues.push(issueAt(table.format, row.line, column, code, message));
  };
  if (table.format === "json") for (const m of layout.missing) report(m.column, m.rowCode, m.rowMessage);
  /** The trimmed cell of a field, undefined when there is no such column or it was reported already. */
  const cell = (col: number | undefined) =>
    col === undefined || row.bad.has(col) ? undefined : (cells[col] ?? "").trim();
  const { fields } = layout;

  // Cadre: by id, or by the natural key; the other columns, when present, must agree.
  const idText = cell(fields.cadreId);
  const nameText = cell(fields.name);
  const yearText = cell(fields.birthYear);
  const birthYear = yearText ? parseInteger(yearText) : undefined;
  if (yearText && (birthYear === undefined || birthYear < 1900 || birthYear > 2100)) {
    report(fields.birthYear, "bad_value", `birth year must be a year such as 1978, got '${yearText}'`);
  }
  let cadre: CadreKeyRow | undefined;
  if (ctx.matchBy[0] === "cadreId") {
    if (idText === "") report(fields.cadreId, "missing_value", "the cadre id is empty");
    else if (idText !== undefined) {
      cadre = ctx.cadres.byId.get(idText);
      if (!cadre) report(fields.cadreId, "unknown_cadre", `no cadre with id '${idText}'`);
    }
  } else {
    const keyCells = ctx.matchBy.map((k) => ({ k, col: fields[k], text: cell(fields[k]) }));
    for (const { k, col, text } of keyCells)
      if (text === "") report(col, "missing_value", `the ${k} is empty (needed to find the cadre)`);
    const complete = keyCells.every((c) => c.text) && (!ctx.matchBy.includes("birthYear") || birthYear);
    if (complete) {
      const found = ctx.cadres.byNaturalKey.get(naturalKey(ctx.matchBy, nameText ?? "", birthYear)) ?? [];
      const where = keyCells.map((c) => c.text).join(", ");
      if (found.length === 0)
        report(keyCells[0]?.col, "unknown_cadre", `no cadre with ${ctx.matchBy.join(" + ")} ${where}`);
      else if (found.length > 1) {
        const ids = found.map((c) => c.id).slice(0, 5);
        report(
          keyCells[0]?.col,
          "ambiguous_cadre",
          `${found.length} cadres match ${where} (${ids.join(", ")}): match by cadreId instead`,
        );
      } else cadre = found[0];
    }
  }
  // Identifying columns not used for matching must agree with the cadre found (a typo in an id
  // would otherwise file the result under someone else).
  if (cadre) {
    const used = new Set<string>(ctx.matchBy);
    if (!used.has("cadreId") && idText && idText !== cadre.id)
      report(
        fields.cadreId,
        "cadre_mismatch",
        `the cadre found by ${ctx.matchBy.join(" + ")} is ${cadre.id}`,
      );
    if (!used.has("name") && nameText && personName(nameText) !== personName(cadre.name))
      report(fields.name, "cadre_mismatch", `cadre ${cadre.id} is ${cadre.name}, not ${nameText}`);
    if (!used.has("birthYear") && birthYear !== undefined && birthYear !== cadre.birthYear)
      report(fields.birthYear, "cadre_mismatch", `cadre ${cadre.id} was born in ${cadre.birthYear}`);
  }

  const dateText = cell(fields.takenOn);
  const takenOn = dateText ? parseDate(dateText) : undefined;
  if (dateText === "") report(fields.takenOn, "missing_value", "the date is empty");
  else if (dateText !== undefined && !takenOn)
    report(fields.takenOn, "bad_date", `'${dateText}' is not a date (write 2026-05-12 or 2026/5/12)`);
  else if (takenOn && takenOn > ctx.latestDate)
    report(fields.takenOn, "bad_date", `${takenOn} is in the future`);
  else if (takenOn && cadre && Number(takenOn.slice(0, 4)) < firstAdultYear(cadre.birthYear))
    report(fields.takenOn, "bad_date", `the cadre (born ${cadre.birthYear}) was not yet 18 on ${takenOn}`);

  const instrument = cell(fields.instrument) || DEFAULT_INSTRUMENT;
  if (instrument.length > MAX_INSTRUMENT)
    report(fields.instrument, "bad_value", `the instrument name is longer than ${MAX_INSTRUMENT} characters`);

  const scores = readScores(ctx, cell, report);
  if (!scores || issues.length > before || !cadre || !takenOn) return undefined;
  return { line: row.line, cadreId: cadre.id, takenOn, instrument, ...scores };
}

type Report = (col: number | string | undefined, code: string, message: string) => void;

/** Reads the factor cells of a row into stens (and raw scores), converting raw ones through the norm. */
function readScores(
  ctx: RowContext,
  cell: (col: number | undefined) => string | undefined,
  report: Report,
): { stens: FactorRecord; raw: FactorRecord | null; norm: string | null } | undefined {
  const { layout } = ctx;
  const read = (set: FactorSet, kind: ScoreKind): FactorRecord | undefined => {
    const values = {} as FactorRecord;
    let ok = true;
    for (const f of FACTORS) {
      const col = set.columns.get(f);
      if (col === undefined) {
        ok = false; // reported with the header
        continue;
      }
      const text = cell(col);
      const value = text ? parseInteger(text) : undefined;
      if (text === undefined) ok = false;
      else if (text === "") report(col, "missing_factor", `factor ${factorLabel(f)} is empty`);
      else if (value === undefined) report(col, "not_integer", `'${text}' is not a whole number`);
      else if (kind === "sten" && (value < STEN_MIN || value > STEN_MAX))
        report(col, "sten_out_of_range", `a sten is ${STEN_MIN}–${STEN_MAX}, got ${value}`);
      else if (kind === "raw" && value < 0)
        report(col, "raw_out_of_range", `a raw score is at least 0, got ${value}`);
      else {
        values[f] = value;
        continue;
      }
      ok = false;
    }
    return ok ? values : undefined;
  };
  const filled = (set: FactorSet) => [...set.columns.values()].some((col) => cell(col));

  let stens: FactorRecord | undefined;
  let raw: FactorRecord | undefined;
  let rawSet: FactorSet | undefined;
  let failed = false;
  const [first] = layout.sets;
  if (first && first.kind === null) {
    const kindText = cell(layout.fields.kind);
    const kind = kindText ? KIND_VALUES[normalizeHeader(kindText)] : ctx.defaultKind;
    if (kindText && !kind) {
      report(layout.fields.kind, "bad_kind", `'${kindText}' is neither sten (标准分) nor raw (原始分)`);
      return undefined;
    }
    if (!kind) {
      if (layout.fields.kind !== undefined)
        report(layout.fields.kind, "bad_kind", "the kind is empty: sten (标准分) or raw (原始分)");
      return undefined;
    }
    const values = read(first, kind);
    if (kind === "sten") stens = values;
    else [raw, rawSet] = [values, first];
    failed = !values;
  } else {
    const present = layout.sets.filter(filled);
    if (layout.sets.length && present.length === 0) {
      report(undefined, "no_scores", "the row has no scores");
      return undefined;
    }
    for (const set of present) {
      const values = read(set, set.kind ?? "sten");
      if (!values) failed = true;
      else if (set.kind === "raw") [raw, rawSet] = [values, set];
      else stens = values;
    }
  }

  const normText = cell(layout.fields.norm);
  const normCode = normText || (raw ? ctx.defaultNorm : undefined);
  const norm = normCode === undefined ? undefined : ctx.norms.get(normCode);
  if (normText && !norm) {
    report(layout.fields.norm, "unknown_norm", `no norm '${normText}'`);
    return undefined;
  }
  if (failed) return undefined;
  if (raw && norm && rawSet) {
    const converted = rawToStens(norm, raw);
    if (!converted.ok) {
      for (const p of converted.problems)
        report(
          rawSet.columns.get(p.factor),
          p.code === "out_of_range" ? "raw_out_of_range" : p.code,
          p.message,
        );
      return undefined;
    }
    stens ??= converted.stens;
  }
  if (!stens) return undefined;
  return { stens, raw: raw ?? null, norm: normCode ?? null };
}
