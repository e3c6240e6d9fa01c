/**
 * Hardening: secure headers, CORS allow-list, array limits in every request schema, request
 * timeouts, per-token rate limits, ETag/If-Match, Idempotency-Key and formula-safe CSV exports.
 */
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../db/schema";
import { tokenBuckets } from "../../src/auth/rate-limit";
import { requestTimeout } from "../../src/auth/timeout";
import { neutraliseCell } from "../../src/services/exports";
import { createCadre, seedPostTypes, seedRegions } from "../routes/fixtures";
import { problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";
import { renderErrorForTest } from "./render-error";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, ["county-head", "deputy-head"]);
});
afterAll(() => t.close());

describe("headers", () => {
  it("sends secure headers on answers and on problems", async () => {
    for (const res of [
      await t.get("/v1/regions"),
      await t.anonymous.get("/v1/cadres"),
      await t.get("/nowhere"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("allows no cross-origin caller by default, and only the listed origins when configured", async () => {
    const origin = { origin: "https://page.example" };
    expect((await t.get("/v1/regions", origin)).headers.get("access-control-allow-origin")).toBeNull();
    const allowed = await testApp({ config: { corsOrigins: ["https://page.example"] } });
    try {
      const ok = await allowed.get("/v1/regions", origin);
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://page.example");
      const other = await allowed.get("/v1/regions", { origin: "https://evil.example" });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await allowed.anonymous.send("OPTIONS", "/v1/cadres", undefined, {
        ...origin,
        "access-control-request-method": "POST",
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    } finally {
      allowed.close();
    }
  });
});

describe("array limits", () => {
  it("bounds every array in every request body and query of the OpenAPI document", async () => {
    const doc = (await (await t.get("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: unknown }> };
            parameters?: { schema: unknown }[];
          }
        >
      >;
      components: { schemas: Record<string, unknown> };
    };
    const unbounded: string[] = [];
    const seen = new Set<unknown>();
    const walk = (schema: unknown, where: string): void => {
      if (!schema || typeof schema !== "object" || seen.has(schema)) return;
      seen.add(schema);
      const s = schema as Record<string, unknown>;
      if (typeof s.$ref === "string") {
        walk(doc.components.schemas[s.$ref.split("/").pop() ?? ""], where);
        return;
      }
      if (s.type === "array" && typeof s.maxItems !== "number") unbounded.push(where);
      for (const [key, value] of Object.entries(s)) {
        if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, `${where}.${key}[${i}]`);
        else if (value && typeof value === "object") walk(value, `${where}.${key}`);
      }
    };
    let bodies = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          bodies++;
          seen.clear();
          walk(media.schema, `${method} ${path} ${type}`);
        }
        for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} param`);
      }
    expect(bodies).toBeGreaterThan(15);
    expect(unbounded).toEqual([]);
  });
});

describe("timeouts and rate limits", () => {
  it("answers a request that runs too long with 503 problem+json", async () => {
    const app = new Hono();
    app.use("*", requestTimeout(5));
    app.get("/slow", () => new Promise<Response>(() => {}));
    app.get("/fast", (c) => c.text("ok"));
    app.onError(renderErrorForTest);
    const slow = await app.request("/slow");
    expect(slow.status).toBe(503);
    expect((await problem(slow)).code).toBe("unavailable");
    expect((await app.request("/fast")).status).toBe(200);
  });

  it("refills a token bucket at its rate, per key", () => {
    let now = 0;
    const limit = tokenBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([limit("a"), limit("a"), limit("a"), limit("a")]).toEqual([true, true, true, false]);
    expect(limit("b")).toBe(true);
    now = 500; // half a second: one more
    expect([limit("a"), limit("a")]).toEqual([true, false]);
    now = 10_000; // refilled to the burst, not beyond
    expect([limit("a"), limit("a"), limit("a"), limit("a")]).toEqual([true, true, true, false]);
  });

  it("answers 429 problem+json with Retry-After once a token has spent its burst", async () => {
    const limited = await testApp({ config: { rateLimit: { perSecond: 0.001, burst: 3 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.get("/v1/regions")).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await limited.get("/v1/regions");
      expect(res.headers.get("retry-after")).toBe("1");
      expect((await problem(res)).code).toBe("rate_limited");
      // Another token has its own bucket.
      expect((await limited.as("staff").get("/v1/regions")).status).toBe(200);
    } finally {
      limited.close();
    }
  });
});

describe("If-Match", () => {
  it("gives a cadre an ETag; a stale If-Match gets 412 and changes nothing", async () => {
    await createCadre(t, { id: "etag-1" });
    const read = await t.get("/v1/cadres/etag-1");
    expect(read.headers.get("etag")).toBe('"v1"');
    const stale = await t.patch("/v1/cadres/etag-1", { name: "改了" }, { "if-match": '"v0"' });
    expect(stale.status).toBe(412);
    expect((await problem(stale)).code).toBe("precondition_failed");
    const unchanged = (await (await t.get("/v1/cadres/etag-1")).json()) as { name: string; version: number };
    expect(unchanged).toMatchObject({ name: "张伟", version: 1 });
    expect((await t.patch("/v1/cadres/etag-1", { name: "x" }, { "if-match": "garbage" })).status).toBe(412);

    const ok = await t.patch("/v1/cadres/etag-1", { name: "改了" }, { "if-match": '"v1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe('"v2"');
    expect(
      (await t.patch("/v1/cadres/etag-1", { name: "再改" }, { "if-match": 'W/"v2", "v9"' })).status,
    ).toBe(200);
    expect((await t.patch("/v1/cadres/etag-1", { name: "无条件" })).status).toBe(200);

    expect((await t.del("/v1/cadres/etag-1", { "if-match": '"v1"' })).status).toBe(412);
    expect((await t.get("/v1/cadres/etag-1")).status).toBe(200);
    expect((await t.del("/v1/cadres/etag-1", { "if-match": '"v4"' })).status).toBe(204);
  });

  it("does the same for teams and post types", async () => {
    const body = { id: "etag-team", region: "CT01", seats: [{ post: "county-head" }] };
    expect((await t.post("/v1/teams", body)).status).toBe(201);
    expect((await t.get("/v1/teams/etag-team")).headers.get("etag")).toBe('"v1"');
    expect((await t.patch("/v1/teams/etag-team", { name: "新" }, { "if-match": '"v7"' })).status).toBe(412);
    expect(((await (await t.get("/v1/teams/etag-team")).json()) as { name: unknown }).name).toBeNull();
    expect((await t.del("/v1/teams/etag-team", { "if-match": '"v7"' })).status).toBe(412);
    expect((await t.patch("/v1/teams/etag-team", { name: "新" }, { "if-match": '"v1"' })).status).toBe(200);

    const tag = (await t.get("/v1/post-types/deputy-head")).headers.get("etag");
    expect(tag).toMatch(/^"[0-9a-f]{32}"$/);
    const stale = await t.patch("/v1/post-types/deputy-head", { name: "副县长" }, { "if-match": '"0000"' });
    expect(stale.status).toBe(412);
    const after = await t.get("/v1/post-types/deputy-head");
    expect(after.headers.get("etag")).toBe(tag);
    const ok = await t.patch("/v1/post-types/deputy-head", { name: "副县长" }, { "if-match": tag ?? "" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).not.toBe(tag);
    expect((await t.del("/v1/post-types/deputy-head", { "if-match": tag ?? "" })).status).toBe(412);
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer to a repeated creating POST and refuses the key for another body", async () => {
    const key = { "idempotency-key": "create-cadre-42" };
    const body = {
      name: "幂等",
      gender: "male",
      birthYear: 1980,
      education: "master",
      birthRegion: "CT01",
      growthRegion: "CT01",
      rank: "section",
    };
    const first = await t.post("/v1/cadres", body, key);
    expect(first.status).toBe(201);
    const before = await rowCounts(t.db);
    const again = await t.post("/v1/cadres", body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await rowCounts(t.db)).toEqual(before);

    const other = await t.post("/v1/cadres", { ...body, name: "别的" }, key);
    expect(other.status).toBe(409);
    expect((await problem(other)).field).toBe("header.idempotency-key");
    // Keys belong to a token: another token's same key is a new request.
    expect((await t.as("staff").post("/v1/cadres", body, key)).status).toBe(201);
    expect((await t.post("/v1/cadres", body, { "idempotency-key": "bad key with spaces" })).status).toBe(422);
  });

  it("keeps a key for 24 hours; then the same key is a new request, and a token's expired keys are deleted", async () => {
    let now = new Date("2026-11-25T08:00:00.000Z");
    const app = await testApp({ clock: { now: () => now } });
    const later = (hours: number) => {
      now = new Date(now.getTime() + hours * 3_600_000);
    };
    try {
      await seedRegions(app);
      const body = {
        name: "过期",
        gender: "female",
        birthYear: 1985,
        education: "master",
        birthRegion: "CT01",
        growthRegion: "CT01",
        rank: "section",
      };
      const key = { "idempotency-key": "daily-1" };
      const first = await app.post("/v1/cadres", body, key);
      expect(first.status).toBe(201);
      const firstId = ((await first.json()) as { id: string }).id;
      expect((await app.post("/v1/cadres", body, { "idempotency-key": "other-1" })).status).toBe(201);

      later(23.99);
      const replayed = await app.post("/v1/cadres", body, key);
      expect(replayed.headers.get("idempotent-replayed")).toBe("true");
      expect(((await replayed.json()) as { id: string }).id).toBe(firstId);

      later(0.02); // 24 h and a little after the first answer
      const fresh = await app.post("/v1/cadres", body, key);
      expect(fresh.status).toBe(201);
      expect(fresh.headers.get("idempotent-replayed")).toBeNull();
      const freshId = ((await fresh.json()) as { id: string }).id;
      expect(freshId).not.toBe(firstId);
      // The key now replays the new answer, and the expired "other-1" is gone.
      const again = await app.post("/v1/cadres", body, key);
      expect(((await again.json()) as { id: string }).id).toBe(freshId);
      const keys = await app.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys);
      expect(keys.map((k) => k.key)).toEqual(["daily-1"]);
    } finally {
      app.close();
    }
  });
});

describe("CSV export", () => {
  it("neutralises cells that a spreadsheet would run as formulas", () => {
    for (const [input, output] of [
      ["=1+1", "'=1+1"],
      ["+86 138", "'+86 138"],
      ["-2", "'-2"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\tx", "'\tx"],
      ["\rx", "'\rx"],
      ["张伟", "张伟"],
      ["a=b", "a=b"],
      ["", ""],
    ])
      expect(neutraliseCell(input as string)).toBe(output);
  });

  it("exports cadres for staff with formula-looking names neutralised", async () => {
    const names = ['=HYPERLINK("http://evil.example","点我")', "+1 张", "-5", "@cmd", "普通"];
    for (const [i, name] of names.entries()) await createCadre(t, { id: `csv-${i}`, name });
    const res = await t.as("staff").get("/v1/exports/cadres.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM, so Excel reads UTF-8
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith("id,name,")).toBe(true);
    expect(text).toContain(`csv-0,"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(text).toContain("csv-1,'+1 张,");
    expect(text).toContain("csv-2,'-5,");
    expect(text).toContain("csv-3,'@cmd,");
    expect(text).toContain("csv-4,普通,");
    for (const line of text.split("\r\n").slice(1)) expect(line).not.toMatch(/^[^,]*,[=+\-@]/);
  });
});
