/**
 * 过时标记 — stale markers on saved results (a suggestion request's ranking, an exchange plan, a
 * team's stored score).
 *
 * Design (issue 14, "nothing stale without saying so"). Three ways were weighed:
 * 1. every service marks what its write affects — a list of call sites that drifts: the demo
 *    loader, the command-line tools, bare one-statement writes and the next new route would forget;
 * 2. one write gateway every service goes through — the same promise, kept only by review;
 * 3. what is built: SQLite triggers (migration 0009) on every table scoring reads write a change-log
 *    row (`data_changes`) inside the writing statement's own transaction, on Node and on a libSQL
 *    server alike, whoever writes. Nothing has to remember anything. The log's insert also queues
 *    one re-rank job (scope "changes") when none is waiting.
 * Which results a change affects is then decided in ONE place, `affects.ts`, from what each result
 * read (holders, listed members, its candidate pool's filters, its teams, its profile version). The
 * marker is computed when a result is read: a result records the change `seq` it read the data at
 * (`result_freshness.basis_seq`); it is stale while a later change affects it. So it shows the
 * moment the write commits, even before any job runs, and needs no second write. The re-rank job
 * drains the log with the same decision, stores new versions, advances each checked result's basis
 * (clearing its marker), and records a failed re-rank (`failure`), which keeps the marker with that
 * reason. The job writes only tables no trigger watches, so it never marks anything again.
 */
import type { DbOrTx } from "../../../db/client";
import type { SuggestionResultRow } from "../../../db/queries/rerank";
import * as q from "../../../db/queries/staleness";
import type { SuggestionRequestRow } from "../../../db/queries/suggestions";
import type { PoolInput } from "../pool";
import {
  type Change,
  cadresOf,
  goneFacts,
  parseChange,
  type RawReason,
  type ResultReads,
  reasonFor,
} from "./affects";
import { describe, type StaleReason } from "./messages";

export type { ResultReads } from "./affects";
export { STALE_CODES, type StaleCode } from "./affects";
export type { StaleReason } from "./messages";
export const latestChangeSeq = q.latestChangeSeq;

/** `stale` as the API shows it; null when the result is current. */
export interface StaleMarker {
  /** When the first change that affects it was written (the database's clock), or the failed re-rank. */
  since: string;
  reasons: StaleReason[];
  /** Further reasons left out of `reasons` (a large import can touch hundreds of pool members). */
  omitted: number;
}

/** Most reasons listed per result. */
const MAX_REASONS = 50;
/** Most changes read for one look; beyond, a result with an older basis reads `many_changes`. */
const MAX_CHANGES = 50_000;

const set = (ids: Iterable<string | null | undefined>) =>
  new Set([...ids].filter((id): id is string => typeof id === "string"));

interface StoredSuggestion {
  teamId: string | null;
  profileVersion?: number;
  suggestions?: { assignment: { cadreId: string | null }[] }[];
}

/** What a saved suggestion request read: its team and holders, everyone listed, its pool. */
export function suggestionReads(
  row: { request: SuggestionRequestRow; result: Pick<SuggestionResultRow, "results" | "profileVersion"> },
  holders: ReadonlyMap<string, readonly string[]>,
): ResultReads {
  const input = row.request.request as {
    teamId?: string;
    team?: { seats?: { cadreId?: string | null }[] };
    pool?: PoolInput;
  };
  const stored = row.result.results as StoredSuggestion;
  const teamId = input.teamId ?? row.request.teamId ?? null;
  return {
    kind: "suggestion",
    id: row.request.id,
    teamIds: set([teamId]),
    cadreIds: set([
      ...(teamId ? (holders.get(teamId) ?? []) : []),
      ...(input.team?.seats ?? []).map((s) => s.cadreId),
      ...(stored.suggestions ?? []).flatMap((s) => s.assignment.map((a) => a.cadreId)),
    ]),
    pool: input.pool ?? {},
    preferences: false,
    profileVersion: row.result.profileVersion ?? stored.profileVersion ?? null,
  };
}

/** What a saved exchange plan read: its teams and their holders, everyone it moves or lists, its pool. */
export function planReads(
  row: { id: string; payload: unknown; result: unknown },
  holders: ReadonlyMap<string, readonly string[]>,
): ResultReads {
  const input = (row.payload ?? {}) as { teamIds?: string[]; volunteers?: string[]; pool?: PoolInput };
  const plan = (row.result ?? {}) as {
    profileVersion?: number;
    teams?: { memberIds?: (string | null)[] }[];
    moves?: { memberId: string }[];
    unplaced?: string[];
  };
  const teamIds = input.teamIds ?? [];
  return {
    kind: "exchange-plan",
    id: row.id,
    teamIds: set(teamIds),
    cadreIds: set([
      ...teamIds.flatMap((t) => holders.get(t) ?? []),
      ...(input.volunteers ?? []),
      ...(plan.teams ?? []).flatMap((t) => t.memberIds ?? []),
      ...(plan.moves ?? []).map((m) => m.memberId),
      ...(plan.unplaced ?? []),
    ]),
    pool: input.pool ?? {},
    preferences: true,
    profileVersion: plan.profileVersion ?? null,
  };
}

/** What a team's stored score read: the team, its holders then and now, the profile. */
export function teamScoreReads(
  teamId: string,
  latest: { profileVersion: number | null; summary: unknown },
  holders: ReadonlyMap<string, readonly string[]>,
): ResultReads {
  const memberIds = ((latest.summary as { memberIds?: string[] } | null)?.memberIds ?? []) as string[];
  return {
    kind: "team-score",
    id: teamId,
    teamIds: set([teamId]),
    cadreIds: set([...(holders.get(teamId) ?? []), ...memberIds]),
    pool: null,
    preferences: false,
    profileVersion: latest.profileVersion,
  };
}

/** One result's verdict: the reasons (before messages) and what it was checked against. */
export interface Verdict {
  reads: ResultReads;
  basis: number;
  reasons: RawReason[];
  failure: q.FreshnessRow["failure"];
}

/**
 * Checks results against the change log: for each, the changes after its basis (up to `through`,
 * when given) that affect it, and its last failed re-rank.
 */
export async function checkResults(
  db: DbOrTx,
  results: readonly ResultReads[],
  through: number | null = null,
): Promise<Verdict[]> {
  if (results.length === 0) return [];
  const basis = new Map<string, q.FreshnessRow>();
  for (const kind of ["suggestion", "exchange-plan", "team-score"] as const) {
    const ids = results.filter((r) => r.kind === kind).map((r) => r.id);
    if (ids.length)
      for (const [id, row] of await q.freshnessOf(db, kind, ids)) basis.set(`${kind}:${id}`, row);
  }
  const basisOf = (r: ResultReads) => basis.get(`${r.kind}:${r.id}`)?.basisSeq ?? 0;
  const from = Math.min(...results.map(basisOf));
  const rows = await q.changesBetween(db, from, through, MAX_CHANGES + 1);
  const truncated = rows.length > MAX_CHANGES;
  const changes: Change[] = rows.slice(0, MAX_CHANGES).map(parseChange);
  const lastRead = changes[changes.length - 1]?.seq ?? from;
  const facts = await q.poolFactsOf(db, cadresOf(changes));
  const gone = goneFacts(changes);
  return results.map((reads) => {
    const since = basisOf(reads);
    const reasons: RawReason[] = [];
    for (const change of changes) {
      if (change.seq <= since) continue;
      const reason = reasonFor(change, reads, facts, gone);
      if (reason) reasons.push(reason);
    }
    if (truncated && since < lastRead)
      reasons.push({ code: "many_changes", at: changes[changes.length - 1]?.at ?? "" });
    return { reads, basis: since, reasons, failure: basis.get(`${reads.kind}:${reads.id}`)?.failure ?? null };
  });
}

const keyOf = (r: RawReason) =>
  [r.code, r.cadreId, r.kinId, r.teamId, r.position, r.skill, r.profileVersion].join("\u001f");

/** The markers of checked results as the API shows them (names looked up once for all). */
export async function markersOf(db: DbOrTx, verdicts: readonly Verdict[]): Promise<(StaleMarker | null)[]> {
  const lists = verdicts.map((v) => {
    const seen = new Set<string>();
    const reasons: RawReason[] = [];
    for (const r of v.reasons) {
      const key = keyOf(r);
      if (!seen.has(key)) reasons.push(r);
      seen.add(key);
    }
    if (v.failure)
      reasons.push({
        code: "rerank_failed",
        at: v.failure.at,
        error: { code: v.failure.code, message: v.failure.message, jobId: v.failure.jobId },
      });
    return reasons;
  });
  const shown = lists.map((l) => l.slice(0, MAX_REASONS));
  const cadreIds = shown.flat().flatMap((r) => [r.cadreId, r.kinId, r.holders?.before, r.holders?.after]);
  const teamIds = shown.flat().map((r) => r.teamId);
  const names = await q.namesOf(db, [...set(cadreIds)], [...set(teamIds)]);
  return lists.map((list, i) => {
    if (list.length === 0) return null;
    const since = list.map((r) => r.at).sort()[0] as string;
    return {
      since,
      reasons: (shown[i] as RawReason[]).map((r) => describe(r, names)),
      omitted: list.length - (shown[i] as RawReason[]).length,
    };
  });
}

/** The marker of one saved result (null when current). */
export async function staleMarker(db: DbOrTx, reads: ResultReads): Promise<StaleMarker | null> {
  const [marker] = await markersOf(db, await checkResults(db, [reads]));
  return marker ?? null;
}

/**
 * Records, inside the transaction that stores a result, that it read the data as of change `basis`
 * (read with {@link latestChangeSeq} BEFORE reading the data, so a write racing the computation
 * leaves the result marked rather than wrongly current).
 */
export async function markFresh(
  tx: DbOrTx,
  results: { kind: q.SavedResultKind; id: string }[],
  basis: number,
  now: string,
): Promise<void> {
  await q.upsertFreshness(
    tx,
    results.map((r) => ({ ...r, basisSeq: basis, failure: null })),
    now,
  );
}
