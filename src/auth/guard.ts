/**
 * The one middleware in front of every route: who is asking (bearer token or session cookie), may
 * they (the route's declared roles), are they within their rate, and — once the handler has
 * answered — what goes into the audit trail.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { matchedRoutes } from "hono/route";
import type { AppConfig } from "../deps";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/router";
import { type AuditOutcome, type AuditSink, boundedAuditId, type NewAuditEvent } from "../services/audit";
import type { Credentials } from "./credentials";
import { constantTimeEqual, sha256Hex } from "./crypto";
import type { Idempotency } from "./idempotency";
import type { RateLimiter } from "./rate-limit";
import type { Principal } from "./roles";
import { allows, policyFor, type RoutePolicy } from "./route-roles";

export const SESSION_COOKIE = "banzi_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What a request contributes to the audit trail besides its route's own event. */
export interface AuditContext {
  /** Events a handler adds (e.g. the stored cadres a score read). */
  extra: Omit<NewAuditEvent, "at" | "actorId" | "actorRole" | "requestId" | "outcome">[];
  /**
   * The object the handler answered with (its ids go into the event); `c.json` sets it
   * (src/lib/response-headers.ts), a handler answering otherwise may too.
   */
  answered?: unknown;
  /** Writes queued events now (the auditor's read sees everything recorded so far). */
  flush(): Promise<void>;
}

export interface GuardOptions {
  config: AppConfig;
  credentials: Credentials;
  audit: AuditSink;
  /** The rate limiter for this request, if any (Node: token buckets; worker: the binding). */
  rateLimiter: (c: Context) => RateLimiter | undefined;
  /** The per-address limiter of unauthenticated and refused requests, if any. */
  addressLimiter: (c: Context) => RateLimiter | undefined;
  /** The client's address, where the runtime knows it. */
  clientAddress: (c: Context) => string | undefined;
  now: () => Date;
  /** Runs an idempotent POST under its `Idempotency-Key` (src/auth/idempotency.ts). */
  idempotency?: Idempotency;
}

const openApiPaths = new Map<string, string>();

/** `/v1/cadres/:id` (Hono) → `/v1/cadres/{id}` (OpenAPI); the app has few routes, so each is converted once. */
export function openApiPath(honoPath: string): string {
  let path = openApiPaths.get(honoPath);
  if (path === undefined) {
    path = honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
    if (openApiPaths.size < 1000) openApiPaths.set(honoPath, path);
  }
  return path;
}

/** The admin-only policy of a route missing from ROUTE_POLICIES (route-roles.test.ts fails for it). */
const UNDECLARED: RoutePolicy = Object.freeze({ roles: Object.freeze(["admin"] as const) });

interface ResolvedRoute {
  path: string;
  /** Its policy per method, filled as methods are seen. */
  policies: Map<string, RoutePolicy>;
}
const resolvedRoutes = new Map<string, ResolvedRoute>();

/** The OpenAPI path and policy of the route that will answer, if any route matches. */
function routeOf(c: Context): { path: string; policy: RoutePolicy } | undefined {
  for (const route of matchedRoutes(c)) {
    if (route.method === "ALL") continue;
    let resolved = resolvedRoutes.get(route.path);
    if (!resolved) {
      resolved = { path: openApiPath(route.path), policies: new Map() };
      if (resolvedRoutes.size < 1000) resolvedRoutes.set(route.path, resolved);
    }
    const method = c.req.method;
    let policy = resolved.policies.get(method);
    if (!policy) {
      policy = policyFor(method, resolved.path) ?? UNDECLARED;
      if (resolved.policies.size < 16) resolved.policies.set(method, policy);
    }
    return { path: resolved.path, policy };
  }
  return undefined;
}

const paramSegments = new Map<string, number[]>();

/** The values of `{…}` segments of `template` in `path`. */
export function pathParams(template: string, path: string): string[] {
  let at = paramSegments.get(template);
  if (at === undefined) {
    at = template.split("/").flatMap((segment, i) => (segment.startsWith("{") ? [i] : []));
    if (paramSegments.size < 1000) paramSegments.set(template, at);
  }
  if (at.length === 0) return [];
  const p = path.split("/");
  return at.map((i) => {
    try {
      return decodeURIComponent(p[i] ?? "");
    } catch {
      return p[i] ?? "";
    }
  });
}

function idsOf(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  const one = (v: unknown): string | undefined => {
    if (typeof v !== "object" || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const id = o.id ?? o.code ?? o.version;
    return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
  };
  const items = (value as { items?: unknown }).items;
  if (Array.isArray(items)) return items.map(one).filter((id): id is string => id !== undefined);
  const id = one(value);
  return id === undefined ? [] : [id];
}

/**
 * The audit outcome of an answer. A 503 is `refused`: the server declined the work (its deadline
 * passed, the database stayed busy, it is shutting down) and — a write is never answered 503 over a
 * commit — nothing was changed; other 5xx are `error`.
 */
function outcomeOf(status: number): AuditOutcome {
  if (status === 401 || status === 403 || status === 429) return "denied";
  if (status < 400) return "success";
  if (status === 503) return "refused";
  return status < 500 ? "failed" : "error";
}

function bodyFields(c: Context): string[] {
  try {
    const body = (c.req as unknown as { valid(target: string): unknown }).valid("json");
    return body && typeof body === "object" && !Array.isArray(body) ? Object.keys(body) : [];
  } catch {
    return [];
  }
}

const forbidden = (detail: string) => new ApiError("forbidden", detail);

/** The one 429 of an address over its limit (compared by identity: it is not audited). */
const LIMITED = new ApiError(
  "rate_limited",
  "Too many requests without a valid token from this address; slow down.",
  { headers: { "retry-after": "1" } },
);
const addressLimited = () => LIMITED;

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

/** The principal of a bearer token the credential cache knows, found without awaiting. */
function cachedBearer(header: string | undefined, options: GuardOptions): Principal | undefined {
  if (header === undefined) return undefined;
  const token = BEARER.exec(header)?.[1];
  return token ? options.credentials.cachedBearer(token, options.now()) : undefined;
}

async function authenticate(
  c: Context,
  header: string | undefined,
  options: GuardOptions,
): Promise<Principal | undefined> {
  const db = c.get("services").db;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (!match?.[1])
      throw new ApiError("unauthorized", "Send the token as 'Authorization: Bearer <token>'.", {
        headers: { "www-authenticate": 'Bearer realm="banzi"' },
      });
    return options.credentials.fromBearer(db, match[1], options.now());
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return undefined;
  const principal = await options.credentials.fromSession(db, cookie, options.now());
  if (!SAFE_METHODS.has(c.req.method)) {
    // A cookie travels with any request the browser makes; only our page can read the CSRF token.
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== new URL(c.req.url).origin)
      throw forbidden("The request comes from another origin.");
    const csrf = c.req.header(CSRF_HEADER);
    if (!csrf || !principal.csrfSha256 || !constantTimeEqual(principal.csrfSha256, await sha256Hex(csrf)))
      throw forbidden(`A request with a session cookie must carry the ${CSRF_HEADER} header given at login.`);
  }
  return principal;
}

/**
 * Authenticates, authorises and rate-limits every request to a route, and records its audit
 * events afterwards. Requests that match no route pass through (404, static files).
 */
export function guard(options: GuardOptions): MiddlewareHandler<AppEnv> {
  const { config } = options;
  const flush = () => options.audit.flush();
  return async (c, next) => {
    const route = routeOf(c);
    const audit: AuditContext = { extra: [], flush };
    c.set("audit", audit);
    if (!route) return next();
    const { path, policy } = route;
    if (policy.roles === "public" && !policy.audit) return next();

    let principal: Principal | undefined;
    let presented = false;
    // Once per request: for a request without credentials (a login included), or a refused one.
    let charged = false;
    const chargeAddress = async () => {
      if (charged) return;
      charged = true;
      const address = options.clientAddress(c);
      const limiter = address === undefined ? undefined : options.addressLimiter(c);
      const allowed = limiter ? limiter(`addr:${address}`) : true;
      if (allowed !== true && !(await allowed)) throw addressLimited();
    };
    try {
      const authorization = c.req.header("authorization");
      presented = authorization !== undefined || getCookie(c, SESSION_COOKIE) !== undefined;
      // Without credentials, counted before anything else; with ones that fail, once they have (below).
      if (!presented || policy.roles === "public") await chargeAddress();
      // The login route ignores whatever credentials come with it (a stale cookie must not block it).
      principal =
        policy.roles === "public"
          ? undefined
          : (cachedBearer(authorization, options) ?? (await authenticate(c, authorization, options)));
      if (!allows(policy, principal?.role, config.publicDocs)) {
        if (!principal)
          throw new ApiError("unauthorized", "This route needs a token: 'Authorization: Bearer <token>'.", {
            headers: { "www-authenticate": 'Bearer realm="banzi"' },
          });
        throw forbidden(`The ${principal.role} role may not ${c.req.method} ${path}.`);
      }
      if (principal) {
        c.set("auth", principal);
        const limiter = options.rateLimiter(c);
        // The in-process buckets answer synchronously: awaited only when the limiter is remote.
        const allowed = limiter ? limiter(principal.tokenId) : true;
        if (allowed !== true && !(await allowed))
          throw new ApiError("rate_limited", "Too many requests with this token; slow down.", {
            headers: { "retry-after": "1" },
          });
      }
    } catch (caught) {
      let error = caught;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        try {
          await chargeAddress();
        } catch (limited) {
          error = limited;
        }
      }
      // An address over its limit adds nothing to the audit trail: what it can add is bounded.
      if (error instanceof ApiError && error !== LIMITED && (policy.audit || presented))
        await record(c, options, policy, path, error.status, principal);
      throw error;
    }

    if (principal && policy.idempotent && options.idempotency && c.req.method === "POST") {
      const replayed = await options.idempotency(c, next, principal);
      if (replayed instanceof Response) c.res = replayed;
    } else await next();
    if (policy.audit || audit.extra.length > 0) {
      // A queueing sink answers synchronously: no extra turn of the event loop per request.
      const written = record(c, options, policy, path, c.res.status, c.get("auth") ?? principal);
      if (written) await written;
    }
  };
}

/** Builds the request's audit events and hands them to the sink; a promise only if the sink gives one. */
function record(
  c: Context<AppEnv>,
  options: GuardOptions,
  policy: RoutePolicy,
  path: string,
  status: number,
  principal: Principal | undefined,
): Promise<void> | undefined {
  const audit = c.get("audit");
  const base = {
    at: options.now().toISOString(),
    actorId: principal?.tokenId ?? null,
    actorRole: principal?.role ?? null,
    requestId: c.get("requestId") ?? null,
    outcome: outcomeOf(status),
  };
  const events: NewAuditEvent[] = [];
  if (policy.audit || base.outcome === "denied") {
    const spec = policy.audit;
    // Path values come from whoever sent the request: stored bounded (hashed when long).
    const ids = pathParams(path, c.req.path).map(boundedAuditId);
    if (status < 400) for (const id of idsOf(audit?.answered)) if (!ids.includes(id)) ids.push(id);
    const fields = spec?.fields === "body" ? bodyFields(c) : spec?.fields ? [...spec.fields] : null;
    events.push({
      ...base,
      action: spec?.action ?? methodAction(c.req.method),
      objectType: spec?.objectType ?? path,
      objectIds: ids,
      fields,
    });
  }
  if (status < 400) for (const e of audit?.extra ?? []) events.push({ ...base, ...e });
  if (events.length === 0) return undefined;
  const failed = (error: unknown) => {
    // The answer stands; the failure is logged without values (see describeForLog).
    console.error(`[${c.get("requestId") ?? "-"}] audit write failed: ${(error as Error)?.name ?? "Error"}`);
  };
  try {
    const written = options.audit.write(c.get("services").db, events);
    return written ? written.catch(failed) : undefined;
  } catch (error) {
    failed(error);
    return undefined;
  }
}

function methodAction(method: string) {
  return method === "GET" || method === "HEAD"
    ? "read"
    : method === "POST"
      ? "create"
      : method === "DELETE"
        ? "delete"
        : "update";
}
