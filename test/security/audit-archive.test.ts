/**
 * The archiving procedure of docs/audit-retention.md, run as written: its SQL copies the database
 * into an archive that keeps the audit trail append-only, and reports the range it holds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNodeDb } from "../../db/node";
import { problem, type TestApp, testApp } from "../support/app";

const DOC = readFileSync(new URL("../../docs/audit-retention.md", import.meta.url), "utf8");
/** The statements of the page's ```sql blocks, in order. */
const statements = [...DOC.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((m) =>
  (m[1] ?? "")
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

let t: TestApp;
let dir: string;
/** The test database's libSQL client (drizzle keeps it as `$client`). */
const live = () => (t.db as unknown as { $client: ReturnType<typeof openNodeDb>["client"] }).$client;
beforeAll(async () => {
  t = await testApp();
  dir = mkdtempSync(join(tmpdir(), "banzi-archive-"));
  // Some events: a change, a read and a refusal.
  expect((await t.post("/v1/regions", { code: "AR", name: "档案", level: "city" })).status).toBe(201);
  expect((await t.get("/v1/cadres")).status).toBe(200);
  await problem(await t.anonymous.get("/v1/cadres/someone"));
});
afterAll(() => {
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("archiving the audit trail (docs/audit-retention.md)", () => {
  it("copies the database with its append-only trail and reports the range of events it holds", async () => {
    expect(statements.map((s) => s.split(/\s+/)[0]?.toUpperCase())).toEqual(["VACUUM", "PRAGMA", "SELECT"]);
    const archive = join(dir, "banzi-archive-2026.db");
    const [vacuum, integrity, range] = statements as [string, string, string];
    await live().execute(vacuum.replace("'banzi-archive-2026.db'", `'${archive}'`));
    expect(existsSync(archive)).toBe(true);

    const copy = openNodeDb(`file:${archive}`);
    try {
      expect((await copy.client.execute(integrity)).rows[0]?.[0]).toBe("ok");
      const now = await live().execute("select count(*), min(id), max(id) from audit_events");
      const held = (await copy.client.execute(range)).rows[0];
      expect(Number(held?.events)).toBe(Number(now.rows[0]?.[0]));
      expect(Number(held?.events)).toBeGreaterThanOrEqual(3);
      expect(Number(held?.first_id)).toBe(Number(now.rows[0]?.[1]));
      expect(Number(held?.last_id)).toBe(Number(now.rows[0]?.[2]));
      // The archived trail refuses edits as the live one does.
      await expect(copy.client.execute("delete from audit_events")).rejects.toThrow(/append-only/);
      await expect(copy.client.execute("update audit_events set outcome = 'success'")).rejects.toThrow(
        /append-only/,
      );
    } finally {
      copy.client.close();
    }
  });
});
