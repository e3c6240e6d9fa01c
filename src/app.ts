import type { Context } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { nodeClientAddress } from "./auth/client";
import { Credentials } from "./auth/credentials";
import { guard } from "./auth/guard";
import { IDEMPOTENCY_WAIT_MS, idempotency } from "./auth/idempotency";
import { tokenBuckets } from "./auth/rate-limit";
import { deadlines } from "./auth/timeout";
import { type AppDeps, defaultConfig, type RequestServices, systemClock } from "./deps";
import { limitBody } from "./lib/body-limit";
import { docsInitScript, docsPage } from "./lib/docs-page";
import { checkBodies } from "./lib/json-body";
import { methodNotAllowed } from "./lib/method-not-allowed";
import { ApiError } from "./lib/problem";
import { problemWithHeaders, responseHeaders } from "./lib/response-headers";
import { createRouter } from "./lib/router";
import { isBusy } from "./lib/sqlite-errors";
import { assessmentRoutes } from "./routes/assessments";
import { auditRoutes } from "./routes/audit";
import { cadreRoutes } from "./routes/cadres";
import { exchangePlanRoutes } from "./routes/exchange-plans";
import { exportRoutes } from "./routes/exports";
import { importRoutes } from "./routes/imports";
import { jobRoutes } from "./routes/jobs";
import { normRoutes } from "./routes/norms";
import { placementRoutes } from "./routes/placements";
import { postTypeRoutes } from "./routes/post-types";
import { psychometricsRoutes } from "./routes/psychometrics";
import { regionRoutes } from "./routes/regions";
import { rerankRoutes } from "./routes/rerank";
import { scoringRoutes } from "./routes/scoring";
import { scoringProfileRoutes } from "./routes/scoring-profiles";
import { sessionRoutes } from "./routes/session";
import { suggestionRoutes } from "./routes/suggestions";
import { teamRoutes } from "./routes/teams";
import { tokenRoutes } from "./routes/tokens";
import { immediateAudit } from "./services/audit";
import { announceChangeRerank } from "./services/rerank-stale";

export const API_VERSION = "0.1.0";

/** Methods that change nothing: past their deadline they are answered 503 at once. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Builds the HTTP app from its dependencies; it knows no runtime. `src/node.ts` and `src/worker.ts`
 * are the entries that give it a database.
 *
 * @example
 * ```ts
 * const app = createApp({ db });
 * const res = await app.request("/health");
 * ```
 */
export function createApp(deps: AppDeps) {
  const config = { ...defaultConfig, ...deps.config };
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const { db } = deps;
  const dbFor = typeof db === "function" ? db : () => db;

  const app = createRouter();
  const credentials = new Credentials();
  const buckets = config.rateLimit ? tokenBuckets(config.rateLimit) : undefined;
  const addressBuckets = config.anonymousRateLimit ? tokenBuckets(config.anonymousRateLimit) : undefined;
  const audit = deps.audit ?? immediateAudit;

  const deadline = deadlines(config.requestTimeoutMs);
  // Batch scoring and imports take large bodies; everything else is small.
  const bodyLimit = limitBody((path) =>
    path === "/v1/score"
      ? config.maxBatchBodyBytes
      : path === "/v1/imports"
        ? config.maxImportBodyBytes
        : config.maxBodyBytes,
  );
  // On Node one database and one job runner serve every request: their services are one object.
  const sharedServices: RequestServices | undefined =
    typeof db === "function" || typeof deps.jobs === "function"
      ? undefined
      : Object.freeze({
          db,
          clock,
          newId,
          ...(deps.jobs ? { jobs: deps.jobs } : {}),
          ...(deps.compute ? { compute: deps.compute } : {}),
        });
  const servicesFor = (c: Context): RequestServices => {
    if (sharedServices) return sharedServices;
    const jobs = typeof deps.jobs === "function" ? deps.jobs(c) : deps.jobs;
    return {
      db: dbFor(c),
      clock,
      newId,
      ...(jobs ? { jobs } : {}),
      ...(deps.compute ? { compute: deps.compute } : {}),
    };
  };

  // The request id and the security headers on every answer (Hono's requestId() and secureHeaders()).
  app.use("*", responseHeaders());
  if (deps.log) {
    const log = deps.log;
    app.use("*", async (c, next) => {
      const started = performance.now();
      await next();
      const ms = (performance.now() - started).toFixed(1);
      log(`${c.req.method} ${c.req.routePath} ${c.res.status} ${ms}ms ${c.get("requestId")}`);
    });
  }
  if (config.corsOrigins.length > 0)
    app.use(
      "*",
      cors({
        origin: config.corsOrigins,
        allowHeaders: ["authorization", "content-type", "if-match", "idempotency-key", "x-csrf-token"],
        exposeHeaders: ["etag", "x-request-id", "retry-after"],
        credentials: true,
      }),
    );
  // Who may ask, and the audit trail (off only in benchmarks that measure what it costs).
  const authorise = config.benchmarkWithoutAuth
    ? undefined
    : guard({
        config,
        credentials,
        audit,
        rateLimiter: deps.rateLimiter ?? (() => buckets),
        addressLimiter: deps.addressLimiter ?? (() => addressBuckets),
        clientAddress: deps.clientAddress ?? ((c) => nodeClientAddress(c, config)),
        now: () => clock.now(),
        // A reservation older than twice the request deadline was left by a request that died; a
        // duplicate waits for the first answer at most a third of its own deadline.
        idempotency: idempotency(clock, {
          staleAfterMs: Math.max(60_000, 2 * config.requestTimeoutMs),
          waitMs: Math.min(IDEMPOTENCY_WAIT_MS, Math.floor(config.requestTimeoutMs / 3)),
        }),
      });
  // One layer for what every request needs — its services; on the API, the deadline and body limit;
  // then the guard — rather than one per concern: each layer of Hono's chain costs a dispatch.
  app.use("*", (c, next) => {
    const services = servicesFor(c);
    c.set("services", services);
    c.set("config", config);
    c.set("credentials", credentials);
    const inner = authorise ? () => authorise(c, next) as Promise<void> : next;
    const path = c.req.path;
    if (path !== "/v1" && !path.startsWith("/v1/")) return inner();
    // The deadline reaches the services (compute is cancelled, writes are refused past it); a
    // request that may write is answered with what its work did, never a 503 over a commit.
    const answered = deadline.run(
      (d) => {
        c.set("services", { ...c.get("services"), deadline: d });
        return bodyLimit(c, inner) as Promise<void>;
      },
      { settle: !SAFE_METHODS.has(c.req.method) },
    );
    // A write may have queued the change log's re-rank job (a trigger: nobody announced it); tell
    // the runner now rather than at its next poll or cron sweep.
    if (!services.jobs || SAFE_METHODS.has(c.req.method)) return answered;
    return answered.then(() => (c.res.status < 400 ? announceChangeRerank(services) : undefined));
  });

  // Bodies are checked after the guard (a 401 comes before a 422) and inside its chain (a refused
  // body is audited as a failed attempt).
  app.use("/v1/*", checkBodies());

  app.get("/health", (c) => c.json({ status: "ok", version: API_VERSION }));

  const routes = [
    sessionRoutes,
    tokenRoutes,
    auditRoutes,
    exportRoutes,
    regionRoutes,
    postTypeRoutes,
    cadreRoutes,
    assessmentRoutes,
    teamRoutes,
    scoringRoutes,
    scoringProfileRoutes,
    normRoutes,
    psychometricsRoutes,
    suggestionRoutes,
    exchangePlanRoutes,
    importRoutes,
    jobRoutes,
    rerankRoutes,
    placementRoutes,
  ];
  for (const r of routes) app.route("/", r);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "banzi API",
      version: API_VERSION,
      description:
        "banzi (班子) recommends county leadership teams from reserve cadres using 16PF assessments, skills " +
        "and the cadre-management rules. Recommendations are advisory (参考依据之一) and always explained.",
    },
  });
  app.get("/docs", (c) => c.html(docsPage()));
  app.get("/docs/init.js", (c) =>
    c.body(docsInitScript("/openapi.json"), 200, { "content-type": "text/javascript; charset=utf-8" }),
  );

  if (deps.staticFiles) app.use("*", deps.staticFiles);

  app.notFound((c) => {
    const allowed = methodNotAllowed(app, c.req.method, c.req.path);
    if (allowed.length > 0) {
      throw new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}.`, {
        headers: { allow: allowed.join(", ") },
      });
    }
    throw new ApiError("not_found", `Nothing at ${c.req.path}.`);
  });

  app.onError((error, c) => renderError(error, c));
  return app;
}

function renderError(error: Error, c: Context): Response {
  const problem = toApiError(error);
  if (problem.status >= 500) console.error(`[${c.get("requestId") ?? "-"}] ${describeForLog(error)}`);
  return problemWithHeaders(c, JSON.stringify(problem.toProblem(c.req.path)), problem.status, {
    "content-type": "application/problem+json",
    ...problem.headers,
  });
}

/** A stack frame that names code only: `at [function ](file:line:col)` with a path, nothing else. */
const STACK_FRAME =
  /^at (?:[\w$.<>[\] ]{1,200} )?\(?((?:file:\/\/|node:|\/|[A-Za-z]:\\)[^()\s]{1,300}:\d+:\d+)\)?$/;

/**
 * What the log may say about an unexpected error: its kind, codes and where it was thrown — never
 * its message, which for a failed query repeats the SQL and its parameters (names, stens,
 * birthplaces). A stack's first lines are its message (drizzle's `Failed query: …` then
 * `params: …`), so only lines that are stack frames naming a file are kept.
 */
export function describeForLog(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    const code = (e as { code?: unknown }).code;
    const safeName = typeof name === "string" && /^[\w$.]{1,60}$/.test(name) ? name : "Error";
    const safeCode = typeof code === "string" && /^[\w.-]{1,60}$/.test(code) ? ` (${code})` : "";
    parts.push(`${safeName}${safeCode}`);
  }
  const frames: string[] = [];
  if (error instanceof Error)
    for (const line of (error.stack ?? "").split("\n")) {
      const frame = STACK_FRAME.exec(line.trim());
      if (frame?.[0]) frames.push(frame[0].slice(3));
      if (frames.length === 3) break;
    }
  return `${parts.join(" <- ")}${frames.length > 0 ? ` at ${frames.join(" | ")}` : ""}`;
}

function toApiError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
  if (isBusy(error))
    return new ApiError("unavailable", "The database is busy with other writes; retry shortly.", {
      headers: { "retry-after": "2" },
    });
  if (error instanceof HTTPException) {
    const headers = Object.fromEntries(error.getResponse().headers.entries());
    delete headers["content-type"];
    if (error.status === 400 && /malformed json/i.test(error.message))
      return new ApiError("malformed_json", "The request body is not valid JSON.", { field: "(body)" });
    if (error.status === 415)
      return new ApiError(
        "unsupported_media_type",
        "This route does not take a body of that media type (see its request body in /openapi.json).",
        { field: "content-type" },
      );
    if (error.status === 413) return new ApiError("payload_too_large", "The request body is too large.");
    if (error.status === 401)
      return new ApiError("unauthorized", error.message || "Unauthorized.", { headers });
    if (error.status === 403) return new ApiError("forbidden", error.message || "Forbidden.");
    if (error.status === 404) return new ApiError("not_found", error.message || "Not found.");
    if (error.status < 500) return new ApiError("bad_request", error.message || "Bad request.", { headers });
  }
  return new ApiError(
    "internal",
    "Something went wrong on our side; the request id identifies it in the logs.",
  );
}
