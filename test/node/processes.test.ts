/**
 * `npm start` with BANZI_PROCESSES=2: a primary and two server processes on one port. Every
 * process serves; a write through one is scored by all at once (their caches check the database's
 * data version); a process that dies is replaced; SIGTERM stops them all cleanly, with their audit
 * events written; and a start that cannot listen fails instead of looping.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openNodeDb } from "../../db/node";
import { FACTORS } from "../../scoring/factors";
import { type NodeServer, startNodeServer, stopNodeServer } from "../support/node-server";

const dir = mkdtempSync(join(tmpdir(), "banzi-processes-"));
const databaseUrl = `file:${join(dir, "banzi.db")}`;
const ADMIN_TOKEN = "processes-test-admin-token-0123456789abcdef";
const servers: NodeServer[] = [];
afterAll(() => {
  for (const { child } of servers) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}) {
  const server = await startNodeServer({
    DATABASE_URL: databaseUrl,
    BANZI_ADMIN_TOKEN: ADMIN_TOKEN,
    BANZI_PROCESSES: "2",
    BANZI_ACCESS_LOG: "true",
    ...env,
  });
  servers.push(server);
  return server;
}

/** One request on a connection of its own (the primary hands each new connection to the next process). */
function once(url: string, method: string, path: string, body?: unknown) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      agent: false,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        connection: "close",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
    });
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The pids of a process's Node children (tsx's esbuild service is a child too). */
function childPids(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([, command]) => command === "node")
      .map(([child]) => Number(child));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type TeamScore = { score: number; seats: { memberId: string | null; fit: number | null }[] };
const scoresOnFreshConnections = async (url: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, async () => {
      const res = await once(url, "GET", "/v1/teams/T-XJ03/score");
      expect(res.status).toBe(200);
      return res.json as TeamScore;
    }),
  );

describe("several server processes (BANZI_PROCESSES)", () => {
  // Each test starts several processes (tsx loads TypeScript in each): on a loaded shared machine
  // that alone can take most of the default 30 s.
  it("serve from every process, score a write made through one at once in all, and survive a death", async () => {
    const server = await start();
    expect(server.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ with 2 processes/);
    const workers = childPids(server.child.pid as number);
    expect(workers).toHaveLength(2);

    // Warm every process's member cache with the team as it is.
    const before = await scoresOnFreshConnections(server.url, 6);
    for (const s of before) expect(s.score).toBe(before[0]?.score);
    await until("both processes' access-log lines", () => {
      const lines = server.output().split("\n");
      return [1, 2].every((p) => lines.some((l) => l.startsWith(`p${p} GET /v1/teams/:id/score 200`)));
    });

    // A new assessment of one member, made through one process…
    const seat = before[0]?.seats.find((s) => s.memberId !== null) as { memberId: string; fit: number };
    const stens = Object.fromEntries(FACTORS.map((f) => [f, 1]));
    const created = await once(server.url, "POST", `/v1/cadres/${seat.memberId}/assessments`, {
      id: "a-processes",
      takenOn: "2026-11-20",
      stens,
    });
    expect(created.status).toBe(201);
    // …is what every process scores next.
    const after = await scoresOnFreshConnections(server.url, 6);
    for (const s of after) {
      expect(s.score).toBe(after[0]?.score);
      expect(s.seats.find((x) => x.memberId === seat.memberId)?.fit).not.toBe(seat.fit);
    }
    expect(after[0]?.score).not.toBe(before[0]?.score);

    // A process killed outright is replaced, and the service keeps answering.
    const victim = workers[0] as number;
    process.kill(victim, "SIGKILL");
    await until("the replacement", () => /process \d is listening again/.test(server.output()));
    expect(server.output()).toMatch(/process \d exited \(signal SIGKILL\); starting another/);
    const replaced = childPids(server.child.pid as number);
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(victim);
    for (const s of await scoresOnFreshConnections(server.url, 4)) expect(s.score).toBe(after[0]?.score);

    // Writes through both processes (each on its own connection; the same stens, so no score moves)…
    const later = ["a-later-1", "a-later-2", "a-later-3", "a-later-4"];
    for (const [i, id] of later.entries()) {
      const res = await once(server.url, "POST", `/v1/cadres/${seat.memberId}/assessments`, {
        id,
        takenOn: `2026-11-2${i + 1}`,
        stens,
      });
      expect(res.status).toBe(201);
    }
    // …then SIGTERM to the primary stops every process cleanly. Every answered change has its audit
    // event on disk, the one made before a process was killed outright too (only read events wait
    // in a queue).
    expect(await stopNodeServer(server.child)).toBe(0);
    for (const pid of replaced) expect(alive(pid)).toBe(false);
    const { db, client } = openNodeDb(databaseUrl);
    try {
      const rows = await db.values<[string, string]>(
        sql`select object_type, object_ids from audit_events where action = 'create'`,
      );
      for (const id of ["a-processes", ...later])
        expect(rows.some((r) => r[0] === "assessment" && r[1].includes(`"${id}"`))).toBe(true);
    } finally {
      client.close();
    }
  }, 120_000);

  it("fails the start, instead of restarting forever, when the processes cannot listen", async () => {
    const taken = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => taken.once("listening", resolve));
    const address = taken.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      await expect(start({ PORT: String(port) })).rejects.toThrow(
        /exited with 1:[\s\S]*could not start: process \d exited \(code 1\) before it listened/,
      );
    } finally {
      taken.close();
    }
  }, 120_000);

  it("refuses a bad BANZI_PROCESSES with a message naming it", async () => {
    for (const value of ["0", "65", "two", "1.5"])
      await expect(start({ BANZI_PROCESSES: value })).rejects.toThrow(
        /BANZI_PROCESSES: must be auto or a whole number from 1 to 64/,
      );
    await expect(start({ DATABASE_URL: "file::memory:" })).rejects.toThrow(
      /BANZI_PROCESSES: several processes need a shared database/,
    );
  }, 120_000);
});
