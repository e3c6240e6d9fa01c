import * as q from "../../db/queries/regions";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { invalid, notFound } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";

/** A region as the API shows it. */
export interface Region {
  code: string;
  name: string;
  nameEn: string | null;
  level: "city" | "county";
  parent: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RegionInput {
  code: string;
  name: string;
  nameEn?: string | null | undefined;
  level: "city" | "county";
  parent?: string | null | undefined;
}

const toRegion = (row: q.RegionRow): Region => ({
  code: row.code,
  name: row.name,
  nameEn: row.nameEn,
  level: row.level,
  parent: row.parentCode,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export async function getRegion({ db }: RequestServices, code: string): Promise<Region> {
  const row = await q.findRegion(db, code);
  if (!row) throw notFound("region", code, "code");
  return toRegion(row);
}

export async function listRegions(
  { db }: RequestServices,
  query: {
    limit: number;
    cursor?: string | undefined;
    parent?: string | undefined;
    level?: Region["level"] | undefined;
  },
) {
  const after = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
  const rows = await q.listRegions(db, {
    limit: query.limit,
    ...(after !== undefined ? { after } : {}),
    ...(query.parent !== undefined ? { parent: query.parent } : {}),
    ...(query.level !== undefined ? { level: query.level } : {}),
  });
  const page = toPage(rows, query.limit, (r) => [r.code]);
  return { items: page.items.map(toRegion), nextCursor: page.nextCursor };
}

async function checkParent(
  services: RequestServices,
  level: Region["level"],
  parent: string | null | undefined,
  self?: string,
) {
  if (level === "county" && !parent) throw invalid("parent", "a county needs its parent region");
  if (!parent) return;
  if (parent === self) throw invalid("parent", "a region cannot be its own parent");
  const row = await q.findRegion(services.db, parent);
  if (!row) throw invalid("parent", `no region with code '${parent}'`, "unknown_reference");
}

export async function createRegion(services: RequestServices, input: RegionInput): Promise<Region> {
  await checkParent(services, input.level, input.parent);
  const now = services.clock.now().toISOString();
  const row = {
    code: input.code,
    name: input.name,
    nameEn: input.nameEn ?? null,
    level: input.level,
    parentCode: input.parent ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await mapConstraintErrors(() => q.insertRegion(services.db, row), {
    duplicate: `A region with code '${input.code}' already exists.`,
    field: "code",
  });
  return toRegion(row);
}

export async function updateRegion(
  services: RequestServices,
  code: string,
  patch: Partial<Omit<RegionInput, "code">>,
): Promise<Region> {
  const current = await getRegion(services, code);
  const level = patch.level ?? current.level;
  const parent = patch.parent !== undefined ? patch.parent : current.parent;
  await checkParent(services, level, parent, code);
  const updatedAt = services.clock.now().toISOString();
  await q.updateRegion(services.db, code, {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.nameEn !== undefined ? { nameEn: patch.nameEn } : {}),
    level,
    parentCode: parent,
    updatedAt,
  });
  return getRegion(services, code);
}

export async function deleteRegion(services: RequestServices, code: string): Promise<void> {
  const deleted = await mapConstraintErrors(() => q.deleteRegion(services.db, code), {
    inUse: `Region '${code}' is still referred to by regions, cadres or teams.`,
  });
  if (deleted === 0) throw notFound("region", code, "code");
}
