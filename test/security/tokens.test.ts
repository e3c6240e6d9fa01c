/**
 * Tokens (shown once, stored as hashes, expiring, revocable), the bootstrap admin token, and the
 * web page's session cookie with its CSRF token.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokens } from "../../db/schema";
import { createApp } from "../../src/app";
import { constantTimeEqual } from "../../src/auth/crypto";
import { NodeEnvSchema, parseEnv, secureCookies } from "../../src/env";
import { ensureBootstrapAdmin } from "../../src/services/tokens";
import { problem, type TestApp, testApp } from "../support/app";
import { tempDb } from "../support/db";

let t: TestApp;
let now = new Date("2026-11-25T08:00:00.000Z");
const movingClock = { now: () => now };

beforeAll(async () => {
  t = await testApp({ clock: movingClock });
});
afterAll(() => t.close());

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("API tokens", () => {
  it("creates a token shown once, stores only its SHA-256, and lists tokens without secrets", async () => {
    const res = await t.post("/v1/tokens", { role: "staff", name: "clerk" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; token: string; role: string; createdBy: string };
    expect(created.role).toBe("staff");
    expect(created.createdBy).toBe(t.tokens.admin.id);
    expect(created.token).toMatch(/^bz_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row?.tokenSha256).toBe(sha256(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(17));

    const list = await (await t.get("/v1/tokens")).json();
    const text = JSON.stringify(list);
    expect(text).not.toContain(created.token);
    expect(text).not.toContain(sha256(created.token));
    expect(text).not.toContain("tokenSha256");
    expect((list as { items: { id: string }[] }).items.map((i) => i.id)).toContain(created.id);

    expect((await t.get("/v1/cadres", bearer(created.token))).status).toBe(200);
    expect((await t.get("/v1/tokens", bearer(created.token))).status).toBe(403);
  });

  it("refuses a revoked token at once, and a revoked token's sessions", async () => {
    const { id, token } = (await (await t.post("/v1/tokens", { role: "staff", name: "leaver" })).json()) as {
      id: string;
      token: string;
    };
    expect((await t.get("/v1/cadres", bearer(token))).status).toBe(200);
    const login = await t.anonymous.post("/v1/session", { token });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect((await t.anonymous.get("/v1/cadres", { cookie })).status).toBe(200);

    expect((await t.del(`/v1/tokens/${id}`)).status).toBe(204);
    const refused = await t.get("/v1/cadres", bearer(token));
    expect(refused.status).toBe(401);
    expect((await problem(refused)).detail).toContain("revoked");
    expect((await t.anonymous.get("/v1/cadres", { cookie })).status).toBe(401);
    // Another app on the same database (another process) has no cache to forget: refused too.
    const other = createApp({ db: t.db, clock: movingClock });
    expect((await other.request("/v1/cadres", { headers: bearer(token) })).status).toBe(401);
    expect((await t.del("/v1/tokens/no-such-token")).status).toBe(404);
  });

  it("refuses an expired token", async () => {
    const { token } = (await (
      await t.post("/v1/tokens", { role: "scorer", name: "short", expiresInDays: 1 })
    ).json()) as { token: string };
    expect((await t.get("/v1/regions", bearer(token))).status).toBe(200);
    now = new Date("2026-11-26T08:00:00.000Z");
    try {
      const res = await t.get("/v1/regions", bearer(token));
      expect(res.status).toBe(401);
      expect((await problem(res)).detail).toContain("expired");
    } finally {
      now = new Date("2026-11-25T08:00:00.000Z");
    }
  });

  it("refuses bad token requests with 422 naming the field", async () => {
    for (const body of [
      { role: "root", name: "x" },
      { role: "staff" },
      { role: "staff", name: "x", expiresInDays: 0 },
    ]) {
      const res = await t.post("/v1/tokens", body);
      expect(res.status).toBe(422);
    }
  });

  it("compares hashes in constant time and correctly", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});

describe("the bootstrap admin token", () => {
  it("is stored on the first start only, and works in any form of at least 32 characters", async () => {
    const database = await tempDb();
    try {
      const first = "first-admin-token-of-a-fresh-install-000";
      expect(await ensureBootstrapAdmin(database.db, first, now)).toBe(true);
      expect(await ensureBootstrapAdmin(database.db, "a-different-token-on-a-later-start-0000", now)).toBe(
        false,
      );
      const app = createApp({ db: database.db, clock: movingClock });
      expect((await app.request("/v1/tokens", { headers: bearer(first) })).status).toBe(200);
      expect(
        (await app.request("/v1/tokens", { headers: bearer("a-different-token-on-a-later-start-0000") }))
          .status,
      ).toBe(401);
    } finally {
      database.close();
    }
  });
});

describe("web sessions", () => {
  async function login(host = "http://localhost") {
    const { token } = (await (await t.post("/v1/tokens", { role: "staff", name: "page" })).json()) as {
      token: string;
    };
    const res = await t.app.request(`${host}/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get("set-cookie") ?? "";
    const body = (await res.json()) as { csrfToken: string; role: string };
    return { setCookie, cookie: setCookie.split(";")[0] ?? "", csrf: body.csrfToken, role: body.role };
  }

  it("sets an HttpOnly SameSite=Strict cookie, Secure as configured, whatever the Host header says", async () => {
    // testApp's configuration is the default: Secure. A loopback Host does not turn it off.
    const local = await login();
    expect(local.role).toBe("staff");
    expect(local.setCookie).toMatch(/HttpOnly/i);
    expect(local.setCookie).toMatch(/SameSite=Strict/i);
    expect(local.setCookie).toMatch(/Secure/i);

    const plain = await testApp({ config: { secureCookies: false } });
    try {
      const { token } = (await (await plain.post("/v1/tokens", { role: "staff", name: "page" })).json()) as {
        token: string;
      };
      const loginAt = (url: string, headers: Record<string, string> = {}) =>
        plain.app.request(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ token }),
        });
      // An https Host does not turn Secure on either: only the configuration does.
      const remote = await loginAt("https://banzi.example/v1/session");
      expect(remote.status).toBe(201);
      expect(remote.headers.get("set-cookie")).not.toMatch(/Secure/i);
      // X-Forwarded-Proto counts only behind a proxy the configuration trusts.
      const forwarded = await loginAt("http://localhost/v1/session", { "x-forwarded-proto": "https" });
      expect(forwarded.headers.get("set-cookie")).not.toMatch(/Secure/i);
    } finally {
      plain.close();
    }

    const proxied = await testApp({ config: { secureCookies: false, trustProxy: true } });
    try {
      const { token } = (await (
        await proxied.post("/v1/tokens", { role: "staff", name: "page" })
      ).json()) as {
        token: string;
      };
      const res = await proxied.app.request("http://localhost/v1/session", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
        body: JSON.stringify({ token }),
      });
      expect(res.headers.get("set-cookie")).toMatch(/Secure/i);
    } finally {
      proxied.close();
    }
  });

  it("derives the Secure flag from BANZI_PUBLIC_URL, else from the listening host", () => {
    expect(secureCookies({ BANZI_PUBLIC_URL: "https://banzi.example.gov.cn", HOST: "127.0.0.1" })).toBe(true);
    expect(secureCookies({ BANZI_PUBLIC_URL: "http://10.0.0.5:8787", HOST: "0.0.0.0" })).toBe(false);
    expect(secureCookies({ HOST: "127.0.0.1" })).toBe(false);
    expect(secureCookies({ HOST: "0.0.0.0" })).toBe(true);
    const env = parseEnv(NodeEnvSchema, {
      BANZI_PUBLIC_URL: "https://banzi.example",
      BANZI_TRUST_PROXY: "true",
    });
    expect(env.BANZI_TRUST_PROXY).toBe(true);
    expect(secureCookies(env)).toBe(true);
  });

  it("reads with the cookie, but changes only with the CSRF token from the same origin", async () => {
    const { cookie, csrf } = await login();
    const req = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      t.app.request(`http://localhost${path}`, {
        method,
        headers: { cookie, ...(body ? { "content-type": "application/json" } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await req("GET", "/v1/cadres", {})).status).toBe(200);
    const region = { code: "S1", name: "会话县", level: "city" };
    const noCsrf = await req("POST", "/v1/regions", {}, region);
    expect(noCsrf.status).toBe(403);
    expect((await problem(noCsrf)).detail).toContain("x-csrf-token");
    expect((await req("POST", "/v1/regions", { "x-csrf-token": "wrong" }, region)).status).toBe(403);
    expect(
      (await req("POST", "/v1/regions", { "x-csrf-token": csrf, origin: "https://evil.example" }, region))
        .status,
    ).toBe(403);
    // Staff may not create regions (admin's), so the CSRF-checked request reaches the role check.
    expect((await req("POST", "/v1/regions", { "x-csrf-token": csrf }, region)).status).toBe(403);
    const cadre = {
      name: "会话",
      gender: "male",
      birthYear: 1980,
      education: "master",
      birthRegion: "S1",
      growthRegion: "S1",
      rank: "section",
    };
    const withCsrf = await req(
      "POST",
      "/v1/cadres",
      { "x-csrf-token": csrf, origin: "http://localhost" },
      cadre,
    );
    expect([201, 422]).toContain(withCsrf.status);

    const me = await req("GET", "/v1/session", {});
    expect(await me.json()).toMatchObject({ role: "staff", via: "session" });
    expect((await req("DELETE", "/v1/session", {})).status).toBe(403);
    const out = await req("DELETE", "/v1/session", { "x-csrf-token": csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/i);
    expect((await req("GET", "/v1/cadres", {})).status).toBe(401);
  });

  it("refuses a login with a bad token, and a forged cookie", async () => {
    const bad = await t.anonymous.post("/v1/session", {
      token: "bz_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    });
    expect(bad.status).toBe(401);
    expect((await t.anonymous.get("/v1/cadres", { cookie: "banzi_session=abc.def" })).status).toBe(401);
  });
});
