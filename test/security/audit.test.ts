/**
 * The audit trail: exactly the expected events for a scripted session — who, what, when, which
 * request, outcome — never a personal value; filterable by auditors; append-only.
 */
import { asc, gt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { auditEvents } from "../../db/schema";
import { AuditQueue } from "../../src/services/audit";
import { seedPostTypes, seedRegions, stens } from "../routes/fixtures";
import { type TestApp, testApp } from "../support/app";
import { tempDb } from "../support/db";

let t: TestApp;
let baseline = 0;
const NAME = "审计测试乙";
const NEW_NAME = "审计改名丙";

beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, ["county-head"]);
  const [row] = await t.db.select({ max: sql<number>`coalesce(max(id), 0)` }).from(auditEvents);
  baseline = Number(row?.max ?? 0);
});
afterAll(() => t.close());

const since = () =>
  t.db.select().from(auditEvents).where(gt(auditEvents.id, baseline)).orderBy(asc(auditEvents.id));

describe("a scripted session", () => {
  it("adds exactly the expected events, with no personal values", async () => {
    const staff = t.as("staff");
    const created = await staff.post("/v1/cadres", {
      id: "aud-1",
      name: NAME,
      gender: "female",
      birthYear: 1981,
      education: "master",
      birthRegion: "CT01",
      growthRegion: "CT02",
      rank: "section",
    });
    expect(created.status).toBe(201);
    const requestId = created.headers.get("x-request-id");
    expect((await staff.get("/v1/cadres/aud-1")).status).toBe(200);
    expect((await staff.get("/v1/cadres?limit=10")).status).toBe(200);
    expect((await staff.patch("/v1/cadres/aud-1", { name: NEW_NAME })).status).toBe(200);
    const assessed = await staff.post("/v1/cadres/aud-1/assessments", {
      id: "as-1",
      takenOn: "2026-04-18",
      stens: stens(7, { B: 9 }),
    });
    expect(assessed.status).toBe(201);
    expect((await staff.get("/v1/regions")).status).toBe(200); // reference data: not audited
    expect((await t.as("scorer").get("/v1/cadres/aud-1")).status).toBe(403);
    expect((await t.anonymous.get("/v1/cadres/aud-1")).status).toBe(401);
    expect((await staff.post("/v1/cadres", { name: "" })).status).toBe(422);
    expect(
      (await staff.post("/v1/score", { region: "CT01", seats: [{ post: "county-head", cadreId: "aud-1" }] }))
        .status,
    ).toBe(200);
    expect((await staff.get("/v1/exports/cadres.csv")).status).toBe(200);
    const read = await t.as("auditor").get("/v1/audit-events?limit=200");
    expect(read.status).toBe(200);

    const events = await since();
    const summary = events.map((e) => [e.actorRole, e.action, e.objectType, e.objectIds, e.outcome]);
    expect(summary).toEqual([
      ["staff", "create", "cadre", ["aud-1"], "success"],
      ["staff", "read", "cadre", ["aud-1"], "success"],
      ["staff", "read", "cadre", ["aud-1"], "success"],
      ["staff", "update", "cadre", ["aud-1"], "success"],
      ["staff", "create", "assessment", ["aud-1", "as-1"], "success"],
      ["scorer", "read", "cadre", ["aud-1"], "denied"],
      [null, "read", "cadre", ["aud-1"], "denied"],
      ["staff", "create", "cadre", [], "failed"],
      ["staff", "read", "cadre", ["aud-1"], "success"],
      ["staff", "export", "cadre", ["aud-1"], "success"],
      ["auditor", "read", "audit-event", expect.any(Array), "success"],
    ]);
    expect(events[0]?.actorId).toBe(t.tokens.staff.id);
    expect(events[0]?.requestId).toBe(requestId);
    expect(events[0]?.at).toBe("2026-11-25T08:00:00.000Z");
    expect(events[0]?.fields).toEqual(
      expect.arrayContaining(["name", "birthRegion", "growthRegion", "gender", "birthYear"]),
    );
    expect(events[3]?.fields).toEqual(["name"]);
    expect(events[4]?.fields).toEqual(expect.arrayContaining(["takenOn", "stens"]));
    expect(events[5]?.actorId).toBe(t.tokens.scorer.id);
    // The auditor's read lists the ids of the events it was shown (those before it).
    expect(events[10]?.objectIds).toContain(String(events[0]?.id));

    const text = JSON.stringify(events);
    for (const value of [NAME, NEW_NAME, "1981", "CT01", "CT02", '"B":9', '"A":7', "female", "section"])
      expect(text, value).not.toContain(value);
    for (const e of events) for (const f of e.fields ?? []) expect(f).toMatch(/^[A-Za-z][A-Za-z.]*$/);
  });
});

describe("GET /v1/audit-events", () => {
  it("filters by actor, action, object type and id, outcome and time, and pages with a cursor", async () => {
    const auditor = t.as("auditor");
    const all = (await (await auditor.get("/v1/audit-events?limit=200")).json()) as {
      items: { id: number }[];
    };
    const byActor = (await (
      await auditor.get(`/v1/audit-events?actor=${t.tokens.staff.id}&limit=200`)
    ).json()) as {
      items: { actorId: string }[];
    };
    expect(byActor.items.length).toBeGreaterThanOrEqual(8);
    expect(byActor.items.every((e) => e.actorId === t.tokens.staff.id)).toBe(true);
    const updates = (await (await auditor.get("/v1/audit-events?action=update&objectType=cadre")).json()) as {
      items: unknown[];
    };
    expect(updates.items).toHaveLength(1);
    const byObject = (await (await auditor.get("/v1/audit-events?objectId=as-1")).json()) as {
      items: { objectType: string }[];
    };
    expect(byObject.items.map((e) => e.objectType)).toEqual(["assessment"]);
    const denied = (await (await auditor.get("/v1/audit-events?outcome=denied&limit=200")).json()) as {
      items: { outcome: string }[];
    };
    expect(denied.items.length).toBeGreaterThanOrEqual(2);
    const later = (await (await auditor.get("/v1/audit-events?from=2026-11-25T08:00:01Z")).json()) as {
      items: unknown[];
    };
    expect(later.items).toEqual([]);
    const within = (await (
      await auditor.get("/v1/audit-events?from=2026-11-25&to=2026-11-26&limit=200")
    ).json()) as { items: unknown[] };
    expect(within.items.length).toBeGreaterThanOrEqual(all.items.length);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await auditor.get(`/v1/audit-events?limit=3${cursor ? `&cursor=${cursor}` : ""}`)
      ).json()) as { items: { id: number }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, all.items.length)).toEqual(all.items.map((e) => e.id));
    expect((await auditor.get("/v1/audit-events?from=yesterday")).status).toBe(422);
    expect((await auditor.get("/v1/audit-events?cursor=nonsense")).status).toBe(422);
  });

  it("has no route that edits or removes events, and the table refuses UPDATE and DELETE", async () => {
    for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
      const res = await t
        .as("auditor")
        .send(method, "/v1/audit-events", method === "DELETE" ? undefined : {});
      expect([404, 405]).toContain(res.status);
    }
    await expect(t.db.run(sql`update audit_events set outcome = 'success'`)).rejects.toThrow();
    await expect(t.db.run(sql`delete from audit_events`)).rejects.toThrow();
    const [row] = await t.db.select({ n: sql<number>`count(*)` }).from(auditEvents);
    expect(Number(row?.n)).toBeGreaterThan(10);
  });
});

describe("the batched audit queue", () => {
  const queueOn = (db: Db, maxQueued: number) =>
    new AuditQueue(db, {
      intervalMs: 60_000,
      maxQueued,
      onError: (e) => {
        throw e;
      },
    });
  const event = (i: number, action = "read", outcome = "success") => ({
    at: "2026-11-25T08:00:00.000Z",
    actorId: "tok",
    actorRole: "staff",
    action,
    objectType: "cadre",
    objectIds: [`c${i}`],
    fields: ["name"],
    requestId: `r${i}`,
    outcome,
  });

  it("writes queued events in order on its timer's flush and at close, and nothing is lost", async () => {
    const database = await tempDb();
    try {
      const queue = queueOn(database.db, 5);
      for (let i = 0; i < 3; i++) queue.write(database.db, [event(i)]);
      expect(await database.db.select().from(auditEvents)).toHaveLength(0);
      for (let i = 3; i < 7; i++) queue.write(database.db, [event(i)]); // the 5th triggers a write
      await queue.close();
      const rows = await database.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
      expect(rows.map((r) => r.requestId)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    } finally {
      database.close();
    }
  });

  it("writes a change's event at once, with the reads queued before it, and the request waits for it", async () => {
    const database = await tempDb();
    try {
      const queue = queueOn(database.db, 5_000);
      expect(queue.write(database.db, [event(0)])).toBeUndefined();
      // A refused change waits with the reads (a flood of them costs no insert each).
      expect(queue.write(database.db, [event(1, "update", "denied")])).toBeUndefined();
      const written = queue.write(database.db, [event(2, "update")]);
      expect(written).toBeInstanceOf(Promise);
      await written;
      const ids = async () =>
        (await database.db.select().from(auditEvents).orderBy(asc(auditEvents.id))).map((r) => r.requestId);
      expect(await ids()).toEqual(["r0", "r1", "r2"]);
      // A read after it waits for the timer again.
      expect(queue.write(database.db, [event(3)])).toBeUndefined();
      expect(await ids()).toEqual(["r0", "r1", "r2"]);
      await queue.close();
      expect(await ids()).toEqual(["r0", "r1", "r2", "r3"]);
    } finally {
      database.close();
    }
  });
});
