/**
 * Heavy work never stalls the API (issue 15): `npm start`'s server runs searches in its compute
 * threads, so `/health` and `GET /v1/cadres/{id}` keep answering while synchronous 2 s searches run
 * and while a job resumed after a crash runs; and SIGTERM stops it at once — the running job is
 * cancelled and queued again, and the next start resumes it. No timings are asserted (the machine is shared): the answers' order is.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNodeDb } from "../../db/node";
import { type NodeServer, startNodeServer, stopNodeServer } from "../support/node-server";

const dir = mkdtempSync(join(tmpdir(), "banzi-offthread-"));
const databaseUrl = `file:${join(dir, "banzi.db")}`;
const ADMIN_TOKEN = "offthread-test-admin-token-0123456789abcdef";
// No per-token rate limit: the reads below are sent back to back, as fast as the server answers them
// (on an idle machine, hundreds a second), and this test is about answering, not limiting.
const env = {
  DATABASE_URL: databaseUrl,
  BANZI_ADMIN_TOKEN: ADMIN_TOKEN,
  BANZI_ACCESS_LOG: "false",
  BANZI_RATE_LIMIT: "0",
};
const agent = new Agent({ keepAlive: true });
let server: NodeServer;

beforeAll(async () => {
  server = await startNodeServer(env);
}, 120_000);

afterAll(() => {
  agent.destroy();
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function call(url: string, method: string, path: string, body?: unknown) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      agent,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
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

/** The search: T-XJ03 with seats 1–10 vacated and a 2 s budget (answered at once, not queued). */
const search = (extra: Record<string, unknown> = {}) => ({
  teamId: "T-XJ03",
  vacate: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  budget: { milliseconds: 2_000 },
  robustnessSamples: 0,
  ...extra,
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("compute off the request thread", () => {
  it("answers /health and GET /v1/cadres/{id} while synchronous searches run", async () => {
    let searchesDone = 0;
    const searches = [search({ seed: 1 }), search({ seed: 2 })].map((body) =>
      call(server.url, "POST", "/v1/suggestions", body).then((res) => {
        searchesDone++;
        return res;
      }),
    );
    // Reads one after another until the first search answers: each one answered while no search
    // had finished. A search on the event loop would hold them all until it ended (2 s of budget).
    const answered: { path: string; status: number }[] = [];
    while (searchesDone === 0) {
      for (const path of ["/health", "/v1/cadres/C0001"]) {
        const res = await call(server.url, "GET", path);
        if (searchesDone === 0) answered.push({ path, status: res.status });
      }
    }
    for (const res of await Promise.all(searches)) {
      expect(res.status).toBe(201);
      expect((res.json as { suggestions: unknown[] }).suggestions.length).toBeGreaterThan(0);
    }
    expect(answered.filter((a) => a.status !== 200)).toEqual([]);
    expect(answered.filter((a) => a.path === "/health").length).toBeGreaterThanOrEqual(3);
    expect(answered.filter((a) => a.path === "/v1/cadres/C0001").length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it("stops on SIGTERM with the running job queued again; the next start, and one after a crash, resume it", async () => {
    // A job with 20 s of budget (the most a request may ask): only a cancelled job can be back in the queue when the process is gone.
    const accepted = await call(
      server.url,
      "POST",
      "/v1/suggestions",
      search({ budget: { milliseconds: 20_000 } }),
    );
    expect(accepted.status).toBe(202);
    const jobId = (accepted.json as { jobId: string }).jobId;
    await until("the job to be searching", async () => {
      const job = (await call(server.url, "GET", `/v1/jobs/${jobId}`)).json as {
        status: string;
        progress: { done: number };
      };
      return job.status === "running" && job.progress.done > 0 ? job : undefined;
    });
    const stopping = performance.now();
    expect(await stopNodeServer(server.child)).toBe(0);
    // Printed for the record, not asserted (the machine is shared); the issue asks for ≤ 5 s.
    console.log(`SIGTERM to exit: ${((performance.now() - stopping) / 1000).toFixed(2)} s`);

    const jobRow = async () => {
      const { db, client } = openNodeDb(databaseUrl);
      try {
        const [row] = await db.all<{ status: string; attempts: number; error: string | null }>(
          sql`select status, attempts, error from jobs where id = ${jobId}`,
        );
        const [stored] = await db.all<{ n: number }>(
          sql`select count(*) as n from suggestion_requests where id = ${jobId}`,
        );
        return { ...row, stored: stored?.n };
      } finally {
        client.close();
      }
    };
    expect(await jobRow()).toMatchObject({ status: "queued", attempts: 1, stored: 0 });
    expect((await jobRow()).error).toMatch(/^interrupted/);

    // The next start claims it at once (no lease to wait for) and searches again.
    server = await startNodeServer(env);
    const resumed = await until("the job to resume", async () => {
      const job = (await call(server.url, "GET", `/v1/jobs/${jobId}`)).json as {
        status: string;
        attempts: number;
      };
      return job.status === "running" && job.attempts === 2 ? job : undefined;
    });
    expect(resumed).toMatchObject({ status: "running", attempts: 2 });

    // A crash (SIGKILL) mid-search, then a start once its lease has passed (set so here rather
    // than waited for): the resumed job searches while the server answers.
    server.child.kill("SIGKILL");
    await new Promise((resolve) => server.child.once("exit", resolve));
    {
      const { db, client } = openNodeDb(databaseUrl);
      await db.run(sql`update jobs set lease_until = '2000-01-01T00:00:00.000Z' where id = ${jobId}`);
      client.close();
    }
    server = await startNodeServer(env);
    const jobNow = async () =>
      (await call(server.url, "GET", `/v1/jobs/${jobId}`)).json as { status: string; attempts: number };
    await until("the job to resume after the crash", async () => {
      const job = await jobNow();
      return job.status === "running" && job.attempts === 3 ? job : undefined;
    });
    let answers = 0;
    for (let i = 0; i < 5; i++) if ((await call(server.url, "GET", "/health")).status === 200) answers++;
    expect(answers).toBe(5);
    // Still searching after those answers: they came while it ran.
    expect(await jobNow()).toMatchObject({ status: "running", attempts: 3 });
    expect(await stopNodeServer(server.child)).toBe(0);
    expect(await jobRow()).toMatchObject({ status: "queued", attempts: 3, stored: 0 });
  }, 240_000);
});
