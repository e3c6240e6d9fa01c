/**
 * Two `npm start` processes on one database file, written concurrently: every write succeeds,
 * none is lost (each update bumps the version exactly once), and both processes' batched audit
 * events are all on disk after a clean shutdown.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openNodeDb } from "../../db/node";
import { startNodeServer, stopNodeServer } from "../support/node-server";

const dir = mkdtempSync(join(tmpdir(), "banzi-writers-"));
const databaseUrl = `file:${join(dir, "banzi.db")}`;
const ADMIN_TOKEN = "concurrent-writers-admin-token-0123456789";
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function start() {
  const server = await startNodeServer({
    DATABASE_URL: databaseUrl,
    BANZI_ADMIN_TOKEN: ADMIN_TOKEN,
    BANZI_DEMO: "false",
    BANZI_ACCESS_LOG: "false",
    BANZI_RATE_LIMIT: "0",
  });
  children.push(server.child);
  return server;
}
const stop = stopNodeServer;

const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
const send = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const cadre = (id: string) => ({
  id,
  name: `并发${id}`,
  gender: "male",
  birthYear: 1980,
  education: "master",
  birthRegion: "W1",
  growthRegion: "W1",
  rank: "section",
});

describe("two processes writing one file", () => {
  it("lose no write and fail none", async () => {
    // Started one after the other: each migrates at start, and the first stores the admin token.
    const a = await start();
    const b = await start();
    expect(
      (await send(a.url, "POST", "/v1/regions", { code: "W", name: "并发市", level: "city" })).status,
    ).toBe(201);
    expect(
      (await send(b.url, "POST", "/v1/regions", { code: "W1", name: "并发县", level: "county", parent: "W" }))
        .status,
    ).toBe(201);
    expect((await send(a.url, "POST", "/v1/cadres", cadre("shared"))).status).toBe(201);

    const PER_PROCESS = 40;
    const writes: Promise<Response>[] = [];
    for (let i = 0; i < PER_PROCESS; i++) {
      writes.push(send(a.url, "POST", "/v1/cadres", cadre(`a${i}`)));
      writes.push(send(b.url, "POST", "/v1/cadres", cadre(`b${i}`)));
      // The same row from both processes: each update must bump the version exactly once.
      writes.push(send(i % 2 ? a.url : b.url, "PATCH", "/v1/cadres/shared", { yearsInPost: i % 10 }));
    }
    const statuses = await Promise.all(writes.map(async (w) => (await w).status));
    expect(statuses.filter((s) => s >= 300)).toEqual([]);

    const shared = (await (await send(b.url, "GET", "/v1/cadres/shared")).json()) as { version: number };
    expect(shared.version).toBe(1 + PER_PROCESS);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await send(a.url, "GET", `/v1/cadres?limit=200${cursor ? `&cursor=${cursor}` : ""}`)
      ).json()) as { items: { id: string }[]; nextCursor: string | null };
      ids.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(1 + 2 * PER_PROCESS);

    // A clean stop writes each process's queued audit events.
    expect(await stop(a.child)).toBe(0);
    expect(await stop(b.child)).toBe(0);
    const { db, client } = openNodeDb(databaseUrl);
    try {
      const rows = await db.all<{ action: string; n: number }>(
        sql`select action, count(*) as n from audit_events where object_type = 'cadre' and outcome = 'success' group by action order by action`,
      );
      expect(Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]))).toEqual({
        create: 1 + 2 * PER_PROCESS,
        read: 1 + Math.ceil((1 + 2 * PER_PROCESS) / 200),
        update: PER_PROCESS,
      });
    } finally {
      client.close();
    }
  }, 120_000);
});
