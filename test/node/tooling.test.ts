/**
 * The command-line tooling a newcomer relies on: `npm run db:migrate -- --url …` against a libSQL
 * server (our Hrana test server), and `wrangler deploy --dry-run` building the worker.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HranaServer, startHranaServer } from "../support/hrana-server";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "banzi-tooling-"));
let server: HranaServer;

beforeAll(async () => {
  server = await startHranaServer({ path: join(dir, "remote.db") });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run db:migrate", () => {
  it("applies the migrations to a remote libSQL server given by --url, and again without error", async () => {
    for (let i = 0; i < 2; i++) {
      const { stdout } = await run("npx", ["tsx", "db/migrate-cli.ts", "--url", server.url], {
        timeout: 60_000,
      });
      expect(stdout).toContain("migrations applied");
    }
    const client = createClient({ url: server.url });
    const tables = await client.execute(
      "select name from sqlite_master where type = 'table' and name = 'cadres'",
    );
    expect(tables.rows).toHaveLength(1);
    client.close();
  });

  it("refuses an unknown flag", async () => {
    await expect(run("npx", ["tsx", "db/migrate-cli.ts", "--nope"], { timeout: 60_000 })).rejects.toThrow();
  });
});

describe("wrangler deploy --dry-run", () => {
  it("builds the worker bundle", async () => {
    const out = join(dir, "dist");
    await run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], {
      timeout: 120_000,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    });
    expect(existsSync(join(out, "worker.js"))).toBe(true);
  }, 150_000);
});
