/**
 * The audit trail: who read or changed what, when, from which request, with what outcome — never
 * the personal values themselves (ids and field names only). Append-only: the table refuses UPDATE
 * and DELETE (db/migrations/0005_audit_append_only.sql) and no route edits it.
 */
import type { Client } from "@libsql/client";
import { and, asc, gt, gte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditEvents } from "../../db/schema";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";

export type AuditOutcome = "success" | "denied" | "failed" | "refused" | "error";
export type NewAuditEvent = Omit<typeof auditEvents.$inferInsert, "id">;
export type AuditEvent = typeof auditEvents.$inferSelect;

/** The longest object id an event stores as it came; a longer one (never a valid id) is stored hashed. */
export const MAX_AUDIT_ID_LENGTH = 64;

/**
 * An object id as an event stores it: as it is when short, else `hash:` and a 64-bit FNV-1a of it
 * with its length, so a request with a 15 KB path (typically refused, perhaps unauthenticated) adds
 * a row of bounded size that still tells repeated probes of one path apart from different ones.
 *
 * @example
 * ```ts
 * boundedAuditId("c-42");           // "c-42"
 * boundedAuditId("x".repeat(15000)); // "hash:5f0c…:15000"
 * ```
 */
export function boundedAuditId(id: string): string {
  if (id.length <= MAX_AUDIT_ID_LENGTH) return id;
  // Two 32-bit FNV-1a passes with different offsets: enough to tell probes apart, no async crypto.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x01000193);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return `hash:${hex(a)}${hex(b)}:${id.length}`;
}

/** Where a request's events go: written at once, or queued and written in batches. */
export interface AuditSink {
  write(db: Db, events: NewAuditEvent[]): Promise<void> | void;
  /** Writes whatever is queued (before the log is read, and at shutdown). */
  flush(): Promise<void>;
}

const INSERT = `insert into audit_events
  (at, actor_id, actor_role, action, object_type, object_ids, fields, request_id, outcome)
  select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8
  from json_each(?)`;

// Every Db here is made by drizzle() over a libSQL client, which it keeps as `$client`.
const clientOf = (db: Db) => (db as unknown as { $client: Pick<Client, "execute"> }).$client;

/**
 * Inserts events with one statement whatever their number: the rows travel as one JSON array that
 * SQLite unpacks (`json_each`). Building a multi-row insert through drizzle's query builder costs
 * several times the CPU, which a busy server pays on its one thread.
 */
export async function insertAuditEvents(db: Db, events: readonly NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => [
    e.at,
    e.actorId ?? null,
    e.actorRole ?? null,
    e.action,
    e.objectType,
    JSON.stringify(e.objectIds),
    e.fields == null ? null : JSON.stringify(e.fields),
    e.requestId ?? null,
    e.outcome,
  ]);
  await clientOf(db).execute({ sql: INSERT, args: [JSON.stringify(rows)] });
}

/** Writes each request's events before its answer leaves (tests, the worker). */
export const immediateAudit: AuditSink = {
  write: (db, events) => insertAuditEvents(db, events),
  flush: async () => {},
};

/**
 * Queues the events of reads and refusals and writes them in one insert every `intervalMs` (or once `maxQueued` are
 * waiting), so a busy server pays one write per batch rather than one per request. The event of a
 * change that succeeded (anything but a read: an edit, an import, an acceptance…) is written at
 * once with whatever is queued before it, and the request waits for it: a change that was answered
 * always has its event on disk. Refused and failed attempts are queued like reads (a flood of them
 * costs one insert a second). Events still queued when the process dies unexpectedly are lost (at
 * most `intervalMs` worth); `close()` on shutdown writes them. Order is kept: the queue is written
 * by one flush at a time.
 */
export class AuditQueue implements AuditSink {
  private queued: NewAuditEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: { intervalMs: number; maxQueued: number; onError(error: unknown): void } = {
      intervalMs: 1000,
      maxQueued: 5000,
      onError: () => {},
    },
  ) {}

  write(_db: Db, events: NewAuditEvent[]): Promise<void> | undefined {
    let change = false;
    for (const e of events) {
      this.queued.push(e);
      if (e.action !== "read" && e.outcome === "success") change = true;
    }
    if (change) return this.flush();
    if (this.queued.length >= this.options.maxQueued) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.intervalMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    return undefined;
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queued;
    this.queued = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertAuditEvents(this.db, batch);
      } catch (error) {
        this.options.onError(error);
      }
    });
    return this.flushing;
  }

  close(): Promise<void> {
    return this.flush();
  }
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Events oldest first, filtered; `from` inclusive, `to` exclusive. */
export async function listAuditEvents({ db }: Pick<RequestServices, "db">, query: AuditQuery) {
  const where: SQL[] = [];
  if (query.actor) where.push(sql`${auditEvents.actorId} = ${query.actor}`);
  if (query.action) where.push(sql`${auditEvents.action} = ${query.action}`);
  if (query.objectType) where.push(sql`${auditEvents.objectType} = ${query.objectType}`);
  if (query.outcome) where.push(sql`${auditEvents.outcome} = ${query.outcome}`);
  if (query.objectId)
    where.push(
      sql`exists (select 1 from json_each(${auditEvents.objectIds}) where value = ${query.objectId})`,
    );
  if (query.from) where.push(gte(auditEvents.at, query.from));
  if (query.to) where.push(sql`${auditEvents.at} < ${query.to}`);
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, 1, ["id"]) as [number];
    where.push(gt(auditEvents.id, after));
  }
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(auditEvents.id))
    .limit(query.limit + 1);
  return toPage(rows as (AuditEvent & { outcome: AuditOutcome })[], query.limit, (row) => [row.id]);
}
