/**
 * Every header of every kind of answer, exactly: JSON, created, ETag'd, empty, CSV, problems (401,
 * 404, 405, 413, 422, malformed JSON), an idempotent replay, the docs, a static file, HEAD, CORS and
 * a login's cookie. The expected sets were recorded from the app while it still used Hono's
 * `requestId()` and `secureHeaders()` middleware (src/lib/response-headers.ts replaced them).
 */
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { requestIdFor, responseHeaders } from "../../src/lib/response-headers";
import { createCadre, seedPostTypes, seedRegions } from "../routes/fixtures";
import { type TestApp, testApp } from "../support/app";
import { tempDb } from "../support/db";
import { SAMPLE_STENS, SECURITY_HEADERS } from "../support/expected";

const JSON_TYPE = { "content-type": "application/json" };
const PROBLEM_TYPE = { "content-type": "application/problem+json" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The answer's headers with the request id checked and taken out (its value is random). */
function headersOf(res: Response, requestId: RegExp | string = UUID): Record<string, string> {
  const all: Record<string, string> = {};
  for (const [name, value] of res.headers) all[name] = value;
  if (typeof requestId === "string") expect(all["x-request-id"]).toBe(requestId);
  else expect(all["x-request-id"]).toMatch(requestId);
  delete all["x-request-id"];
  return all;
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await seedPostTypes(t, ["county-head"]);
  await createCadre(t, { id: "hdr-1" });
});
afterAll(() => t.close());

describe("the headers of JSON answers", () => {
  it("a read, a computation, a creation, an ETag'd read and a deletion", async () => {
    expect(headersOf(await t.get("/v1/regions"))).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
    expect(headersOf(await t.anonymous.get("/health"))).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
    const derived = await t.post("/v1/psychometrics/derive", { stens: SAMPLE_STENS });
    expect(derived.status).toBe(200);
    expect(headersOf(derived)).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
    const created = await t.post("/v1/regions", { code: "HDR", name: "头县", level: "county", parent: "CT" });
    expect(created.status).toBe(201);
    expect(headersOf(created)).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
    expect(headersOf(await t.get("/v1/cadres/hdr-1"))).toEqual({
      ...SECURITY_HEADERS,
      ...JSON_TYPE,
      etag: '"v1"',
    });
    const deleted = await t.del("/v1/regions/HDR");
    expect(deleted.status).toBe(204);
    expect(headersOf(deleted)).toEqual(SECURITY_HEADERS);
  });

  it("a HEAD request", async () => {
    const res = await t.send("HEAD", "/v1/regions");
    expect(res.status).toBe(200);
    expect(headersOf(res)).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
  });

  it("an idempotent creation and its replay", async () => {
    const body = { code: "HDR-I", name: "幂县", level: "county", parent: "CT" };
    const key = { "idempotency-key": "hdr-key-1" };
    const first = await t.post("/v1/regions", body, key);
    expect(first.status).toBe(201);
    expect(headersOf(first)).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
    const replay = await t.post("/v1/regions", body, key);
    expect(replay.status).toBe(201);
    expect(headersOf(replay)).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE, "idempotent-replayed": "true" });
  });

  it("a login sets its cookie (Secure: the default configuration) beside the security headers", async () => {
    const res = await t.anonymous.post("/v1/session", { token: t.tokens.staff.token });
    expect(res.status).toBe(201);
    const headers = headersOf(res);
    expect(headers["set-cookie"]).toMatch(
      /^banzi_session=[^;]+; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Strict$/,
    );
    delete headers["set-cookie"];
    expect(headers).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
  });
});

describe("the headers of problems", () => {
  it("401, 404, 405, 413, 422 and malformed JSON", async () => {
    const unauthorized = await t.anonymous.get("/v1/cadres");
    expect(unauthorized.status).toBe(401);
    expect(headersOf(unauthorized)).toEqual({
      ...SECURITY_HEADERS,
      ...PROBLEM_TYPE,
      "www-authenticate": 'Bearer realm="banzi"',
    });
    const badScheme = await t.get("/v1/cadres", { authorization: "Basic eA==" });
    expect(badScheme.status).toBe(401);
    expect(headersOf(badScheme)).toEqual({
      ...SECURITY_HEADERS,
      ...PROBLEM_TYPE,
      "www-authenticate": 'Bearer realm="banzi"',
    });
    const missing = await t.get("/nowhere");
    expect(missing.status).toBe(404);
    expect(headersOf(missing)).toEqual({ ...SECURITY_HEADERS, ...PROBLEM_TYPE });
    const wrongMethod = await t.put("/health");
    expect(wrongMethod.status).toBe(405);
    expect(headersOf(wrongMethod)).toEqual({ ...SECURITY_HEADERS, ...PROBLEM_TYPE, allow: "GET, HEAD" });
    const big = JSON.stringify({ stens: SAMPLE_STENS, pad: "x".repeat(1024 * 1024) });
    const tooLarge = await t.post("/v1/psychometrics/derive", big, { "content-length": String(big.length) });
    expect(tooLarge.status).toBe(413);
    expect(headersOf(tooLarge)).toEqual({ ...SECURITY_HEADERS, ...PROBLEM_TYPE });
    const invalid = await t.post("/v1/psychometrics/derive", { stens: { ...SAMPLE_STENS, A: 11 } });
    expect(invalid.status).toBe(422);
    expect(headersOf(invalid)).toEqual({ ...SECURITY_HEADERS, ...PROBLEM_TYPE });
    const malformed = await t.post("/v1/psychometrics/derive", "{");
    expect(malformed.status).toBe(400);
    expect(headersOf(malformed)).toEqual({ ...SECURITY_HEADERS, ...PROBLEM_TYPE });
  });

  it("a 429 keeps its Retry-After", async () => {
    const limited = await testApp({ config: { rateLimit: { perSecond: 0.001, burst: 1 } } });
    try {
      expect((await limited.get("/v1/regions")).status).toBe(200);
      const res = await limited.get("/v1/regions");
      expect(res.status).toBe(429);
      expect(headersOf(res)).toEqual({ ...SECURITY_HEADERS, ...PROBLEM_TYPE, "retry-after": "1" });
    } finally {
      limited.close();
    }
  });
});

describe("the headers of other answers", () => {
  it("a CSV export", async () => {
    const res = await t.get("/v1/exports/cadres.csv");
    expect(res.status).toBe(200);
    expect(headersOf(res)).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="cadres.csv"',
    });
  });

  it("the docs page, its script and the OpenAPI document (no CSP, as before)", async () => {
    expect(headersOf(await t.get("/docs"))).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=UTF-8",
    });
    expect(headersOf(await t.get("/docs/init.js"))).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "text/javascript; charset=utf-8",
    });
    expect(headersOf(await t.get("/openapi.json"))).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE });
  });

  it("a static file (the page at /)", async () => {
    const database = await tempDb();
    try {
      const app = createApp({ db: database.db, staticFiles: serveStatic({ root: "public" }) });
      for (const path of ["/", "/index.html"]) {
        const res = await app.request(path);
        expect(res.status).toBe(200);
        const headers = headersOf(res);
        expect(headers["last-modified"]).toBeTypeOf("string");
        delete headers["last-modified"];
        expect(headers).toEqual({
          ...SECURITY_HEADERS,
          "content-type": "text/html; charset=utf-8",
          "content-length": String((await res.arrayBuffer()).byteLength),
        });
      }
    } finally {
      database.close();
    }
  });
});

describe("the request id", () => {
  it("keeps a caller's id of word characters, '-' and '=' up to 255 long, and replaces any other", async () => {
    const id = (value: string) => t.get("/v1/regions", { "x-request-id": value });
    expect((await id("abc-123_x=")).headers.get("x-request-id")).toBe("abc-123_x=");
    expect((await id("a".repeat(255))).headers.get("x-request-id")).toBe("a".repeat(255));
    for (const bad of ["a b", "a".repeat(256), "<script>", "a.b", "ünï"])
      expect((await id(bad)).headers.get("x-request-id")).toMatch(UUID);
    // A problem carries the caller's id too.
    expect((await t.get("/nowhere", { "x-request-id": "trace-404" })).headers.get("x-request-id")).toBe(
      "trace-404",
    );
  });

  it("is the id the audit trail records", async () => {
    const res = await t.get("/v1/cadres/hdr-1", { "x-request-id": "trace-audit-1" });
    expect(res.status).toBe(200);
    const events = (await (await t.as("auditor").get("/v1/audit-events?limit=200")).json()) as {
      items: { requestId: string | null; objectIds: string[] }[];
    };
    const event = events.items.find((e) => e.requestId === "trace-audit-1");
    expect(event?.objectIds).toEqual(["hdr-1"]);
  });
});

describe("CORS (an allowed origin configured)", () => {
  it("adds its headers to answers, problems and preflights beside the security headers", async () => {
    const app = await testApp({ config: { corsOrigins: ["https://page.example"] } });
    try {
      const origin = { origin: "https://page.example" };
      const cors = {
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "etag,x-request-id,retry-after",
        vary: "Origin",
      };
      expect(headersOf(await app.get("/v1/regions", origin))).toEqual({
        ...SECURITY_HEADERS,
        ...JSON_TYPE,
        ...cors,
        "access-control-allow-origin": "https://page.example",
      });
      expect(headersOf(await app.get("/v1/regions"))).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE, ...cors });
      expect(headersOf(await app.get("/nowhere", origin))).toEqual({
        ...SECURITY_HEADERS,
        ...PROBLEM_TYPE,
        ...cors,
        "access-control-allow-origin": "https://page.example",
      });
      const preflight = await app.anonymous.send("OPTIONS", "/v1/cadres", undefined, {
        ...origin,
        "access-control-request-method": "POST",
      });
      expect(preflight.status).toBe(204);
      expect(headersOf(preflight)).toEqual({
        ...SECURITY_HEADERS,
        ...cors,
        "access-control-allow-origin": "https://page.example",
        "access-control-allow-headers": "authorization,content-type,if-match,idempotency-key,x-csrf-token",
        "access-control-allow-methods": "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY",
        vary: "Origin, Access-Control-Request-Headers",
      });
    } finally {
      app.close();
    }
  });
});

describe("responseHeaders() on a bare app", () => {
  const bare = () => {
    const app = new Hono<{ Variables: { requestId: string; audit?: { answered?: unknown } } }>();
    app.use(
      "*",
      responseHeaders(() => "generated-id"),
    );
    return app;
  };

  it("answers c.json alike whether it builds the answer itself or leaves it to Hono", async () => {
    const app = bare();
    app.get("/plain", (c) => c.json({ id: c.get("requestId") }));
    app.get("/status", (c) => c.json({ made: true }, 201));
    app.get("/own-header", (c) => {
      c.header("etag", '"v3"');
      return c.json({ tagged: true });
    });
    app.get("/own-status", (c) => {
      c.status(202);
      return c.json({ accepted: true });
    });
    app.get("/headers-arg", (c) => c.json({ extra: true }, 200, { "cache-control": "no-store" }));
    app.get("/init-arg", (c) => c.json({ init: true }, { status: 203, headers: { "x-extra": "1" } }));
    const cases: [string, number, unknown, Record<string, string>][] = [
      ["/plain", 200, { id: "generated-id" }, {}],
      ["/status", 201, { made: true }, {}],
      ["/own-header", 200, { tagged: true }, { etag: '"v3"' }],
      ["/own-status", 202, { accepted: true }, {}],
      ["/headers-arg", 200, { extra: true }, { "cache-control": "no-store" }],
      ["/init-arg", 203, { init: true }, { "x-extra": "1" }],
    ];
    for (const [path, status, body, extra] of cases) {
      const res = await app.request(path);
      expect(res.status, path).toBe(status);
      expect(await res.json(), path).toEqual(body);
      expect(headersOf(res, "generated-id"), path).toEqual({ ...SECURITY_HEADERS, ...JSON_TYPE, ...extra });
    }
  });

  it("puts the headers on answers made any other way, and on a thrown error's answer", async () => {
    const app = bare();
    app.get("/text", (c) => c.text("hi"));
    app.get("/raw", () => new Response("raw", { headers: { "x-powered-by": "something" } }));
    app.get("/throws", () => {
      throw new Error("no");
    });
    app.onError(() => new Response("failed", { status: 500 }));
    // Hono answers a bare c.text with a plain Response (the platform's default content type).
    expect(headersOf(await app.request("/text"), "generated-id")).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "text/plain;charset=UTF-8",
    });
    // X-Powered-By goes, as with secureHeaders().
    expect(headersOf(await app.request("/raw"), "generated-id")).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "text/plain;charset=UTF-8",
    });
    const failed = await app.request("/throws");
    expect(failed.status).toBe(500);
    expect(headersOf(failed, "generated-id")).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "text/plain;charset=UTF-8",
    });
  });

  it("hands what c.json answered to the request's audit context", async () => {
    const app = bare();
    let seen: unknown;
    app.use("*", async (c, next) => {
      const audit: { answered?: unknown } = {};
      c.set("audit", audit);
      await next();
      seen = audit.answered;
    });
    app.get("/a", (c) => c.json({ id: "x-1" }));
    await app.request("/a");
    expect(seen).toEqual({ id: "x-1" });
  });

  it("accepts the caller's id by the rule of Hono's requestId()", () => {
    const fresh = () => "fresh";
    expect(requestIdFor("abc-DEF_123=", fresh)).toBe("abc-DEF_123=");
    expect(requestIdFor(undefined, fresh)).toBe("fresh");
    expect(requestIdFor("", fresh)).toBe("fresh");
    expect(requestIdFor("x".repeat(256), fresh)).toBe("fresh");
    expect(requestIdFor("a/b", fresh)).toBe("fresh");
  });
});
