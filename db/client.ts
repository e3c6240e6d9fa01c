import type { LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

/** The drizzle database banzi works with; the same type on Node (`file:`) and in the worker (HTTP). */
export type Db = LibSQLDatabase<typeof schema>;

/** A transaction handle; queries accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export { schema };

const scopes = new WeakMap<Db, object>();

/**
 * What per-database caches (members, the scoring profile, regions, kept layout tables) are kept
 * under: the database a Db reaches rather than the Db object. On Node that is the Db itself (one per
 * process); the worker opens a Db per request (db/web.ts) and gives every Db of one server and token
 * the same scope, so an isolate's caches outlive the request. Each cache checks the database's data
 * versions as it does on Node.
 */
export function cacheScope(db: Db): object {
  return scopes.get(db) ?? db;
}

/** Makes `db` share the caches kept under `scope` (see {@link cacheScope}). */
export function shareCacheScope(db: Db, scope: object): void {
  scopes.set(db, scope);
}

/**
 * Runs `work` in one write transaction. `immediate` takes the write lock at BEGIN, so two processes
 * writing one file wait for each other (the client's `timeout`) instead of failing with SQLITE_BUSY
 * on lock upgrade, which is what deferred transactions and drizzle's `batch()` do.
 *
 * `check` (a request's deadline) runs before BEGIN and again before COMMIT: if it throws, nothing is
 * written (the transaction rolls back), so a request answered with its error never stored anything.
 */
export function writeTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, check?: () => void): Promise<T> {
  if (!check) return db.transaction(work, { behavior: "immediate" });
  check();
  return db.transaction(
    async (tx) => {
      const done = await work(tx);
      check();
      return done;
    },
    { behavior: "immediate" },
  );
}
