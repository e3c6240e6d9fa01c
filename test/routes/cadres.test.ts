import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";
import { cadreBody, createCadre, seedPostTypes, seedRegions, stens, walkPages } from "./fixtures";

interface Cadre {
  id: string;
  name: string;
  currentRegion: string | null;
  rank: string;
  reserve: boolean;
  skills: { skill: string; level: number }[];
  kin: { cadreId: string; relation: string }[];
  preferences: { region: string; post: string }[];
  version: number;
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, ["county-head", "deputy-head", "court-president"]);
});
afterAll(() => t.close());

const read = async (id: string): Promise<Cadre> => {
  const res = await t.get(`/v1/cadres/${id}`);
  expect(res.status).toBe(200);
  return res.json();
};

async function count(table: string, cadreId: string): Promise<number> {
  const [row] = await t.db.all<{ n: number }>(
    sql`select count(*) as n from ${sql.identifier(table)} where cadre_id = ${cadreId}`,
  );
  return Number(row?.n ?? 0);
}

describe("cadres: create and read", () => {
  it("stores skills, kin and ranked preferences, and shows kin from both sides", async () => {
    await createCadre(t, { id: "wang-fang", name: "王芳", gender: "female" });
    const res = await t.post(
      "/v1/cadres",
      cadreBody({
        id: "li-qiang",
        name: "李强",
        currentRegion: "CT02",
        currentPost: "deputy-head",
        reserve: true,
        yearsInPost: 4.5,
        yearsInLocality: 7,
        lastPromotion: "2021-03-15",
        serviceYears: 24,
        grassrootsYears: 9,
        skills: [
          { skill: "law", level: 4 },
          { skill: "economy", level: 2 },
        ],
        kin: [{ cadreId: "wang-fang", relation: "spouse" }],
        preferences: [
          { region: "CT01", post: "county-head" },
          { region: "CT02", post: "court-president" },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      id: "li-qiang",
      name: "李强",
      currentRegion: "CT02",
      currentPost: "deputy-head",
      reserve: true,
      yearsInPost: 4.5,
      yearsInLocality: 7,
      lastPromotion: "2021-03-15",
      kin: [{ cadreId: "wang-fang", relation: "spouse" }],
      // Ranked: the order given is the order of preference.
      preferences: [
        { region: "CT01", post: "county-head" },
        { region: "CT02", post: "court-president" },
      ],
      assessment: null,
      version: 1,
    });
    expect(created.skills).toEqual(
      expect.arrayContaining([
        { skill: "law", level: 4 },
        { skill: "economy", level: 2 },
      ]),
    );
    expect(created.skills).toHaveLength(2);
    expect(await read("li-qiang")).toEqual(created);

    // The link is stored once but belongs to both cadres.
    expect((await read("wang-fang")).kin).toEqual([{ cadreId: "li-qiang", relation: "spouse" }]);
  });

  it("generates an id when none is given", async () => {
    const a = await createCadre(t, { name: "甲" });
    const b = await createCadre(t, { name: "乙" });
    expect(typeof a.id).toBe("string");
    expect(a.id).not.toBe(b.id);
    expect((await read(a.id)).name).toBe("甲");
    expect((await read(b.id)).name).toBe("乙");
  });

  it("shows defaults for the optional fields", async () => {
    const c = await createCadre(t, { id: "plain" });
    expect(c).toMatchObject({
      currentRegion: null,
      currentPost: null,
      reserve: false,
      yearsInPost: 0,
      yearsInLocality: 0,
      lastPromotion: null,
      skills: [],
      kin: [],
      preferences: [],
    });
  });
});

describe("cadres: update", () => {
  it("PATCH replaces the lists it is given, keeps the others and bumps version", async () => {
    await createCadre(t, { id: "kin-a" });
    await createCadre(t, { id: "kin-b" });
    await createCadre(t, {
      id: "patched",
      skills: [{ skill: "finance", level: 3 }],
      kin: [{ cadreId: "kin-a", relation: "lineal" }],
      preferences: [{ region: "CT01", post: "deputy-head" }],
    });

    const res = await t.patch("/v1/cadres/patched", {
      rank: "division",
      skills: [
        { skill: "agriculture", level: 5 },
        { skill: "ecology", level: 1 },
      ],
      kin: [{ cadreId: "kin-b", relation: "in-law" }],
    });
    expect(res.status).toBe(200);
    const after = await res.json();
    expect(after.version).toBe(2);
    expect(after.rank).toBe("division");
    expect(after.skills.map((s: { skill: string }) => s.skill).sort()).toEqual(["agriculture", "ecology"]);
    expect(after.kin).toEqual([{ cadreId: "kin-b", relation: "in-law" }]);
    expect(after.preferences).toEqual([{ region: "CT01", post: "deputy-head" }]);

    // The replaced kin link is gone from the other side too; the new one is visible there.
    expect((await read("kin-a")).kin).toEqual([]);
    expect((await read("kin-b")).kin).toEqual([{ cadreId: "patched", relation: "in-law" }]);

    const cleared = await (await t.patch("/v1/cadres/patched", { skills: [], preferences: [] })).json();
    expect(cleared).toMatchObject({ skills: [], preferences: [], version: 3 });
    expect(cleared.kin).toHaveLength(1);
  });

  it("a failed PATCH changes nothing, not even the version", async () => {
    const before = await createCadre(t, { id: "stable", skills: [{ skill: "law", level: 2 }] });
    const res = await t.patch("/v1/cadres/stable", {
      name: "新名",
      skills: [{ skill: "economy", level: 2 }],
      birthRegion: "NOWHERE",
    });
    expect(res.status).toBe(422);
    expect(await read("stable")).toEqual(before);
  });
});

describe("cadres: list", () => {
  beforeAll(async () => {
    const specs: [string, Record<string, unknown>][] = [
      [
        "f-1",
        { currentRegion: "CT01", rank: "division", reserve: true, skills: [{ skill: "law", level: 3 }] },
      ],
      ["f-2", { currentRegion: "CT01", rank: "deputy-division", reserve: false, skills: [] }],
      [
        "f-3",
        {
          currentRegion: "CT02",
          rank: "deputy-division",
          reserve: true,
          skills: [{ skill: "economy", level: 4 }],
        },
      ],
      [
        "f-4",
        { currentRegion: "CT02", rank: "section", reserve: false, skills: [{ skill: "law", level: 1 }] },
      ],
      [
        "f-5",
        { currentRegion: null, rank: "section", reserve: true, skills: [{ skill: "finance", level: 2 }] },
      ],
    ];
    for (const [id, extra] of specs) await createCadre(t, { id, ...extra });
  });

  async function allCadres(): Promise<Cadre[]> {
    return (await walkPages<Cadre>(t, "/v1/cadres", 200)).items;
  }

  async function filtered(query: string): Promise<string[]> {
    return (await walkPages<Cadre>(t, `/v1/cadres?${query}`, 200)).items.map((c) => c.id);
  }

  it("filters by current region", async () => {
    const all = await allCadres();
    const ids = await filtered("region=CT01");
    expect(ids).toEqual(all.filter((c) => c.currentRegion === "CT01").map((c) => c.id));
    expect(ids).toContain("f-1");
    expect(ids).not.toContain("f-3");
    expect(ids).not.toContain("f-5");
  });

  it("filters by rank", async () => {
    const all = await allCadres();
    const ids = await filtered("rank=section");
    expect(ids).toEqual(all.filter((c) => c.rank === "section").map((c) => c.id));
    expect(ids).toEqual(expect.arrayContaining(["f-4", "f-5"]));
    expect(ids).not.toContain("f-1");
  });

  it("filters by reserve flag, true and false, which together make the whole list", async () => {
    const all = await allCadres();
    const reserves = await filtered("reserve=true");
    const others = await filtered("reserve=false");
    expect(reserves).toEqual(all.filter((c) => c.reserve).map((c) => c.id));
    expect(others).toEqual(all.filter((c) => !c.reserve).map((c) => c.id));
    expect(reserves).toEqual(expect.arrayContaining(["f-1", "f-3", "f-5"]));
    expect(reserves).not.toContain("f-2");
    expect(others).toEqual(expect.arrayContaining(["f-2", "f-4"]));
    expect(others).not.toContain("f-1");
    expect(reserves.length + others.length).toBe(all.length);
  });

  it("filters by skill", async () => {
    const all = await allCadres();
    const ids = await filtered("skill=law");
    expect(ids).toEqual(all.filter((c) => c.skills.some((s) => s.skill === "law")).map((c) => c.id));
    expect(ids).toEqual(expect.arrayContaining(["f-1", "f-4"]));
    expect(ids).not.toContain("f-3");
    expect(await filtered("skill=astrology")).toEqual([]);
  });

  it("combines filters", async () => {
    const all = await allCadres();
    const ids = await filtered("region=CT02&reserve=true&skill=economy");
    expect(ids).toEqual(
      all
        .filter((c) => c.currentRegion === "CT02" && c.reserve && c.skills.some((s) => s.skill === "economy"))
        .map((c) => c.id),
    );
    expect(ids).toContain("f-3");
    // f-4 has the region but neither the flag nor the skill; f-1 the flag but not the region.
    expect(ids).not.toContain("f-4");
    expect(ids).not.toContain("f-1");
  });

  it("lists the cadres named by ids (in id order, unknown ids left out)", async () => {
    expect(await filtered("ids=f-3,f-1,nobody")).toEqual(["f-1", "f-3"]);
    expect(await filtered("ids=f-2&reserve=true")).toEqual([]);
    const many = Array.from({ length: 200 }, (_, i) => `x-${i}`).join(",");
    expect(await filtered(`ids=f-5,${many.split(",").slice(1).join(",")}`)).toEqual(["f-5"]);
    const tooMany = await t.get(`/v1/cadres?ids=${many},f-1`);
    expect(tooMany.status).toBe(422);
    expect((await problem(tooMany)).field).toBe("query.ids");
    // The empty second id is named by its position.
    expect((await problem(await t.get("/v1/cadres?ids=f-1,,f-2"))).field).toBe("query.ids.1");
  });

  it("finds cadres by a part of their name, taking % and _ literally", async () => {
    await createCadre(t, { id: "n-1", name: "张三丰" });
    await createCadre(t, { id: "n-2", name: "王_百分%" });
    await createCadre(t, { id: "n-3", name: "李四" });
    const all = await allCadres();
    const containing = (text: string) => all.filter((c) => c.name.includes(text)).map((c) => c.id);
    for (const text of ["三", "张三丰", "%", "_", "百分%", "李"]) {
      const ids = await filtered(`name=${encodeURIComponent(text)}`);
      expect(ids, text).toEqual(containing(text));
      expect(ids.length, text).toBeGreaterThan(0);
    }
    expect(await filtered(`name=${encodeURIComponent("王%")}`)).toEqual([]);
    expect((await problem(await t.get(`/v1/cadres?name=${"x".repeat(41)}`))).field).toBe("query.name");
  });

  it("walks every page exactly once with a cursor", async () => {
    const all = await allCadres();
    expect(all.length).toBeGreaterThan(7);
    for (const limit of [1, 2, 3, 7]) {
      const { items, pages } = await walkPages<Cadre>(t, "/v1/cadres", limit);
      const ids = items.map((c) => c.id);
      expect(ids).toEqual(all.map((c) => c.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
    // A filter survives paging.
    const reserves = await walkPages<Cadre>(t, "/v1/cadres?reserve=true", 2);
    expect(reserves.items.map((c) => c.id)).toEqual(await filtered("reserve=true"));
  });

  it("rejects an invalid reserve value, an unknown rank and a bad cursor", async () => {
    const maybe = await t.get("/v1/cadres?reserve=maybe");
    expect(maybe.status).toBe(422);
    expect(await problem(maybe)).toMatchObject({ code: "validation_failed", field: "query.reserve" });

    expect((await problem(await t.get("/v1/cadres?rank=emperor"))).field).toBe("query.rank");

    const cursor = await t.get("/v1/cadres?cursor=%%%");
    expect(cursor.status).toBe(422);
    expect((await problem(cursor)).field).toBe("query.cursor");
    // Valid base64url of the wrong shape is refused too.
    const forged = Buffer.from(JSON.stringify({ id: "x" })).toString("base64url");
    expect((await problem(await t.get(`/v1/cadres?cursor=${forged}`))).field).toBe("query.cursor");
  });
});

describe("cadres: errors", () => {
  it("names an unknown birth region", async () => {
    const res = await t.post("/v1/cadres", cadreBody({ birthRegion: "ATLANTIS" }));
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ code: "validation_failed", field: "birthRegion" });
  });

  it("reports every bad reference at once", async () => {
    const res = await t.post(
      "/v1/cadres",
      cadreBody({
        growthRegion: "NOPE",
        currentPost: "no-post",
        preferences: [{ region: "CT01", post: "x" }],
      }),
    );
    const body = await problem(res);
    expect(body.errors?.map((e) => e.field).sort()).toEqual([
      "currentPost",
      "growthRegion",
      "preferences.0.post",
    ]);
  });

  it("refuses a kin link to oneself", async () => {
    const res = await t.post(
      "/v1/cadres",
      cadreBody({ id: "narcissus", kin: [{ cadreId: "narcissus", relation: "spouse" }] }),
    );
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body).toMatchObject({ field: "kin.0.cadreId" });
    expect(body.errors?.[0]?.code).toBe("self_reference");
    expect((await t.get("/v1/cadres/narcissus")).status).toBe(404);

    await createCadre(t, { id: "echo" });
    const patch = await t.patch("/v1/cadres/echo", { kin: [{ cadreId: "echo", relation: "lineal" }] });
    expect(patch.status).toBe(422);
    expect((await problem(patch)).field).toBe("kin.0.cadreId");
  });

  it("names a kin link to an unknown cadre", async () => {
    const res = await t.post(
      "/v1/cadres",
      cadreBody({ kin: [{ cadreId: "ghost", relation: "collateral" }] }),
    );
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body).toMatchObject({ code: "validation_failed", field: "kin.0.cadreId" });
    expect(body.errors?.[0]?.code).toBe("unknown_reference");
  });

  it("refuses a skill listed twice", async () => {
    const res = await t.post(
      "/v1/cadres",
      cadreBody({
        skills: [
          { skill: "law", level: 2 },
          { skill: "law", level: 5 },
        ],
      }),
    );
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ field: "skills.1.skill" });
  });

  it("refuses a skill level outside 1–5 and an unknown field", async () => {
    expect(
      (await problem(await t.post("/v1/cadres", cadreBody({ skills: [{ skill: "law", level: 6 }] })))).field,
    ).toBe("skills.0.level");
    const extra = await t.post("/v1/cadres", cadreBody({ salary: 10_000 }));
    expect(extra.status).toBe(422);
    expect((await problem(extra)).field).toBe("salary");
  });

  it("answers 404 for an unknown id on read, update and delete", async () => {
    for (const res of [
      await t.get("/v1/cadres/nobody"),
      await t.patch("/v1/cadres/nobody", { name: "x" }),
      await t.del("/v1/cadres/nobody"),
    ]) {
      expect(res.status).toBe(404);
      expect((await problem(res)).code).toBe("not_found");
    }
  });

  it("answers 409 for a duplicate id and keeps the first cadre", async () => {
    await createCadre(t, { id: "twin", name: "原" });
    const res = await t.post("/v1/cadres", cadreBody({ id: "twin", name: "冒" }));
    expect(res.status).toBe(409);
    expect(await problem(res)).toMatchObject({ code: "duplicate", field: "id" });
    expect((await read("twin")).name).toBe("原");
  });
});

describe("cadres: delete", () => {
  it("refuses to delete a cadre who holds a seat (409), then deletes once vacated", async () => {
    await createCadre(t, { id: "seated" });
    const team = await (
      await t.post("/v1/teams", { region: "CT01", seats: [{ post: "county-head", cadreId: "seated" }] })
    ).json();
    const res = await t.del("/v1/cadres/seated");
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe("in_use");
    expect((await t.get("/v1/cadres/seated")).status).toBe(200);

    expect((await t.patch(`/v1/teams/${team.id}/seats/0`, { cadreId: null })).status).toBe(200);
    expect((await t.del("/v1/cadres/seated")).status).toBe(204);
    expect((await t.get("/v1/cadres/seated")).status).toBe(404);
  });

  it("deletes the cadre's assessments, skills, preferences and kin links with it", async () => {
    await createCadre(t, { id: "partner" });
    await createCadre(t, {
      id: "leaving",
      skills: [{ skill: "law", level: 3 }],
      kin: [{ cadreId: "partner", relation: "spouse" }],
      preferences: [{ region: "CT02", post: "deputy-head" }],
    });
    for (const takenOn of ["2023-05-20", "2026-04-18"])
      expect((await t.post("/v1/cadres/leaving/assessments", { takenOn, stens: stens(6) })).status).toBe(201);
    expect(await count("assessments", "leaving")).toBe(2);

    expect((await t.del("/v1/cadres/leaving")).status).toBe(204);
    expect(await count("assessments", "leaving")).toBe(0);
    expect(await count("cadre_skills", "leaving")).toBe(0);
    expect(await count("cadre_preferences", "leaving")).toBe(0);
    expect((await read("partner")).kin).toEqual([]);
    expect((await t.get("/v1/cadres/leaving/assessments")).status).toBe(404);
  });
});
