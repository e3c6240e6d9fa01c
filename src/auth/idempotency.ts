/**
 * `Idempotency-Key` on creating POSTs: the first successful answer to a key is stored and replayed
 * for a repeat of the same request (same token, method, path and body); the same key with another
 * request is a 409. Keys are scoped per token. Two requests racing with one new key both run; the
 * first to finish is stored. Imports keep their own, content-aware scheme (src/services/imports.ts).
 */
import { and, eq } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { idempotencyKeys } from "../../db/schema";
import type { Clock } from "../deps";
import { ApiError } from "../lib/problem";
import type { AppEnv } from "../lib/router";
import { sha256Hex } from "./crypto";
import { openApiPath } from "./guard";
import { policyFor } from "./route-roles";

const KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotency(clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    const principal = c.get("auth");
    if (c.req.method !== "POST" || key === undefined || !principal) return next();
    const route = matchedRoutes(c).find((r) => r.method !== "ALL");
    const path = route ? openApiPath(route.path) : undefined;
    if (!path || !policyFor("POST", path)?.idempotent) return next();
    if (!KEY.test(key))
      throw new ApiError("validation_failed", "header.idempotency-key: 1–255 visible ASCII characters", {
        errors: [
          { field: "header.idempotency-key", code: "invalid", message: "1–255 visible ASCII characters" },
        ],
      });

    const { db } = c.get("services");
    const requestSha256 = await sha256Hex(`POST ${c.req.path}\n${await c.req.text()}`);
    const [stored] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.actorId, principal.tokenId), eq(idempotencyKeys.key, key)));
    if (stored) {
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
          createdAt: clock.now().toISOString(),
        })
        .onConflictDoNothing();
    }
  };
}
