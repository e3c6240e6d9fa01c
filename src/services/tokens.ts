/**
 * API tokens and web sessions: creation (the secret is returned once and only its SHA-256 is
 * stored), listing without hashes, revocation, and the bootstrap admin token.
 *
 * A token reads `bz_<id>_<secret>`: the id finds the row, and the hash of the whole token is then
 * compared in constant time — the database is never searched by a secret's hash.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiSessions, apiTokens } from "../../db/schema";
import { constantTimeEqual, randomId, randomSecret, sha256Hex } from "../auth/crypto";
import type { Role } from "../auth/roles";
import type { RequestServices } from "../deps";
import { notFound } from "../lib/problem";

/** The id of the token made from `BANZI_ADMIN_TOKEN` (whose text need not follow the `bz_` form). */
export const BOOTSTRAP_TOKEN_ID = "bootstrap";
const TOKEN_FORM = /^bz_([a-z0-9]{12})_[A-Za-z0-9_-]{43}$/;
/** A web session lasts at most this long (and never past its token's expiry). */
export const SESSION_HOURS = 8;

export type TokenRow = typeof apiTokens.$inferSelect;
export type SessionRow = typeof apiSessions.$inferSelect;

/** A token as listed: never its hash. */
export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const info = ({ tokenSha256: _hash, ...row }: TokenRow): TokenInfo => row;

/** The row ids a presented token may belong to: its own id, and the bootstrap token. */
export function candidateIds(token: string): string[] {
  const id = TOKEN_FORM.exec(token)?.[1];
  return id ? [id, BOOTSTRAP_TOKEN_ID] : [BOOTSTRAP_TOKEN_ID];
}

/** Whether `token` hashes to the row's stored hash (constant time). */
export async function tokenMatches(row: Pick<TokenRow, "tokenSha256">, token: string): Promise<boolean> {
  return constantTimeEqual(row.tokenSha256, await sha256Hex(token));
}

export async function findToken(db: Db, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(apiSessions).where(eq(apiSessions.id, id));
  return row;
}

/** Creates a token; `token` is in the answer only — it cannot be read again. */
export async function createToken(
  { db, clock }: Pick<RequestServices, "db" | "clock">,
  input: { role: Role; name: string; expiresInDays?: number | undefined; createdBy?: string | null },
): Promise<TokenInfo & { token: string }> {
  const id = randomId();
  const token = `bz_${id}_${randomSecret()}`;
  const now = clock.now();
  const row: TokenRow = {
    id,
    name: input.name,
    role: input.role,
    tokenSha256: await sha256Hex(token),
    createdBy: input.createdBy ?? null,
    createdAt: now.toISOString(),
    expiresAt:
      input.expiresInDays === undefined
        ? null
        : new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
    revokedAt: null,
  };
  await db.insert(apiTokens).values(row);
  return { ...info(row), token };
}

export async function listTokens({ db }: Pick<RequestServices, "db">): Promise<TokenInfo[]> {
  const rows = await db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  return rows.map(info);
}

/** Revokes a token and ends its sessions; revoking a revoked token changes nothing. */
export async function revokeToken({ db, clock }: Pick<RequestServices, "db" | "clock">, id: string) {
  const now = clock.now().toISOString();
  const found = await findToken(db, id);
  if (!found) throw notFound("token", id);
  await db.batch([
    db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))),
    db
      .update(apiSessions)
      .set({ revokedAt: now })
      .where(and(eq(apiSessions.tokenId, id), isNull(apiSessions.revokedAt))),
  ]);
}

/** Whether any token (of any state) exists. */
export async function anyToken(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: apiTokens.id }).from(apiTokens).limit(1);
  return row !== undefined;
}

/**
 * On first start (no token at all), stores `token` as the bootstrap admin. Later starts leave the
 * tokens as they are, so a revoked bootstrap token stays revoked. Returns whether it was stored.
 */
export async function ensureBootstrapAdmin(db: Db, token: string, now: Date): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(apiTokens);
  if (Number(row?.n ?? 0) > 0) return false;
  const inserted = await db
    .insert(apiTokens)
    .values({
      id: BOOTSTRAP_TOKEN_ID,
      name: "bootstrap admin (BANZI_ADMIN_TOKEN)",
      role: "admin",
      tokenSha256: await sha256Hex(token),
      createdAt: now.toISOString(),
    })
    .onConflictDoNothing();
  return inserted.rowsAffected > 0;
}

/** Starts a web session for a verified token: the cookie's value and the CSRF token, shown once. */
export async function createSession(
  { db, clock }: Pick<RequestServices, "db" | "clock">,
  token: Pick<TokenRow, "id" | "expiresAt">,
): Promise<{ id: string; cookie: string; csrfToken: string; expiresAt: string }> {
  const id = randomId(16);
  const secret = randomSecret();
  const csrfToken = randomSecret();
  const now = clock.now();
  const limit = now.getTime() + SESSION_HOURS * 3_600_000;
  const expires = token.expiresAt ? Math.min(limit, Date.parse(token.expiresAt)) : limit;
  const expiresAt = new Date(expires).toISOString();
  await db.insert(apiSessions).values({
    id,
    tokenId: token.id,
    secretSha256: await sha256Hex(secret),
    csrfSha256: await sha256Hex(csrfToken),
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { id, cookie: `${id}.${secret}`, csrfToken, expiresAt };
}

export async function endSession({ db, clock }: Pick<RequestServices, "db" | "clock">, id: string) {
  await db
    .update(apiSessions)
    .set({ revokedAt: clock.now().toISOString() })
    .where(and(eq(apiSessions.id, id), isNull(apiSessions.revokedAt)));
}
