/**
 * `npm start`'s entry as a real process on a real port: it migrates and seeds a fresh file, keeps
 * data across a restart, and starts cleanly on a database that is already migrated.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "banzi-node-"));
const databaseUrl = `file:${join(dir, "banzi.db")}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `src/node.ts` and resolves once it says it is listening; rejects with its output if it exits. */
async function start(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/node.ts"], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output}`)), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
    child.stdout?.on("data", () => {
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("the Node server (npm start)", () => {
  it("migrates and seeds a new file, keeps data across a restart, and restarts cleanly", async () => {
    const first = await start({});
    try {
      expect(first.output()).toContain("loaded the demo city");
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      const teams = (await (await fetch(`${first.url}/v1/teams?limit=200`)).json()) as { items: unknown[] };
      expect(teams.items.length).toBe(12);
      const doc = (await (await fetch(`${first.url}/openapi.json`)).json()) as { openapi: string };
      expect(doc.openapi).toBe("3.1.0");
      const docs = await fetch(`${first.url}/docs`);
      expect(docs.status).toBe(200);
      // The reference UI's files come from this server, not a CDN.
      const bundle = await fetch(`${first.url}/vendor/swagger-ui/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get("content-type")).toContain("javascript");
      expect((await fetch(`${first.url}/vendor/swagger-ui/swagger-ui.css`)).status).toBe(200);
      const created = await fetch(`${first.url}/v1/regions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: "KEEP-1", name: "重启测试县", level: "county", parent: "XJ" }),
      });
      expect(created.status).toBe(201);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await start({});
    try {
      expect(second.output()).not.toContain("loaded the demo city");
      const kept = await fetch(`${second.url}/v1/regions/KEEP-1`);
      expect(kept.status).toBe(200);
      expect(((await kept.json()) as { name: string }).name).toBe("重启测试县");
      const teams = (await (await fetch(`${second.url}/v1/teams?limit=200`)).json()) as { items: unknown[] };
      expect(teams.items.length).toBe(12);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });

  it("refuses to start with a bad setting and names it", async () => {
    await expect(start({ DATABASE_URL: "postgres://nope" })).rejects.toThrow(/DATABASE_URL/);
  });
});
