import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { openNodeDb } from "../../db/node";
import { currentAssessmentRows, factorColumns, stensOf } from "../../db/queries/assessments";
import { withLists } from "../../db/queries/cadres";
import { assessments, cadres, kinLinks } from "../../db/schema";
import { loadDemoCity } from "../../db/seed/load";
import type { FactorRecord } from "../../scoring/factors";
import type { Member } from "../../scoring/types";
import { loadMembers, loadMembersCached, memberDataVersion } from "../../src/services/members";
import { tempDb } from "../support/db";

const YEAR = 2026;
let database: Awaited<ReturnType<typeof tempDb>>;

beforeAll(async () => {
  database = await tempDb();
  await loadDemoCity(database.db, new Date("2026-11-25T08:00:00Z"));
});
afterAll(() => database.close());

/** The member a cadre should load as, built from the ordinary drizzle queries of each table. */
async function expectedMembers(ids: string[]): Promise<Map<string, Member>> {
  const rows = await database.db.select().from(cadres);
  const records = await withLists(
    database.db,
    rows.filter((r) => ids.includes(r.id)),
  );
  const current = await currentAssessmentRows(database.db, ids);
  const out = new Map<string, Member>();
  for (const r of records) {
    const assessment = current.get(r.id);
    if (!assessment) continue;
    out.set(r.id, {
      id: r.id,
      stens: stensOf(assessment),
      birthRegion: r.birthRegion,
      growthRegion: r.growthRegion,
      currentRegion: r.currentRegion,
      currentPost: r.currentPost,
      age: YEAR - r.birthYear,
      gender: r.gender,
      education: r.education,
      rank: r.rank,
      skills: r.skills,
      yearsInPost: r.yearsInPost,
      yearsInLocality: r.yearsInLocality,
      serviceYears: r.serviceYears,
      grassrootsYears: r.grassrootsYears,
      kin: r.kin.map((k) => k.cadreId).sort(),
    });
  }
  return out;
}

const stens = (value: number): FactorRecord =>
  Object.fromEntries(
    ["A", "B", "C", "E", "F", "G", "H", "I", "L", "M", "N", "O", "Q1", "Q2", "Q3", "Q4"].map((f) => [
      f,
      value,
    ]),
  ) as FactorRecord;

describe("loadMembers", () => {
  it("loads every demo cadre exactly as the per-table queries describe them", async () => {
    const ids = (await database.db.select({ id: cadres.id }).from(cadres)).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(300);
    const expected = await expectedMembers(ids);
    const loaded = await loadMembers(database.db, ids, YEAR);
    expect(loaded.size).toBe(ids.length);
    let withKin = 0;
    let withSkills = 0;
    for (const id of ids) {
      const want = expected.get(id);
      const got = loaded.get(id);
      if (!want) {
        expect(got).toEqual({ ok: false, reason: "no_assessment" });
        continue;
      }
      expect(got).toEqual({ ok: true, member: want });
      if (want.kin?.length) withKin++;
      if (want.skills?.length) withSkills++;
    }
    // The comparison covered kin and skill lists, not only empty ones.
    expect(withKin).toBeGreaterThan(0);
    expect(withSkills).toBeGreaterThan(100);
  });

  it("tells unknown cadres and cadres without an assessment apart, and reads the newest assessment", async () => {
    const { db } = database;
    const [row] = await db.select().from(cadres).limit(1);
    if (!row) throw new Error("demo city has no cadres");
    await db.insert(cadres).values({ ...row, id: "NEW-1", name: "新干部" });
    const before = await loadMembers(db, ["NEW-1", "NOPE"], YEAR);
    expect(before.get("NEW-1")).toEqual({ ok: false, reason: "no_assessment" });
    expect(before.get("NOPE")).toEqual({ ok: false, reason: "unknown" });
    const base = {
      cadreId: "NEW-1",
      instrument: "16PF-187",
      norm: "cn-16pf-187",
      createdAt: "2026-01-01T00:00:00Z",
    };
    await db.insert(assessments).values([
      { ...base, id: "a-old", takenOn: "2024-05-01", ...factorColumns(stens(1), null) },
      { ...base, id: "a-new", takenOn: "2026-05-01", ...factorColumns(stens(10), null) },
    ]);
    const after = await loadMembers(db, ["NEW-1"], YEAR);
    const found = after.get("NEW-1");
    expect(found?.ok && found.member.stens).toEqual(stens(10));
  });
});

describe("loadMembersCached", () => {
  it("answers from the cache while nothing changed, and sees a write made through another connection", async () => {
    const { db } = database;
    const [row] = await db.select({ id: cadres.id }).from(cadres).limit(1);
    const id = row?.id as string;
    const first = await loadMembersCached(db, [id], YEAR);
    const again = await loadMembersCached(db, [id], YEAR);
    // The same object: served from the cache.
    expect(again.get(id)).toBe(first.get(id));

    // Another process writing the same file (here: another client) moves the version by trigger.
    const other = openNodeDb(database.url);
    try {
      const version = await memberDataVersion(db);
      await other.db.insert(assessments).values({
        id: "a-other",
        cadreId: id,
        instrument: "16PF-187",
        takenOn: "2099-01-01",
        norm: "cn-16pf-187",
        createdAt: "2026-11-25T08:00:00Z",
        ...factorColumns(stens(7), null),
      });
      expect(await memberDataVersion(db)).toBeGreaterThan(version);
      const fresh = (await loadMembersCached(db, [id], YEAR)).get(id);
      expect(fresh?.ok && fresh.member.stens).toEqual(stens(7));

      await other.db.update(cadres).set({ birthRegion: "XJ12" }).where(eq(cadres.id, id));
      const moved = (await loadMembersCached(db, [id], YEAR)).get(id);
      expect(moved?.ok && moved.member.birthRegion).toBe("XJ12");
    } finally {
      other.client.close();
    }
  });

  it("counts a kin link, and a rolled-back write leaves the version as it was", async () => {
    const { db } = database;
    const ids = (await db.select({ id: cadres.id }).from(cadres).limit(2)).map((r) => r.id);
    const [a, b] = ids as [string, string];
    const version = await memberDataVersion(db);
    await expect(
      writeTransaction(db, async (tx) => {
        await tx.insert(kinLinks).values({ cadreId: a, kinId: b, relation: "spouse" });
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    expect(await memberDataVersion(db)).toBe(version);
    await db.insert(kinLinks).values({ cadreId: a, kinId: b, relation: "spouse" });
    expect(await memberDataVersion(db)).toBe(version + 1);
    const loaded = await loadMembersCached(db, [a, b], YEAR);
    const member = loaded.get(a);
    expect(member?.ok && member.member.kin).toContain(b);
  });
});
