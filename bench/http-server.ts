/**
 * The servers the HTTP benchmark drives, in a process of their own so that the load generator does
 * not share their event loop: banzi (embedded file database with the demo city) and, for reference,
 * Hono's own JSON echo on @hono/node-server. Prints one JSON line with both URLs when ready.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { startNode } from "../src/node";

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
      cpu: `http://127.0.0.1:${cpuPort}`,
      dir,
      token,
    }),
  );
});
process.on("SIGTERM", () => {
  cpu.close();
  echoServer.close();
  banzi.close().then(() => process.exit(0));
});
