import { createClient } from "@libsql/client/web";
import { drizzle } from "drizzle-orm/libsql/web";
import { type Db, schema, shareCacheScope } from "./client";

/** One cache scope per server URL and token, for the life of the isolate (see cacheScope). */
const scopes = new Map<string, object>();

/**
 * Opens a libSQL server over HTTP for the worker. Create one per request: long-lived HTTP streams
 * expire on the server ("invalid baton"). The Dbs of one URL and token share their caches.
 */
export function openWebDb(url: string, authToken?: string): Db {
  const client = createClient({ url, ...(authToken ? { authToken } : {}) });
  const db = drizzle(client, { schema });
  const key = `${url}\u0000${authToken ?? ""}`;
  let scope = scopes.get(key);
  if (!scope) {
    scope = {};
    scopes.set(key, scope);
  }
  shareCacheScope(db, scope);
  return db;
}
