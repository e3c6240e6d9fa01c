/**
 * Property-based fuzzing of every route: requests built from each operation's own schemas (mostly
 * valid values, with extremes) mixed with hostile bodies, query strings, path segments and headers
 * (test/security/fuzz-requests.ts). Whatever comes in, the answer is never a 5xx, every 4xx is
 * problem+json, and a refused request leaves every table as it was (a checksum of all rows of every
 * table but the audit trail, which records refusals). Seeded, so a failure reproduces.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { openNodeDb } from "../../db/node";
import { openApiPath } from "../../src/auth/guard";
import { AuditQueue } from "../../src/services/audit";
import { createCadre, seedPostTypes, seedRegions, stens } from "../routes/fixtures";
import { type TestApp, testApp } from "../support/app";
import { type OpenApiDoc, type Operation, operations, requests } from "./fuzz-requests";

/** Requests in total; split evenly over the operations. */
const TOTAL_REQUESTS = 5_200;
const SEED = 20_261_125;

let t: TestApp;
let doc: OpenApiDoc;
/** A second connection to the file: its `data_version` changes whenever the app's commits anything. */
let watcher: ReturnType<typeof openNodeDb>;
let queue: AuditQueue | undefined;
/** One query that returns every row of every table but the audit trail, as text. */
let everyRow: string;

beforeAll(async () => {
  // As on the Node server, the events of reads and refusals are queued (written once 5,000 wait,
  // or with the next change), so a refusal commits nothing at all — most of the time.
  t = await testApp({
    audit: {
      write: (db: Db, events) => {
        queue ??= new AuditQueue(db, { intervalMs: 3_600_000, maxQueued: 5_000, onError: () => {} });
        return queue.write(db, events);
      },
      flush: () => queue?.flush() ?? Promise.resolve(),
    },
  });
  await seedRegions(t);
  await seedPostTypes(t, ["county-head", "deputy-head"]);
  await createCadre(t, { id: "fz-1" });
  await t.post("/v1/cadres/fz-1/assessments", { id: "fa-1", takenOn: "2026-04-18", stens: stens(6) });
  await t.post("/v1/teams", {
    id: "fz-team",
    region: "CT01",
    seats: [{ post: "county-head", cadreId: "fz-1" }],
  });
  doc = (await (await t.get("/openapi.json")).json()) as OpenApiDoc;
  const tables = await t.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'audit_events' order by name`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const columns = await t.db.all<{ name: string }>(sql`select name from pragma_table_info(${name})`);
    const row = columns.map((c) => `quote("${c.name}")`).join(" || ',' || ");
    parts.push(
      `select '${name}', (select group_concat(${row}, char(10)) from (select * from "${name}" order by rowid))`,
    );
  }
  everyRow = parts.join(" union all ");
  const [main] = await t.db.all<{ file: string }>(
    sql`select file from pragma_database_list where name = 'main'`,
  );
  watcher = openNodeDb(`file:${main?.file}`);
});
afterAll(async () => {
  await queue?.close();
  watcher?.client.close();
  t.close();
});

/** SQLite's count of commits by other connections (here: the app's) to the file. */
async function dataVersion(): Promise<number> {
  const result = await watcher.client.execute("pragma data_version");
  return Number(result.rows[0]?.[0]);
}

/** A checksum of every row of every table but the audit trail. */
async function checksum(): Promise<string> {
  const rows = await t.db.all(sql.raw(everyRow));
  return createHash("sha256").update(JSON.stringify(rows)).digest("hex");
}

/** Every route the app serves, as OpenAPI operations: the document's, and any route it leaves out. */
function everyRoute(): Operation[] {
  const ops = operations(doc);
  const known = new Set(ops.map((op) => `${op.method} ${op.path}`));
  for (const r of t.app.routes) {
    if (r.method === "ALL") continue;
    const path = openApiPath(r.path);
    if (known.has(`${r.method} ${path}`)) continue;
    known.add(`${r.method} ${path}`);
    const parameters = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1] as string, in: "path" }));
    ops.push({ method: r.method, path, parameters, bodies: [] });
  }
  return ops;
}

describe("fuzzing every route", () => {
  it(`answers ${TOTAL_REQUESTS} generated requests with no 5xx, problem+json on every 4xx, and no refusal changing a table`, async () => {
    const ops = everyRoute();
    expect(ops.length).toBeGreaterThan(50);
    const perOperation = Math.ceil(TOTAL_REQUESTS / ops.length);
    let sent = 0;
    const statuses = new Map<number, number>();
    const covered = new Set<string>();
    // The checksum of the tables as the last request left them.
    let before = await checksum();
    let version = await dataVersion();
    let checksums = 0;
    for (const [i, op] of ops.entries()) {
      await fc.assert(
        fc.asyncProperty(requests(doc, t.tokens, op), async (req) => {
          const res = await t.app.request(req.path, {
            method: op.method,
            headers: req.headers,
            ...(req.body === undefined ? {} : { body: req.body }),
          });
          sent++;
          covered.add(`${op.method} ${op.path}`);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const type = res.headers.get("content-type") ?? "";
          const text = await res.text();
          const what = `${op.method} ${req.path.slice(0, 200)}`;
          if (res.status >= 500) throw new Error(`${what} → ${res.status}: ${text}`);
          if (res.status >= 400 && !type.startsWith("application/problem+json"))
            throw new Error(`${what} → ${res.status} as ${type}`);
          // Nothing committed, nothing changed; otherwise compare every row of every table.
          const nowVersion = await dataVersion();
          if (nowVersion === version) return;
          version = nowVersion;
          const after = await checksum();
          checksums++;
          if (res.status >= 400 && after !== before)
            throw new Error(`${what} → ${res.status} (${text.slice(0, 200)}) changed a table`);
          before = after;
        }),
        { numRuns: perOperation, seed: SEED + i, endOnFailure: true },
      );
    }
    console.log(
      `fuzz: ${sent} requests (${checksums} commits checksummed), statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(sent).toBeGreaterThanOrEqual(5_000);
    // Every route the app serves was called.
    for (const r of t.app.routes)
      if (r.method !== "ALL") expect(covered).toContain(`${r.method} ${openApiPath(r.path)}`);
    // Not all refused: the generated requests reach the handlers and succeed often enough.
    const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    expect(ok).toBeGreaterThan(sent / 20);
    const refused = (statuses.get(401) ?? 0) + (statuses.get(403) ?? 0);
    expect(refused).toBeLessThan(sent / 2);
  }, 300_000);
});
