import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "libsql";
import {
  bindArgs,
  EXPLAIN_PREFIX,
  errorToHrana,
  explain,
  type HranaError,
  type HranaValue,
  isObject,
  ProtocolError,
  parameters,
  type SqlValue,
  valueToHrana,
} from "./hrana-values.js";

type Db = Database.Database;

interface Stream {
  db: Db;
  /** SQL texts stored with `store_sql`, which only live as long as their stream. */
  sqls: Map<number, string>;
  idleSince: number;
  /** Rolls back any open transaction and closes the connection; `db.open` tells whether this happened. */
  close(): void;
}

interface StmtResult {
  cols: { name: string; decltype: string | null }[];
  rows: HranaValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

export interface HranaServer {
  /** Base URL to give to `createClient`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops listening and closes every stream connection (rolling back open transactions). */
  close(): Promise<void>;
}

/** Same expiry as sqld: a stream not used for this long is closed and its baton rejected. */
const STREAM_IDLE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;
const LOCK_RETRY_MS = 10;

/**
 * Starts a Hrana-over-HTTP (protocol v2, JSON) server backed by the SQLite file at `options.path`, standing
 * in for sqld in tests: `createClient({ url })` from `@libsql/client/web` (or `@libsql/client` with an
 * http URL) can talk to it. Every stream gets its own connection, so interactive transactions are isolated
 * from each other as on a real server. The file is switched to WAL mode, as sqld does.
 */
export async function startHranaServer(options: {
  path: string;
  port?: number;
  host?: string;
  authToken?: string;
}): Promise<HranaServer> {
  const { path, port = 0, host = "127.0.0.1", authToken } = options;
  // WAL lets readers proceed while another stream holds an uncommitted write, like sqld.
  const setup = new Database(path);
  setup.exec("PRAGMA journal_mode = WAL");
  setup.close();

  const idle = new Map<string, Stream>();
  const open = new Set<Stream>();

  const openStream = (): Stream => {
    const db = new Database(path);
    // No native busy_timeout: it would block Node's only thread, so the stream holding the lock could
    // never commit. Lock waits are done asynchronously by waitForLock() instead.
    db.exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 0");
    const stream: Stream = {
      db,
      sqls: new Map(),
      idleSince: Date.now(),
      close() {
        open.delete(stream);
        if (!db.open) return;
        try {
          // libsql's close() leaves the SQLite handle alive until its statements are garbage collected, so
          // an open transaction would keep holding its lock; roll it back explicitly.
          if (db.inTransaction) db.exec("ROLLBACK");
        } finally {
          db.close();
        }
      },
    };
    open.add(stream);
    return stream;
  };

  const reaper = setInterval(() => {
    for (const [baton, stream] of idle) {
      if (Date.now() - stream.idleSince > STREAM_IDLE_MS) {
        idle.delete(baton);
        stream.close();
      }
    }
  }, 1000);
  reaper.unref();

  const handlePipeline = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { message: "Request body is not valid JSON", code: "PROTOCOL_ERROR" });
    }
    if (!isObject(body) || !Array.isArray(body.requests)) {
      return sendJson(res, 400, { message: "Expected { baton, requests: [...] }", code: "PROTOCOL_ERROR" });
    }
    let stream: Stream;
    if (body.baton === null || body.baton === undefined) {
      stream = openStream();
    } else {
      const found = typeof body.baton === "string" ? idle.get(body.baton) : undefined;
      if (found === undefined) {
        return sendJson(res, 400, { message: "Unknown or expired baton", code: "BATON_INVALID" });
      }
      // Each baton is single-use, which also stops two requests from using one stream at the same time.
      idle.delete(body.baton as string);
      stream = found;
    }
    try {
      const results: unknown[] = [];
      for (const request of body.requests) results.push(await handleRequest(stream, request));
      let baton: string | null = null;
      if (stream.db.open) {
        baton = randomBytes(24).toString("base64url");
        stream.idleSince = Date.now();
        idle.set(baton, stream);
      }
      sendJson(res, 200, { baton, base_url: null, results });
    } catch (error) {
      // As in sqld, a protocol violation discards the stream.
      stream.close();
      if (!(error instanceof ProtocolError)) throw error;
      sendJson(res, 400, { message: error.message, code: "PROTOCOL_ERROR" });
    }
  };

  const server = createServer(async (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    try {
      if (req.method === "GET" && (pathname === "/v2" || pathname === "/health")) {
        send(res, 200, "text/plain", "ok");
      } else if (req.method === "POST" && pathname === "/v2/pipeline") {
        if (authToken !== undefined && req.headers.authorization !== `Bearer ${authToken}`) {
          sendJson(res, 401, { message: "Missing or wrong auth token", code: "UNAUTHORIZED" });
        } else {
          await handlePipeline(req, res);
        }
      } else {
        // Includes /v3 and /v3-protobuf, so a client probing for newer versions falls back to v2.
        send(res, 404, "text/plain", "Not found");
      }
    } catch (error) {
      sendJson(res, 500, { message: String(error), code: "INTERNAL_ERROR" });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${address.port}`,
    async close() {
      clearInterval(reaper);
      idle.clear();
      for (const stream of open) stream.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function handleRequest(stream: Stream, request: unknown): Promise<unknown> {
  if (!isObject(request)) throw new ProtocolError("Expected a request object");
  if (request.type === "close") {
    stream.close();
    return { type: "ok", response: { type: "close" } };
  }
  if (!stream.db.open) throw new ProtocolError("The stream was closed earlier in this pipeline");
  try {
    return { type: "ok", response: await respond(stream, request) };
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    return { type: "error", error: errorToHrana(error) };
  }
}

async function respond(stream: Stream, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (request.type) {
    case "execute":
      return { type: "execute", result: await executeStmt(stream, request.stmt) };
    case "batch":
      return { type: "batch", result: await executeBatch(stream, request.batch) };
    case "sequence":
      stream.db.exec(resolveSql(stream, request));
      return { type: "sequence" };
    case "describe":
      return { type: "describe", result: describe(stream.db, resolveSql(stream, request)) };
    case "store_sql":
      if (typeof request.sql_id !== "number" || typeof request.sql !== "string") {
        throw new ProtocolError("store_sql needs sql_id and sql");
      }
      if (stream.sqls.has(request.sql_id)) throw new ProtocolError(`SQL id ${request.sql_id} already exists`);
      stream.sqls.set(request.sql_id, request.sql);
      return { type: "store_sql" };
    case "close_sql":
      if (typeof request.sql_id === "number") stream.sqls.delete(request.sql_id);
      return { type: "close_sql" };
    case "get_autocommit":
      return { type: "get_autocommit", is_autocommit: !stream.db.inTransaction };
    default:
      throw new ProtocolError(`Unknown request type ${String(request.type)}`);
  }
}

async function executeBatch(stream: Stream, batch: unknown) {
  if (!isObject(batch) || !Array.isArray(batch.steps)) throw new ProtocolError("Expected batch.steps");
  const stepResults: (StmtResult | null)[] = [];
  const stepErrors: (HranaError | null)[] = [];

  const earlierStep = (step: unknown): number => {
    if (typeof step !== "number" || step < 0 || step >= stepResults.length) {
      throw new ProtocolError("A condition may only refer to an earlier step");
    }
    return step;
  };
  const holds = (cond: unknown): boolean => {
    if (!isObject(cond)) throw new ProtocolError("Expected a condition object");
    const conds = () => {
      if (!Array.isArray(cond.conds)) throw new ProtocolError("Expected conds array");
      return cond.conds as unknown[];
    };
    switch (cond.type) {
      case "ok":
        return stepResults[earlierStep(cond.step)] != null;
      case "error":
        return stepErrors[earlierStep(cond.step)] != null;
      case "not":
        return !holds(cond.cond);
      case "and":
        return conds().every((c) => holds(c));
      case "or":
        return conds().some((c) => holds(c));
      case "is_autocommit":
        return !stream.db.inTransaction;
      default:
        throw new ProtocolError(`Unknown condition type ${String(cond.type)}`);
    }
  };

  for (const step of batch.steps) {
    if (!isObject(step)) throw new ProtocolError("Expected a batch step object");
    let result: StmtResult | null = null;
    let error: HranaError | null = null;
    // A step whose condition is false is skipped and reports neither a result nor an error.
    if (step.condition === undefined || step.condition === null || holds(step.condition)) {
      try {
        result = await executeStmt(stream, step.stmt);
      } catch (e) {
        if (e instanceof ProtocolError) throw e;
        error = errorToHrana(e);
      }
    }
    stepResults.push(result);
    stepErrors.push(error);
  }
  return { step_results: stepResults, step_errors: stepErrors };
}

async function executeStmt(stream: Stream, stmt: unknown): Promise<StmtResult> {
  if (!isObject(stmt)) throw new ProtocolError("Expected a stmt object");
  const sql = resolveSql(stream, stmt);
  const args = bindArgs(stream.db, sql, stmt);
  return runStmt(stream.db, sql, args, stmt.want_rows !== false);
}

async function runStmt(db: Db, sql: string, args: SqlValue[], wantRows: boolean): Promise<StmtResult> {
  const prepared = await waitForLock(() => db.prepare(sql));
  const [totalBefore] = changeCounters(db);
  let cols: StmtResult["cols"] = [];
  let rows: HranaValue[][] = [];
  if (prepared.reader) {
    prepared.raw(true).safeIntegers(true);
    cols = prepared.columns().map((col) => ({ name: col.name, decltype: col.type }));
    const all = await waitForLock(() => prepared.all(args) as unknown[][]);
    if (wantRows) rows = all.map((row) => row.map(valueToHrana));
  } else {
    await waitForLock(() => prepared.run(args));
  }
  const [totalAfter, changes, rowid] = changeCounters(db);
  return {
    cols,
    rows,
    // changes() keeps the count of the last INSERT/UPDATE/DELETE, so it is only reported when this
    // statement moved total_changes(); this also covers `... RETURNING`, which runs as a reader.
    affected_row_count: totalAfter !== totalBefore ? Number(changes) : 0,
    last_insert_rowid: rowid === undefined ? null : String(rowid),
  };
}

function changeCounters(db: Db): unknown[] {
  const rows = db
    .prepare("SELECT total_changes(), changes(), last_insert_rowid()")
    .raw(true)
    .safeIntegers(true)
    .all() as unknown[][];
  return rows[0] ?? [];
}

/**
 * Retries a step that found the database locked by another stream, without blocking the event loop, so
 * the other stream can commit meanwhile (a real server waits the same way). A statement failing with
 * SQLITE_BUSY has had no effect, so running it again is safe. It must be the same statement object: libsql
 * only resets a statement when it runs again, and one left in SQLITE_BUSY counts as in progress (a later
 * COMMIT fails with "SQL statements in progress").
 */
async function waitForLock<T>(run: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return run();
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
}

function resolveSql(stream: Stream, request: Record<string, unknown>): string {
  const { sql, sql_id: sqlId } = request;
  if (typeof sql === "string" && (sqlId === undefined || sqlId === null)) return sql;
  if ((sql === undefined || sql === null) && typeof sqlId === "number") {
    const stored = stream.sqls.get(sqlId);
    if (stored === undefined) throw new ProtocolError(`SQL id ${sqlId} was not stored`);
    return stored;
  }
  throw new ProtocolError("Exactly one of sql and sql_id must be given");
}

function describe(db: Db, sql: string) {
  const prepared = db.prepare(sql);
  const program = explain(db, sql);
  const params = parameters(db, sql, program);
  const isExplain = EXPLAIN_PREFIX.test(sql);
  return {
    params: Array.from({ length: Math.max(0, ...params.keys()) }, (_, i) => ({
      name: params.get(i + 1) ?? null,
    })),
    cols: prepared.reader ? prepared.columns().map((col) => ({ name: col.name, decltype: col.type })) : [],
    is_explain: isExplain,
    // A statement that writes opens a write transaction: a Transaction opcode with p2 != 0.
    is_readonly:
      isExplain || !program.some(([, opcode, , p2]) => opcode === "Transaction" && Number(p2) !== 0),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType });
  res.end(body);
}

/** The client only reads an error body as Hrana JSON when content-type is exactly "application/json". */
function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json", JSON.stringify(value));
}
