/**
 * Worker entry (Cloudflare Workers or self-hosted workerd): the same app against a libSQL server
 * over HTTP. Migrations are applied from Node (`npm run db:migrate -- --url …`), never from here.
 */
import type { Context, ExecutionContext } from "hono";
import { openWebDb } from "../db/web";
import { createApp } from "./app";
import { parseEnv, type WorkerEnv, WorkerEnvSchema } from "./env";
import { ApiError, problemResponse } from "./lib/problem";

/** The bindings the app reads: the parsed env, set at `fetch`. */
interface Bindings {
  banzi: WorkerEnv;
}

// A new client per request: HTTP streams to the server expire between requests ("invalid baton").
const app = createApp({
  db: (c: Context) => {
    const env = (c.env as Bindings).banzi;
    return openWebDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  },
});

// The env object of an isolate is stable; parse it once per object, not per request.
const parsed = new WeakMap<object, WorkerEnv>();

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    let banzi = parsed.get(env);
    if (!banzi) {
      try {
        banzi = parseEnv(WorkerEnvSchema, env);
      } catch (error) {
        const detail = error instanceof Error ? error.message : "Invalid environment.";
        return problemResponse(new ApiError("unavailable", `The worker is misconfigured. ${detail}`));
      }
      parsed.set(env, banzi);
    }
    return app.fetch(request, { ...env, banzi }, ctx);
  },
};
