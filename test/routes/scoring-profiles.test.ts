/**
 * Scoring profiles over HTTP: version 1 from the shipped defaults and the stored post types, edits
 * merged into a new version (older versions unchanged), scores naming the version they used and
 * following its weights and rule modes, post-type edits making a new version, and invalid edits
 * rejected with the field named and nothing stored.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { openNodeDb } from "../../db/node";
import { insertDefaultPostTypes, loadDemoCity } from "../../db/seed/load";
import { currentProfile, snapshotPostTypes } from "../../src/services/scoring-profiles";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";
import { rowCounts, tempDb } from "../support/db";
import { GOOD_STENS, type Stens, stens } from "./fixtures";

interface Profile {
  version: number;
  name: string;
  asOfYear: number;
  note?: string | null;
  createdAt?: string;
  weights: { fit: number; balance: number; skills: number; structure: number };
  rules: Record<string, { mode: string; penalty: number }>;
  posts: Record<
    string,
    { code: string; idealProfile: Record<string, { min: number; max: number; weight: number }> }
  >;
  [key: string]: unknown;
}
interface Score {
  score: number;
  feasible: boolean;
  profileVersion: number;
  components: { fit: number; balance: number; skills: number; structure: number; penalty: number };
  violations: { rule: string; severity: string; memberIds: string[] }[];
  seats: { memberId: string | null; fit: number | null; costliest: { factor: string }[] }[];
}

const GOOD: Stens = GOOD_STENS;

/** A feasible team of XJ01 whose deputy head has served 12 years there: R5 (soft by default). */
function r5Team(deputy: Stens = stens(5)) {
  return {
    region: "XJ01",
    seats: [
      {
        post: "party-secretary",
        member: { id: "p-a", stens: GOOD, birthRegion: "XJ02", growthRegion: "XJ02" },
      },
      {
        post: "deputy-head",
        member: {
          id: "p-b",
          stens: deputy,
          birthRegion: "XJ01",
          growthRegion: "XJ01",
          currentRegion: "XJ01",
          yearsInLocality: 12,
        },
      },
    ],
  };
}

let t: TestApp;
let v1: Profile;

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
});
afterAll(() => t.close());

const score = async (body: unknown): Promise<Score> => {
  const res = await t.post("/v1/score", body);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
};
const current = async (): Promise<Profile> => {
  const res = await t.get("/v1/scoring-profiles/current");
  expect(res.status).toBe(200);
  return res.json();
};
const list = async () =>
  (
    (await (await t.get("/v1/scoring-profiles")).json()) as {
      items: { version: number; name: string; note: string | null; createdAt: string }[];
      nextCursor: null;
    }
  ).items;

describe("scoring profiles", () => {
  it("GET current creates version 1 from the defaults and the stored post types, once", async () => {
    const before = await rowCounts(t.db);
    expect(before.scoring_profiles).toBe(0);
    v1 = await current();
    expect(v1.version).toBe(1);
    expect(v1.asOfYear).toBe(2026);
    expect((await rowCounts(t.db)).scoring_profiles).toBe(1);
    // Every stored post type is in the profile, with its ideal profile as stored.
    const postTypes = (await (await t.get("/v1/post-types?limit=100")).json()) as {
      items: { code: string; idealProfile: unknown }[];
    };
    expect(postTypes.items.length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(v1.posts).sort()).toEqual(postTypes.items.map((p) => p.code).sort());
    for (const p of postTypes.items) expect(v1.posts[p.code]?.idealProfile, p.code).toEqual(p.idealProfile);
    expect(v1.rules.R5).toMatchObject({ mode: "soft" });
    // Asking again stores nothing new.
    expect(await current()).toEqual(v1);
    expect((await rowCounts(t.db)).scoring_profiles).toBe(1);
    expect(await list()).toMatchObject([{ version: 1, name: v1.name }]);
  });

  it("scores name version 1 and an R5 breach is soft", async () => {
    const s = await score(r5Team());
    expect(s.profileVersion).toBe(1);
    expect(s.feasible).toBe(true);
    expect(s.violations.find((v) => v.rule === "R5")).toMatchObject({ severity: "soft", memberIds: ["p-b"] });
  });

  it("POST merges an edit into version 2 (other fields kept) and returns it with 201", async () => {
    const res = await t.post("/v1/scoring-profiles", {
      weights: { fit: 0.9 },
      rules: { R5: { mode: "hard" } },
      note: "更重人岗匹配；R5 从严",
    });
    expect(res.status).toBe(201);
    const v2 = (await res.json()) as Profile;
    expect(v2.version).toBe(2);
    expect(v2.note).toBe("更重人岗匹配；R5 从严");
    expect(v2.weights).toEqual({ ...v1.weights, fit: 0.9 });
    expect(v2.rules).toEqual({ ...v1.rules, R5: { ...v1.rules.R5, mode: "hard" } });
    const { version: _a, note: _n, createdAt: _c, weights: _w, rules: _r, ...rest2 } = v2;
    const { version: _b, weights: _w1, rules: _r1, ...rest1 } = v1;
    expect(rest2).toEqual(rest1);
    expect(await current()).toMatchObject({ version: 2, weights: v2.weights, rules: v2.rules });
  });

  it("the list shows both versions, newest first, with their notes", async () => {
    const items = await list();
    expect(items.map((i) => i.version)).toEqual([2, 1]);
    expect(items[0]?.note).toBe("更重人岗匹配；R5 从严");
    expect(typeof items[1]?.note).toBe("string");
    for (const i of items) expect(i.createdAt).toBe("2026-11-25T08:00:00.000Z");
  });

  it("GET /v1/scoring-profiles/1 is unchanged", async () => {
    const res = await t.get("/v1/scoring-profiles/1");
    expect(res.status).toBe(200);
    const old = (await res.json()) as Profile;
    expect(old).toMatchObject(v1);
    expect(old.weights.fit).toBe(v1.weights.fit);
    expect(old.rules.R5?.mode).toBe("soft");
  });

  it("a score afterwards names version 2, follows its weights, and the R5 breach is now hard", async () => {
    const s = await score(r5Team());
    expect(s.profileVersion).toBe(2);
    expect(s.feasible).toBe(false);
    expect(s.violations.find((v) => v.rule === "R5")).toMatchObject({ severity: "hard", memberIds: ["p-b"] });
    // score = weighted mean of the parts − soft penalties (a hard rule makes it infeasible, not lower).
    const w = { ...v1.weights, fit: 0.9 };
    const { fit, balance, skills, structure, penalty } = s.components;
    const weighted =
      (w.fit * fit + w.balance * balance + w.skills * skills + w.structure * structure) /
      (w.fit + w.balance + w.skills + w.structure);
    expect(s.score).toBeCloseTo(Math.min(1, Math.max(0, weighted - penalty)), 10);
    // Batches use the same version.
    const batch = (await (await t.post("/v1/score", { teams: [r5Team()] })).json()) as {
      profileVersion: number;
    };
    expect(batch.profileVersion).toBe(2);
  });

  it("editing a post type makes a new version whose post profile reflects the edit, and scores follow", async () => {
    const outside = stens(5, { B: 9 });
    const before = await score(r5Team(outside));
    expect(before.seats[1]?.fit).toBeLessThan(1);

    const idealProfile = {
      B: { min: 5, max: 6, weight: 2 },
      C: { min: 1, max: 10, weight: 1 },
    };
    const res = await t.patch("/v1/post-types/deputy-head", { idealProfile });
    expect(res.status, await res.clone().text()).toBe(200);

    const v3 = await current();
    expect(v3.version).toBe(3);
    expect(v3.posts["deputy-head"]?.idealProfile).toEqual(idealProfile);
    // The rest of version 2 is kept.
    expect(v3.weights.fit).toBe(0.9);
    expect(v3.rules.R5?.mode).toBe("hard");
    expect(v3.posts["county-head"]).toEqual(v1.posts["county-head"]);
    expect((await list()).map((i) => i.version)).toEqual([3, 2, 1]);
    expect(((await (await t.get("/v1/scoring-profiles/2")).json()) as Profile).posts["deputy-head"]).toEqual(
      v1.posts["deputy-head"],
    );

    // Stens 5 everywhere are inside the new profile's only ranges: a perfect fit.
    const inside = await score(r5Team(stens(5)));
    expect(inside.profileVersion).toBe(3);
    expect(inside.seats[1]?.fit).toBe(1);
    // B 9 is outside 5–6: the only costly factor.
    const after = await score(r5Team(outside));
    expect(after.seats[1]?.fit).toBeLessThan(1);
    expect(after.seats[1]?.fit).not.toBe(before.seats[1]?.fit);
    expect(after.seats[1]?.costliest.map((c) => c.factor)).toEqual(["B"]);

    // The same values again change nothing scoring reads: no new version.
    const again = await t.patch("/v1/post-types/deputy-head", { idealProfile });
    expect(again.status).toBe(200);
    expect((await list()).map((i) => i.version)).toEqual([3, 2, 1]);
  });

  describe("invalid edits: 422 naming the field, nothing stored", () => {
    let counts: Record<string, number>;
    beforeAll(async () => {
      counts = await rowCounts(t.db);
    });

    const cases: [string, unknown, string, string?][] = [
      ["a negative weight", { weights: { fit: -0.1 } }, "weights.fit"],
      ["a weight that is not a number", { weights: { skills: "high" } }, "weights.skills"],
      ["an unknown rule id", { rules: { R99: { mode: "hard" } } }, "rules.R99", "unknown_field"],
      ["mode maybe", { rules: { R5: { mode: "maybe" } } }, "rules.R5.mode"],
      ["a penalty over 1", { rules: { R7: { penalty: 1.5 } } }, "rules.R7.penalty"],
      ["an unknown field", { colour: "red" }, "colour", "unknown_field"],
      ["an unknown weight", { weights: { charm: 1 } }, "weights.charm", "unknown_field"],
      ["post profiles (edited through post types)", { posts: {} }, "posts", "unknown_field"],
      [
        "a sten threshold of 11",
        { balance: { conflict: { dominance: 11, vigilance: 8, penaltyPerPair: 0.1 } } },
        "balance.conflict.dominance",
      ],
      ["a zero fit scale", { fit: { scale: 0 } }, "fit.scale"],
      ["an unknown education", { ruleParams: { minEducation: "kindergarten" } }, "ruleParams.minEducation"],
    ];
    for (const [name, body, field, code] of cases)
      it(name, async () => {
        const res = await t.post("/v1/scoring-profiles", body);
        expect(res.status).toBe(422);
        const p = await problem(res);
        expect(p).toMatchObject({ code: "validation_failed", field });
        expect(p.detail).toContain(field);
        if (code) expect(p.errors?.[0]?.code).toBe(code);
      });

    it("several problems are all named", async () => {
      const res = await t.post("/v1/scoring-profiles", {
        weights: { fit: -1 },
        rules: { R99: { mode: "hard" }, R5: { mode: "maybe" } },
        foo: 1,
      });
      const p = await problem(res);
      expect(p.errors?.map((e) => e.field).sort()).toEqual([
        "foo",
        "rules.R5.mode",
        "rules.R99",
        "weights.fit",
      ]);
    });

    it("malformed JSON is a 400", async () => {
      const res = await t.post("/v1/scoring-profiles", '{"weights": {');
      expect(res.status).toBe(400);
      expect((await problem(res)).code).toBe("malformed_json");
    });

    it("nothing was stored", async () => {
      expect(await rowCounts(t.db)).toEqual(counts);
      expect((await current()).version).toBe(3);
    });
  });

  it("an unknown version is a 404; a version that is not a positive integer is a 422", async () => {
    const missing = await t.get("/v1/scoring-profiles/99");
    expect(missing.status).toBe(404);
    expect(await problem(missing)).toMatchObject({ code: "not_found", field: "version" });
    for (const bad of ["abc", "0", "1.5"]) {
      const res = await t.get(`/v1/scoring-profiles/${bad}`);
      expect(res.status, bad).toBe(422);
      expect((await problem(res)).field).toBe("path.version");
    }
  });
});

describe("scoring profile versions written by two processes at once", () => {
  it("store version 1, and a post-type snapshot, once", async () => {
    const database = await tempDb();
    const other = openNodeDb(database.url);
    try {
      const services = [database.db, other.db].map((db, i) => ({
        db,
        clock: fixedClock,
        newId: () => `p${i}`,
      }));
      const versions = async () =>
        (await database.db.values<[number]>(sql`select version from scoring_profiles order by version`)).map(
          (r) => Number(r[0]),
        );
      await writeTransaction(database.db, (tx) => insertDefaultPostTypes(tx, "2026-11-25T00:00:00.000Z"));
      // Both read "no version yet" before either writes: the second must not store a copy as v2.
      const first = await Promise.all(services.map((s) => currentProfile(s)));
      expect(first.map((p) => p.version)).toEqual([1, 1]);
      expect(await versions()).toEqual([1]);
      // A post type changed, then both snapshot it: one new version.
      await database.db.run(sql`update post_types set name = '县长（改）' where code = 'county-head'`);
      expect(await Promise.all(services.map((s) => snapshotPostTypes(s, "test")))).toEqual([2, 2]);
      expect(await versions()).toEqual([1, 2]);
    } finally {
      other.client.close();
      database.close();
    }
  });
});
