/**
 * `Idempotency-Key` on creating POSTs: the first successful answer to a key is stored and replayed
 * for a repeat of the same request (same token, method, path and body); the same key with another
 * request is a 409. Keys are scoped per token and live {@link IDEMPOTENCY_KEY_HOURS} hours: an older
 * key is a new request, and a token's expired keys are deleted when it stores a new one. Two
 * requests racing with one new key both run; the first to finish is stored. Imports keep their own,
 * content-aware scheme (src/services/imports.ts).
 */
import { and, eq, lt } from "drizzle-orm";
import type { Context, Next } from "hono";
import { idempotencyKeys } from "../../db/schema";
import type { Clock } from "../deps";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/router";
import { sha256Hex } from "./crypto";
import type { Principal } from "./roles";

const KEY = /^[\x21-\x7e]{1,255}$/;

/** How long a stored answer is replayed: long enough for a client's retries, not forever. */
export const IDEMPOTENCY_KEY_HOURS = 24;

/**
 * Honours `Idempotency-Key` around `next` for a request the guard has authenticated, on a route
 * whose policy marks it idempotent (src/auth/route-roles.ts); the guard calls it, so it neither
 * matches the route nor looks up the policy again.
 *
 * @example
 * ```ts
 * const idempotent = idempotency(clock);
 * await idempotent(c, next, principal); // inside the guard, for an idempotent POST
 * ```
 */
export function idempotency(clock: Clock): Idempotency {
  return (c, next, principal) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    return withKey(c, next, principal, key, clock);
  };
}

/**
 * Runs `next` under the request's `Idempotency-Key` (see {@link idempotency}); resolves to the
 * stored answer when it replays one (anything else means `next` answered).
 */
export type Idempotency = (c: Context<AppEnv>, next: Next, principal: Principal) => Promise<unknown>;

async function withKey(
  c: Context<AppEnv>,
  next: Next,
  principal: Principal,
  key: string,
  clock: Clock,
): Promise<Response | undefined> {
  if (!KEY.test(key))
    throw new ApiError("validation_failed", "header.idempotency-key: 1–255 visible ASCII characters", {
      errors: [
        { field: "header.idempotency-key", code: "invalid", message: "1–255 visible ASCII characters" },
      ],
    });

  const { db } = c.get("services");
  const requestSha256 = await sha256Hex(`POST ${c.req.path}\n${await c.req.text()}`);
  const now = clock.now();
  // ISO timestamps of one format compare as strings.
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_KEY_HOURS * 3_600_000).toISOString();
  const thisKey = and(eq(idempotencyKeys.actorId, principal.tokenId), eq(idempotencyKeys.key, key));
  const [stored] = await db.select().from(idempotencyKeys).where(thisKey);
  if (stored && stored.createdAt < expiredBefore) {
    // Expired: the request is new, and its answer takes the key.
    await db.delete(idempotencyKeys).where(and(thisKey, lt(idempotencyKeys.createdAt, expiredBefore)));
  } else if (stored) {
    if (stored.requestSha256 !== requestSha256)
      throw new ApiError(
        "conflict",
        "This Idempotency-Key was already used for a different request; use a new key.",
        { field: "header.idempotency-key" },
      );
    return c.body(stored.body, stored.status as 200, {
      ...(stored.contentType ? { "content-type": stored.contentType } : {}),
      "idempotent-replayed": "true",
    });
  }

  await next();
  if (c.res.status >= 200 && c.res.status < 300) {
    await db
      .insert(idempotencyKeys)
      .values({
        actorId: principal.tokenId,
        key,
        method: "POST",
        path: c.req.path,
        requestSha256,
        status: c.res.status,
        contentType: c.res.headers.get("content-type"),
        body: await c.res.clone().text(),
        createdAt: now.toISOString(),
      })
      .onConflictDoNothing();
    await db
      .delete(idempotencyKeys)
      .where(
        and(eq(idempotencyKeys.actorId, principal.tokenId), lt(idempotencyKeys.createdAt, expiredBefore)),
      );
  }
  return undefined;
}
