import * as q from "../../db/queries/assessments";
import { findCadreRow } from "../../db/queries/cadres";
import type { FactorRecord } from "../../scoring/factors";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { ApiError, invalid, notFound } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";
import { convertRaw, getNorm } from "./norms";

/** The 187-item Chinese 16PF; the default instrument. */
export const DEFAULT_INSTRUMENT = "16pf-cn-187";
export const DEFAULT_NORM = "cn-16pf-187";

/** 测评 as the API shows it. */
export interface Assessment {
  id: string;
  cadreId: string;
  instrument: string;
  takenOn: string;
  norm: string | null;
  importBatchId: string | null;
  stens: FactorRecord;
  raw: FactorRecord | null;
  createdAt: string;
}

export interface AssessmentInput {
  id?: string | undefined;
  instrument?: string | undefined;
  takenOn: string;
  norm?: string | undefined;
  stens?: FactorRecord | undefined;
  raw?: FactorRecord | undefined;
}

const toAssessment = (row: q.AssessmentRow): Assessment => ({
  id: row.id,
  cadreId: row.cadreId,
  instrument: row.instrument,
  takenOn: row.takenOn,
  norm: row.norm,
  importBatchId: row.importBatchId,
  stens: q.stensOf(row),
  raw: q.rawOf(row),
  createdAt: row.createdAt,
});

/**
 * Stens to store: given ones as they are; otherwise converted from raw scores through the norm
 * (built in, or uploaded). Raw scores are checked against the norm's maxima either way.
 */
async function resolveStens(
  services: RequestServices,
  input: Pick<AssessmentInput, "norm" | "stens" | "raw">,
): Promise<{ stens: FactorRecord; norm: string | null }> {
  if (!input.stens && !input.raw)
    throw invalid("stens", "give the stens, or raw scores and a norm", "required");
  if (!input.raw) {
    if (input.norm !== undefined) await requireNorm(services, input.norm);
    return { stens: input.stens as FactorRecord, norm: input.norm ?? null };
  }
  const converted = await convertRaw(services, input.raw, input.norm ?? DEFAULT_NORM);
  return { stens: input.stens ?? converted.stens, norm: converted.norm };
}

/** A norm named with stens alone is recorded with them, so it must exist as well. */
async function requireNorm(services: RequestServices, code: string): Promise<void> {
  try {
    await getNorm(services, code);
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found")
      throw invalid("norm", `unknown norm '${code}'`, "unknown_reference");
    throw error;
  }
}

async function requireCadre(services: RequestServices, cadreId: string) {
  const cadre = await findCadreRow(services.db, cadreId);
  if (!cadre) throw notFound("cadre", cadreId);
  return cadre;
}

/**
 * The first year in which a cadre born in `birthYear` may have been assessed: only the birth year
 * is stored, so a date in an earlier year is one before the cadre turned 18 whatever the birthday.
 */
export const firstAdultYear = (birthYear: number) => birthYear + 18;

/** 422 on `takenOn` for a date before the cadre turned 18 (a typo in the year, as a rule). */
function checkAdult(takenOn: string, birthYear: number): void {
  if (Number(takenOn.slice(0, 4)) < firstAdultYear(birthYear))
    throw invalid(
      "takenOn",
      `the cadre (born ${birthYear}) was not yet 18 on ${takenOn}`,
      "before_adulthood",
    );
}

export async function listAssessments(
  services: RequestServices,
  cadreId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await requireCadre(services, cadreId);
  const before = query.cursor
    ? (decodeCursor(query.cursor, 3).map(String) as [string, string, string])
    : undefined;
  const rows = await q.listAssessmentRows(services.db, cadreId, {
    limit: query.limit,
    ...(before ? { before } : {}),
  });
  const page = toPage(rows, query.limit, (r) => [r.takenOn, r.createdAt, r.id]);
  return { items: page.items.map(toAssessment), nextCursor: page.nextCursor };
}

export async function getAssessment(
  services: RequestServices,
  cadreId: string,
  id: string,
): Promise<Assessment> {
  await requireCadre(services, cadreId);
  const row = await q.findAssessmentRow(services.db, cadreId, id);
  if (!row) throw notFound("assessment", id, "assessmentId");
  return toAssessment(row);
}

export async function createAssessment(services: RequestServices, cadreId: string, input: AssessmentInput) {
  const cadre = await requireCadre(services, cadreId);
  checkAdult(input.takenOn, cadre.birthYear);
  const { stens, norm } = await resolveStens(services, input);
  const id = input.id ?? services.newId();
  await mapConstraintErrors(
    () =>
      q.insertAssessment(services.db, {
        id,
        cadreId,
        instrument: input.instrument ?? DEFAULT_INSTRUMENT,
        takenOn: input.takenOn,
        norm,
        importBatchId: null,
        ...q.factorColumns(stens, input.raw ?? null),
        createdAt: services.clock.now().toISOString(),
      }),
    { duplicate: `An assessment with id '${id}' already exists.`, field: "id" },
  );
  return getAssessment(services, cadreId, id);
}

/** Corrects an assessment (a typo in entry); a new test round is a new assessment, not an update. */
export async function updateAssessment(
  services: RequestServices,
  cadreId: string,
  id: string,
  patch: Omit<Partial<AssessmentInput>, "id">,
) {
  const current = await getAssessment(services, cadreId, id);
  if (patch.takenOn !== undefined)
    checkAdult(patch.takenOn, (await requireCadre(services, cadreId)).birthYear);
  // A norm alone re-converts the stored raw scores (or, without any, just records the norm).
  const raw =
    patch.raw ?? (patch.norm !== undefined && !patch.stens ? (current.raw ?? undefined) : undefined);
  const stens = patch.stens ?? (patch.norm !== undefined && !raw ? current.stens : undefined);
  // New stens without raw scores replace the raw scores, so the old norm no longer applies to them.
  const norm = patch.norm ?? (patch.stens && !patch.raw ? undefined : (current.norm ?? undefined));
  const scores = stens || raw ? await resolveStens(services, { norm, stens, raw }) : undefined;
  await q.updateAssessment(services.db, id, {
    ...(patch.instrument !== undefined ? { instrument: patch.instrument } : {}),
    ...(patch.takenOn !== undefined ? { takenOn: patch.takenOn } : {}),
    ...(scores ? { norm: scores.norm, ...q.factorColumns(scores.stens, raw ?? null) } : {}),
  });
  return getAssessment(services, cadreId, id);
}

export async function deleteAssessment(
  services: RequestServices,
  cadreId: string,
  id: string,
): Promise<void> {
  await requireCadre(services, cadreId);
  if ((await q.deleteAssessment(services.db, cadreId, id)) === 0)
    throw notFound("assessment", id, "assessmentId");
}
