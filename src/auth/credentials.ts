/**
 * Checks a presented bearer token or session cookie and says who the request is.
 *
 * Verified credentials are cached in the process for {@link CREDENTIAL_TTL_MS}, so the scoring hot
 * path reads no table per request. Expiry is checked on every request; a revocation made through
 * this process applies at once (the cache is cleared), and one made elsewhere (another process, a
 * worker isolate, the command line) applies within {@link CREDENTIAL_TTL_MS}.
 */
import type { Db } from "../../db/client";
import { ApiError } from "../lib/problem";
import {
  candidateIds,
  findSession,
  findToken,
  type SessionRow,
  type TokenRow,
  tokenMatches,
} from "../services/tokens";
import { constantTimeEqual, sha256Hex } from "./crypto";
import type { Principal } from "./roles";

/** How long a verified (or refused) credential is trusted without reading the tables again. */
export const CREDENTIAL_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  at: number;
}

/** A small insertion-ordered cache; the oldest entry goes first when it is full. */
class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(private readonly ttlMs: number) {}
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (performance.now() - entry.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }
  set(key: string, value: T): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, at: performance.now() });
  }
  clear(): void {
    this.entries.clear();
  }
}

const unauthorized = (detail: string) =>
  new ApiError("unauthorized", detail, { headers: { "www-authenticate": 'Bearer realm="banzi"' } });

function checkToken(row: TokenRow | null, now: Date): TokenRow {
  if (!row) throw unauthorized("The token is not valid.");
  if (row.revokedAt) throw unauthorized("The token has been revoked.");
  if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime())
    throw unauthorized("The token has expired.");
  return row;
}

/** A token's principal, made once per verified row (the cache hands out the same row for its TTL). */
const principals = new WeakMap<TokenRow, Principal>();
function principalOf(row: TokenRow): Principal {
  let principal = principals.get(row);
  if (!principal) {
    principal = Object.freeze({ tokenId: row.id, role: row.role, via: "token" as const });
    principals.set(row, principal);
  }
  return principal;
}

/** One per app: the caches of verified tokens and sessions. */
export class Credentials {
  private readonly tokens: TtlCache<TokenRow | null>;
  private readonly sessions: TtlCache<{ session: SessionRow; token: TokenRow | null } | null>;

  constructor(ttlMs = CREDENTIAL_TTL_MS) {
    this.tokens = new TtlCache(ttlMs);
    this.sessions = new TtlCache(ttlMs);
  }

  /** Forget everything verified (after a revocation or logout in this process). */
  forget(): void {
    this.tokens.clear();
    this.sessions.clear();
  }

  /** The token's row if `token` is one of ours (any state), else null. Not checked for expiry. */
  async lookupToken(db: Db, token: string): Promise<TokenRow | null> {
    const cached = this.tokens.get(token);
    if (cached !== undefined) return cached;
    let match: TokenRow | null = null;
    for (const id of candidateIds(token)) {
      const row = await findToken(db, id);
      if (row && (await tokenMatches(row, token))) {
        match = row;
        break;
      }
    }
    this.tokens.set(token, match);
    return match;
  }

  /** A valid (known, unrevoked, unexpired) token's row, or 401. */
  async verifyToken(db: Db, token: string, now: Date): Promise<TokenRow> {
    return checkToken(await this.lookupToken(db, token), now);
  }

  async fromBearer(db: Db, token: string, now: Date): Promise<Principal> {
    return principalOf(await this.verifyToken(db, token, now));
  }

  /**
   * The principal of a bearer token this cache already knows, without awaiting anything, or
   * undefined when the tables must be read ({@link fromBearer}). A known bad token is a 401 here too.
   */
  cachedBearer(token: string, now: Date): Principal | undefined {
    const row = this.tokens.get(token);
    return row === undefined ? undefined : principalOf(checkToken(row, now));
  }

  /** The principal of a session cookie `<id>.<secret>`, or 401. */
  async fromSession(db: Db, cookie: string, now: Date): Promise<Principal> {
    let entry = this.sessions.get(cookie);
    if (entry === undefined) {
      entry = null;
      const dot = cookie.indexOf(".");
      const session = dot > 0 ? await findSession(db, cookie.slice(0, dot)) : undefined;
      if (session && constantTimeEqual(session.secretSha256, await sha256Hex(cookie.slice(dot + 1)))) {
        entry = { session, token: (await findToken(db, session.tokenId)) ?? null };
      }
      this.sessions.set(cookie, entry);
    }
    if (!entry) throw unauthorized("The session is not valid; log in again.");
    const { session } = entry;
    if (session.revokedAt || Date.parse(session.expiresAt) <= now.getTime())
      throw unauthorized("The session has ended; log in again.");
    const token = checkToken(entry.token, now);
    return {
      tokenId: token.id,
      role: token.role,
      via: "session",
      sessionId: session.id,
      csrfSha256: session.csrfSha256,
    };
  }
}
