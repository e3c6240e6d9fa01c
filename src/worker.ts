/**
 * Worker entry (Cloudflare Workers or self-hosted workerd): the same app against a libSQL server
 * over HTTP. Migrations are applied from Node (`npm run db:migrate -- --url …`), never from here.
 */
import type { Context, ExecutionContext } from "hono";
import { openWebDb } from "../db/web";
import { createApp } from "./app";
import { parseEnv, secureCookies, type WorkerEnv, WorkerEnvSchema } from "./env";
import {
  consumeJobMessages,
  type JobMessage,
  type JobQueue,
  queueNotifier,
  sweepJobs,
} from "./jobs/worker-jobs";
import { ApiError, problemResponse } from "./lib/problem";
import { ensureBootstrapAdmin } from "./services/tokens";

/** The bindings the app reads: the parsed env, set at `fetch`. */
interface Bindings {
  banzi: WorkerEnv;
}

/** The Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml), when bound. */
interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** The app for one parsed env (its settings come from the env, read once per isolate). */
function appFor(env: WorkerEnv) {
  return createApp({
    // A new client per request: HTTP streams to the server expire between requests ("invalid baton").
    db: (c: Context) => {
      const banzi = (c.env as Bindings).banzi;
      return openWebDb(banzi.DATABASE_URL, banzi.DATABASE_AUTH_TOKEN);
    },
    config: {
      publicDocs: env.BANZI_PUBLIC_DOCS,
      corsOrigins: env.BANZI_CORS_ORIGINS,
      rateLimit: null,
      // A worker is reached over HTTPS unless BANZI_PUBLIC_URL says otherwise (self-hosted workerd).
      secureCookies: secureCookies(env),
      trustProxy: env.BANZI_TRUST_PROXY,
    },
    // Cloudflare sets CF-Connecting-IP (a client cannot); self-hosted workerd behind a proxy that
    // sets X-Forwarded-For: BANZI_TRUST_PROXY.
    clientAddress: (c) =>
      c.req.header("cf-connecting-ip") ??
      (env.BANZI_TRUST_PROXY ? c.req.header("x-forwarded-for")?.split(",").pop()?.trim() : undefined),
    // Unauthenticated and refused requests per address, across isolates (when bound).
    addressLimiter: (c) => {
      const binding = (c.env as { BANZI_ANON_RATE_LIMITER?: RateLimitBinding }).BANZI_ANON_RATE_LIMITER;
      return binding ? async (key) => (await binding.limit({ key })).success : undefined;
    },
    // Per-token limits across isolates come from the binding; an isolate's own buckets would not hold.
    // Queued jobs are announced on the JOBS queue (when bound); the queue consumer below runs them.
    jobs: (c) => {
      const queue = (c.env as { JOBS?: JobQueue }).JOBS;
      return queue ? queueNotifier(queue) : undefined;
    },
    rateLimiter: (c) => {
      const binding = (c.env as { BANZI_RATE_LIMITER?: RateLimitBinding }).BANZI_RATE_LIMITER;
      return binding ? async (key) => (await binding.limit({ key })).success : undefined;
    },
  });
}

// The env object of an isolate is stable; parse it (and build the app) once per object, not per request.
const parsed = new WeakMap<
  object,
  { env: WorkerEnv; app: ReturnType<typeof appFor>; ready: Promise<void> }
>();

/** Stores BANZI_ADMIN_TOKEN as the bootstrap admin when no token exists yet (once per isolate). */
async function bootstrap(env: WorkerEnv): Promise<void> {
  if (!env.BANZI_ADMIN_TOKEN) return;
  await ensureBootstrapAdmin(
    openWebDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN),
    env.BANZI_ADMIN_TOKEN,
    new Date(),
  );
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    let entry = parsed.get(env);
    if (!entry) {
      let banzi: WorkerEnv;
      try {
        banzi = parseEnv(WorkerEnvSchema, env);
      } catch (error) {
        const detail = error instanceof Error ? error.message : "Invalid environment.";
        return problemResponse(new ApiError("unavailable", `The worker is misconfigured. ${detail}`));
      }
      entry = { env: banzi, app: appFor(banzi), ready: bootstrap(banzi) };
      parsed.set(env, entry);
    }
    try {
      await entry.ready;
    } catch {
      parsed.delete(env);
      return problemResponse(new ApiError("unavailable", "The database could not be reached; try again."));
    }
    return entry.app.fetch(request, { ...env, banzi: entry.env }, ctx);
  },

  /** Queue consumer of `JOBS`: runs the jobs its messages name (see src/jobs/worker-jobs.ts). */
  async queue(batch: { messages: readonly JobMessage[] }, env: Record<string, unknown>): Promise<void> {
    const banzi = parseEnv(WorkerEnvSchema, env);
    await consumeJobMessages(openWebDb(banzi.DATABASE_URL, banzi.DATABASE_AUTH_TOKEN), batch.messages);
  },

  /** Cron trigger (`[triggers] crons`): runs jobs no message announced, and resumes interrupted ones. */
  async scheduled(_controller: unknown, env: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    const banzi = parseEnv(WorkerEnvSchema, env);
    ctx.waitUntil(sweepJobs(openWebDb(banzi.DATABASE_URL, banzi.DATABASE_AUTH_TOKEN)).then(() => undefined));
  },
};
