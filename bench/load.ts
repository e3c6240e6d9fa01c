/**
 * `npm run load [-- --case auth|offthread] [--seconds N]`: both cases unless one is named.
 *
 * Case `offthread` (bench/load-offthread.ts): `/health` and `GET /v1/cadres/{id}` latencies while
 * searches, a re-rank and an exchange plan run, and after a crash.
 *
 * Case `auth` (default 12 s per mode and route: shorter runs on a shared 2-core
 * machine scatter by ±5 %): what authentication, authorisation and the audit trail cost.
 * The same routes are driven with autocannon on 127.0.0.1 against two servers, each in a child
 * process of its own with the demo city: one as deployed (tokens, roles, rate limiter, audit queue)
 * and one built with `benchmarkWithoutAuth` — a config flag only code can set (no environment
 * variable does), so a deployment cannot turn authentication off by accident. The runs alternate
 * (off, on, off, on …) so that drift in the shared machine falls on both alike.
 *
 * Prints requests per second, p99 latency and errors per route and mode, and the cost of auth in
 * throughput; the target is ≤ 15 % and zero errors.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import { migrateDb, openNodeDb } from "../db/node";
import { loadDemoCity } from "../db/seed/load";
import { createApp } from "../src/app";
import { systemClock } from "../src/deps";
import { AuditQueue } from "../src/services/audit";
import { createToken } from "../src/services/tokens";
import { inlineTeam } from "./http";
import { offthreadCase } from "./load-offthread";

interface Ready {
  url: string;
  staff: string;
  scorer: string;
  suggestionId: string;
  dir: string;
}

/** The child: one server, with or without authentication, printing one JSON line when ready. */
async function serveOne(auth: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "banzi-load-"));
  const { db, client } = openNodeDb(`file:${join(dir, "load.db")}`);
  await migrateDb(db);
  await loadDemoCity(db, systemClock.now());
  const clock = systemClock;
  const staff = await createToken({ db, clock }, { role: "staff", name: "load staff" });
  const scorer = await createToken({ db, clock }, { role: "scorer", name: "load scorer" });
  const audit = new AuditQueue(db, {
    intervalMs: 1000,
    maxQueued: 5000,
    onError: (error) => console.error(`audit write failed: ${(error as Error).name}`),
  });
  const app = createApp({
    db,
    audit,
    // The limiter runs (its cost is part of auth) but never refuses: throughput is what is measured.
    config: { benchmarkWithoutAuth: !auth, rateLimit: { perSecond: 1e9, burst: 1e9 } },
  });
  const created = await app.request("/v1/suggestions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${staff.token}` },
    body: JSON.stringify(suggestionBody),
  });
  if (created.status !== 201)
    throw new Error(`could not store a suggestion: ${created.status} ${await created.text()}`);
  const suggestionId = ((await created.json()) as { id: string }).id;
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
    const ready: Ready = {
      url: `http://127.0.0.1:${info.port}`,
      staff: staff.token,
      scorer: scorer.token,
      suggestionId,
      dir,
    };
    console.log(JSON.stringify(ready));
  });
  process.on("SIGTERM", () => {
    server.close();
    audit.close().finally(() => {
      client.close();
      process.exit(0);
    });
  });
}

const suggestionBody = {
  teamId: "T-XJ02",
  top: 3,
  seed: 1,
  budget: { iterations: 2000 },
  robustnessSamples: 0,
};

function startChild(auth: boolean): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bench/load.ts", "--serve", auth ? "on" : "off"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`load server exited with ${code}`)));
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, ready: JSON.parse(line) as Ready });
    });
  });
}

interface Scenario {
  what: string;
  method: "GET" | "POST";
  path: (r: Ready) => string;
  token: (r: Ready) => string;
  body?: string;
  connections: number;
}

const SCENARIOS: Scenario[] = [
  {
    what: "POST /v1/score (one team, inline)",
    method: "POST",
    path: () => "/v1/score",
    token: (r) => r.scorer,
    body: JSON.stringify(inlineTeam(1)),
    connections: 10,
  },
  {
    what: "GET /v1/cadres?limit=50",
    method: "GET",
    path: () => "/v1/cadres?limit=50",
    token: (r) => r.staff,
    connections: 10,
  },
  {
    what: "POST /v1/suggestions (2,000 iterations)",
    method: "POST",
    path: () => "/v1/suggestions",
    token: (r) => r.staff,
    body: JSON.stringify(suggestionBody),
    connections: 4,
  },
  {
    what: "GET /v1/suggestions/{id}",
    method: "GET",
    path: (r) => `/v1/suggestions/${r.suggestionId}`,
    token: (r) => r.staff,
    connections: 10,
  },
];

async function drive(s: Scenario, r: Ready, seconds: number) {
  const result = await autocannon({
    url: `${r.url}${s.path(r)}`,
    method: s.method,
    headers: {
      authorization: `Bearer ${s.token(r)}`,
      ...(s.body ? { "content-type": "application/json" } : {}),
    },
    ...(s.body ? { body: s.body } : {}),
    connections: s.connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function main(seconds: number): Promise<void> {
  const off = await startChild(false);
  const on = await startChild(true);
  try {
    const rows: string[][] = [];
    let worst = 0;
    let errors = 0;
    for (const s of SCENARIOS) {
      // Warm both (JIT, caches, the token cache) before measuring.
      await drive(s, off.ready, 1);
      await drive(s, on.ready, 1);
      // ABBA order in short slices, so that drift from other load falls on both modes alike.
      const slice = Math.max(1, seconds / 4);
      const runs: Record<"off" | "on", Awaited<ReturnType<typeof drive>>[]> = { off: [], on: [] };
      for (const mode of ["off", "on", "on", "off", "off", "on", "on", "off"] as const)
        runs[mode].push(await drive(s, mode === "on" ? on.ready : off.ready, slice));
      const merge = (list: Awaited<ReturnType<typeof drive>>[]) => ({
        rps: list.reduce((n, r) => n + r.rps, 0) / list.length,
        p99: Math.max(...list.map((r) => r.p99)),
        errors: list.reduce((n, r) => n + r.errors, 0),
      });
      const without = merge(runs.off);
      const withAuth = merge(runs.on);
      const cost = (1 - withAuth.rps / without.rps) * 100;
      worst = Math.max(worst, cost);
      errors += without.errors + withAuth.errors;
      rows.push([s.what, "off", without.rps.toFixed(0), without.p99.toFixed(1), String(without.errors), ""]);
      rows.push([
        "",
        "on",
        withAuth.rps.toFixed(0),
        withAuth.p99.toFixed(1),
        String(withAuth.errors),
        `${cost.toFixed(1)} %`,
      ]);
    }
    const header = ["route", "auth", "req/s", "p99 ms", "errors", "auth cost"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
    console.log(
      `\nAuthentication + audit cost (autocannon, ${seconds} s per mode and route in 4 slices, 127.0.0.1)\n`,
    );
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(
      `\nworst cost ${worst.toFixed(1)} % (target ≤ 15 %), errors ${errors} (target 0): ${worst <= 15 && errors === 0 ? "met" : "NOT met"}`,
    );
  } finally {
    for (const { child, ready } of [off, on]) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      rmSync(ready.dir, { recursive: true, force: true });
    }
  }
}

const { values } = parseArgs({
  options: { serve: { type: "string" }, seconds: { type: "string" }, case: { type: "string" } },
  strict: true,
});
if (values.serve) await serveOne(values.serve === "on");
else {
  if (values.case === undefined || values.case === "offthread")
    await offthreadCase(Math.max(3, Number(values.seconds ?? 15)));
  if (values.case === undefined || values.case === "auth")
    await main(Math.max(2, Number(values.seconds ?? 12)));
}
