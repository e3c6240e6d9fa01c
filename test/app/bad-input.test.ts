/**
 * The issue's "Must show": bad input gets a clear 4xx problem+json naming the field where there is
 * one, and leaves the database exactly as it was (row counts and the content of every table).
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cadreBody, createCadre, seedPostTypes, seedRegions, stens } from "../routes/fixtures";
import { problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";

let t: TestApp;
let countsBefore: Record<string, number>;
let digestsBefore: Record<string, string>;

/** A digest of every row of every table, so that "unchanged" means the same content, not only the same counts. */
async function tableDigests(): Promise<Record<string, string>> {
  const tables = await t.db.all<{ name: string }>(
    // The audit trail records the refused attempts themselves (test/security/audit.test.ts).
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'audit_events' order by name`,
  );
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = await t.db.all(sql`select * from ${sql.identifier(name)} order by rowid`);
    digests[name] = createHash("sha256").update(JSON.stringify(rows)).digest("hex");
  }
  return digests;
}

beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, ["county-head"]);
  await createCadre(t, { id: "base", skills: [{ skill: "law", level: 3 }] });
  await createCadre(t, { id: "other" });
  expect(
    (await t.post("/v1/cadres/base/assessments", { id: "base-a", takenOn: "2024-05-01", stens: stens(6) }))
      .status,
  ).toBe(201);
  expect(
    (
      await t.post("/v1/teams", {
        id: "team",
        region: "CT01",
        seats: [{ post: "county-head", cadreId: "base" }],
      })
    ).status,
  ).toBe(201);
  countsBefore = await rowCounts(t.db);
  digestsBefore = await tableDigests();
});
afterAll(() => t.close());

const TEN_MB = 10 * 1024 * 1024;
const assessment = (s: Record<string, unknown>) => ({ takenOn: "2026-04-18", stens: s });

interface Case {
  name: string;
  send: () => Response | Promise<Response>;
  status: number;
  code: string;
  field?: string;
}

const { M: _missing, ...fifteen } = stens(5);

const cases: Case[] = [
  {
    name: "a sten of 0",
    send: () => t.post("/v1/cadres/base/assessments", assessment(stens(5, { A: 0 }))),
    status: 422,
    code: "validation_failed",
    field: "stens.A",
  },
  {
    name: "a sten of 11",
    send: () => t.post("/v1/cadres/base/assessments", assessment(stens(5, { Q4: 11 }))),
    status: 422,
    code: "validation_failed",
    field: "stens.Q4",
  },
  {
    name: "a fractional sten",
    send: () => t.post("/v1/cadres/base/assessments", assessment(stens(5, { C: 5.5 }))),
    status: 422,
    code: "validation_failed",
    field: "stens.C",
  },
  {
    name: "a sten given as a string",
    send: () => t.post("/v1/cadres/base/assessments", assessment({ ...stens(5), E: "7" })),
    status: 422,
    code: "validation_failed",
    field: "stens.E",
  },
  {
    name: "a missing factor",
    send: () => t.post("/v1/cadres/base/assessments", assessment(fifteen)),
    status: 422,
    code: "validation_failed",
    field: "stens.M",
  },
  {
    name: "an unknown factor",
    send: () => t.post("/v1/cadres/base/assessments", assessment({ ...stens(5), Q5: 5 })),
    status: 422,
    code: "validation_failed",
    field: "stens.Q5",
  },
  {
    name: "a sten of 11 in a correction",
    send: () => t.patch("/v1/cadres/base/assessments/base-a", { stens: stens(6, { B: 11 }) }),
    status: 422,
    code: "validation_failed",
    field: "stens.B",
  },
  {
    name: "an unknown field on a cadre",
    send: () => t.post("/v1/cadres", cadreBody({ id: "new-one", salary: 12_000 })),
    status: 422,
    code: "validation_failed",
    field: "salary",
  },
  {
    name: "an unknown field in an update",
    send: () => t.patch("/v1/cadres/base", { name: "改名", nickname: "x" }),
    status: 422,
    code: "validation_failed",
    field: "nickname",
  },
  {
    name: "an unknown field on an assessment",
    send: () => t.post("/v1/cadres/base/assessments", { ...assessment(stens(5)), score: 99 }),
    status: 422,
    code: "validation_failed",
    field: "score",
  },
  {
    name: "an unknown region in an update that also replaces the skills",
    send: () => t.patch("/v1/cadres/base", { birthRegion: "NOWHERE", skills: [] }),
    status: 422,
    code: "validation_failed",
    field: "birthRegion",
  },
  {
    name: "the same cadre twice in a team update",
    send: () =>
      t.patch("/v1/teams/team", {
        seats: [
          { post: "county-head", cadreId: "other" },
          { post: "county-head", cadreId: "other" },
        ],
      }),
    status: 422,
    code: "validation_failed",
    field: "seats.1.cadreId",
  },
  {
    name: "a 10 MB body",
    send: () => t.post("/v1/cadres", JSON.stringify(cadreBody({ id: "huge", name: "x".repeat(TEN_MB) }))),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "a 10 MB body of stens",
    send: () =>
      t.post("/v1/cadres/base/assessments", `{"takenOn":"2026-04-18","pad":"${" ".repeat(TEN_MB)}"}`),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "a non-JSON body",
    send: () => t.post("/v1/cadres/base/assessments", "takenOn=2026-04-18&A=5"),
    status: 400,
    code: "malformed_json",
    field: "(body)",
  },
  {
    name: "truncated JSON",
    send: () => t.post("/v1/cadres", JSON.stringify(cadreBody({ id: "cut" })).slice(0, -5)),
    status: 400,
    code: "malformed_json",
    field: "(body)",
  },
  {
    name: "a duplicate cadre id",
    send: () =>
      t.post(
        "/v1/cadres",
        cadreBody({ id: "base", name: "另一个人", skills: [{ skill: "economy", level: 1 }] }),
      ),
    status: 409,
    code: "duplicate",
    field: "id",
  },
  {
    name: "a duplicate assessment id",
    send: () => t.post("/v1/cadres/other/assessments", { id: "base-a", ...assessment(stens(9)) }),
    status: 409,
    code: "duplicate",
    field: "id",
  },
  {
    name: "a duplicate team id",
    send: () => t.post("/v1/teams", { id: "team", region: "CT02", seats: [] }),
    status: 409,
    code: "duplicate",
    field: "id",
  },
  {
    name: "a missing body",
    send: () => t.app.request("/v1/cadres", { method: "POST", headers: t.bearer("admin") }),
    status: 422,
    code: "validation_failed",
    field: "name",
  },
  {
    name: "an empty JSON body",
    send: () =>
      t.app.request("/v1/cadres", {
        method: "POST",
        headers: { "content-type": "application/json", ...t.bearer("admin") },
      }),
    status: 400,
    code: "malformed_json",
    field: "(body)",
  },
  {
    name: "a JSON array instead of an object",
    send: () => t.post("/v1/cadres", [cadreBody()]),
    status: 422,
    code: "validation_failed",
    field: "(body)",
  },
  {
    name: "a wrong content type",
    send: () =>
      t.app.request("/v1/cadres", {
        method: "POST",
        headers: { "content-type": "text/csv", ...t.bearer("admin") },
        body: "id,name\nx,y\n",
      }),
    status: 415,
    code: "unsupported_media_type",
    field: "content-type",
  },
  {
    name: "a wrong method",
    send: () => t.put("/v1/cadres/base", cadreBody()),
    status: 405,
    code: "method_not_allowed",
  },
  {
    name: "an unknown path",
    send: () => t.post("/v1/cadre", cadreBody()),
    status: 404,
    code: "not_found",
  },
  {
    name: "a malformed path parameter",
    send: () => t.patch("/v1/cadres/bad%20id!", { name: "x" }),
    status: 422,
    code: "validation_failed",
    field: "path.id",
  },
  {
    name: "a malformed seat position",
    send: () => t.del("/v1/teams/team/seats/first"),
    status: 422,
    code: "validation_failed",
    field: "path.position",
  },
];

describe("bad input", () => {
  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} ${c.code}${c.field ? ` naming ${c.field}` : ""}, changing nothing`, async () => {
      const res = await c.send();
      expect(res.status).toBe(c.status);
      const body = await problem(res);
      expect(body.status).toBe(c.status);
      expect(body.code).toBe(c.code);
      expect(body.detail).toEqual(expect.any(String));
      expect(body.detail.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|SQLITE/);
      if (c.field) {
        expect(body.field).toBe(c.field);
        if (body.errors) expect(body.errors.map((e) => e.field)).toContain(c.field);
      }
      expect(await rowCounts(t.db)).toEqual(countsBefore);
      expect(await tableDigests()).toEqual(digestsBefore);
    });
  }

  it("names the allowed methods on a 405", async () => {
    const res = await t.put("/v1/cadres/base", cadreBody());
    expect(res.status).toBe(405);
    const allow = (res.headers.get("allow") ?? "").split(/,\s*/).sort();
    expect(allow).toEqual(expect.arrayContaining(["DELETE", "GET", "PATCH"]));
    expect(allow).not.toContain("PUT");
    const collection = await t.del("/v1/cadres");
    expect(collection.status).toBe(405);
    expect(collection.headers.get("allow")).toContain("POST");
  });

  it("leaves the whole database as it was after the whole batch", async () => {
    for (const c of cases) await c.send();
    expect(await rowCounts(t.db)).toEqual(countsBefore);
    const digests = await tableDigests();
    expect(digests.cadres).toBe(digestsBefore.cadres);
    expect(digests.assessments).toBe(digestsBefore.assessments);
    expect(digests).toEqual(digestsBefore);
    // And the data is still served as before.
    expect((await (await t.get("/v1/cadres/base")).json()).assessment).toMatchObject({
      id: "base-a",
      stens: stens(6),
    });
  });

  it("still accepts good input afterwards (the checks are not simply refusing everything)", async () => {
    const ok = await t.post("/v1/cadres/other/assessments", assessment(stens(5, { A: 1, Q4: 10 })));
    expect(ok.status).toBe(201);
    expect((await rowCounts(t.db)).assessments).toBe((countsBefore.assessments as number) + 1);
    // Undo, so that the other tests here find the database as it was, whatever order they run in.
    expect((await t.del(`/v1/cadres/other/assessments/${(await ok.json()).id}`)).status).toBe(204);
    const { member_data_version: counter, data_changes: log, jobs: _jobs, ...after } = await tableDigests();
    const {
      member_data_version: counterBefore,
      data_changes: logBefore,
      jobs: _jobsBefore,
      ...before
    } = digestsBefore;
    expect(after).toEqual(before);
    // The member-cache counter (migration 0006) counts the insert and the delete: it never goes back.
    expect(counter).not.toBe(counterBefore);
    // The change log (migration 0009) records both (and a re-rank job to catch up on them waits).
    expect(log).not.toBe(logBefore);
  });
});
