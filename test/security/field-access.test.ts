/**
 * A scorer reads no personal field through any route: every route it may call answers without a
 * stored cadre's name, id, birthplaces, kin or raw scores; the rest refuse it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_POLICIES } from "../../src/auth/route-roles";
import { createCadre, seedPostTypes, seedRegions, stens } from "../routes/fixtures";
import { problem, type TestApp, testApp } from "../support/app";

let t: TestApp;
const NAME = "隐私测试甲";
const ID = "private-cadre-1";
const RAW = {
  A: 17,
  B: 11,
  C: 19,
  E: 3,
  F: 21,
  G: 13,
  H: 23,
  I: 2,
  L: 15,
  M: 18,
  N: 6,
  O: 14,
  Q1: 9,
  Q2: 12,
  Q3: 16,
  Q4: 22,
};
const FORBIDDEN_KEYS = new Set(["birthRegion", "growthRegion", "kin", "raw", "birthYear", "preferences"]);

beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, ["county-head"]);
  await createCadre(t, { id: ID, name: NAME, birthRegion: "CT01", growthRegion: "CT02" });
  const assessed = await t.post(`/v1/cadres/${ID}/assessments`, {
    takenOn: "2026-04-18",
    stens: stens(6),
    raw: RAW,
  });
  expect([201, 422]).toContain(assessed.status);
  if (assessed.status !== 201)
    expect(
      (await t.post(`/v1/cadres/${ID}/assessments`, { takenOn: "2026-04-18", stens: stens(6) })).status,
    ).toBe(201);
  expect(
    (
      await t.post("/v1/teams", {
        id: "team-1",
        region: "CT01",
        seats: [{ post: "county-head", cadreId: ID }],
      })
    ).status,
  ).toBe(201);
});
afterAll(() => t.close());

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  return into;
}

const inlineTeam = {
  region: "CT01",
  seats: [{ post: "county-head", member: { id: "m1", stens: stens(6) } }],
};

/** A meaningful request for each route a scorer may call (404s and 422s are answers too). */
function requestFor(key: string): { path: string; body?: unknown } {
  const [, path = "/"] = key.split(" ");
  if (key === "POST /v1/score") return { path, body: inlineTeam };
  if (key === "POST /v1/psychometrics/stens") return { path, body: { raw: RAW } };
  if (key === "POST /v1/psychometrics/derive") return { path, body: { stens: stens(6) } };
  const filled = path
    .replace(
      "{code}",
      path.includes("regions") ? "CT01" : path.includes("post-types") ? "county-head" : "cn-16pf-187",
    )
    .replace("{version}", "1");
  return key.startsWith("POST") ? { path: filled, body: {} } : { path: filled };
}

describe("a scorer", () => {
  it("reads no personal field through any route it may call", async () => {
    const scorerRoutes = Object.entries(ROUTE_POLICIES)
      .filter(([, p]) => Array.isArray(p.roles) && p.roles.includes("scorer"))
      .map(([k]) => k);
    expect(scorerRoutes).toContain("POST /v1/score");
    let answered = 0;
    for (const key of scorerRoutes) {
      const [method = "GET"] = key.split(" ");
      const { path, body } = requestFor(key);
      const res = await t.as("scorer").send(method, path, body);
      expect([401, 403], `${key} ${res.status}`).not.toContain(res.status);
      const text = await res.text();
      expect(text, key).not.toContain(NAME);
      expect(text, key).not.toContain(ID);
      if (res.headers.get("content-type")?.includes("json")) {
        const keys = keysOf(JSON.parse(text));
        expect(
          [...keys].filter((k) => FORBIDDEN_KEYS.has(k)),
          key,
        ).toEqual([]);
      }
      if (res.status === 200) answered++;
    }
    // Most of them answered with data, not just errors.
    expect(answered).toBeGreaterThanOrEqual(scorerRoutes.length - 3);
  });

  it("scores inline members, but may not name a stored cadre in a seat", async () => {
    expect((await t.as("scorer").post("/v1/score", inlineTeam)).status).toBe(200);
    const stored = await t.as("scorer").post("/v1/score", {
      region: "CT01",
      seats: [{ post: "county-head", cadreId: ID }],
    });
    expect(stored.status).toBe(403);
    const body = await problem(stored);
    expect(body.field).toBe("seats.cadreId");
    expect(JSON.stringify(body)).not.toContain(NAME);
    const batch = await t.as("scorer").post("/v1/score", {
      teams: [inlineTeam, { region: "CT01", seats: [{ post: "county-head", cadreId: ID }] }],
    });
    expect(batch.status).toBe(403);
    // Staff may, and the read of the stored cadre is audited.
    expect(
      (
        await t
          .as("staff")
          .post("/v1/score", { region: "CT01", seats: [{ post: "county-head", cadreId: ID }] })
      ).status,
    ).toBe(200);
  });

  it("is refused every cadre, assessment, team, suggestion, import and export route", async () => {
    for (const path of [
      `/v1/cadres/${ID}`,
      "/v1/cadres",
      `/v1/cadres/${ID}/assessments`,
      "/v1/teams/team-1",
      "/v1/teams/team-1/score",
      "/v1/exports/cadres.csv",
      "/v1/audit-events",
      "/v1/tokens",
    ]) {
      const res = await t.as("scorer").get(path);
      expect(res.status, path).toBe(403);
      expect(await res.text()).not.toContain(NAME);
    }
  });
});
