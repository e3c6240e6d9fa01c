import type { DbOrTx } from "../../db/client";
import { writeTransaction } from "../../db/client";
import { currentAssessmentBriefs } from "../../db/queries/assessments";
import * as q from "../../db/queries/cadres";
import { existingPostCodes } from "../../db/queries/post-types";
import { existingRegionCodes } from "../../db/queries/regions";
import type { EDUCATIONS, GENDERS, RANKS } from "../../db/schema";
import type { FactorRecord } from "../../scoring/factors";
import { preconditionFailed } from "../auth/etag";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { ApiError, type FieldError, notFound } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";

/** 干部 as the API shows it, with the current assessment's stens when there is one. */
export interface Cadre {
  id: string;
  name: string;
  gender: (typeof GENDERS)[number];
  birthYear: number;
  education: (typeof EDUCATIONS)[number];
  birthRegion: string;
  growthRegion: string;
  currentRegion: string | null;
  currentPost: string | null;
  rank: (typeof RANKS)[number];
  reserve: boolean;
  yearsInPost: number;
  yearsInLocality: number;
  lastPromotion: string | null;
  serviceYears: number | null;
  grassrootsYears: number | null;
  skills: { skill: string; level: number }[];
  kin: { cadreId: string; relation: q.KinRelation }[];
  preferences: { region: string; post: string }[];
  assessment: { id: string; takenOn: string; stens: FactorRecord } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type Lists = Required<q.CadreLists>;
export type CadreInput = Omit<
  Cadre,
  "id" | "assessment" | "version" | "createdAt" | "updatedAt" | keyof Lists | OptionalKeys
> &
  Partial<Pick<Cadre, OptionalKeys>> &
  Partial<Lists> & { id?: string | undefined };
type OptionalKeys =
  | "currentRegion"
  | "currentPost"
  | "reserve"
  | "yearsInPost"
  | "yearsInLocality"
  | "lastPromotion"
  | "serviceYears"
  | "grassrootsYears";
export type CadrePatch = Partial<Omit<CadreInput, "id">>;

function toCadre(record: q.CadreRecord, assessment: Cadre["assessment"]): Cadre {
  return {
    id: record.id,
    name: record.name,
    gender: record.gender,
    birthYear: record.birthYear,
    education: record.education,
    birthRegion: record.birthRegion,
    growthRegion: record.growthRegion,
    currentRegion: record.currentRegion,
    currentPost: record.currentPost,
    rank: record.rank,
    reserve: record.reserve,
    yearsInPost: record.yearsInPost,
    yearsInLocality: record.yearsInLocality,
    lastPromotion: record.lastPromotion,
    serviceYears: record.serviceYears,
    grassrootsYears: record.grassrootsYears,
    skills: record.skills,
    kin: record.kin,
    preferences: record.preferences,
    assessment,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

async function present(db: DbOrTx, rows: q.CadreRow[]): Promise<Cadre[]> {
  const [records, current] = await Promise.all([
    q.withLists(db, rows),
    currentAssessmentBriefs(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  return records.map((record) => toCadre(record, current.get(record.id) ?? null));
}

export async function getCadre({ db }: RequestServices, id: string): Promise<Cadre> {
  const row = await q.findCadreRow(db, id);
  if (!row) throw notFound("cadre", id);
  const [cadre] = await present(db, [row]);
  return cadre as Cadre;
}

export async function listCadres(
  { db }: RequestServices,
  query: q.CadreFilter & { limit: number; cursor?: string | undefined },
) {
  const { cursor, ...filter } = query;
  const after = cursor ? String(decodeCursor(cursor, 1)[0]) : undefined;
  const rows = await q.listCadreRows(db, { ...filter, ...(after !== undefined ? { after } : {}) });
  const page = toPage(rows, query.limit, (r) => [r.id]);
  return { items: await present(db, page.items), nextCursor: page.nextCursor };
}

/** Checks every reference (regions, posts, kin) and list, and reports all problems at once. */
async function checkReferences(db: DbOrTx, id: string, input: CadrePatch): Promise<void> {
  const errors: FieldError[] = [];
  const regionFields = (["birthRegion", "growthRegion", "currentRegion"] as const).filter((f) => input[f]);
  const regionCodes = [
    ...regionFields.map((f) => input[f] as string),
    ...(input.preferences ?? []).map((p) => p.region),
  ];
  const postCodes = [
    ...(input.currentPost ? [input.currentPost] : []),
    ...(input.preferences ?? []).map((p) => p.post),
  ];
  const kinIds = (input.kin ?? []).map((k) => k.cadreId).filter((k) => k !== id);
  const [regions, posts, kin] = await Promise.all([
    existingRegionCodes(db, regionCodes),
    existingPostCodes(db, postCodes),
    q.existingCadreIds(db, kinIds),
  ]);
  const unknown = (field: string, what: string, value: string) =>
    errors.push({ field, code: "unknown_reference", message: `no ${what} '${value}'` });
  for (const f of regionFields)
    if (!regions.has(input[f] as string)) unknown(f, "region", input[f] as string);
  if (input.currentPost && !posts.has(input.currentPost))
    unknown("currentPost", "post type", input.currentPost);

  const seenSkills = new Set<string>();
  input.skills?.forEach((s, i) => {
    if (seenSkills.has(s.skill))
      errors.push({
        field: `skills.${i}.skill`,
        code: "duplicate",
        message: `skill '${s.skill}' listed twice`,
      });
    seenSkills.add(s.skill);
  });
  const seenKin = new Set<string>();
  input.kin?.forEach((k, i) => {
    const field = `kin.${i}.cadreId`;
    if (k.cadreId === id)
      errors.push({ field, code: "self_reference", message: "a cadre cannot be their own kin" });
    else if (!kin.has(k.cadreId)) unknown(field, "cadre", k.cadreId);
    else if (seenKin.has(k.cadreId))
      errors.push({ field, code: "duplicate", message: `kin '${k.cadreId}' listed twice` });
    seenKin.add(k.cadreId);
  });
  const seenChoices = new Set<string>();
  input.preferences?.forEach((p, i) => {
    if (!regions.has(p.region)) unknown(`preferences.${i}.region`, "region", p.region);
    if (!posts.has(p.post)) unknown(`preferences.${i}.post`, "post type", p.post);
    const key = `${p.region}/${p.post}`;
    if (seenChoices.has(key))
      errors.push({ field: `preferences.${i}`, code: "duplicate", message: `choice ${key} listed twice` });
    seenChoices.add(key);
  });
  if (errors.length) {
    const first = errors[0] as FieldError;
    throw new ApiError("validation_failed", `${first.field}: ${first.message}`, { errors });
  }
}

function lists(input: CadrePatch): q.CadreLists {
  return {
    ...(input.skills ? { skills: input.skills } : {}),
    ...(input.kin ? { kin: input.kin } : {}),
    ...(input.preferences ? { preferences: input.preferences } : {}),
  };
}

function columns(input: CadrePatch): Partial<q.NewCadreRow> {
  const { skills: _s, kin: _k, preferences: _p, ...scalars } = input;
  return scalars;
}

export async function createCadre(services: RequestServices, input: CadreInput): Promise<Cadre> {
  const id = input.id ?? services.newId();
  const now = services.clock.now().toISOString();
  await mapConstraintErrors(
    () =>
      writeTransaction(services.db, async (tx) => {
        if (await q.findCadreRow(tx, id))
          throw new ApiError("duplicate", `A cadre with id '${id}' already exists.`, { field: "id" });
        await checkReferences(tx, id, input);
        const { id: _id, ...rest } = columns(input) as q.NewCadreRow;
        await q.insertCadre(tx, { ...rest, id, createdAt: now, updatedAt: now }, lists(input));
      }),
    { duplicate: `A cadre with id '${id}' already exists.`, field: "id" },
  );
  return getCadre(services, id);
}

/** `expectedVersion` (from If-Match) is compared inside the write transaction: stale → 412, nothing changed. */
export async function updateCadre(
  services: RequestServices,
  id: string,
  patch: CadrePatch,
  expectedVersion?: number,
): Promise<Cadre> {
  await writeTransaction(services.db, async (tx) => {
    const row = await q.findCadreRow(tx, id);
    if (!row) throw notFound("cadre", id);
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw preconditionFailed();
    await checkReferences(tx, id, patch);
    await q.updateCadre(
      tx,
      id,
      { ...columns(patch), updatedAt: services.clock.now().toISOString() },
      lists(patch),
    );
  });
  return getCadre(services, id);
}

export async function deleteCadre(
  services: RequestServices,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  if (expectedVersion !== undefined) {
    const row = await q.findCadreRow(services.db, id);
    if (!row) throw notFound("cadre", id);
    if (row.version !== expectedVersion) throw preconditionFailed();
  }
  const teams = await q.seatsHeldBy(services.db, id);
  if (teams.length)
    throw new ApiError(
      "in_use",
      `Cadre '${id}' holds a seat in team(s) ${teams.join(", ")}; vacate it first.`,
      {
        field: "id",
      },
    );
  const deleted = await mapConstraintErrors(() => q.deleteCadre(services.db, id), {
    inUse: `Cadre '${id}' is still referred to.`,
  });
  if (deleted === 0) throw notFound("cadre", id);
}
