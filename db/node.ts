import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { type Db, schema } from "./client";

/** Folder of the committed drizzle-kit migrations. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/** How long a writer waits for another process's lock before giving up (ms). */
export const BUSY_TIMEOUT_MS = 15_000;

/**
 * Opens a libSQL database from Node: a `file:` URL (embedded; the folder is created) or a remote
 * `libsql:`/`http(s):` URL with an optional auth token. A writer finding the file locked waits up
 * to `busyTimeoutMs` (default {@link BUSY_TIMEOUT_MS}); past it the statement fails with
 * SQLITE_BUSY, which the app answers 503 with `Retry-After` (src/lib/sqlite-errors.ts).
 */
export function openNodeDb(
  url: string,
  authToken?: string,
  options: { busyTimeoutMs?: number } = {},
): { db: Db; client: Client } {
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).split("?")[0] ?? "";
    if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  }
  const client = createClient({
    url,
    ...(authToken ? { authToken } : {}),
    timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS,
  });
  return { db: drizzle(client, { schema }), client };
}

/**
 * Applies every pending migration (idempotent: a migrated database is left as it is), and puts a
 * database file in WAL mode: readers then never wait for a writer, and a writer waits only for
 * another writer. The mode is stored in the file, so every later connection (each server process,
 * the command-line tools) has it too.
 */
export async function migrateDb(db: Db): Promise<void> {
  const client = (db as unknown as { $client: Client }).$client;
  if (client.protocol === "file") await client.execute("PRAGMA journal_mode = WAL");
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
