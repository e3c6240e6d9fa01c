/**
 * Optimistic concurrency: `ETag` on reads of a cadre, team or post type, `If-Match` on their
 * PATCH and DELETE — a stale tag gets 412 and nothing changes.
 *
 * Cadres and teams carry a `version` (bumped by every change), so their tag is `"v<version>"` and
 * the update compares it inside its write transaction. Post types have no version: their tag is a
 * hash of what GET returns, compared just before the change (a post type is reference data edited
 * by an administrator, so the moment between check and write is accepted).
 */
import type { Context } from "hono";
import { ApiError } from "../lib/problem";
import { sha256Hex } from "./crypto";

export const versionETag = (version: number) => `"v${version}"`;

/** A tag for a representation without a version: the first 128 bits of its JSON's SHA-256. */
export async function contentETag(value: unknown): Promise<string> {
  return `"${(await sha256Hex(JSON.stringify(value))).slice(0, 32)}"`;
}

export function preconditionFailed(): ApiError {
  return new ApiError(
    "precondition_failed",
    "If-Match does not name the current version; read it again (its ETag) and retry.",
    { field: "header.if-match" },
  );
}

/** The entity tags listed in `If-Match` (weak ones compared by their value); `*` → undefined. */
function ifMatchTags(c: Context): string[] | undefined {
  const header = c.req.header("if-match");
  if (header === undefined || header.trim() === "*") return undefined;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .filter((t) => t.length > 0);
}

/**
 * The version `If-Match` asks for: undefined without the header (or `*`), -1 when it names no
 * version (so the comparison fails and the answer is 412).
 */
export function expectedVersion(c: Context): number | undefined {
  const tags = ifMatchTags(c);
  if (tags === undefined) return undefined;
  for (const tag of tags) {
    const m = /^"v(\d{1,15})"$/.exec(tag);
    if (m?.[1]) return Number(m[1]);
  }
  return -1;
}

/** Throws 412 unless `If-Match` is absent, `*`, or lists the tag `current()` computes. */
export async function checkIfMatch(c: Context, current: () => Promise<string>): Promise<void> {
  const tags = ifMatchTags(c);
  if (tags === undefined) return;
  if (!tags.includes(await current())) throw preconditionFailed();
}
