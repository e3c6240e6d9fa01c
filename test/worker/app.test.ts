import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SAMPLE_STENS } from "../support/expected";

/** The bootstrap admin token bound in vitest.config.ts (stored by the worker on its first request). */
const ADMIN = { authorization: "Bearer worker-test-admin-token-0123456789abcdef" };

/** Requests go through the worker's own `fetch` (env parsing, per-request libSQL client over HTTP). */
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
  exports.default.fetch(`http://banzi.test${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const stens = SAMPLE_STENS;

describe("the app in workerd against a libSQL server over HTTP", () => {
  it("answers /health", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("creates and reads a cadre with an assessment", async () => {
    expect((await call("POST", "/v1/regions", { code: "W", name: "沃市", level: "city" })).status).toBe(201);
    expect(
      (await call("POST", "/v1/regions", { code: "W1", name: "一县", level: "county", parent: "W" })).status,
    ).toBe(201);
    const created = await call("POST", "/v1/cadres", {
      id: "w-c1",
      name: "测试甲",
      gender: "female",
      birthYear: 1983,
      education: "master",
      birthRegion: "W1",
      growthRegion: "W1",
      rank: "deputy-division",
      reserve: true,
      skills: [{ skill: "law", level: 4 }],
    });
    expect(created.status).toBe(201);
    const assessment = await call("POST", "/v1/cadres/w-c1/assessments", { takenOn: "2026-04-18", stens });
    expect(assessment.status).toBe(201);

    const read = await call("GET", "/v1/cadres/w-c1");
    expect(read.status).toBe(200);
    const cadre = (await read.json()) as { name: string; skills: unknown[]; assessment: { stens: unknown } };
    expect(cadre.name).toBe("测试甲");
    expect(cadre.skills).toEqual([{ skill: "law", level: 4 }]);
    expect(cadre.assessment.stens).toEqual(stens);
  });

  it("lists with cursor pagination", async () => {
    for (const id of ["w-p1", "w-p2", "w-p3"]) {
      const res = await call("POST", "/v1/cadres", {
        id,
        name: `分页${id}`,
        gender: "male",
        birthYear: 1980,
        education: "bachelor",
        birthRegion: "W1",
        growthRegion: "W1",
        currentRegion: "W1",
        rank: "section",
      });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/v1/cadres?region=W1&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["w-p1", "w-p2", "w-p3"]);
  });

  it("refuses a request without a token, and a scorer's read of a cadre, with problem+json", async () => {
    const anonymous = await call("GET", "/v1/cadres", undefined, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
    const created = await call("POST", "/v1/tokens", { role: "scorer", name: "worker scorer" });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const scorer = { authorization: `Bearer ${token}` };
    expect((await call("GET", "/v1/cadres/w-c1", undefined, scorer)).status).toBe(403);
    expect((await call("GET", "/v1/regions", undefined, scorer)).status).toBe(200);
  });

  it("scores stored cadres request after request, and a new assessment at once", async () => {
    const post = await call("POST", "/v1/post-types", {
      code: "w-post",
      name: "测试岗位",
      nameEn: "Test post",
    });
    expect(post.status).toBe(201);
    // Each request opens its own client; the member and profile caches are kept per server.
    const score = async () => {
      const res = await call("POST", "/v1/score", {
        region: "W1",
        seats: [{ post: "w-post", cadreId: "w-c1" }],
        detail: "summary",
      });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body as { score: number };
    };
    const first = await score();
    expect(await score()).toEqual(first);
    const allLow = Object.fromEntries(Object.keys(stens).map((f) => [f, 1]));
    expect(
      (await call("POST", "/v1/cadres/w-c1/assessments", { takenOn: "2026-11-20", stens: allLow })).status,
    ).toBe(201);
    const after = await score();
    expect(after.score).not.toBe(first.score);
  });

  it("answers an error as problem+json", async () => {
    const res = await call("POST", "/v1/cadres/w-c1/assessments", {
      takenOn: "2026-04-18",
      stens: { ...stens, C: 11 },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "validation_failed", field: "stens.C" });
    const missing = await call("GET", "/v1/cadres/nobody");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found" });
  });
});
