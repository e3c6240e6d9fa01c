/**
 * `Idempotency-Key` on creating POSTs: the first successful answer to a key is stored and replayed
 * for a repeat of the same request (same token, method, path and body); the same key with another
 * request is a 409. Keys are scoped per token and live {@link IDEMPOTENCY_KEY_HOURS} hours: an older
 * key is a new request, and a token's expired keys are deleted when it stores a new one.
 *
 * The key is reserved before the work, by inserting its row with status 0 ("in progress"): of two
 * requests racing with one key exactly one inserts it and runs; the other waits for the first
 * answer and replays it, or — if the first is still running after its wait (see {@link IDEMPOTENCY_WAIT_MS}) —
 * gets 409 `in_progress`. A failed first attempt releases the key (a retry runs again); a
 * reservation left by a process that died is taken over once older than its `staleAfterMs`.
 * Imports keep their own, content-aware scheme (src/services/imports.ts).
 */
import { and, eq, lt } from "drizzle-orm";
import type { Context, Next } from "hono";
import type { Db } from "../../db/client";
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
 * How long a racing duplicate waits for the first request's answer before a 409 `in_progress` (at
 * most; the app waits no more than a third of its request deadline, so the 409 comes before a 503).
 */
export const IDEMPOTENCY_WAIT_MS = 10_000;

/** The status stored while the first request with a key is still running. */
const IN_PROGRESS = 0;

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
export function idempotency(
  clock: Clock,
  options: { staleAfterMs: number; waitMs: number } = { staleAfterMs: 120_000, waitMs: IDEMPOTENCY_WAIT_MS },
): Idempotency {
  return (c, next, principal) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    return withKey(c, next, principal, key, { clock, ...options });
  };
}

/**
 * Runs `next` under the request's `Idempotency-Key` (see {@link idempotency}); resolves to the
 * stored answer when it replays one (anything else means `next` answered).
 */
export type Idempotency = (c: Context<AppEnv>, next: Next, principal: Principal) => Promise<unknown>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withKey(
  c: Context<AppEnv>,
  next: Next,
  principal: Principal,
  key: string,
  options: { clock: Clock; staleAfterMs: number; waitMs: number },
): Promise<Response | undefined> {
  if (!KEY.test(key))
    throw new ApiError("validation_failed", "header.idempotency-key: 1–255 visible ASCII characters", {
      errors: [
        { field: "header.idempotency-key", code: "invalid", message: "1–255 visible ASCII characters" },
      ],
    });

  const { db } = c.get("services");
  // The bytes, not the text: decoding here would hide invalid UTF-8 from the body check after it.
  const body = new Uint8Array(await c.req.arrayBuffer());
  const prefix = new TextEncoder().encode(`POST ${c.req.path}\n`);
  const request = new Uint8Array(prefix.length + body.length);
  request.set(prefix);
  request.set(body, prefix.length);
  const requestSha256 = await sha256Hex(request);
  const thisKey = and(eq(idempotencyKeys.actorId, principal.tokenId), eq(idempotencyKeys.key, key));

  const waitUntil = Date.now() + options.waitMs;
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    const now = options.clock.now();
    const reserved = await db
      .insert(idempotencyKeys)
      .values({
        actorId: principal.tokenId,
        key,
        method: "POST",
        path: c.req.path,
        requestSha256,
        status: IN_PROGRESS,
        contentType: null,
        body: "",
        createdAt: now.toISOString(),
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (reserved.length > 0) return runReserved(c, next, db, principal, key, now);

    const [stored] = await db.select().from(idempotencyKeys).where(thisKey);
    if (!stored) continue; // released between the insert and the read: try to reserve it again
    // ISO timestamps of one format compare as strings.
    const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_KEY_HOURS * 3_600_000).toISOString();
    const abandonedBefore = new Date(now.getTime() - options.staleAfterMs).toISOString();
    if (
      stored.createdAt < expiredBefore ||
      (stored.status === IN_PROGRESS && stored.createdAt < abandonedBefore)
    ) {
      // Expired, or reserved by a request that never finished: the request is new.
      await db.delete(idempotencyKeys).where(and(thisKey, eq(idempotencyKeys.createdAt, stored.createdAt)));
      continue;
    }
    if (stored.requestSha256 !== requestSha256)
      throw new ApiError(
        "conflict",
        "This Idempotency-Key was already used for a different request; use a new key.",
        { field: "header.idempotency-key" },
      );
    if (stored.status !== IN_PROGRESS)
      return c.body(stored.body, stored.status as 200, {
        ...(stored.contentType ? { "content-type": stored.contentType } : {}),
        "idempotent-replayed": "true",
      });
    if (Date.now() >= waitUntil)
      throw new ApiError(
        "in_progress",
        "A request with this Idempotency-Key is still running; retry later to get its answer.",
        { field: "header.idempotency-key", headers: { "retry-after": "2" } },
      );
    await sleep(pause);
  }
}

/** Runs the request whose key this request reserved; stores a success, releases the key otherwise. */
async function runReserved(
  c: Context<AppEnv>,
  next: Next,
  db: Db,
  principal: Principal,
  key: string,
  now: Date,
): Promise<undefined> {
  const ofActor = eq(idempotencyKeys.actorId, principal.tokenId);
  const thisKey = and(ofActor, eq(idempotencyKeys.key, key));
  let stored = false;
  try {
    await next();
    if (c.res.status >= 200 && c.res.status < 300) {
      await db
        .update(idempotencyKeys)
        .set({
          status: c.res.status,
          contentType: c.res.headers.get("content-type"),
          body: await c.res.clone().text(),
        })
        .where(thisKey);
      stored = true;
      const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_KEY_HOURS * 3_600_000).toISOString();
      await db.delete(idempotencyKeys).where(and(ofActor, lt(idempotencyKeys.createdAt, expiredBefore)));
    }
  } finally {
    // A refusal or failure is not an answer to replay: a retry with the key runs again.
    if (!stored) await db.delete(idempotencyKeys).where(thisKey);
  }
  return undefined;
}
