/**
 * The one module that reads environment variables: each runtime's settings as one zod schema,
 * parsed once at start (Node) or at `fetch` (worker). A bad setting stops the start with a message
 * naming it, instead of a failure on the first request.
 */
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** A comma-separated list of origins (`https://host[:port]`), none when empty. */
const OriginList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ }).max(200)).max(50));

/**
 * A bootstrap admin token: stored (as its hash) on the first start, when no token exists yet. At
 * least 32 characters — generate one with `npm run token -- generate`.
 */
const AdminToken = z.string().min(32, "must be at least 32 characters (npm run token -- generate)").max(512);

/** Settings of authentication and hardening, the same on both runtimes. */
const securityEnv = {
  BANZI_ADMIN_TOKEN: AdminToken.optional(),
  /** Serve /docs and /openapi.json without a token (default false). */
  BANZI_PUBLIC_DOCS: booleanFlag.default(false),
  /** Origins allowed to call the API from a browser (CORS), comma-separated; none by default. */
  BANZI_CORS_ORIGINS: OriginList,
  /**
   * Where users reach the server (`https://banzi.example.gov.cn`): an https URL makes the session
   * cookie `Secure`, an http one does not. Unset: Secure unless the server listens on loopback.
   */
  BANZI_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  /**
   * A reverse proxy in front sets X-Forwarded-For and X-Forwarded-Proto (default false): the
   * client's address (per-address limits) and scheme (the cookie's Secure flag) are read from them.
   */
  BANZI_TRUST_PROXY: booleanFlag.default(false),
};

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * Whether session cookies are `Secure`, from the settings alone (never a request's Host header):
 * `BANZI_PUBLIC_URL`'s scheme when set; otherwise Secure unless the server listens on loopback only
 * (plain-HTTP development with `npm start`).
 *
 * @example
 * ```ts
 * secureCookies({ BANZI_PUBLIC_URL: "https://banzi.example" }); // true
 * secureCookies({ HOST: "127.0.0.1" });                          // false
 * ```
 */
export function secureCookies(env: { BANZI_PUBLIC_URL?: string | undefined; HOST?: string }): boolean {
  if (env.BANZI_PUBLIC_URL) return env.BANZI_PUBLIC_URL.startsWith("https:");
  return env.HOST === undefined || !LOOPBACK_HOSTS.has(env.HOST);
}

const LibsqlUrl = z
  .string()
  .regex(
    /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/,
    "must start with file:, libsql://, http(s):// or ws(s)://",
  );

export const NodeEnvSchema = z
  .object({
    /** 0 picks a free port (tests and benchmarks). */
    PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: LibsqlUrl.default("file:data/banzi.db"),
    DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
    /** Load the demo city into an empty database on start (default true). */
    BANZI_DEMO: booleanFlag.default(true),
    /** One line per request on stdout: method, route, status, time, request id (no bodies, no values). */
    BANZI_ACCESS_LOG: booleanFlag.default(true),
    /** Requests per second per token (token bucket, burst 4×); 0 turns the in-process limit off. */
    BANZI_RATE_LIMIT: z.coerce.number().min(0).max(1_000_000).default(50),
    /**
     * Server processes sharing the port (node:cluster): a whole number up to 64, or `auto` for one per
     * CPU core. Default 1.
     */
    BANZI_PROCESSES: z
      .string()
      .default("1")
      .refine((v) => v === "auto" || (/^[1-9][0-9]?$/.test(v) && Number(v) <= 64), {
        message: "must be auto or a whole number from 1 to 64",
      })
      .transform((v) => (v === "auto" ? ("auto" as const) : Number(v))),
    /** Set by the primary for each of its server processes (1…BANZI_PROCESSES); not for operators. */
    BANZI_PROCESS_SLOT: z.coerce.number().int().min(1).max(64).optional(),
    /**
     * Worker threads that run searches, exchange plans, re-ranks and large score batches off the
     * event loop (src/compute/pool.ts): a whole number up to 64, or `auto` (default) for one less
     * than the CPU cores (at least 1), leaving a core to the event loop. Per server process.
     */
    BANZI_COMPUTE_THREADS: z
      .string()
      .default("auto")
      .refine((v) => v === "auto" || (/^[1-9][0-9]?$/.test(v) && Number(v) <= 64), {
        message: "must be auto or a whole number from 1 to 64",
      })
      .transform((v) => (v === "auto" ? ("auto" as const) : Number(v))),
    /**
     * A request's deadline (ms): past it its compute is cancelled and a write not yet committed is
     * refused (503, nothing stored); a write that committed is answered with its success.
     */
    BANZI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    ...securityEnv,
  })
  .superRefine((env, ctx) => {
    // Several processes must share one database: an in-memory one would be a different one in each.
    if (env.BANZI_PROCESSES !== 1 && env.DATABASE_URL.startsWith("file::memory:"))
      ctx.addIssue({
        code: "custom",
        path: ["BANZI_PROCESSES"],
        message: "several processes need a shared database; file::memory: is one per process",
      });
  });

export type NodeEnv = z.infer<typeof NodeEnvSchema>;

export const WorkerEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(libsql:\/\/|https?:\/\/)/, "the worker reaches libSQL over HTTP: libsql:// or http(s)://"),
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  ...securityEnv,
});

export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

/** Parses an environment, throwing one error that lists every bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`Invalid environment: ${problems}`);
}
