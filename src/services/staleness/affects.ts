/**
 * THE one decision of what a write affects: given one logged change (a row of `data_changes`,
 * written by the triggers of migration 0009 for every write of every path) and what one saved result
 * read (`ResultReads`), the reason it is now stale — or null. Both the read path (`stale` on the
 * API's answers) and the re-rank job (which results to re-rank) call it, so they cannot disagree.
 *
 * What a result reads, and so what can affect it:
 * - the scoring profile it was scored with: any newer version (weights, rules, a post type);
 * - its stored teams: a seat's post or holder, the team's region, the team's deletion;
 * - its cadres — holders, those asked to leave, everyone it lists — and everyone its candidate pool
 *   matches (the pool's filters over the cadre as it is and, for a cadre edit, as it was): their
 *   assessments, the facts the rules read, skills; a kin link only when both cadres are among them
 *   (R2 concerns members of one team); preferences only for exchange plans (suggestions ignore them).
 * When a fact needed is unknown (a cadre deleted), the answer is "affected": a needless re-rank
 * costs time, a missed one costs trust.
 */
import { z } from "zod";
import type { DataChangeRow, PoolFacts, SavedResultKind } from "../../../db/queries/staleness";
import type { PoolInput } from "../pool";

/** What one saved result read from the stored data. */
export interface ResultReads {
  kind: SavedResultKind;
  id: string;
  /** Stored teams read (seats, region). */
  teamIds: ReadonlySet<string>;
  /** Cadres read whatever the pool: holders, those asked to leave, everyone listed. */
  cadreIds: ReadonlySet<string>;
  /** The candidate pool's filters (null: the result has no pool, e.g. a team's score). */
  pool: PoolInput | null;
  /** Whether the pool's preferences were read (exchange plans). */
  preferences: boolean;
  /** The scoring-profile version it was scored with (null: unknown, any version affects it). */
  profileVersion: number | null;
}

/** Why a saved result is stale: a stable code, for programs. */
export const STALE_CODES = [
  "assessment_added",
  "assessment_edited",
  "assessment_deleted",
  "cadre_edited",
  "cadre_deleted",
  "kin_added",
  "kin_changed",
  "kin_removed",
  "skills_changed",
  "preferences_changed",
  "seat_changed",
  "team_edited",
  "team_deleted",
  "profile_changed",
  "rerank_failed",
  "many_changes",
] as const;
export type StaleCode = (typeof STALE_CODES)[number];

/** A reason before its message is written (names are looked up once for all reasons). */
export interface RawReason {
  code: StaleCode;
  at: string;
  cadreId?: string;
  kinId?: string;
  relation?: string;
  teamId?: string;
  position?: number;
  /** The seat's holder before and after (seat changes). */
  holders?: { before: string | null; after: string | null };
  fields?: string[];
  skill?: string;
  profileVersion?: number;
  note?: string | null;
  /** For `rerank_failed`: the re-rank's error. */
  error?: { code: string; message: string; jobId: string };
}

const FactsSchema = z.object({
  region: z.string().nullable().optional(),
  rank: z.string().optional(),
  reserve: z.union([z.boolean(), z.number()]).optional(),
});
const SeatSchema = z.object({ position: z.number(), post: z.string(), cadreId: z.string().nullable() });
/** The triggers' `detail` (migration 0009), parsed rather than trusted. */
const DetailSchema = z
  .object({
    fields: z.array(z.string()).optional(),
    // Pool facts (cadres) or a seat (seats): parsed where used, by the change's kind.
    before: z.record(z.string(), z.unknown()).optional(),
    after: z.record(z.string(), z.unknown()).optional(),
    relation: z.string().nullable().optional(),
    previousTeamId: z.string().nullable().optional(),
    previousCadreId: z.string().nullable().optional(),
    note: z.string().nullable().optional(),
  })
  .passthrough();
export type ChangeDetail = z.infer<typeof DetailSchema>;

/** A logged change with its detail parsed. */
export type Change = Omit<DataChangeRow, "detail"> & { detail: ChangeDetail };

export function parseChange(row: DataChangeRow): Change {
  const parsed = DetailSchema.safeParse(row.detail ?? {});
  return { ...row, detail: parsed.success ? parsed.data : {} };
}

/** Pool facts a cadre had before a cadre edit or deletion (from the trigger's `before`). */
function factsBefore(change: Change, now: PoolFacts | undefined): PoolFacts | null {
  const before = FactsSchema.safeParse(change.detail.before);
  if (change.kind !== "cadre" || !before.success || before.data.rank === undefined) return null;
  return {
    region: before.data.region ?? null,
    rank: before.data.rank,
    reserve: Boolean(before.data.reserve),
    skills: now?.skills ?? null,
  };
}

function matchesFilter(pool: PoolInput, facts: PoolFacts | null): boolean {
  if (!facts) return true;
  const any =
    pool.region !== undefined ||
    pool.rank !== undefined ||
    pool.reserve !== undefined ||
    (pool.skills?.length ?? 0) > 0;
  const filter: PoolInput = any ? pool : { reserve: true };
  if (filter.region !== undefined && facts.region !== filter.region) return false;
  if (filter.rank !== undefined && facts.rank !== filter.rank) return false;
  if (filter.reserve !== undefined && facts.reserve !== filter.reserve) return false;
  const skills = facts.skills;
  return skills === null || (filter.skills ?? []).every((s) => skills.has(s));
}

/**
 * Whether `cadreId` is (or, before this change, was) in the result's candidate pool. `facts` holds
 * the cadres as they are now; `gone` the last known facts of deleted ones.
 */
function inPool(
  reads: ResultReads,
  cadreId: string,
  change: Change,
  facts: ReadonlyMap<string, PoolFacts>,
  gone: ReadonlyMap<string, PoolFacts>,
): boolean {
  const pool = reads.pool;
  if (!pool) return false;
  if (pool.exclude?.includes(cadreId)) return false;
  if (pool.include?.includes(cadreId)) return true;
  const now = facts.get(cadreId) ?? gone.get(cadreId);
  const variants: (PoolFacts | null)[] = [now ?? null];
  if (change.cadreId === cadreId) {
    const before = factsBefore(change, now);
    if (before) variants.push(before);
    // A skill added or removed: the cadre may have matched a skills filter with it.
    if (change.kind === "skill" && now?.skills && change.otherId)
      variants.push({ ...now, skills: new Set([...now.skills, change.otherId]) });
  }
  return variants.some((f) => matchesFilter(pool, f));
}

const ASSESSMENT_CODES = {
  insert: "assessment_added",
  update: "assessment_edited",
  delete: "assessment_deleted",
} as const;
const KIN_CODES = { insert: "kin_added", update: "kin_changed", delete: "kin_removed" } as const;

/**
 * Why `change` makes the result that read `reads` stale, or null when it cannot change it.
 *
 * @example
 * ```ts
 * const reason = reasonFor(parseChange(row), reads, facts, new Map());
 * if (reason) console.log(reason.code); // "kin_added"
 * ```
 */
export function reasonFor(
  change: Change,
  reads: ResultReads,
  facts: ReadonlyMap<string, PoolFacts>,
  gone: ReadonlyMap<string, PoolFacts>,
): RawReason | null {
  const at = change.at;
  const relevant = (id: string | null | undefined) =>
    !!id && (reads.cadreIds.has(id) || inPool(reads, id, change, facts, gone));
  switch (change.kind) {
    case "profile": {
      const version = Number(change.otherId);
      if (reads.profileVersion !== null && version <= reads.profileVersion) return null;
      return { code: "profile_changed", at, profileVersion: version, note: change.detail.note ?? null };
    }
    case "team": {
      if (!change.teamId || !reads.teamIds.has(change.teamId)) return null;
      return change.op === "delete"
        ? { code: "team_deleted", at, teamId: change.teamId }
        : { code: "team_edited", at, teamId: change.teamId, fields: change.detail.fields ?? [] };
    }
    case "seat": {
      const teamId = [change.teamId, change.detail.previousTeamId].find((t) => t && reads.teamIds.has(t));
      if (!teamId) return null;
      const before = SeatSchema.partial().safeParse(change.detail.before ?? {});
      const after = SeatSchema.partial().safeParse(change.detail.after ?? {});
      const b = before.success ? before.data : {};
      const a = after.success ? after.data : {};
      return {
        code: "seat_changed",
        at,
        teamId,
        position: a.position ?? b.position ?? 0,
        holders: { before: b.cadreId ?? null, after: a.cadreId ?? null },
      };
    }
    case "kin": {
      // R2 concerns two members of one team: both must be among the cadres the result can place.
      if (!relevant(change.cadreId) || !relevant(change.otherId)) return null;
      return {
        code: KIN_CODES[change.op],
        at,
        cadreId: change.cadreId as string,
        kinId: change.otherId as string,
        relation: change.detail.relation ?? undefined,
      } as RawReason;
    }
    case "preference":
      if (!reads.preferences || !relevant(change.cadreId)) return null;
      return { code: "preferences_changed", at, cadreId: change.cadreId as string };
    case "skill":
      if (!relevant(change.cadreId)) return null;
      return { code: "skills_changed", at, cadreId: change.cadreId as string, skill: change.otherId ?? "" };
    case "assessment": {
      const previous = change.detail.previousCadreId;
      if (!relevant(change.cadreId) && !relevant(previous)) return null;
      return { code: ASSESSMENT_CODES[change.op], at, cadreId: change.cadreId as string };
    }
    case "cadre":
      if (!relevant(change.cadreId)) return null;
      return change.op === "delete"
        ? { code: "cadre_deleted", at, cadreId: change.cadreId as string }
        : { code: "cadre_edited", at, cadreId: change.cadreId as string, fields: change.detail.fields ?? [] };
  }
}

/** The last known pool facts of cadres deleted in these changes (their rows are gone). */
export function goneFacts(changes: readonly Change[]): Map<string, PoolFacts> {
  const out = new Map<string, PoolFacts>();
  for (const c of changes)
    if (c.kind === "cadre" && c.op === "delete" && c.cadreId) {
      const before = factsBefore(c, undefined);
      if (before) out.set(c.cadreId, before);
    }
  return out;
}

/** The cadres whose pool facts the decision may need. */
export function cadresOf(changes: readonly Change[]): string[] {
  const ids = new Set<string>();
  for (const c of changes)
    if (c.kind !== "seat" && c.kind !== "team" && c.kind !== "profile") {
      if (c.cadreId) ids.add(c.cadreId);
      if (c.kind === "kin" && c.otherId) ids.add(c.otherId);
    }
  return [...ids];
}
