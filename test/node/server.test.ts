/**
 * `npm start`'s entry as a real process on a real port: it migrates and seeds a fresh file, keeps
 * data across a restart, and starts cleanly on a database that is already migrated.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openNodeDb } from "../../db/node";
import { startNodeServer, stopNodeServer } from "../support/node-server";

const dir = mkdtempSync(join(tmpdir(), "banzi-node-"));
const databaseUrl = `file:${join(dir, "banzi.db")}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bootstrap admin token given to the server (a test value). */
const ADMIN_TOKEN = "node-test-admin-token-0123456789abcdef";
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const start = (env: Record<string, string | undefined>) =>
  startNodeServer({ DATABASE_URL: databaseUrl, BANZI_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
const stop = stopNodeServer;

describe("the Node server (npm start)", () => {
  // Two starts of `npm start` (the first loads the demo city): under a full run on a loaded machine,
  // near the default 30 s.
  it("migrates and seeds a new file, keeps data across a restart, and restarts cleanly", async () => {
    const first = await start({});
    try {
      expect(first.output()).toContain("loaded the demo city");
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      expect(first.output()).toContain("stored BANZI_ADMIN_TOKEN as the bootstrap admin token");
      expect((await fetch(`${first.url}/v1/teams`)).status).toBe(401);
      const teams = (await (await fetch(`${first.url}/v1/teams?limit=200`, { headers: auth })).json()) as {
        items: unknown[];
      };
      expect(teams.items.length).toBe(12);
      expect((await fetch(`${first.url}/openapi.json`)).status).toBe(401);
      const doc = (await (await fetch(`${first.url}/openapi.json`, { headers: auth })).json()) as {
        openapi: string;
      };
      expect(doc.openapi).toBe("3.1.0");
      const docs = await fetch(`${first.url}/docs`, { headers: auth });
      expect(docs.status).toBe(200);
      // The reference UI's files come from this server, not a CDN.
      const bundle = await fetch(`${first.url}/vendor/swagger-ui/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get("content-type")).toContain("javascript");
      expect((await fetch(`${first.url}/vendor/swagger-ui/swagger-ui.css`)).status).toBe(200);
      const created = await fetch(`${first.url}/v1/regions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ code: "KEEP-1", name: "重启测试县", level: "county", parent: "XJ" }),
      });
      expect(created.status).toBe(201);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    // The variable is read on the first start only: a changed one does not replace the stored token.
    const second = await start({ BANZI_ADMIN_TOKEN: "another-admin-token-that-is-long-enough-0000" });
    try {
      expect(second.output()).not.toContain("loaded the demo city");
      expect(
        (
          await fetch(`${second.url}/v1/regions/KEEP-1`, {
            headers: { authorization: "Bearer another-admin-token-that-is-long-enough-0000" },
          })
        ).status,
      ).toBe(401);
      const kept = await fetch(`${second.url}/v1/regions/KEEP-1`, { headers: auth });
      expect(kept.status).toBe(200);
      expect(((await kept.json()) as { name: string }).name).toBe("重启测试县");
      const teams = (await (await fetch(`${second.url}/v1/teams?limit=200`, { headers: auth })).json()) as {
        items: unknown[];
      };
      expect(teams.items.length).toBe(12);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120_000);

  it("on a first demo start without BANZI_ADMIN_TOKEN, writes an admin token to a private file, never to the log", async () => {
    const demoDir = mkdtempSync(join(tmpdir(), "banzi-demo-"));
    try {
      // An undefined value leaves the variable out of the child's environment.
      const server = await start({
        DATABASE_URL: `file:${join(demoDir, "banzi.db")}`,
        BANZI_ADMIN_TOKEN: undefined,
      });
      try {
        const file = join(demoDir, "demo-admin-token.txt");
        expect(server.output()).toContain(file);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const token = readFileSync(file, "utf8").trim();
        expect(token).toMatch(/^bz_/);
        expect(server.output()).not.toContain(token);
        const res = await fetch(`${server.url}/v1/teams?limit=1`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(200);
      } finally {
        expect(await stop(server.child)).toBe(0);
      }
    } finally {
      rmSync(demoDir, { recursive: true, force: true });
    }
  });

  it("has an answered change's audit event on disk even when the process is killed right after", async () => {
    const killDir = mkdtempSync(join(tmpdir(), "banzi-kill-"));
    const killUrl = `file:${join(killDir, "banzi.db")}`;
    try {
      const server = await start({ DATABASE_URL: killUrl, BANZI_DEMO: "false" });
      const read = await fetch(`${server.url}/v1/regions?limit=1`, { headers: auth });
      expect(read.status).toBe(200);
      const created = await fetch(`${server.url}/v1/regions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ code: "KILL-1", name: "审计县", level: "city" }),
      });
      expect(created.status).toBe(201);
      const requestId = created.headers.get("x-request-id");
      server.child.kill("SIGKILL");
      await new Promise((resolve) => server.child.once("exit", resolve));
      const { db, client } = openNodeDb(killUrl);
      try {
        const rows = await db.values<[string, string]>(
          sql`select action, object_ids from audit_events where request_id = ${requestId}`,
        );
        expect(rows.map((r) => [r[0], r[1]])).toEqual([["create", '["KILL-1"]']]);
      } finally {
        client.close();
      }
    } finally {
      rmSync(killDir, { recursive: true, force: true });
    }
  });

  it("refuses to start with a bad setting and names it", async () => {
    await expect(start({ DATABASE_URL: "postgres://nope" })).rejects.toThrow(/DATABASE_URL/);
  });
});
