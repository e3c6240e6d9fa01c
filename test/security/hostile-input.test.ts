/**
 * Issue 15's 500s, each now a 4xx that changes nothing: deep JSON, empty and body-less PATCHes,
 * forged cursors on every list, invalid UTF-8 and lone surrogates, assessments before 18; and the
 * rest of item 6: If-Match on seats, job reads audited, one run per Idempotency-Key.
 */
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, jobs } from "../../db/schema";
import { loadDemoCity } from "../../db/seed/load";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";

let t: TestApp;
/** A demo cadre with an assessment, its birth year and a team of the demo city. */
let cadre: { id: string; birthYear: number };
let assessmentId: string;

/** A digest of every row of every table but the audit trail (which records refusals). */
async function digest(): Promise<string> {
  const tables = await t.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'audit_events' order by name`,
  );
  const hash = createHash("sha256");
  for (const { name } of tables)
    hash.update(JSON.stringify(await t.db.all(sql`select * from ${sql.identifier(name)} order by rowid`)));
  return hash.digest("hex");
}

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
  const list = (await (await t.get("/v1/cadres?limit=1")).json()) as {
    items: { id: string; birthYear: number }[];
  };
  cadre = list.items[0] as { id: string; birthYear: number };
  const assessments = (await (await t.get(`/v1/cadres/${cadre.id}/assessments`)).json()) as {
    items: { id: string }[];
  };
  assessmentId = (assessments.items[0] as { id: string }).id;
});
afterAll(() => t.close());

const nested = (depth: number, leaf = "1") => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;

describe("JSON nesting", () => {
  it("answers 5,000 levels in an outcome's free-form notes with 422 naming notes, changing nothing", async () => {
    const placement = (await (
      await t.post("/v1/placements", {
        cadreId: cadre.id,
        region: "XJ04",
        post: "county-head",
        placedOn: "2021-06-01",
      })
    ).json()) as { id: string };
    expect(placement.id).toBeTypeOf("string");
    const before = await digest();
    const body = `{"year":2024,"grade":"称职","notes":{"deep":${nested(5_000)}}}`;
    const res = await t.post(`/v1/placements/${placement.id}/outcomes`, body);
    const p = await problem(res);
    expect(p.status).toBe(422);
    expect(p.field?.startsWith("notes.deep")).toBe(true);
    expect(p.errors?.[0]?.code).toBe("too_deep");
    expect(await digest()).toBe(before);
    // 60 levels are fine (the limit is 64, counting the body itself and notes).
    const ok = await t.post(
      `/v1/placements/${placement.id}/outcomes`,
      `{"year":2024,"grade":"称职","notes":{"deep":${nested(60)}}}`,
    );
    expect(ok.status).toBe(201);
  });

  it("answers 5,000 levels in a row of a JSON import with 422 naming the row", async () => {
    const before = await digest();
    const body = `{"rows":[{"cadreId":"${cadre.id}","takenOn":"2026-04-18","extra":${nested(5_000)}}]}`;
    const p = await problem(await t.post("/v1/imports", body));
    expect(p.status).toBe(422);
    expect(p.field).toBe("rows.0.extra.0.0.0.…");
    expect(await digest()).toBe(before);
  });

  it("refuses deep nesting on every route that takes JSON, before anything else looks at it", async () => {
    for (const path of ["/v1/cadres", "/v1/score", "/v1/teams", "/v1/suggestions", "/v1/scoring-profiles"]) {
      const p = await problem(await t.post(path, nested(100_000)));
      expect([path, p.status, p.field]).toEqual([path, 422, "0.0.0.0.0.0.…"]);
    }
  });
});

describe("PATCH bodies", () => {
  it("answers PATCH of an assessment with {} by 422, changing nothing", async () => {
    const before = await digest();
    const p = await problem(await t.patch(`/v1/cadres/${cadre.id}/assessments/${assessmentId}`, {}));
    expect(p).toMatchObject({ status: 422, field: "(body)" });
    expect(p.errors?.[0]?.code).toBe("empty_patch");
    expect(await digest()).toBe(before);
  });

  it("answers a PATCH without a body by 422 and leaves the version as it was", async () => {
    const etag = (await t.get(`/v1/cadres/${cadre.id}`)).headers.get("etag");
    for (const path of [`/v1/cadres/${cadre.id}`, "/v1/teams/T-XJ01", "/v1/regions/XJ01"]) {
      const res = await t.app.request(path, { method: "PATCH", headers: t.bearer("admin") });
      expect([path, (await problem(res)).field]).toEqual([path, "(body)"]);
      const typed = await t.app.request(path, {
        method: "PATCH",
        headers: { ...t.bearer("admin"), "content-type": "application/json" },
      });
      expect([path, typed.status]).toEqual([path, 422]);
    }
    expect((await t.get(`/v1/cadres/${cadre.id}`)).headers.get("etag")).toBe(etag);
  });
});

describe("cursors", () => {
  const forged = [
    "WzEuNV0", // [1.5]
    "W10", // []
    "eyJhIjoxfQ", // {"a":1}
    "WyJhIiwiYiIsImMiLCJkIl0", // four parts
    "not base64!",
    "_w", // the byte 0xff: not UTF-8
  ];

  it("refuses forged cursors with 422 on every list of the OpenAPI document", async () => {
    const doc = (await (await t.get("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const lists = Object.entries(doc.paths).flatMap(([path, item]) =>
      item.get?.parameters?.some((p) => p.name === "cursor" && p.in === "query") ? [path] : [],
    );
    expect(lists).toEqual(
      expect.arrayContaining(["/v1/audit-events", "/v1/cadres", "/v1/teams", "/v1/placements"]),
    );
    for (const list of lists) {
      const path = list.replace("{id}", cadre.id);
      const as = list === "/v1/audit-events" ? t.as("auditor") : t;
      // The audit trail sorts by row id, the other lists by text.
      const wrongType =
        list === "/v1/audit-events"
          ? ["WyJ6enoiXQ", "Wy0xXQ", "WzBd"] // ["zzz"], [-1], [0]
          : ["WzFd", "W251bGxd"]; // [1], [null]
      for (const cursor of [...forged, ...wrongType]) {
        const res = await as.get(`${path}?cursor=${encodeURIComponent(cursor)}`);
        const p = await problem(res);
        expect([path, cursor, p.status, p.field]).toEqual([path, cursor, 422, "query.cursor"]);
      }
    }
  });

  it("still follows the cursors the lists issue", async () => {
    const first = (await (await t.as("auditor").get("/v1/audit-events?limit=2")).json()) as {
      items: { id: number }[];
      nextCursor: string;
    };
    const next = (await (
      await t.as("auditor").get(`/v1/audit-events?limit=2&cursor=${first.nextCursor}`)
    ).json()) as { items: { id: number }[] };
    expect(next.items[0]?.id).toBeGreaterThan(first.items[1]?.id ?? Number.POSITIVE_INFINITY);
  });
});

describe("text encoding", () => {
  it("refuses a JSON body that is not UTF-8, and lone surrogate escapes, naming the field", async () => {
    const before = await digest();
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"name":"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await t.app.request(`/v1/cadres/${cadre.id}`, {
      method: "PATCH",
      headers: { ...t.bearer("admin"), "content-type": "application/json" },
      body: bytes,
    });
    expect(await problem(res)).toMatchObject({ status: 422, field: "(body)" });
    for (const [body, field] of [
      ['{"name":"张\\ud800"}', "name"],
      ['{"name":"\\udc00张"}', "name"],
      ['{"skills":[{"skill":"law","level":3},{"skill":"\\uD83D","level":2}]}', "skills.1.skill"],
    ] as const) {
      const p = await problem(await t.patch(`/v1/cadres/${cadre.id}`, body));
      expect([body, p.status, p.field, p.errors?.[0]?.code]).toEqual([body, 422, field, "lone_surrogate"]);
    }
    // An escaped backslash before "ud800" is not an escape.
    expect((await t.patch(`/v1/cadres/${cadre.id}`, '{"name":"a\\\\ud800"}')).status).toBe(200);
    // A whole pair is a character (😀).
    const pair = await t.patch(`/v1/cadres/${cadre.id}`, '{"name":"张\\ud83d\\ude00"}');
    expect(((await pair.json()) as { name: string }).name).toBe("张😀");
    expect(before).not.toBe(await digest()); // the two good PATCHes changed the name
  });
});

describe("assessment dates", () => {
  it("refuses an assessment dated before the cadre turned 18 (birth year + 18), by POST, PATCH and import", async () => {
    const before = await digest();
    const young = `${cadre.birthYear + 17}-12-31`;
    const stens = Object.fromEntries(
      ["A", "B", "C", "E", "F", "G", "H", "I", "L", "M", "N", "O", "Q1", "Q2", "Q3", "Q4"].map((f) => [f, 5]),
    );
    const posted = await problem(
      await t.post(`/v1/cadres/${cadre.id}/assessments`, { takenOn: young, stens }),
    );
    expect(posted).toMatchObject({ status: 422, field: "takenOn" });
    const patched = await problem(
      await t.patch(`/v1/cadres/${cadre.id}/assessments/${assessmentId}`, { takenOn: young }),
    );
    expect(patched).toMatchObject({ status: 422, field: "takenOn" });
    const imported = await problem(
      await t.post("/v1/imports", { rows: [{ cadreId: cadre.id, takenOn: young, ...stens }] }),
    );
    expect(imported.status).toBe(422);
    expect(JSON.stringify(imported.errors)).toContain("not yet 18");
    expect(await digest()).toBe(before);
    // The year they turn 18 is accepted (the birthday is not stored).
    const adult = await t.post(`/v1/cadres/${cadre.id}/assessments`, {
      takenOn: `${cadre.birthYear + 18}-01-01`,
      stens,
    });
    expect(adult.status).toBe(201);
  });
});

describe("If-Match on seats", () => {
  it("answers a stale If-Match on POST, PATCH and DELETE of seats with 412, and a current one with the new ETag", async () => {
    const read = await t.get("/v1/teams/T-XJ02/seats/1");
    expect(read.status).toBe(200);
    const etag = read.headers.get("etag") as string;
    expect(etag).toMatch(/^"v\d+"$/);
    expect((await t.get("/v1/teams/T-XJ02")).headers.get("etag")).toBe(etag);
    const stale = { "if-match": '"v999"' };
    const before = await digest();
    for (const res of [
      await t.patch("/v1/teams/T-XJ02/seats/1", { locked: true }, stale),
      await t.del("/v1/teams/T-XJ02/seats/1", { ...t.bearer("admin"), ...stale }),
      await t.post("/v1/teams/T-XJ02/seats", { post: "county-head", cadreId: null }, stale),
    ])
      expect(await problem(res)).toMatchObject({ status: 412, field: "header.if-match" });
    expect(await digest()).toBe(before);
    const ok = await t.patch("/v1/teams/T-XJ02/seats/1", { locked: true }, { "if-match": etag });
    expect(ok.status).toBe(200);
    const newTag = ok.headers.get("etag");
    expect(newTag).not.toBe(etag);
    expect((await t.get("/v1/teams/T-XJ02")).headers.get("etag")).toBe(newTag);
    // The old tag is stale now.
    expect((await t.patch("/v1/teams/T-XJ02/seats/1", { locked: false }, { "if-match": etag })).status).toBe(
      412,
    );
  });
});

describe("jobs and Idempotency-Key", () => {
  it("runs two concurrent exchange plans with one Idempotency-Key once: one job, the same answer twice", async () => {
    const body = { teamIds: ["T-XJ01", "T-XJ03", "T-XJ04"], seed: 3, budget: { iterations: 1_000 } };
    const jobsBefore = (await t.db.select().from(jobs)).length;
    const headers = { "idempotency-key": "plan-race-1" };
    const [a, b] = await Promise.all([
      t.post("/v1/exchange-plans", body, headers),
      t.post("/v1/exchange-plans", body, headers),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 202]);
    const [ja, jb] = [(await a.json()) as { id: string }, (await b.json()) as { id: string }];
    expect(ja.id).toBe(jb.id);
    expect([a.headers.get("idempotent-replayed"), b.headers.get("idempotent-replayed")].sort()).toEqual([
      null,
      "true",
    ]);
    expect((await t.db.select().from(jobs)).length).toBe(jobsBefore + 1);

    // A job's read is audited like the plan's: it names the cadres moved.
    const read = await t.get(`/v1/jobs/${ja.id}`);
    expect(read.status).toBe(200);
    await t.app.request("/v1/audit-events", { headers: t.bearer("auditor") }); // flushes nothing queued
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.objectType, "job"));
    expect(events.at(-1)).toMatchObject({ action: "read", objectIds: [ja.id], outcome: "success" });
  });

  it("answers a duplicate of a request still running with 409 in_progress once its wait is over", async () => {
    // A request deadline of 3 s: a duplicate waits a third of it for the first answer.
    const small = await testApp({ config: { requestTimeoutMs: 3_000 } });
    try {
      const body = { code: "RACE", name: "Race", level: "city" };
      const key = { "idempotency-key": "region-race" };
      expect((await small.post("/v1/regions", body, key)).status).toBe(201);
      // As if the first request were still running: its reservation, with no answer yet.
      await small.db.run(sql`update idempotency_keys set status = 0, body = '' where key = 'region-race'`);
      const dup = await small.post("/v1/regions", body, key);
      expect(await problem(dup)).toMatchObject({
        status: 409,
        code: "in_progress",
        field: "header.idempotency-key",
      });
      expect(dup.headers.get("retry-after")).toBe("2");
      // Another body with the key is still the plain conflict, at once.
      const other = await small.post("/v1/regions", { ...body, name: "Other" }, key);
      expect(await problem(other)).toMatchObject({ status: 409, code: "conflict" });
    } finally {
      small.close();
    }
  });
});
