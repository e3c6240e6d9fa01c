import type { LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

/** The drizzle database banzi works with; the same type on Node (`file:`) and in the worker (HTTP). */
export type Db = LibSQLDatabase<typeof schema>;

/** A transaction handle; queries accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export { schema };

/**
 * Runs `work` in one write transaction. `immediate` takes the write lock at BEGIN, so two processes
 * writing one file wait for each other (the client's `timeout`) instead of failing with SQLITE_BUSY
 * on lock upgrade, which is what deferred transactions and drizzle's `batch()` do.
 */
export function writeTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(work, { behavior: "immediate" });
}
