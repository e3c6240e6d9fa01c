import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";
import { createCadre, seedPostTypes, seedRegions, walkPages } from "./fixtures";

interface Seat {
  position: number;
  post: string;
  cadreId: string | null;
  locked: boolean;
}
interface Team {
  id: string;
  region: string;
  name: string | null;
  kind: string;
  seats: Seat[];
  version: number;
}

const POSTS = ["party-secretary", "county-head", "deputy-head", "court-president"];

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, POSTS);
  for (const id of ["m1", "m2", "m3", "m4", "m5"]) await createCadre(t, { id });
});
afterAll(() => t.close());

const readTeam = async (id: string): Promise<Team> => {
  const res = await t.get(`/v1/teams/${id}`);
  expect(res.status).toBe(200);
  return res.json();
};

describe("teams: CRUD", () => {
  it("creates a team with filled and vacant seats and reads it back", async () => {
    const res = await t.post("/v1/teams", {
      id: "t-one",
      region: "CT01",
      name: "一县党政领导班子",
      seats: [
        { post: "party-secretary", cadreId: "m1", locked: true },
        { post: "county-head", cadreId: null },
        { post: "deputy-head", cadreId: "m2" },
        { post: "deputy-head" },
      ],
    });
    expect(res.status).toBe(201);
    const team = await res.json();
    expect(team).toMatchObject({
      id: "t-one",
      region: "CT01",
      name: "一县党政领导班子",
      kind: "current",
      version: 1,
      seats: [
        { position: 0, post: "party-secretary", cadreId: "m1", locked: true },
        { position: 1, post: "county-head", cadreId: null, locked: false },
        { position: 2, post: "deputy-head", cadreId: "m2", locked: false },
        { position: 3, post: "deputy-head", cadreId: null, locked: false },
      ],
    });
    expect(await readTeam("t-one")).toEqual(team);
  });

  it("generates an id when none is given and accepts an empty team", async () => {
    const a = await (await t.post("/v1/teams", { region: "CT02", kind: "scenario", seats: [] })).json();
    expect(a.id).toEqual(expect.any(String));
    expect(await readTeam(a.id)).toMatchObject({ region: "CT02", kind: "scenario", seats: [], name: null });
  });

  it("PATCH replaces every seat and bumps the version; other fields stay", async () => {
    const before = await readTeam("t-one");
    const res = await t.patch("/v1/teams/t-one", {
      seats: [
        { post: "county-head", cadreId: "m3" },
        { post: "court-president", cadreId: null, locked: true },
      ],
    });
    expect(res.status).toBe(200);
    const after = await res.json();
    expect(after.version).toBe(before.version + 1);
    expect(after).toMatchObject({ region: "CT01", name: "一县党政领导班子" });
    expect(after.seats).toEqual([
      { position: 0, post: "county-head", cadreId: "m3", locked: false },
      { position: 1, post: "court-president", cadreId: null, locked: true },
    ]);

    const renamed = await (await t.patch("/v1/teams/t-one", { name: "新名", region: "CT02" })).json();
    expect(renamed).toMatchObject({ name: "新名", region: "CT02", version: before.version + 2 });
    expect(renamed.seats).toEqual(after.seats);
  });

  it("deletes a team with its seats", async () => {
    await t.post("/v1/teams", {
      id: "t-gone",
      region: "CT01",
      seats: [{ post: "deputy-head", cadreId: "m5" }],
    });
    expect((await t.del("/v1/teams/t-gone")).status).toBe(204);
    expect((await t.get("/v1/teams/t-gone")).status).toBe(404);
    expect((await t.get("/v1/teams/t-gone/seats")).status).toBe(404);
    expect((await t.del("/v1/teams/t-gone")).status).toBe(404);
    // The cadre is free again: nothing holds them.
    expect((await t.get("/v1/teams?cadre=m5")).status).toBe(200);
    expect((await (await t.get("/v1/teams?cadre=m5")).json()).items).toEqual([]);
  });
});

describe("teams: list", () => {
  beforeAll(async () => {
    await t.post("/v1/teams", {
      id: "l-a",
      region: "CT01",
      kind: "current",
      seats: [{ post: "county-head", cadreId: "m4" }],
    });
    await t.post("/v1/teams", {
      id: "l-b",
      region: "CT02",
      kind: "scenario",
      seats: [{ post: "county-head", cadreId: "m4" }],
    });
    await t.post("/v1/teams", {
      id: "l-c",
      region: "CT02",
      kind: "current",
      seats: [{ post: "deputy-head" }],
    });
  });

  const all = async () => (await walkPages<Team>(t, "/v1/teams", 200)).items;
  const ids = async (query: string) =>
    (await walkPages<Team>(t, `/v1/teams?${query}`, 200)).items.map((x) => x.id);

  it("filters by region", async () => {
    const got = await ids("region=CT02");
    expect(got).toEqual((await all()).filter((x) => x.region === "CT02").map((x) => x.id));
    expect(got).toEqual(expect.arrayContaining(["l-b", "l-c"]));
    expect(got).not.toContain("l-a");
  });

  it("filters by kind", async () => {
    const got = await ids("kind=scenario");
    expect(got).toEqual((await all()).filter((x) => x.kind === "scenario").map((x) => x.id));
    expect(got).toContain("l-b");
    expect(got).not.toContain("l-c");
  });

  it("filters by a member", async () => {
    const got = await ids("cadre=m4");
    expect(got).toEqual(
      (await all()).filter((x) => x.seats.some((s) => s.cadreId === "m4")).map((x) => x.id),
    );
    expect(got).toEqual(["l-a", "l-b"]);
    expect(await ids("cadre=m4&kind=current")).toEqual(["l-a"]);
  });

  it("pages through every team exactly once", async () => {
    const every = await all();
    expect(every.length).toBeGreaterThanOrEqual(4);
    const { items, pages } = await walkPages<Team>(t, "/v1/teams", 2);
    expect(items.map((x) => x.id)).toEqual(every.map((x) => x.id));
    expect(pages).toBe(Math.ceil(every.length / 2));
    // Each team in a list carries its own seats.
    expect(items.find((x) => x.id === "l-c")?.seats).toEqual([
      { position: 0, post: "deputy-head", cadreId: null, locked: false },
    ]);
  });

  it("rejects an unknown kind and a bad cursor", async () => {
    expect((await problem(await t.get("/v1/teams?kind=dream"))).field).toBe("query.kind");
    expect((await problem(await t.get("/v1/teams?cursor=!!"))).field).toBe("query.cursor");
  });
});

describe("teams: seats", () => {
  beforeAll(async () => {
    const res = await t.post("/v1/teams", {
      id: "t-seats",
      region: "CT01",
      seats: [
        { post: "party-secretary", cadreId: "m1" },
        { post: "county-head", cadreId: null },
      ],
    });
    expect(res.status).toBe(201);
  });

  it("lists the seats in order", async () => {
    const res = await t.get("/v1/teams/t-seats/seats");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [
        { position: 0, post: "party-secretary", cadreId: "m1", locked: false },
        { position: 1, post: "county-head", cadreId: null, locked: false },
      ],
      nextCursor: null,
    });
  });

  it("appends a seat, reads it, and each change bumps the team's version", async () => {
    const v0 = (await readTeam("t-seats")).version;
    const added = await t.post("/v1/teams/t-seats/seats", { post: "deputy-head", cadreId: "m2" });
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ position: 2, post: "deputy-head", cadreId: "m2", locked: false });
    expect(await (await t.get("/v1/teams/t-seats/seats/2")).json()).toEqual({
      position: 2,
      post: "deputy-head",
      cadreId: "m2",
      locked: false,
    });
    expect((await readTeam("t-seats")).version).toBe(v0 + 1);
  });

  it("PATCH changes the holder, vacates and locks a seat, leaving the other fields", async () => {
    const filled = await t.patch("/v1/teams/t-seats/seats/1", { cadreId: "m3" });
    expect(await filled.json()).toEqual({ position: 1, post: "county-head", cadreId: "m3", locked: false });

    const locked = await t.patch("/v1/teams/t-seats/seats/1", { locked: true });
    expect(await locked.json()).toEqual({ position: 1, post: "county-head", cadreId: "m3", locked: true });

    const vacated = await t.patch("/v1/teams/t-seats/seats/1", { cadreId: null });
    expect(await vacated.json()).toEqual({ position: 1, post: "county-head", cadreId: null, locked: true });

    const repost = await t.patch("/v1/teams/t-seats/seats/1", { post: "court-president" });
    expect(await repost.json()).toMatchObject({ post: "court-president", cadreId: null, locked: true });
  });

  it("refuses to seat a cadre who already sits in this team, and allows moving within it", async () => {
    // m1 holds seat 0.
    const twice = await t.patch("/v1/teams/t-seats/seats/1", { cadreId: "m1" });
    expect(twice.status).toBe(422);
    expect(await problem(twice)).toMatchObject({ code: "validation_failed", field: "cadreId" });
    const appended = await t.post("/v1/teams/t-seats/seats", { post: "deputy-head", cadreId: "m1" });
    expect(appended.status).toBe(422);
    expect((await problem(appended)).field).toBe("cadreId");
    // Setting the same holder on their own seat is not a conflict.
    expect((await t.patch("/v1/teams/t-seats/seats/0", { cadreId: "m1", locked: true })).status).toBe(200);
  });

  it("DELETE removes a seat; the others keep their positions", async () => {
    const before = (await readTeam("t-seats")).seats;
    expect((await t.del("/v1/teams/t-seats/seats/1")).status).toBe(204);
    const after = (await readTeam("t-seats")).seats;
    expect(after).toEqual(before.filter((s) => s.position !== 1));
    expect((await t.get("/v1/teams/t-seats/seats/1")).status).toBe(404);
    // A new seat goes after the last, not into the hole.
    const next = await (await t.post("/v1/teams/t-seats/seats", { post: "county-head" })).json();
    expect(next.position).toBe(Math.max(...after.map((s) => s.position)) + 1);
  });

  it("answers 404 for an unknown seat position or team, and 422 for a malformed position", async () => {
    for (const res of [
      await t.get("/v1/teams/t-seats/seats/39"),
      await t.patch("/v1/teams/t-seats/seats/39", { locked: true }),
      await t.del("/v1/teams/t-seats/seats/39"),
    ]) {
      expect(res.status).toBe(404);
      expect(await problem(res)).toMatchObject({ code: "not_found", field: "position" });
    }
    expect((await problem(await t.get("/v1/teams/nope/seats/0"))).field).toBe("id");
    expect((await problem(await t.post("/v1/teams/nope/seats", { post: "county-head" }))).status).toBe(404);
    for (const bad of ["abc", "-1", "1.5", "10000"]) {
      const res = await t.get(`/v1/teams/t-seats/seats/${bad}`);
      expect(res.status, bad).toBe(422);
      expect((await problem(res)).field).toBe("path.position");
    }
  });

  it("keeps a team at 40 seats at most, whether created whole or seat by seat", async () => {
    const forty = Array.from({ length: 40 }, () => ({ post: "deputy-head" }));
    const tooMany = await t.post("/v1/teams", { region: "CT01", seats: [...forty, { post: "deputy-head" }] });
    expect(tooMany.status).toBe(422);
    expect((await problem(tooMany)).field).toBe("seats");

    expect((await t.post("/v1/teams", { id: "t-full", region: "CT01", seats: forty })).status).toBe(201);
    const full = await t.post("/v1/teams/t-full/seats", { post: "county-head" });
    expect(full.status).toBe(409);
    expect((await problem(full)).code).toBe("conflict");
    const seats = (await (await t.get("/v1/teams/t-full/seats")).json()).items;
    expect(seats).toHaveLength(40);
  });

  it("names an unknown post or cadre in a seat change", async () => {
    const post = await t.patch("/v1/teams/t-seats/seats/0", { post: "emperor" });
    expect(post.status).toBe(422);
    expect((await problem(post)).field).toBe("post");
    const cadre = await t.post("/v1/teams/t-seats/seats", { post: "county-head", cadreId: "ghost" });
    expect((await problem(cadre)).field).toBe("cadreId");
  });
});

describe("teams: errors", () => {
  const teamCount = async () => (await walkPages<Team>(t, "/v1/teams", 200)).items.length;

  it("names an unknown post in a seat", async () => {
    const n = await teamCount();
    const res = await t.post("/v1/teams", {
      region: "CT01",
      seats: [{ post: "county-head" }, { post: "deputy-head" }, { post: "grand-vizier" }],
    });
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ code: "validation_failed", field: "seats.2.post" });
    expect(await teamCount()).toBe(n);
  });

  it("names an unknown cadre in a seat", async () => {
    const res = await t.post("/v1/teams", {
      region: "CT01",
      seats: [{ post: "county-head", cadreId: "ghost" }],
    });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.field).toBe("seats.0.cadreId");
    expect(body.errors?.[0]?.code).toBe("unknown_reference");
  });

  it("refuses the same cadre in two seats", async () => {
    const res = await t.post("/v1/teams", {
      region: "CT01",
      seats: [
        { post: "party-secretary", cadreId: "m5" },
        { post: "county-head", cadreId: "m5" },
      ],
    });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.field).toBe("seats.1.cadreId");
    expect(body.errors?.[0]?.code).toBe("duplicate");

    const patch = await t.patch("/v1/teams/t-one", {
      seats: [
        { post: "party-secretary", cadreId: "m5" },
        { post: "county-head", cadreId: "m5" },
      ],
    });
    expect((await problem(patch)).field).toBe("seats.1.cadreId");
    expect((await readTeam("t-one")).seats.some((s) => s.cadreId === "m5")).toBe(false);
  });

  it("names an unknown region", async () => {
    const res = await t.post("/v1/teams", { region: "NARNIA", seats: [] });
    expect(res.status).toBe(422);
    expect(await problem(res)).toMatchObject({ field: "region" });
    const patch = await t.patch("/v1/teams/t-one", { region: "NARNIA" });
    expect((await problem(patch)).field).toBe("region");
  });

  it("answers 409 for a duplicate id, 404 for an unknown team, 422 for unknown fields", async () => {
    const dup = await t.post("/v1/teams", { id: "t-one", region: "CT01", seats: [] });
    expect(dup.status).toBe(409);
    expect(await problem(dup)).toMatchObject({ code: "duplicate", field: "id" });
    expect((await readTeam("t-one")).seats.length).toBeGreaterThan(0);

    expect((await t.get("/v1/teams/nope")).status).toBe(404);
    expect((await t.patch("/v1/teams/nope", { name: "x" })).status).toBe(404);

    const extra = await t.post("/v1/teams", { region: "CT01", seats: [{ post: "county-head", salary: 1 }] });
    expect((await problem(extra)).field).toBe("seats.0.salary");
    expect((await problem(await t.post("/v1/teams", { region: "CT01" }))).field).toBe("seats");
  });
});
