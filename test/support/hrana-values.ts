/**
 * Hrana v2 (JSON encoding) wire types used by the test server, and their conversion to and from the
 * values that the `libsql` package binds and returns.
 */

export type HranaValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

export interface HranaError {
  message: string;
  code: string;
}

/** What `libsql` accepts as a bind parameter (and returns when `safeIntegers` is on). */
export type SqlValue = null | bigint | number | string | Buffer;

/** A malformed request: the server answers the whole HTTP request with 400, as sqld does. */
export class ProtocolError extends Error {}

/** A statement-level failure reported to the client as a Hrana error result. */
export class StmtError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function valueFromHrana(value: unknown): SqlValue {
  if (!isObject(value)) throw new ProtocolError("Expected a Hrana value object");
  switch (value.type) {
    case "null":
      return null;
    case "integer":
      // Always a BigInt, even when small: libsql binds every JS number as REAL, which would turn
      // `typeof(?)` into 'real' and break integer comparisons on columns without INTEGER affinity.
      if (typeof value.value !== "string" || !/^-?\d+$/.test(value.value)) {
        throw new ProtocolError("Integer value must be a decimal string");
      }
      return BigInt(value.value);
    case "float":
      if (typeof value.value !== "number") throw new ProtocolError("Float value must be a number");
      return value.value;
    case "text":
      if (typeof value.value !== "string") throw new ProtocolError("Text value must be a string");
      return value.value;
    case "blob":
      if (typeof value.base64 !== "string") throw new ProtocolError("Blob value must have base64");
      return Buffer.from(value.base64, "base64");
    default:
      throw new ProtocolError(`Unknown value type ${String(value.type)}`);
  }
}

/** Converts a column value read with `safeIntegers(true)`, so INTEGERs arrive as bigint and REALs as number. */
export function valueToHrana(value: unknown): HranaValue {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: value.toString() };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) return { type: "blob", base64: Buffer.from(value).toString("base64") };
  throw new Error(`Cannot encode ${typeof value} as a Hrana value`);
}

/**
 * sqld reports the primary result code ("SQLITE_CONSTRAINT", not "SQLITE_CONSTRAINT_FOREIGNKEY") and
 * prefixes the message with "SQLite error: "; we mirror that so code written against this server also
 * works against a real one. Extended codes are always "<primary>_<suffix>" and primary names have no
 * further underscore, so the primary code is the first two segments.
 */
export function errorToHrana(error: unknown): HranaError {
  if (error instanceof StmtError) return { message: error.message, code: error.code };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    return { message: `SQLite error: ${message}`, code: code.split("_").slice(0, 2).join("_") };
  }
  return { message, code: "UNKNOWN" };
}
