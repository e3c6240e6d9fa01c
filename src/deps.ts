import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../db/client";

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
  /** Serve `/docs` and `/openapi.json` (true by default). */
  publicDocs: boolean;
}

export const defaultConfig: AppConfig = {
  maxBodyBytes: 1024 * 1024,
  maxBatchBodyBytes: 32 * 1024 * 1024,
  maxImportBodyBytes: 20 * 1024 * 1024,
  publicDocs: true,
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
}

/** What a request handler and a service get. */
export interface RequestServices {
  db: Db;
  clock: Clock;
  newId: () => string;
}
