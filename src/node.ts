/**
 * Node entry: the embedded libSQL file (default `data/banzi.db`), migrations at start, the demo city
 * on first start, and the app on `PORT` (8787). `npm start` runs this file.
 */
import cluster from "node:cluster";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../db/client";
import { migrateDb, openNodeDb } from "../db/node";
import { isEmpty, loadDemoCity } from "../db/seed/load";
import { createApp, describeForLog } from "./app";
import { ComputePool } from "./compute/pool";
import { systemClock } from "./deps";
import { type NodeEnv, NodeEnvSchema, parseEnv, secureCookies } from "./env";
import { InProcessRunner } from "./jobs/in-process";
import { SWAGGER_ASSETS } from "./lib/docs-page";
import { compressedStatic } from "./lib/static-files";
import { runPrimary, runServerProcess, type ServerProcess } from "./processes";
import { AuditQueue } from "./services/audit";
import { anyToken, createToken, ensureBootstrapAdmin } from "./services/tokens";

const swaggerRoot = fileURLToPath(new URL("../node_modules/swagger-ui-dist", import.meta.url));
const echartsRoot = fileURLToPath(new URL("../node_modules/echarts/dist", import.meta.url));
/** Where the page loads Apache ECharts from (scripts/sync-assets.mjs copies it there for the worker). */
const ECHARTS_ASSETS = "/vendor/echarts";
const publicRoot = fileURLToPath(new URL("../public", import.meta.url));

/** Static files: the page in `public/`, and Swagger UI's and ECharts' files from the installed packages. */
function staticFiles(): MiddlewareHandler {
  const swagger = serveStatic({
    root: swaggerRoot,
    rewriteRequestPath: (path) => path.slice(SWAGGER_ASSETS.length),
  });
  const echarts = serveStatic({
    root: echartsRoot,
    rewriteRequestPath: (path) => path.slice(ECHARTS_ASSETS.length),
  });
  const page = serveStatic({ root: publicRoot });
  return async (c: Context, next) => {
    if (c.req.path.startsWith(`${SWAGGER_ASSETS}/`)) return swagger(c, next);
    if (c.req.path === `${ECHARTS_ASSETS}/echarts.min.js`) return echarts(c, next);
    return page(c, next);
  };
}

export type RunningServer = ServerProcess;

/**
 * On the first start of a demo database (the city just loaded into an empty `file:` database and no
 * token given), so that `npm start` alone gives a page one can sign in to: an admin token is made and
 * written next to the database, readable by its owner only — never printed. Returns the file.
 */
async function writeDemoAdminToken(db: Parameters<typeof anyToken>[0], url: string): Promise<string | null> {
  if (!url.startsWith("file:")) return null;
  const file = join(dirname(url.slice("file:".length).split("?")[0] ?? ""), "demo-admin-token.txt");
  const { token } = await createToken(
    { db, clock: systemClock },
    { role: "admin", name: "demo admin (first start)" },
  );
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}

/**
 * What happens once per database before serving: migrations, the demo city into an empty database,
 * and the first admin token. With several server processes the primary does it before forking them.
 */
export async function prepareDatabase(db: Db, env: NodeEnv): Promise<void> {
  await migrateDb(db);
  let demoLoaded = false;
  if (env.BANZI_DEMO && (await isEmpty(db))) {
    const loaded = await loadDemoCity(db, systemClock.now());
    demoLoaded = true;
    console.log(
      `banzi: loaded the demo city (${loaded.regions} regions, ${loaded.cadres} cadres, ${loaded.teams} teams, ${loaded.assessments} assessments)`,
    );
  }
  if (env.BANZI_ADMIN_TOKEN && (await ensureBootstrapAdmin(db, env.BANZI_ADMIN_TOKEN, systemClock.now())))
    console.log("banzi: stored BANZI_ADMIN_TOKEN as the bootstrap admin token (id 'bootstrap')");
  else if (!env.BANZI_ADMIN_TOKEN && !(await anyToken(db))) {
    const file = demoLoaded ? await writeDemoAdminToken(db, env.DATABASE_URL) : null;
    console.log(
      file
        ? `banzi: created an admin token for the demo and wrote it to ${file} (readable only by you): sign in with it`
        : "banzi: no API token exists yet: set BANZI_ADMIN_TOKEN or run `npm run token -- create --role admin`",
    );
  }
}

/**
 * Serves the app from a prepared database: its audit queue, its job runner and the HTTP server.
 * One of several processes (BANZI_PROCESS_SLOT set) starts its access-log lines with `p<slot>`.
 */
export async function serveNode(
  env: NodeEnv,
  opened = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN),
): Promise<RunningServer> {
  const { db, client } = opened;
  const slot = env.BANZI_PROCESS_SLOT;
  // Reads' audit events are written in batches (one insert a second or per 5,000 events), and at
  // shutdown; a change's event before the change is answered.
  const audit = new AuditQueue(db, {
    intervalMs: 1000,
    maxQueued: 5000,
    onError: (error) => console.error(`banzi: audit write failed: ${describeForLog(error)}`),
  });
  // Background jobs run in this process; jobs left by a previous run resume once their lease passes.
  // Several processes share the queue safely: a job is claimed atomically (src/jobs/runner.ts).
  // Searches, re-ranks, exchange plans and large score batches run in these threads, not on the
  // event loop, which only parses, authorizes, reads and writes.
  const compute = new ComputePool({ threads: computeThreads(env) });
  const jobs = new InProcessRunner(db, {
    clock: systemClock,
    newId: () => crypto.randomUUID(),
    compute,
  }).start();
  const app = createApp({
    db,
    jobs,
    audit,
    compute,
    config: {
      publicDocs: env.BANZI_PUBLIC_DOCS,
      corsOrigins: env.BANZI_CORS_ORIGINS,
      requestTimeoutMs: env.BANZI_REQUEST_TIMEOUT_MS,
      secureCookies: secureCookies(env),
      trustProxy: env.BANZI_TRUST_PROXY,
      // Each process keeps its own buckets (see BANZI_PROCESSES in the README).
      rateLimit:
        env.BANZI_RATE_LIMIT > 0
          ? { perSecond: env.BANZI_RATE_LIMIT, burst: 4 * env.BANZI_RATE_LIMIT }
          : null,
    },
    staticFiles: compressedStatic(staticFiles()),
    ...(env.BANZI_ACCESS_LOG ? { log: (line: string) => console.log(slot ? `p${slot} ${line}` : line) } : {}),
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
  return {
    url,
    // Stops taking connections; the job in hand is cancelled and queued again (the next start
    // resumes it); requests still computing are cancelled (503); then the audit queue is written.
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([jobs.stop({ interrupt: true })]);
      await compute.close();
      await closed;
      await Promise.allSettled([audit.close()]);
      client.close();
    },
  };
}

/** The compute pool's size: BANZI_COMPUTE_THREADS, or one less than the cores (at least 1). */
export function computeThreads(env: Pick<NodeEnv, "BANZI_COMPUTE_THREADS">): number {
  return env.BANZI_COMPUTE_THREADS === "auto"
    ? Math.max(1, availableParallelism() - 1)
    : env.BANZI_COMPUTE_THREADS;
}

/** Opens and migrates the database, seeds the demo city when empty, and serves the app (one process). */
export async function startNode(
  rawEnv: Record<string, string | undefined> = process.env,
): Promise<RunningServer> {
  const env = parseEnv(NodeEnvSchema, rawEnv);
  const opened = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  await prepareDatabase(opened.db, env);
  return serveNode(env, opened);
}

/** `npm start`: one process, or with BANZI_PROCESSES > 1 a primary and its server processes. */
async function main(): Promise<void> {
  const env = parseEnv(NodeEnvSchema, process.env);
  if (cluster.isWorker) {
    await runServerProcess(() => serveNode(env));
    return;
  }
  const count = env.BANZI_PROCESSES === "auto" ? availableParallelism() : env.BANZI_PROCESSES;
  if (count > 1) {
    const code = await runPrimary(count, {
      prepare: async () => {
        const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
        try {
          await prepareDatabase(db, env);
        } finally {
          client.close();
        }
      },
      onListening: (url) =>
        console.log(`banzi: listening on ${url} with ${count} processes (API docs at ${url}/docs)`),
    });
    process.exit(code);
  }
  const server = await runServerProcess(() => startNode());
  console.log(`banzi: listening on ${server.url} (API docs at ${server.url}/docs)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`banzi: could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
