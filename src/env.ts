/**
 * The one module that reads environment variables: each runtime's settings as one zod schema,
 * parsed once at start (Node) or at `fetch` (worker). A bad setting stops the start with a message
 * naming it, instead of a failure on the first request.
 */
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const LibsqlUrl = z
  .string()
  .regex(
    /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/,
    "must start with file:, libsql://, http(s):// or ws(s)://",
  );

export const NodeEnvSchema = z.object({
  /** 0 picks a free port (tests and benchmarks). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: LibsqlUrl.default("file:data/banzi.db"),
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  /** Load the demo city into an empty database on start (default true). */
  BANZI_DEMO: booleanFlag.default(true),
  /** One line per request on stdout: method, route, status, time, request id (no bodies, no values). */
  BANZI_ACCESS_LOG: booleanFlag.default(true),
});

export type NodeEnv = z.infer<typeof NodeEnvSchema>;

export const WorkerEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(libsql:\/\/|https?:\/\/)/, "the worker reaches libSQL over HTTP: libsql:// or http(s)://"),
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
});

export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

/** Parses an environment, throwing one error that lists every bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`Invalid environment: ${problems}`);
}
