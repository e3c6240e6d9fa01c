/**
 * The worker opens a Db per request (db/web.ts); its per-database caches are kept under a scope
 * shared by every Db of one server and token, so they outlive the request — and still follow every
 * write. Run against the libSQL HTTP (Hrana) test server, as the worker reaches its database.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheScope, type Db } from "../../db/client";
import { migrateDb, openNodeDb } from "../../db/node";
import { loadDemoCity } from "../../db/seed/load";
import { openWebDb } from "../../db/web";
import { loadMembersCached } from "../../src/services/members";
import { type HranaServer, startHranaServer } from "../support/hrana-server";

let dir: string;
let server: HranaServer;
let ids: string[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "banzi-scope-"));
  const file = path.join(dir, "banzi.db");
  const { db, client } = openNodeDb(`file:${file}`);
  await migrateDb(db);
  await loadDemoCity(db, new Date("2026-11-25T00:00:00Z"));
  ids = (await db.values<[string]>(sql`select id from cadres order by id limit 30`)).map((r) => r[0]);
  client.close();
  server = await startHranaServer({ path: file });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Counts the statements a Db sends to its server. */
function counted(db: Db): { db: Db; statements(): number } {
  const client = (db as unknown as { $client: { execute(...args: unknown[]): Promise<unknown> } }).$client;
  const execute = client.execute.bind(client);
  let n = 0;
  client.execute = (...args: unknown[]) => {
    n++;
    return execute(...args);
  };
  return { db, statements: () => n };
}

describe("cache scopes", () => {
  it("are shared by the Dbs of one server and token, and are the Db itself on Node", () => {
    const a = openWebDb(server.url);
    const b = openWebDb(server.url);
    expect(cacheScope(a)).toBe(cacheScope(b));
    expect(cacheScope(a)).not.toBe(a);
    expect(cacheScope(openWebDb(server.url, "another-token"))).not.toBe(cacheScope(a));
    expect(cacheScope(openWebDb(`${server.url}/`))).not.toBe(cacheScope(a));
    const { db, client } = openNodeDb(":memory:");
    expect(cacheScope(db)).toBe(db);
    client.close();
  });

  it("let a later request's Db use the members an earlier one loaded, and still see a write", async () => {
    const first = await loadMembersCached(openWebDb(server.url), ids, 2026);
    expect([...first.values()].every((m) => m.ok)).toBe(true);

    // A new Db (the next request): only the data-version check reaches the server.
    const next = counted(openWebDb(server.url));
    const again = await loadMembersCached(next.db, ids, 2026);
    expect(next.statements()).toBe(1);
    for (const id of ids) expect(again.get(id)).toBe(first.get(id));

    // A write (from anywhere) moves the data version: the next request reloads.
    const writer = openWebDb(server.url);
    await writer.run(sql`update cadres set birth_year = birth_year - 1 where id = ${ids[0]}`);
    const later = counted(openWebDb(server.url));
    const reloaded = await loadMembersCached(later.db, ids, 2026);
    expect(later.statements()).toBe(2);
    const before = first.get(ids[0] as string);
    const after = reloaded.get(ids[0] as string);
    expect(before?.ok && after?.ok && (after.member.age ?? 0) - (before.member.age ?? 0)).toBe(1);
  });
});
