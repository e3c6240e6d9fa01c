import * as q from "../../db/queries/post-types";
import type { RANKS } from "../../db/schema";
import type { FactorCode } from "../../scoring/factors";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { invalid, notFound } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";
import { snapshotPostTypes } from "./scoring-profiles";

/** Per factor: the ideal sten range and how much a deviation from it weighs. */
export type IdealProfile = Partial<Record<FactorCode, { min: number; max: number; weight: number }>>;
/** A sten at or beyond `value` (below for `lte`, above for `gte`) rules a candidate out. */
export interface Knockout {
  factor: FactorCode;
  op: "lte" | "gte";
  value: number;
}

/** 岗位 as the API shows it. */
export interface PostType {
  code: string;
  name: string;
  nameEn: string;
  leading: boolean;
  principal: boolean;
  avoidance: boolean;
  minRank: (typeof RANKS)[number] | null;
  sortOrder: number;
  idealProfile: IdealProfile | null;
  knockouts: Knockout[];
  requiredSkills: string[];
  createdAt: string;
  updatedAt: string;
}

export type PostTypeInput = Omit<
  PostType,
  | "createdAt"
  | "updatedAt"
  | "leading"
  | "principal"
  | "avoidance"
  | "minRank"
  | "sortOrder"
  | "idealProfile"
  | "knockouts"
  | "requiredSkills"
> &
  Partial<
    Pick<
      PostType,
      | "leading"
      | "principal"
      | "avoidance"
      | "minRank"
      | "sortOrder"
      | "idealProfile"
      | "knockouts"
      | "requiredSkills"
    >
  >;

const toPostType = (row: q.PostTypeRow): PostType => ({
  code: row.code,
  name: row.name,
  nameEn: row.nameEn,
  leading: row.leading,
  principal: row.principal,
  avoidance: row.avoidance,
  minRank: row.minRank,
  sortOrder: row.sortOrder,
  idealProfile: (row.idealProfile as IdealProfile | null) ?? null,
  knockouts: (row.knockouts as Knockout[]) ?? [],
  requiredSkills: row.requiredSkills ?? [],
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

function checkIdealProfile(profile: IdealProfile | null | undefined) {
  for (const [factor, range] of Object.entries(profile ?? {})) {
    if (range && range.min > range.max) throw invalid(`idealProfile.${factor}`, "min is greater than max");
  }
}

export async function getPostType({ db }: RequestServices, code: string): Promise<PostType> {
  const row = await q.findPostType(db, code);
  if (!row) throw notFound("post type", code, "code");
  return toPostType(row);
}

export async function listPostTypes(
  { db }: RequestServices,
  query: { limit: number; cursor?: string | undefined },
) {
  const after = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
  const rows = await q.listPostTypes(db, { limit: query.limit, ...(after !== undefined ? { after } : {}) });
  const page = toPage(rows, query.limit, (r) => [r.code]);
  return { items: page.items.map(toPostType), nextCursor: page.nextCursor };
}

export async function createPostType(services: RequestServices, input: PostTypeInput): Promise<PostType> {
  checkIdealProfile(input.idealProfile);
  const now = services.clock.now().toISOString();
  const row: q.NewPostTypeRow = {
    code: input.code,
    name: input.name,
    nameEn: input.nameEn,
    leading: input.leading ?? false,
    principal: input.principal ?? false,
    avoidance: input.avoidance ?? false,
    minRank: input.minRank ?? null,
    sortOrder: input.sortOrder ?? 100,
    idealProfile: input.idealProfile ?? null,
    knockouts: input.knockouts ?? [],
    requiredSkills: input.requiredSkills ?? [],
    createdAt: now,
    updatedAt: now,
  };
  await mapConstraintErrors(() => q.insertPostType(services.db, row), {
    duplicate: `A post type with code '${input.code}' already exists.`,
    field: "code",
  });
  await snapshotPostTypes(services, `post type ${input.code} created`);
  return getPostType(services, input.code);
}

export async function updatePostType(
  services: RequestServices,
  code: string,
  patch: Partial<Omit<PostTypeInput, "code">>,
): Promise<PostType> {
  await getPostType(services, code);
  checkIdealProfile(patch.idealProfile);
  await q.updatePostType(services.db, code, { ...patch, updatedAt: services.clock.now().toISOString() });
  await snapshotPostTypes(services, `post type ${code} edited`);
  return getPostType(services, code);
}

export async function deletePostType(services: RequestServices, code: string): Promise<void> {
  const deleted = await mapConstraintErrors(() => q.deletePostType(services.db, code), {
    inUse: `Post type '${code}' is still used by seats, cadres or preferences.`,
  });
  if (deleted === 0) throw notFound("post type", code, "code");
  await snapshotPostTypes(services, `post type ${code} deleted`);
}
