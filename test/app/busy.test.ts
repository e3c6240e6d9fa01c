/**
 * Issue 15, item 4: the Node file database runs in WAL mode with a busy timeout, and a write that
 * still finds the file locked after it is answered 503 with Retry-After — never an immediate 500.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDb, openNodeDb } from "../../db/node";
import { createApp } from "../../src/app";
import { createToken } from "../../src/services/tokens";
import { problem } from "../support/app";
import { tempDb } from "../support/db";

let database: Awaited<ReturnType<typeof tempDb>>;
beforeAll(async () => {
  database = await tempDb();
});
afterAll(() => database.close());

describe("a database locked by another connection", () => {
  it("is in WAL mode after migration", async () => {
    const [row] = await database.db.all<{ journal_mode: string }>(sql`pragma journal_mode`);
    expect(row?.journal_mode).toBe("wal");
    await migrateDb(database.db); // again: still WAL, nothing to apply
    const [again] = await database.db.all<{ journal_mode: string }>(sql`pragma journal_mode`);
    expect(again?.journal_mode).toBe("wal");
  });

  it("answers a write 503 with Retry-After while another connection holds the write lock; reads go on", async () => {
    // The app's own connection waits 200 ms for a lock (the server's waits 15 s).
    const opened = openNodeDb(database.url, undefined, { busyTimeoutMs: 200 });
    const { token } = await createToken(
      { db: opened.db, clock: { now: () => new Date() } },
      { role: "admin", name: "busy" },
    );
    const app = createApp({ db: opened.db, config: { rateLimit: null } });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const region = (code: string) =>
      app.request("/v1/regions", {
        method: "POST",
        headers,
        body: JSON.stringify({ code, name: "锁", level: "city" }),
      });

    // An outside writer (another process, a backup tool): BEGIN IMMEDIATE takes the write lock.
    const outside = openNodeDb(database.url);
    const lock = await outside.client.transaction("write");
    try {
      await lock.execute(
        "insert into regions (code, name, level, created_at, updated_at) values ('HELD', 'held', 'city', 'x', 'x')",
      );
      const res = await region("LOCKED");
      expect(await problem(res)).toMatchObject({ status: 503, code: "unavailable" });
      expect(res.headers.get("retry-after")).toBe("2");
      // WAL: readers are not blocked by the writer.
      expect((await app.request("/v1/regions", { headers })).status).toBe(200);
    } finally {
      await lock.rollback();
      outside.client.close();
    }
    // The lock is gone: the same request succeeds.
    expect((await region("LOCKED")).status).toBe(201);
    opened.client.close();
  });
});
