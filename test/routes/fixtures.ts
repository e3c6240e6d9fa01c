/** Request bodies and small helpers shared by the route and app tests (each file still has its own database). */
import { expect } from "vitest";
import type { TestApp } from "../support/app";

/** The 16 factor codes as the published norm table lists them (A … Q4). */
export const FACTOR_CODES = [
  "A",
  "B",
  "C",
  "E",
  "F",
  "G",
  "H",
  "I",
  "L",
  "M",
  "N",
  "O",
  "Q1",
  "Q2",
  "Q3",
  "Q4",
] as const;

export type Stens = Record<(typeof FACTOR_CODES)[number], number>;

/** All 16 stens set to `value`, with some overridden. */
export function stens(value = 5, overrides: Partial<Stens> = {}): Stens {
  return { ...(Object.fromEntries(FACTOR_CODES.map((f) => [f, value])) as Stens), ...overrides };
}

/** A city `CT` with counties `CT01` and `CT02`. */
export async function seedRegions(t: TestApp): Promise<void> {
  const bodies = [
    { code: "CT", name: "测试市", level: "city" },
    { code: "CT01", name: "一县", level: "county", parent: "CT" },
    { code: "CT02", name: "二县", level: "county", parent: "CT" },
  ];
  for (const body of bodies) expect((await t.post("/v1/regions", body)).status).toBe(201);
}

/** Minimal post types with the given codes. */
export async function seedPostTypes(t: TestApp, codes: readonly string[]): Promise<void> {
  for (const code of codes)
    expect(
      (await t.post("/v1/post-types", { code, name: `岗位${code}`, nameEn: `Post ${code}` })).status,
    ).toBe(201);
}

/** A valid cadre body (needs the regions of {@link seedRegions}). */
export function cadreBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "张伟",
    gender: "male",
    birthYear: 1978,
    education: "master",
    birthRegion: "CT01",
    growthRegion: "CT01",
    rank: "deputy-division",
    ...overrides,
  };
}

/** Creates a cadre and returns the response body; fails the test unless it is 201. */
export async function createCadre(t: TestApp, overrides: Record<string, unknown> = {}) {
  const res = await t.post("/v1/cadres", cadreBody(overrides));
  if (res.status !== 201) throw new Error(`cadre not created: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Follows `nextCursor` from `path` to the end and returns every item, asserting that each page is
 * at most `limit` long and that the walk terminates.
 */
export async function walkPages<T = Record<string, unknown>>(
  t: TestApp,
  path: string,
  limit: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  const sep = path.includes("?") ? "&" : "?";
  do {
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await t.get(url);
    expect(res.status, url).toBe(200);
    const page = (await res.json()) as { items: T[]; nextCursor: string | null };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
    if (pages > 10_000) throw new Error("pagination does not end");
  } while (cursor !== null);
  return { items, pages };
}

/**
 * the published norm table's Chinese 187-item norm as printed there (upper raw bound of stens 1–9 per factor). Tests
 * compare the code against this copy, never against scoring/norms.ts's own constants.
 */
export const CN_TABLE: Record<(typeof FACTOR_CODES)[number], number[]> = {
  A: [1, 3, 5, 6, 8, 11, 13, 14, 16],
  B: [3, 4, 5, 6, 7, 8, 9, 10, 11],
  C: [5, 7, 9, 11, 13, 16, 18, 20, 22],
  E: [2, 4, 5, 7, 9, 12, 14, 16, 18],
  F: [3, 4, 6, 7, 9, 12, 14, 16, 18],
  G: [5, 7, 9, 10, 12, 14, 16, 17, 18],
  H: [1, 2, 3, 6, 8, 11, 14, 16, 19],
  I: [5, 6, 8, 9, 11, 13, 14, 16, 17],
  L: [3, 5, 6, 8, 10, 12, 13, 15, 16],
  M: [5, 7, 9, 11, 13, 15, 17, 19, 20],
  N: [2, 3, 4, 6, 8, 10, 11, 13, 14],
  O: [2, 4, 6, 8, 10, 12, 14, 16, 18],
  Q1: [4, 5, 7, 8, 10, 12, 13, 14, 15],
  Q2: [5, 7, 8, 10, 12, 14, 15, 17, 18],
  Q3: [4, 6, 8, 10, 12, 14, 15, 17, 18],
  Q4: [2, 4, 6, 8, 11, 14, 16, 19, 21],
};

/** Within every post's ideal range of the shipped template (no knock-out: C and G well above 4). */
export const GOOD_STENS: Stens = stens(5, {
  A: 6,
  B: 8,
  C: 8,
  E: 6,
  F: 6,
  G: 8,
  H: 7,
  I: 5,
  L: 4,
  M: 5,
  N: 5,
  O: 3,
  Q1: 6,
  Q2: 5,
  Q3: 8,
  Q4: 3,
});
