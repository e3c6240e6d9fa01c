/**
 * Hrana v2 (JSON encoding) wire types used by the test server, and their conversion to and from what the
 * `libsql` package binds and returns: values, statement arguments and errors.
 */

import type Database from "libsql";

type Db = Database.Database;

export const EXPLAIN_PREFIX = /^\s*EXPLAIN(\s+QUERY\s+PLAN)?\b/i;

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

/** Turns a Hrana stmt's `args` / `named_args` into the positional array passed to libsql. */
export function bindArgs(db: Db, sql: string, stmt: Record<string, unknown>): SqlValue[] {
  const args = stmt.args ?? [];
  const named = stmt.named_args ?? [];
  if (!Array.isArray(args) || !Array.isArray(named)) throw new ProtocolError("args must be arrays");
  if (named.length === 0) return args.map(valueFromHrana);
  if (args.length > 0) {
    throw new StmtError(
      "Specifying both positional and named arguments is not supported",
      "ARGS_BOTH_POSITIONAL_AND_NAMED",
    );
  }
  // libsql's object binding aborts the whole process (a Rust panic) when the statement also has `?`
  // parameters, so named arguments are bound positionally, by the parameter's index.
  const indexes = new Map<string, number>();
  for (const [index, name] of parameters(db, sql)) if (name !== null) indexes.set(name, index);
  const bound: SqlValue[] = [];
  for (const arg of named) {
    if (!isObject(arg) || typeof arg.name !== "string")
      throw new ProtocolError("Named argument needs a name");
    // Like sqld, accept the name with or without its prefix character. Unknown names are ignored rather
    // than rejected: the EXPLAIN listing lacks parameters the optimizer dropped (as in `0 AND :x`).
    const { name } = arg;
    const index =
      indexes.get(name) ?? indexes.get(`:${name}`) ?? indexes.get(`@${name}`) ?? indexes.get(`$${name}`);
    if (index !== undefined) bound[index - 1] = valueFromHrana(arg.value);
  }
  return Array.from(bound, (value) => value ?? null);
}

/**
 * libsql exposes neither sqlite3_bind_parameter_name nor sqlite3_stmt_readonly, so both are read from the
 * EXPLAIN listing: each parameter use is a Variable opcode with its index in p1 and its name (":id", "?3",
 * or null for a bare "?") in p4.
 */
export function explain(db: Db, sql: string): unknown[][] {
  const program = db
    .prepare(`EXPLAIN ${sql.replace(EXPLAIN_PREFIX, "")}`)
    .raw(true)
    .safeIntegers(true);
  const listing = program.all() as unknown[][];
  // A finished EXPLAIN of a write stays "active" until reset, and while it is, SQLite defers the commit
  // of the connection's next autocommit write. libsql resets a statement only at the end of get().
  program.get();
  return listing;
}

export function parameters(db: Db, sql: string, program = explain(db, sql)): Map<number, string | null> {
  const params = new Map<number, string | null>();
  for (const [, opcode, p1, , , p4] of program) {
    if (opcode === "Variable") params.set(Number(p1), typeof p4 === "string" ? p4 : null);
  }
  return params;
}
