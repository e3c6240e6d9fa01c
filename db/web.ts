import { createClient } from "@libsql/client/web";
import { drizzle } from "drizzle-orm/libsql/web";
import { type Db, schema } from "./client";

/**
 * Opens a libSQL server over HTTP for the worker. Create one per request: long-lived HTTP streams
 * expire on the server ("invalid baton").
 */
export function openWebDb(url: string, authToken?: string): Db {
  const client = createClient({ url, ...(authToken ? { authToken } : {}) });
  return drizzle(client, { schema });
}
