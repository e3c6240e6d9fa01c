import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../db/client";
import type { RateLimiter } from "./auth/rate-limit";
import type { Compute } from "./compute/types";
import type { JobNotifier } from "./jobs/types";
import type { AuditSink } from "./services/audit";

/** The clock is injected so that tests (and scoring) never read the wall clock directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Settings the app needs, whatever runtime it is in. */
export interface AppConfig {
  /** Largest request body accepted (bytes) on ordinary routes. */
  maxBodyBytes: number;
  /** Largest body of `POST /v1/score` (batches of thousands of teams). */
  maxBatchBodyBytes: number;
  /** Largest body of `POST /v1/imports` (a round of test results as CSV or JSON). */
  maxImportBodyBytes: number;
  /** `/docs` and `/openapi.json` without a token (false by default: any valid token reads them). */
  publicDocs: boolean;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins: string[];
  /**
   * A request's deadline (ms): past it, its compute is cancelled and a write not yet committed is
   * refused — the request is answered 503 with nothing stored. A write that did commit is answered
   * with its success, however late (never a 503 over a commit).
   */
  requestTimeoutMs: number;
  /** Per-token rate limit on Node (token bucket); null for none. */
  rateLimit: { perSecond: number; burst: number } | null;
  /**
   * Per-address limit on requests that carry no credentials the app already knows, and on refused
   * ones (401, 403): what someone without a token may send (and add to the audit trail). Only
   * applied where the client's address is known (see `AppDeps.clientAddress`); null for none.
   */
  anonymousRateLimit: { perSecond: number; burst: number } | null;
  /** Whether the session cookie is `Secure` (from BANZI_PUBLIC_URL or the listening host). */
  secureCookies: boolean;
  /**
   * A proxy in front sets `X-Forwarded-For` and `X-Forwarded-Proto` (BANZI_TRUST_PROXY): the
   * client's address and scheme are read from them. Off by default: a client could set them.
   */
  trustProxy: boolean;
  /**
   * Benchmarks only: serve every route without authentication, authorisation or audit, to measure
   * what they cost (`npm run load`). No environment variable sets it; only code that builds the
   * app itself can, so a deployment cannot switch authentication off by accident.
   */
  benchmarkWithoutAuth: boolean;
}

export const defaultConfig: AppConfig = {
  maxBodyBytes: 1024 * 1024,
  maxBatchBodyBytes: 32 * 1024 * 1024,
  maxImportBodyBytes: 20 * 1024 * 1024,
  publicDocs: false,
  corsOrigins: [],
  requestTimeoutMs: 30_000,
  rateLimit: { perSecond: 50, burst: 200 },
  anonymousRateLimit: { perSecond: 2, burst: 60 },
  secureCookies: true,
  trustProxy: false,
  benchmarkWithoutAuth: false,
};

/**
 * Everything `createApp` needs from outside. `db` is either one database for the process (Node) or
 * a function that opens one for a request (the worker, whose HTTP connections must not outlive it).
 */
export interface AppDeps {
  db: Db | ((c: Context) => Db);
  clock?: Clock;
  config?: Partial<AppConfig>;
  /** Serves static files (Node); the worker's `[assets]` serve them before the app is reached. */
  staticFiles?: MiddlewareHandler;
  /** Receives one access-log line per request (method, route, status, time; never bodies or values). */
  log?: (line: string) => void;
  /** Generates ids; injected so tests can make them predictable. */
  newId?: () => string;
  /** Whatever runs background jobs here (Node: the in-process runner; worker: a Queue): told of queued jobs. */
  jobs?: JobNotifier | ((c: Context) => JobNotifier | undefined);
  /** Where CPU-bound work runs (Node: the thread pool of src/compute/pool.ts); inline by default. */
  compute?: Compute;
  /** Where audit events go: by default each request writes its own before answering. */
  audit?: AuditSink;
  /**
   * A per-request rate limiter (the worker's Rate Limiting binding); by default the in-process
   * token buckets of `config.rateLimit`.
   */
  rateLimiter?: (c: Context) => RateLimiter | undefined;
  /**
   * The per-address limiter of unauthenticated and refused requests (the worker's binding); by
   * default in-process token buckets of `config.anonymousRateLimit`.
   */
  addressLimiter?: (c: Context) => RateLimiter | undefined;
  /** The client's address (the worker: `CF-Connecting-IP`); by default Node's socket peer. */
  clientAddress?: (c: Context) => string | undefined;
}

/** What a request handler and a service get. */
export interface RequestServices {
  db: Db;
  clock: Clock;
  newId: () => string;
  /** Told of jobs queued by the request (after their commit); absent where nothing runs jobs. */
  jobs?: JobNotifier | undefined;
  /** Where CPU-bound work runs (src/compute); inline when absent. */
  compute?: Compute | undefined;
  /** The request's deadline (API routes); absent for jobs and commands. */
  deadline?: RequestDeadline | undefined;
}

/** A request's deadline as services see it (see `deadlines` in src/auth/timeout.ts). */
export interface RequestDeadline {
  /** Aborted once the deadline passes; its reason is the 503 problem to answer with. */
  signal: AbortSignal;
  /** Throws that 503 problem if the deadline has passed (by the clock, whether or not a timer ran). */
  check: () => void;
}
