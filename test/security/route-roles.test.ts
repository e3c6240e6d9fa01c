/**
 * Every route declares its roles (src/auth/route-roles.ts), and each role gets exactly what its
 * declaration says: allowed calls are not refused (401/403), the rest are, with problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiPath } from "../../src/auth/guard";
import type { Role } from "../../src/auth/roles";
import { allows, policyFor, ROUTE_POLICIES } from "../../src/auth/route-roles";
import { problem, ROLES, type TestApp, testApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** The app's routes (method + OpenAPI path), from Hono's own route table. */
function appRoutes(): string[] {
  const keys = new Set<string>();
  for (const r of t.app.routes) if (r.method !== "ALL") keys.add(`${r.method} ${openApiPath(r.path)}`);
  return [...keys].sort();
}

const sample = (path: string) => path.replace(/\{[^}]+\}/g, "sample-1");

async function call(key: string, as: Role | undefined): Promise<Response> {
  const [method = "GET", path = "/"] = key.split(" ");
  const client = as ? t.as(as) : t.anonymous;
  const body = method === "GET" || method === "DELETE" ? undefined : {};
  return client.send(method, sample(path), body);
}

describe("route declarations", () => {
  it("declares every route of the app, and declares nothing the app lacks", () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(50);
    const undeclared = routes.filter((key) => !ROUTE_POLICIES[key]);
    expect(undeclared, "routes without a role declaration").toEqual([]);
    const stale = Object.keys(ROUTE_POLICIES).filter((key) => !routes.includes(key));
    expect(stale, "declarations without a route").toEqual([]);
  });

  it("declares every operation of the OpenAPI document", async () => {
    const doc = (await (await t.get("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.filter((key) => !ROUTE_POLICIES[key])).toEqual([]);
  });

  it("gives admin everything staff and scorers may do, and the audit log to auditors alone", () => {
    for (const [key, policy] of Object.entries(ROUTE_POLICIES)) {
      if (!Array.isArray(policy.roles)) continue;
      if (policy.roles.includes("staff") || policy.roles.includes("scorer"))
        expect(policy.roles, key).toContain("admin");
      if (key.includes("/audit-events")) expect(policy.roles, key).toEqual(["auditor"]);
    }
    expect(Object.keys(ROUTE_POLICIES).filter((k) => k.includes("/audit-events"))).toEqual([
      "GET /v1/audit-events",
    ]);
  });

  it("makes only /health and the login public", () => {
    const open = Object.entries(ROUTE_POLICIES)
      .filter(([, p]) => p.roles === "public")
      .map(([k]) => k)
      .sort();
    expect(open).toEqual(["GET /health", "POST /v1/session"]);
  });
});

describe("each role against each route", () => {
  const callers: (Role | undefined)[] = [undefined, ...ROLES];
  it("lets allowed calls through and refuses the rest with 401/403 problem+json", async () => {
    const failures: string[] = [];
    for (const key of appRoutes()) {
      const [method = "GET", path = "/"] = key.split(" ");
      const policy = policyFor(method, path);
      if (!policy) continue;
      for (const role of callers) {
        const res = await call(key, role);
        const allowed = allows(policy, role, false);
        const who = role ?? "anonymous";
        if (allowed) {
          if (res.status === 401 || res.status === 403)
            failures.push(`${who} ${key}: allowed but got ${res.status} ${await res.text()}`);
          continue;
        }
        const expected = role === undefined ? 401 : 403;
        if (res.status !== expected) failures.push(`${who} ${key}: expected ${expected}, got ${res.status}`);
        else {
          const body = await problem(res);
          expect(body.code).toBe(role === undefined ? "unauthorized" : "forbidden");
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses a bad or unknown token with 401 and a WWW-Authenticate challenge", async () => {
    for (const authorization of [
      "Bearer nope",
      "Basic dXNlcjpwYXNz",
      "Bearer",
      `Bearer ${t.tokens.admin.token}x`,
    ]) {
      const res = await t.get("/v1/regions", { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect((await problem(res)).code).toBe("unauthorized");
    }
  });

  it("serves /docs and /openapi.json to any token, and without one only when configured", async () => {
    expect((await t.anonymous.get("/openapi.json")).status).toBe(401);
    expect((await t.anonymous.get("/docs")).status).toBe(401);
    for (const role of ROLES) expect((await t.as(role).get("/openapi.json")).status).toBe(200);
    const open = await testApp({ config: { publicDocs: true } });
    try {
      expect((await open.anonymous.get("/openapi.json")).status).toBe(200);
      expect((await open.anonymous.get("/docs")).status).toBe(200);
      expect((await open.anonymous.get("/v1/regions")).status).toBe(401);
    } finally {
      open.close();
    }
  });

  it("answers /health without credentials", async () => {
    expect((await t.anonymous.get("/health")).status).toBe(200);
  });
});
