import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Client, createClient, LibsqlError } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HranaServer, startHranaServer } from "./hrana-server.js";

let dir: string;
let server: HranaServer;
let client: Client;

async function pipeline(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/v2/pipeline`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "banzi-hrana-"));
  server = await startHranaServer({ path: path.join(dir, "test.db") });
  client = createClient({ url: server.url });
  await client.batch(
    [
      "CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER, f REAL, t TEXT, b BLOB, z)",
      "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))",
      "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)",
    ],
    "write",
  );
});

afterAll(async () => {
  client?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("hrana test server", () => {
  it("answers the version probes so the client settles on v2", async () => {
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3`)).status).toBe(404);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
    expect((await fetch(`${server.url}/v3/pipeline`, { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("binds positional and named arguments and reads every value type back", async () => {
    const blob = new Uint8Array([0, 1, 254, 255]);
    const positional = await client.execute({
      sql: "INSERT INTO items (n, f, t, b, z) VALUES (?, ?, ?, ?, ?)",
      args: [42, 1.5, "héllo", blob, null],
    });
    expect(positional.rowsAffected).toBe(1);
    const named = await client.execute({
      sql: "INSERT INTO items (n, f, t, b, z) VALUES (:n, @f, $t, :b, :z)",
      args: { n: 7n, "@f": -0.25, t: "named", b: new Uint8Array([9]), z: null },
    });
    expect(named.lastInsertRowid).toBe(positional.lastInsertRowid! + 1n);

    const rs = await client.execute({
      sql: "SELECT id, n, typeof(n) AS nt, f, t, b, z FROM items WHERE id IN (?, ?) ORDER BY id",
      args: [positional.lastInsertRowid!, named.lastInsertRowid!],
    });
    expect(rs.columns).toEqual(["id", "n", "nt", "f", "t", "b", "z"]);
    expect(rs.columnTypes).toEqual(["INTEGER", "INTEGER", "", "REAL", "TEXT", "BLOB", ""]);
    const [first, second] = rs.rows;
    expect(first).toMatchObject({ n: 42, nt: "integer", f: 1.5, t: "héllo", z: null });
    expect(new Uint8Array(first!.b as ArrayBuffer)).toEqual(blob);
    expect(second).toMatchObject({ n: 7, nt: "integer", f: -0.25, t: "named", z: null });
    expect(new Uint8Array(second!.b as ArrayBuffer)).toEqual(new Uint8Array([9]));
  });

  it("keeps 64-bit integers exact with intMode bigint", async () => {
    const big = createClient({ url: server.url, intMode: "bigint" });
    try {
      const big64 = 9007199254740993n;
      await big.execute({ sql: "INSERT INTO kv (k, v) VALUES ('big', ?)", args: [big64] });
      const rs = await big.execute(
        "SELECT v, typeof(v) AS vt, -9223372036854775808 AS min FROM kv WHERE k = 'big'",
      );
      expect(rs.rows[0]).toMatchObject({ v: big64, vt: "integer", min: -9223372036854775808n });
    } finally {
      big.close();
    }
  });

  it("runs a write batch atomically: a failing step rolls back the earlier ones", async () => {
    await expect(
      client.batch(
        [
          "INSERT INTO parent (name) VALUES ('batch-a')",
          "INSERT INTO parent (name) VALUES ('batch-a')", // UNIQUE violation
        ],
        "write",
      ),
    ).rejects.toBeInstanceOf(LibsqlError);
    const rs = await client.execute("SELECT count(*) AS c FROM parent WHERE name = 'batch-a'");
    expect(rs.rows[0]?.c).toBe(0);

    const ok = await client.batch(
      ["INSERT INTO parent (name) VALUES ('batch-b')", "SELECT name FROM parent WHERE name = 'batch-b'"],
      "write",
    );
    expect(ok[1]?.rows[0]?.name).toBe("batch-b");
  });

  it("commits and rolls back interactive transactions", async () => {
    const committed = await client.transaction("write");
    await committed.execute("INSERT INTO kv (k, v) VALUES ('tx-commit', 1)");
    await committed.execute("UPDATE kv SET v = v + 1 WHERE k = 'tx-commit'");
    await committed.commit();

    const rolledBack = await client.transaction("write");
    await rolledBack.execute("INSERT INTO kv (k, v) VALUES ('tx-rollback', 1)");
    const inside = await rolledBack.execute("SELECT count(*) AS c FROM kv WHERE k = 'tx-rollback'");
    expect(inside.rows[0]?.c).toBe(1);
    await rolledBack.rollback();

    const rs = await client.execute("SELECT k, v FROM kv WHERE k LIKE 'tx-%' ORDER BY k");
    expect(rs.rows.map((r) => [r.k, r.v])).toEqual([["tx-commit", 2]]);
  });

  it("reports constraint violations as LibsqlError with sqld's error code", async () => {
    await client.execute("INSERT INTO parent (name) VALUES ('dup')");
    const error = await client.execute("INSERT INTO parent (name) VALUES ('dup')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).code).toBe("SQLITE_CONSTRAINT");
    expect((error as LibsqlError).message).toMatch(/UNIQUE constraint failed: parent\.name/);

    const syntax = await client.execute("SELEC 1").catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(LibsqlError);
    expect((syntax as LibsqlError).code).toBe("SQLITE_ERROR");
    // the server is still fine afterwards
    expect((await client.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
  });

  it("enforces foreign keys", async () => {
    const error = await client
      .execute({ sql: "INSERT INTO child (parent_id) VALUES (?)", args: [123456] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).message).toMatch(/FOREIGN KEY constraint failed/);
    expect((await client.execute("SELECT count(*) AS c FROM child")).rows[0]?.c).toBe(0);
  });

  it("isolates concurrent transactions on different streams", async () => {
    const writer = await client.transaction("write");
    const reader = await client.transaction("read");
    try {
      await writer.execute("INSERT INTO kv (k, v) VALUES ('isolated', 1)");
      const seen = await reader.execute("SELECT count(*) AS c FROM kv WHERE k = 'isolated'");
      expect(seen.rows[0]?.c).toBe(0);
      await writer.commit();
      // the reader keeps its snapshot until it ends
      const stillSeen = await reader.execute("SELECT count(*) AS c FROM kv WHERE k = 'isolated'");
      expect(stillSeen.rows[0]?.c).toBe(0);
    } finally {
      writer.close();
      reader.close();
    }
    const after = await client.execute("SELECT count(*) AS c FROM kv WHERE k = 'isolated'");
    expect(after.rows[0]?.c).toBe(1);
  });

  it("makes a second writer wait for the first one instead of failing", async () => {
    const first = await client.transaction("write");
    await first.execute("INSERT INTO kv (k, v) VALUES ('first', 1)");
    const second = await client.transaction("write");
    const secondWrite = second.execute("INSERT INTO kv (k, v) VALUES ('second', 2)");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.commit();
    await secondWrite;
    await second.commit();
    const rs = await client.execute("SELECT k FROM kv WHERE k IN ('first', 'second') ORDER BY k");
    expect(rs.rows.map((r) => r.k)).toEqual(["first", "second"]);
  });

  it("runs executeMultiple as a sequence", async () => {
    await client.executeMultiple(
      "INSERT INTO kv (k, v) VALUES ('seq-1', 1); INSERT INTO kv (k, v) VALUES ('seq-2', 2);",
    );
    const rs = await client.execute("SELECT sum(v) AS s FROM kv WHERE k LIKE 'seq-%'");
    expect(rs.rows[0]?.s).toBe(3);
  });

  it("evaluates batch conditions and answers get_autocommit", async () => {
    const stmt = (sql: string) => ({ sql, want_rows: true });
    const res = await pipeline({
      baton: null,
      requests: [
        {
          type: "batch",
          batch: {
            steps: [
              { stmt: stmt("SELECT 1") },
              { stmt: stmt("SELECT no_such_column") },
              { stmt: stmt("SELECT 2"), condition: { type: "ok", step: 0 } },
              { stmt: stmt("SELECT 3"), condition: { type: "ok", step: 1 } },
              { stmt: stmt("SELECT 4"), condition: { type: "error", step: 1 } },
              {
                stmt: stmt("SELECT 5"),
                condition: {
                  type: "and",
                  conds: [
                    { type: "ok", step: 0 },
                    { type: "not", cond: { type: "error", step: 1 } },
                  ],
                },
              },
              {
                stmt: stmt("SELECT 6"),
                condition: {
                  type: "or",
                  conds: [
                    { type: "ok", step: 1 },
                    { type: "ok", step: 0 },
                  ],
                },
              },
              { stmt: stmt("SELECT 7"), condition: { type: "is_autocommit" } },
            ],
          },
        },
        { type: "execute", stmt: stmt("BEGIN") },
        { type: "get_autocommit" },
        { type: "execute", stmt: stmt("ROLLBACK") },
        { type: "get_autocommit" },
        { type: "close" },
      ],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.baton).toBeNull();
    const batch = body.results[0].response.result;
    const ran = batch.step_results.map(
      (r: { rows: { value: string }[][] } | null) => r?.rows[0]?.[0]?.value ?? null,
    );
    expect(ran).toEqual(["1", null, "2", null, "4", null, "6", "7"]);
    expect(batch.step_errors.map((e: unknown) => e !== null)).toEqual([
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(body.results[2].response).toEqual({ type: "get_autocommit", is_autocommit: false });
    expect(body.results[4].response).toEqual({ type: "get_autocommit", is_autocommit: true });
    expect(body.results[5].response).toEqual({ type: "close" });
  });

  it("stores SQL texts per stream and describes statements", async () => {
    const res = await pipeline({
      baton: null,
      requests: [
        { type: "store_sql", sql_id: 1, sql: "SELECT v FROM kv WHERE k = :k" },
        {
          type: "execute",
          stmt: { sql_id: 1, named_args: [{ name: "k", value: { type: "text", value: "seq-2" } }] },
        },
        { type: "describe", sql_id: 1 },
        { type: "describe", sql: "INSERT INTO kv (k, v) VALUES (?1, ?2)" },
        { type: "close_sql", sql_id: 1 },
      ],
    });
    const body = await res.json();
    expect(body.results[1].response.result.rows).toEqual([[{ type: "integer", value: "2" }]]);
    expect(body.results[2].response.result).toEqual({
      params: [{ name: ":k" }],
      cols: [{ name: "v", decltype: "INTEGER" }],
      is_explain: false,
      is_readonly: true,
    });
    expect(body.results[3].response.result).toMatchObject({
      params: [{ name: "?1" }, { name: "?2" }],
      cols: [],
      is_readonly: false,
    });
    expect(body.results[4].response).toEqual({ type: "close_sql" });

    // the stored text is gone after close_sql
    const again = await pipeline({ baton: body.baton, requests: [{ type: "execute", stmt: { sql_id: 1 } }] });
    expect(again.status).toBe(400);
  });

  it("rejects unknown batons and malformed bodies with 400", async () => {
    const unknown = await pipeline({ baton: "no-such-baton", requests: [] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: "BATON_INVALID" });

    const opened = await (await pipeline({ baton: null, requests: [] })).json();
    expect(typeof opened.baton).toBe("string");
    expect((await pipeline({ baton: opened.baton, requests: [{ type: "close" }] })).status).toBe(200);
    // a baton is single-use, and the stream is gone after close anyway
    expect((await pipeline({ baton: opened.baton, requests: [] })).status).toBe(400);

    const malformed = await fetch(`${server.url}/v2/pipeline`, { method: "POST", body: "not json" });
    expect(malformed.status).toBe(400);
  });

  it("requires the bearer token when one is configured", async () => {
    const secured = await startHranaServer({ path: path.join(dir, "secured.db"), authToken: "s3cret" });
    try {
      const anonymous = createClient({ url: secured.url });
      await expect(anonymous.execute("SELECT 1")).rejects.toBeInstanceOf(LibsqlError);
      anonymous.close();
      const authorized = createClient({ url: secured.url, authToken: "s3cret" });
      expect((await authorized.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
      authorized.close();
    } finally {
      await secured.close();
    }
  });
});
