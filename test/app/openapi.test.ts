import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, testApp } from "../support/app";

/** Paths the app serves that are not part of the API contract. */
const NON_API = new Set(["/health", "/openapi.json", "/docs", "/docs/init.js"]);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components?: { schemas?: Record<string, unknown> };
}

let t: TestApp;
let doc: OpenApiDoc;
beforeAll(async () => {
  t = await testApp();
  const res = await t.get("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  doc = await res.json();
});
afterAll(() => t.close());

/** `/v1/cadres/:id` → `/v1/cadres/{id}` */
const toOpenApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");

function operations(): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method] as Operation }] : [])),
  );
}

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(doc.info.title).toEqual(expect.any(String));
  });

  it("documents every API route the app serves, with its method, and nothing it does not serve", () => {
    const served = new Set(
      t.app.routes
        .filter((r) => r.method !== "ALL" && !NON_API.has(r.path))
        .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    // Anything outside /v1 must be listed as non-API on purpose.
    for (const entry of served) expect(entry.split(" ")[1]).toMatch(/^\/v1\//);
    const documented = new Set(operations().map((o) => `${o.method} ${o.path}`));
    expect(served.size).toBeGreaterThanOrEqual(25);
    expect([...served].filter((s) => !documented.has(s))).toEqual([]);
    expect([...documented].filter((d) => !served.has(d))).toEqual([]);
  });

  it("covers the resources the issue asks for", () => {
    for (const path of [
      "/v1/regions",
      "/v1/post-types",
      "/v1/cadres",
      "/v1/cadres/{id}",
      "/v1/cadres/{id}/assessments",
      "/v1/teams",
      "/v1/teams/{id}/seats/{position}",
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it("declares every path parameter as required, and every parameter of the template", () => {
    for (const { path, method, op } of operations()) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
      for (const p of declared) expect(p.required, `${method} ${path} ${p.name}`).toBe(true);
    }
  });

  it("gives every operation a summary, a tag and a success, and every error as problem+json", () => {
    for (const { path, method, op } of operations()) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toEqual(expect.any(String));
      expect(op.tags?.length, where).toBeGreaterThan(0);
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2")),
        where,
      ).toBe(true);
      for (const s of statuses.filter((x) => /^[45]/.test(x)))
        expect(Object.keys(op.responses[s]?.content ?? {}), `${where} ${s}`).toEqual([
          "application/problem+json",
        ]);
      // Whatever takes input can fail validation, and says so.
      if ((op.parameters ?? []).length > 0 || (op as { requestBody?: unknown }).requestBody)
        expect(statuses, where).toContain("422");
    }
    expect(doc.components?.schemas).toHaveProperty("Problem");
  });

  it("declares the body errors on operations that take a body", () => {
    for (const { path, method, op } of operations()) {
      if (!["post", "patch", "put"].includes(method)) continue;
      expect(Object.keys(op.responses), `${method} ${path}`).toEqual(
        expect.arrayContaining(["400", "413", "415", "422"]),
      );
    }
  });
});

describe("/docs", () => {
  it("is an HTML page that loads nothing from another origin", async () => {
    const res = await t.get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();

    const refs = [...html.matchAll(/\b(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]+)/gi)].map(
      (m) => m[1] as string,
    );
    const cssUrls = [...html.matchAll(/url\(\s*["']?([^"')]+)/gi)].map((m) => m[1] as string);
    const imports = [...html.matchAll(/@import\s+["']([^"']+)/gi)].map((m) => m[1] as string);
    const all = [...refs, ...cssUrls, ...imports];
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const ref of all) {
      // Same origin: a path from the root, never a scheme or a protocol-relative URL.
      expect(ref, ref).toMatch(/^\/(?!\/)/);
      expect(ref, ref).toMatch(/^\/(vendor\/swagger-ui|docs)\//);
    }
    expect(html).not.toMatch(/https?:\/\/|(?:^|["'(=\s])\/\/[a-z0-9]/i);
    expect(html).toMatch(/<script[^>]+src=["']\/vendor\/swagger-ui\/[^"']+\.js/);
    expect(html).toMatch(/<link[^>]+href=["']\/vendor\/swagger-ui\/[^"']+\.css/);
  });

  it("serves its own scripts and points them at /openapi.json", async () => {
    const html = await (await t.get("/docs")).text();
    const local = [...html.matchAll(/\b(?:src|href)=["'](\/docs\/[^"']+)/g)].map((m) => m[1] as string);
    expect(local.length).toBeGreaterThan(0);
    for (const path of local) {
      const res = await t.get(path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body).not.toMatch(/https?:\/\//);
      expect(body).toContain('"/openapi.json"');
    }
  });

  it("refers only to Swagger UI files that the installed swagger-ui-dist has (the Node entry serves them)", async () => {
    const html = await (await t.get("/docs")).text();
    const vendor = [...html.matchAll(/["'](\/vendor\/swagger-ui\/[^"']+)/g)].map((m) => m[1] as string);
    expect(vendor.length).toBeGreaterThanOrEqual(2);
    for (const path of vendor) {
      const file = fileURLToPath(
        new URL(
          `../../node_modules/swagger-ui-dist/${path.slice("/vendor/swagger-ui/".length)}`,
          import.meta.url,
        ),
      );
      expect(existsSync(file), file).toBe(true);
    }
  });
});

describe("/health", () => {
  it("answers 200 with a status", async () => {
    const res = await t.get("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", version: expect.any(String) });
  });
});
