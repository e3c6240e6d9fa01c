import { z } from "@hono/zod-openapi";
import { ApiError } from "./problem";

/** `?limit=&cursor=` of every list. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size (1–200)." }),
  cursor: z.string().max(512).optional().openapi({ description: "`nextCursor` of the previous page." }),
};

/** Cursors are opaque to clients: base64url of the last row's sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** What one part of a list's sort key is: text, or a row id (a positive whole number). */
export type CursorPart = "string" | "id";

/**
 * The sort key a cursor carries, checked against the list's own key (`["string", "string"]` by
 * default for `arity` 2): anything else — not base64url JSON, another length, a number where the
 * list sorts by text, a fraction or text where it sorts by row id — is a 422 naming `query.cursor`,
 * so no forged cursor reaches a query.
 *
 * @example
 * ```ts
 * const [after] = decodeCursor(query.cursor, 1, ["id"]) as [number];
 * ```
 */
export function decodeCursor(
  cursor: string,
  arity: number,
  parts: readonly CursorPart[] = Array.from({ length: arity }, () => "string" as const),
): (string | number)[] {
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const key: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
        Uint8Array.from(binary, (ch) => ch.charCodeAt(0)),
      ),
    );
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part, i) =>
        parts[i] === "id"
          ? Number.isSafeInteger(part) && (part as number) > 0
          : typeof part === "string" && part.length <= 512,
      )
    )
      return key;
  } catch {
    // fall through to the problem below
  }
  throw new ApiError("validation_failed", "query.cursor: not a cursor this list issued", {
    errors: [{ field: "query.cursor", code: "invalid_cursor", message: "not a cursor this list issued" }],
  });
}

/** Splits the `limit + 1` rows a query fetched into a page and the cursor of the next one. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items, nextCursor };
}
