/**
 * The servers the HTTP benchmark drives, in a process of their own so that the load generator does
 * not share their event loop: banzi (embedded file database with the demo city) and, for reference,
 * Hono's own JSON echo on @hono/node-server. Prints one JSON line with their URLs when ready.
 *
 * Two reference routes bound what a single-team answer can reach: they parse the request body and
 * answer with banzi's own answer to it, computed once before the run — with no scoring at all — one
 * on bare Hono beside the echo, one behind banzi's middleware (token, role, rate limit, audit,
 * deadline, body limit, headers) in an app made by `createApp`, as `src/node.ts` makes it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { openNodeDb } from "../db/node";
import { createApp } from "../src/app";
import { startNode } from "../src/node";
import { AuditQueue } from "../src/services/audit";
import { inlineTeam } from "./http";

const dir = mkdtempSync(join(tmpdir(), "banzi-bench-"));
// The API answers only with a token: a fresh bootstrap admin token for this run.
const token = randomBytes(32).toString("base64url");
const banzi = await startNode({
  PORT: "0",
  HOST: "127.0.0.1",
  DATABASE_URL: `file:${join(dir, "bench.db")}`,
  BANZI_DEMO: "true",
  BANZI_ACCESS_LOG: "false",
  BANZI_ADMIN_TOKEN: token,
  // Throughput is what is measured here: the per-token limit is set out of the way.
  BANZI_RATE_LIMIT: "1000000",
});
const echo = new Hono().post("/echo", async (c) => c.json(await c.req.json()));

// banzi's answers to the single-team bodies the benchmark sends, full and summary, asked once.
const answer = async (body: object) => {
  const res = await fetch(`${banzi.url}/v1/score`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST /v1/score answered ${res.status}`);
  return (await res.json()) as object;
};
const answers = {
  full: await answer(inlineTeam(1)),
  summary: await answer({ ...inlineTeam(1), detail: "summary" }),
};
const noScoring = (kind: keyof typeof answers) => async (c: Context) => {
  await c.req.json();
  return c.json(answers[kind]);
};
echo.post("/answer/full", noScoring("full")).post("/answer/summary", noScoring("summary"));
const { db } = openNodeDb(`file:${join(dir, "bench.db")}`);
const audit = new AuditQueue(db, {
  intervalMs: 1000,
  maxQueued: 5000,
  onError: (error) => console.error("bench: audit write failed", error),
});
const behind = createApp({ db, audit, config: { rateLimit: { perSecond: 1_000_000, burst: 4_000_000 } } });
// Not declared in src/auth/route-roles.ts: admin only, which the benchmark's token is.
behind.post("/v1/answer/full", noScoring("full")).post("/v1/answer/summary", noScoring("summary"));
const behindServer = serve({ fetch: behind.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => behindServer.once("listening", resolve));
// This process's CPU time (user + system, µs), for CPU per request: steadier than requests/s on a
// shared machine, where the load generator and other work take turns with the server.
const cpu = createServer((_req, res) => {
  const used = process.cpuUsage();
  res.end(String(used.user + used.system));
}).listen(0, "127.0.0.1");
await new Promise((resolve) => cpu.once("listening", resolve));
const cpuPort = (cpu.address() as AddressInfo).port;
const echoServer = serve({ fetch: echo.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  console.log(
    JSON.stringify({
      banzi: banzi.url,
      echo: `http://127.0.0.1:${info.port}`,
      middleware: `http://127.0.0.1:${(behindServer.address() as AddressInfo).port}`,
      cpu: `http://127.0.0.1:${cpuPort}`,
      dir,
      token,
    }),
  );
});
process.on("SIGTERM", () => {
  cpu.close();
  echoServer.close();
  behindServer.close();
  banzi.close().then(() => process.exit(0));
});
