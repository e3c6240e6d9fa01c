/**
 * CSV exports for staff (e.g. to open in Excel). Every cell that a spreadsheet would read as a
 * formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading
 * apostrophe (OWASP "CSV injection"), so a name like `=HYPERLINK(…)` stays text.
 */
import type { RequestServices } from "../deps";
import { toCsv } from "../lib/csv";
import { type Cadre, listCadres } from "./cadres";

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as a spreadsheet must show it: text, never a formula. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export const CADRE_EXPORT_COLUMNS = [
  "id",
  "name",
  "gender",
  "birthYear",
  "education",
  "birthRegion",
  "growthRegion",
  "currentRegion",
  "currentPost",
  "rank",
  "reserve",
  "yearsInPost",
  "yearsInLocality",
  "skills",
] as const;

function cadreRow(c: Cadre): string[] {
  return [
    c.id,
    c.name,
    c.gender,
    String(c.birthYear),
    c.education,
    c.birthRegion,
    c.growthRegion,
    c.currentRegion ?? "",
    c.currentPost ?? "",
    c.rank,
    c.reserve ? "true" : "false",
    String(c.yearsInPost),
    String(c.yearsInLocality),
    c.skills.map((s) => `${s.skill}:${s.level}`).join(";"),
  ];
}

/**
 * Every cadre (optionally of one current region) as CSV with a header row, UTF-8 with a BOM so
 * that Excel reads the Chinese names; returns the ids exported for the audit trail.
 */
export async function exportCadresCsv(
  services: RequestServices,
  filter: { region?: string | undefined } = {},
): Promise<{ csv: string; ids: string[] }> {
  const rows: string[][] = [[...CADRE_EXPORT_COLUMNS]];
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCadres(services, { ...filter, limit: 200, ...(cursor ? { cursor } : {}) });
    for (const cadre of page.items) {
      ids.push(cadre.id);
      rows.push(cadreRow(cadre).map(neutraliseCell));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { csv: `\uFEFF${toCsv(rows)}`, ids };
}
