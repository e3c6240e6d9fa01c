import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";
import { createCadre, seedRegions, walkPages } from "./fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
});
afterAll(() => t.close());

const secretary = {
  code: "party-secretary",
  name: "县委书记",
  nameEn: "County Party Secretary",
  leading: true,
  principal: true,
  avoidance: true,
  minRank: "division",
  sortOrder: 1,
  idealProfile: { C: { min: 7, max: 10, weight: 2 }, E: { min: 5, max: 8, weight: 1 } },
  knockouts: [{ factor: "C", op: "lte", value: 4 }],
  requiredSkills: ["party-building", "economy"],
};

describe("post types: happy path", () => {
  it("creates, reads, updates and deletes a post type", async () => {
    const created = await t.post("/v1/post-types", secretary);
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject(secretary);
    expect(body.createdAt).toBe("2026-11-25T08:00:00.000Z");

    const read = await t.get("/v1/post-types/party-secretary");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(body);

    const patched = await t.patch("/v1/post-types/party-secretary", {
      nameEn: "Secretary of the County Party Committee",
      requiredSkills: ["party-building"],
      idealProfile: { C: { min: 8, max: 10, weight: 3 } },
    });
    expect(patched.status).toBe(200);
    const after = await patched.json();
    expect(after).toMatchObject({
      code: "party-secretary",
      name: "县委书记",
      nameEn: "Secretary of the County Party Committee",
      requiredSkills: ["party-building"],
      idealProfile: { C: { min: 8, max: 10, weight: 3 } },
      knockouts: secretary.knockouts,
      leading: true,
    });

    expect((await t.del("/v1/post-types/party-secretary")).status).toBe(204);
    const gone = await t.get("/v1/post-types/party-secretary");
    expect(gone.status).toBe(404);
    expect(await problem(gone)).toMatchObject({ code: "not_found", field: "code" });
    expect((await t.del("/v1/post-types/party-secretary")).status).toBe(404);
  });

  it("fills defaults for the optional fields", async () => {
    const res = await t.post("/v1/post-types", {
      code: "deputy-head",
      name: "副县长",
      nameEn: "Deputy Head",
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      leading: false,
      principal: false,
      avoidance: false,
      minRank: null,
      idealProfile: null,
      knockouts: [],
      requiredSkills: [],
    });
  });
});

describe("post types: errors", () => {
  it("rejects an ideal profile whose min is above its max, naming the factor", async () => {
    const res = await t.post("/v1/post-types", {
      code: "bad-profile",
      name: "坏",
      nameEn: "Bad",
      idealProfile: { A: { min: 3, max: 9, weight: 1 }, Q3: { min: 8, max: 6, weight: 1 } },
    });
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ code: "validation_failed", field: "idealProfile.Q3" });
    expect((await t.get("/v1/post-types/bad-profile")).status).toBe(404);

    await t.post("/v1/post-types", { code: "good", name: "好", nameEn: "Good" });
    const patch = await t.patch("/v1/post-types/good", {
      idealProfile: { G: { min: 10, max: 1, weight: 1 } },
    });
    expect(patch.status).toBe(422);
    expect((await problem(patch)).field).toBe("idealProfile.G");
    expect((await (await t.get("/v1/post-types/good")).json()).idealProfile).toBeNull();
  });

  it("rejects stens outside 1–10 and unknown factors inside the ideal profile", async () => {
    const sten = await t.post("/v1/post-types", {
      code: "p1",
      name: "p",
      nameEn: "p",
      idealProfile: { C: { min: 0, max: 5, weight: 1 } },
    });
    expect(sten.status).toBe(422);
    expect((await problem(sten)).field).toBe("idealProfile.C.min");

    const factor = await t.post("/v1/post-types", {
      code: "p2",
      name: "p",
      nameEn: "p",
      idealProfile: { D: { min: 1, max: 5, weight: 1 } },
    });
    expect(factor.status).toBe(422);
    expect((await problem(factor)).field).toBe("idealProfile.D");
  });

  it("rejects an unknown field", async () => {
    const res = await t.post("/v1/post-types", { code: "x1", name: "x", nameEn: "x", salary: 1 });
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ code: "validation_failed", field: "salary" });

    await t.post("/v1/post-types", { code: "x2", name: "x", nameEn: "x" });
    const patch = await t.patch("/v1/post-types/x2", { code: "renamed" });
    expect(patch.status).toBe(422);
    expect((await problem(patch)).field).toBe("code");
  });

  it("answers a duplicate code with 409", async () => {
    expect((await t.post("/v1/post-types", { code: "dup", name: "一", nameEn: "One" })).status).toBe(201);
    const dup = await t.post("/v1/post-types", { code: "dup", name: "二", nameEn: "Two" });
    expect(dup.status).toBe(409);
    expect(await problem(dup)).toMatchObject({ code: "duplicate", field: "code" });
    expect((await (await t.get("/v1/post-types/dup")).json()).name).toBe("一");
  });

  it("refuses to delete a post type that a seat uses (409 in_use), and allows it once the seat is gone", async () => {
    await t.post("/v1/post-types", { code: "seated", name: "占用", nameEn: "Seated" });
    const team = await t.post("/v1/teams", { region: "CT01", seats: [{ post: "seated", cadreId: null }] });
    expect(team.status).toBe(201);
    const { id } = await team.json();

    const res = await t.del("/v1/post-types/seated");
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe("in_use");
    expect((await t.get("/v1/post-types/seated")).status).toBe(200);

    expect((await t.del(`/v1/teams/${id}`)).status).toBe(204);
    expect((await t.del("/v1/post-types/seated")).status).toBe(204);
  });

  it("refuses to delete a post type that a cadre holds as current post", async () => {
    await t.post("/v1/post-types", { code: "held", name: "现职", nameEn: "Held" });
    await createCadre(t, { currentPost: "held", currentRegion: "CT01" });
    const res = await t.del("/v1/post-types/held");
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe("in_use");
  });

  it("answers 404 for an unknown code and 422 for a malformed one", async () => {
    expect(await problem(await t.get("/v1/post-types/nope"))).toMatchObject({
      status: 404,
      code: "not_found",
    });
    expect(await problem(await t.patch("/v1/post-types/nope", { name: "x" }))).toMatchObject({ status: 404 });
    const bad = await t.get("/v1/post-types/-bad-");
    expect(bad.status).toBe(422);
    expect((await problem(bad)).field).toBe("path.code");
  });
});

describe("post types: list", () => {
  it("pages through every post type in code order, each exactly once", async () => {
    const codes = Array.from({ length: 7 }, (_, i) => `zz-list-${i}`);
    for (const code of [...codes].reverse())
      expect((await t.post("/v1/post-types", { code, name: code, nameEn: code })).status).toBe(201);

    const all = (await (await t.get("/v1/post-types?limit=200")).json()) as {
      items: { code: string }[];
      nextCursor: string | null;
    };
    expect(all.nextCursor).toBeNull();
    const allCodes = all.items.map((p) => p.code);
    expect(allCodes).toEqual([...allCodes].sort());
    expect(allCodes).toEqual(expect.arrayContaining(codes));

    const { items, pages } = await walkPages<{ code: string }>(t, "/v1/post-types", 3);
    expect(items.map((p) => p.code)).toEqual(allCodes);
    expect(pages).toBe(Math.ceil(allCodes.length / 3));
  });

  it("rejects a limit out of range and a forged cursor", async () => {
    expect((await problem(await t.get("/v1/post-types?limit=0"))).field).toBe("query.limit");
    expect((await problem(await t.get("/v1/post-types?limit=201"))).field).toBe("query.limit");
    expect((await problem(await t.get("/v1/post-types?cursor=not-a-cursor"))).field).toBe("query.cursor");
  });
});
