import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { migrateDb, openNodeDb } from "../../db/node";

/** A migrated database in its own temporary file; `close()` removes it. Never shared between files. */
export async function tempDb(): Promise<{ db: Db; url: string; path: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "banzi-test-"));
  const path = join(dir, "banzi.db");
  const url = `file:${path}`;
  const { db, client } = openNodeDb(url);
  await migrateDb(db);
  return {
    db,
    url,
    path,
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Row counts of every table: "the database is unchanged" means these are equal before and after.
 * The audit trail is left out: it records refused and failed attempts too (test/security/ counts it).
 */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' and name <> 'audit_events' order by name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`));
    counts[name] = Number(row?.n ?? 0);
  }
  return counts;
}
