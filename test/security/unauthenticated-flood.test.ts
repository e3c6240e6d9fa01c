/**
 * Issue 15, item 3: someone without a token cannot grow the database by more than a bounded amount.
 * Unauthenticated requests (and refused ones) are limited per client address before any table is
 * read, and their audit rows store bounded fields: a 15 KB path is kept as a short hash.
 */
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { boundedAuditId, MAX_AUDIT_ID_LENGTH } from "../../src/services/audit";
import { problem, type TestApp, testApp } from "../support/app";

let t: TestApp | undefined;
afterEach(() => t?.close());

/** Bytes the database file holds (pages in use × page size). */
async function databaseBytes(app: TestApp): Promise<number> {
  const [count] = await app.db.all<{ n: number }>(sql`select page_count as n from pragma_page_count()`);
  const [size] = await app.db.all<{ n: number }>(sql`select page_size as n from pragma_page_size()`);
  const [free] = await app.db.all<{ n: number }>(
    sql`select freelist_count as n from pragma_freelist_count()`,
  );
  return (Number(count?.n) - Number(free?.n)) * Number(size?.n);
}

/** Total length of what the audit rows hold. */
async function auditBytes(app: TestApp): Promise<number> {
  const [row] = await app.db.all<{ n: number | null }>(
    sql`select sum(length(at) + length(coalesce(actor_id, '')) + length(coalesce(actor_role, '')) + length(action)
      + length(object_type) + length(object_ids) + length(coalesce(fields, '')) + length(coalesce(request_id, ''))
      + length(outcome)) as n from audit_events`,
  );
  return Number(row?.n ?? 0);
}

/** `app.request()` as if from `address` (what @hono/node-server hands the app in `c.env`). */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

const LONG_ID = "x".repeat(15 * 1024);

describe("unauthenticated requests", () => {
  it("300 requests with 15 KB paths and no token grow the database by less than 1 MB, without a limiter", async () => {
    t = await testApp({ config: { anonymousRateLimit: null } });
    const app = t;
    const bytesBefore = await databaseBytes(app);
    const auditBefore = await auditBytes(app);
    let unauthorized = 0;
    for (let i = 0; i < 300; i++) {
      const res = await app.app.request(`/v1/cadres/${LONG_ID}${i}`, {}, from("203.0.113.7"));
      if (res.status === 401) unauthorized++;
      await res.arrayBuffer();
    }
    expect(unauthorized).toBe(300);
    const rows = await app.db.select().from(auditEvents);
    // Each attempt is still recorded (a read of personal data refused), with its path hashed.
    expect(rows.filter((r) => r.outcome === "denied")).toHaveLength(300);
    for (const row of rows) for (const id of row.objectIds) expect(id.length).toBeLessThanOrEqual(64);
    const grown = (await databaseBytes(app)) - bytesBefore;
    expect(grown).toBeLessThan(1024 * 1024);
    expect((await auditBytes(app)) - auditBefore).toBeLessThan(300 * 400);
  });

  it("limits unauthenticated and refused requests per address before authenticating, and audits none past it", async () => {
    t = await testApp({ config: { anonymousRateLimit: { perSecond: 0.001, burst: 20 } } });
    const app = t;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const headers: Record<string, string> = i % 2 === 0 ? {} : { authorization: `Bearer guess-${i}` };
      const res = await app.app.request(`/v1/cadres/${LONG_ID}`, { headers }, from("203.0.113.7"));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) expect(res.headers.get("retry-after")).toBe("1");
      await res.arrayBuffer();
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 280 });
    expect(await app.db.$count(auditEvents)).toBe(20);
    // Another address has its own budget; a valid token is not limited by its address's.
    expect((await app.app.request("/v1/cadres", {}, from("198.51.100.9"))).status).toBe(401);
    expect(
      (await app.app.request("/v1/cadres", { headers: app.bearer("staff") }, from("203.0.113.7"))).status,
    ).toBe(200);
    // Logging in is an unauthenticated request too.
    const login = await app.app.request(
      "/v1/session",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: "x" }),
      },
      from("203.0.113.7"),
    );
    expect((await problem(login)).code).toBe("rate_limited");
  });

  it("keeps short ids as they are and hashes long ones to a bounded, repeatable value", () => {
    expect(boundedAuditId("C0001")).toBe("C0001");
    const a = boundedAuditId(LONG_ID);
    expect(a).toMatch(/^hash:[0-9a-f]{16}:15360$/);
    expect(a.length).toBeLessThanOrEqual(MAX_AUDIT_ID_LENGTH);
    expect(boundedAuditId(LONG_ID)).toBe(a);
    expect(boundedAuditId(`${LONG_ID}y`)).not.toBe(a);
  });
});
