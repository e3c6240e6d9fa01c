/**
 * What the app knows about the other end of a request — its address and whether it reached us over
 * HTTPS — from the runtime and the configuration only, never from headers a client may set, unless
 * the operator says a proxy in front sets them (`BANZI_TRUST_PROXY`).
 */
import type { Context } from "hono";
import type { AppConfig } from "../deps";

/** The Node server's request as @hono/node-server hands it over in `c.env`. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The last value of a comma-separated forwarding header: the one the trusted proxy appended. */
function lastForwarded(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const last = header.slice(header.lastIndexOf(",") + 1).trim();
  return last.length > 0 && last.length <= 64 ? last : undefined;
}

/**
 * The address of the client: on Node the socket's peer (or, behind a trusted proxy, the address
 * that proxy put last in `X-Forwarded-For`); undefined where the runtime says nothing (the worker
 * passes its own, from `CF-Connecting-IP`, in `AppDeps.clientAddress`; `app.request()` in tests).
 *
 * @example
 * ```ts
 * nodeClientAddress(c, { trustProxy: false }); // "203.0.113.7"
 * ```
 */
export function nodeClientAddress(c: Context, config: Pick<AppConfig, "trustProxy">): string | undefined {
  if (config.trustProxy) {
    const forwarded = lastForwarded(c.req.header("x-forwarded-for"));
    if (forwarded) return forwarded;
  }
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
}

/**
 * Whether cookies get the `Secure` flag: from the configuration (`BANZI_PUBLIC_URL`, the listening
 * host), or behind a trusted proxy from the `X-Forwarded-Proto` it sets — never from `Host`.
 */
export function secureCookie(c: Context, config: Pick<AppConfig, "trustProxy" | "secureCookies">): boolean {
  if (config.trustProxy) {
    const proto = lastForwarded(c.req.header("x-forwarded-proto"));
    if (proto) return proto.toLowerCase() === "https";
  }
  return config.secureCookies;
}
