import { createApp } from "../../src/app";
import type { Role } from "../../src/auth/roles";
import type { AppConfig, AppDeps, Clock } from "../../src/deps";
import { createToken } from "../../src/services/tokens";
import { tempDb } from "./db";

/** A fixed clock, so timestamps in responses are predictable. */
export const fixedClock: Clock = { now: () => new Date("2026-11-25T08:00:00.000Z") };

export const ROLES: readonly Role[] = ["admin", "staff", "scorer", "auditor"];

export interface TestAppOptions {
  config?: Partial<AppConfig>;
  clock?: Clock;
  audit?: AppDeps["audit"];
  /** What runs jobs (default none: tests run jobs themselves). */
  jobs?: AppDeps["jobs"];
}

/** JSON helpers for `app.request()` carrying one set of default headers (e.g. a role's token). */
function client(app: ReturnType<typeof createApp>, defaults: Record<string, string>) {
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: {
        ...defaults,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  return {
    get: (path: string, headers?: Record<string, string>) => send("GET", path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      send("POST", path, body, headers),
    patch: (path: string, body?: unknown, headers?: Record<string, string>) =>
      send("PATCH", path, body, headers),
    put: (path: string, body?: unknown, headers?: Record<string, string>) => send("PUT", path, body, headers),
    del: (path: string, headers?: Record<string, string>) => send("DELETE", path, undefined, headers),
    send,
  };
}

/**
 * The app on a fresh temporary database, with JSON helpers for `app.request()`. Requests carry an
 * admin token unless they set their own `authorization`; `as(role)` sends another role's token and
 * `anonymous` none. Rate limits are off (tests send bursts); tests of the limiter turn them on.
 */
export async function testApp(options: TestAppOptions = {}) {
  const database = await tempDb();
  let counter = 0;
  const clock = options.clock ?? fixedClock;
  const app = createApp({
    db: database.db,
    clock,
    newId: () => `id-${++counter}`,
    config: { rateLimit: null, ...options.config },
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  });
  const tokens = {} as Record<Role, { id: string; token: string }>;
  for (const role of ROLES) {
    const created = await createToken({ db: database.db, clock }, { role, name: `test ${role}` });
    tokens[role] = { id: created.id, token: created.token };
  }
  const bearer = (role: Role) => ({ authorization: `Bearer ${tokens[role].token}` });
  const as = (role: Role) => client(app, bearer(role));
  return {
    app,
    db: database.db,
    /** The database's URL (a command-line tool in a child process can open the same file). */
    url: database.url,
    close: database.close,
    /** Each role's token and its id. */
    tokens,
    bearer,
    as,
    anonymous: client(app, {}),
    ...client(app, bearer("admin")),
  };
}

export type TestApp = Awaited<ReturnType<typeof testApp>>;

/** Asserts an RFC 9457 problem and returns its body. */
export async function problem(res: Response) {
  if (!res.headers.get("content-type")?.startsWith("application/problem+json"))
    throw new Error(
      `expected problem+json, got ${res.status} ${res.headers.get("content-type")}: ${await res.text()}`,
    );
  return (await res.json()) as {
    status: number;
    code: string;
    detail: string;
    field?: string;
    errors?: { field: string; code: string; message: string }[];
  };
}
