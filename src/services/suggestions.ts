import { type DbOrTx, writeTransaction } from "../../db/client";
import { diffsOfRequest } from "../../db/queries/rerank";
import * as q from "../../db/queries/suggestions";
import {
  repeatedLeadingPostMessage,
  repeatedLeadingPosts,
  seatViolations,
  teamViolations,
} from "../../scoring/rules";
import { finish, type SearchSpace } from "../../scoring/search";
import type { SearchSeat } from "../../scoring/search/types";
import type { Member, ScoringProfile, Team } from "../../scoring/types";
import { computeOf } from "../compute";
import {
  type PreparedSuggestions,
  type SolvedSuggestions,
  type SuggestionInput,
  type SuggestionResult,
  type SuggestionView,
  solveSuggestionsSteps,
} from "../compute/suggest";
import type { RequestServices } from "../deps";
import { runInJob } from "../jobs/compute";
import { enqueueJob } from "../jobs/enqueue";
import type { JobHandler } from "../jobs/types";
import { getJob, type JobView } from "../jobs/view";
import { decodeCursor, toPage } from "../lib/pagination";
import { ApiError, type FieldError, notFound } from "../lib/problem";
import { loadMembersCached, type MemberLookup } from "./members";
import { type PoolFinder, poolIds } from "./pool";
import type { RankingDiff } from "./rerank-diff";
import { currentProfile } from "./scoring-profiles";
import { latestChangeSeq, markFresh, type StaleMarker, staleMarker, suggestionReads } from "./staleness";
import { getTeam } from "./teams";

export type { PreparedSuggestions, SolvedSuggestions, SuggestionInput, SuggestionResult, SuggestionView };

/**
 * Budgets above these run as a job whatever `async` says: about 2 s of search on this 2-core
 * machine (an iteration is 1–2 µs under load; see `npm run bench -- --only suggest`).
 */
export const ASYNC_MILLISECONDS = 2_000;
export const ASYNC_ITERATIONS = 1_500_000;

/** A suggestion job's progress is reported in thousandths of its search budget. */
const PROGRESS_TOTAL = 1000;

/** Whether a request runs as a job: asked for, or a budget longer than a request should wait. */
export function runsAsJob(input: SuggestionInput): boolean {
  const { iterations = 0, milliseconds = 0 } = input.budget ?? {};
  return input.async === true || milliseconds > ASYNC_MILLISECONDS || iterations > ASYNC_ITERATIONS;
}

/** A request accepted to run as a job; its id is the job's id and, once done, the stored request's. */
export interface SuggestionAccepted {
  id: string;
  jobId: string;
  status: "queued";
}

/** A request whose job has not stored its ranking yet (or failed). */
export interface SuggestionPending {
  id: string;
  jobId: string;
  status: "queued" | "running" | "failed";
  progress: JobView["progress"];
  error?: string;
  createdAt: string;
}

/** A stored ranking as shown: with what has changed since it was computed (`stale`, null: current). */
export type SuggestionResultView = SuggestionResult & { stale: StaleMarker | null };

const fail = (errors: FieldError[]): never => {
  const first = errors[0] as FieldError;
  throw new ApiError("validation_failed", `${first.field}: ${first.message}`, { errors });
};

/** The team to complete: stored (by id) or given inline; holders stay, empty seats are vacancies. */
async function resolveTeam(services: RequestServices, input: SuggestionInput) {
  const stored = input.teamId !== undefined ? await getTeam(services, input.teamId) : undefined;
  const given = stored ?? (input.team as NonNullable<SuggestionInput["team"]>);
  const seats = given.seats.map((s) => ({ post: s.post, cadreId: s.cadreId ?? null }));
  const leaving: string[] = [];
  (input.vacate ?? []).forEach((seat, i) => {
    const target = seats[seat];
    if (!target)
      fail([
        {
          field: `vacate.${i}`,
          code: "out_of_range",
          message: `the team has no seat ${seat} (0–${seats.length - 1})`,
        },
      ]);
    else if (target.cadreId) {
      leaving.push(target.cadreId);
      target.cadreId = null;
    }
  });
  return {
    teamId: stored?.id ?? null,
    region: given.region,
    seats,
    leaving,
    path: stored ? "teamId" : "team.seats",
  };
}

/**
 * Checks what would make any answer wrong rather than merely infeasible: unknown posts and cadres,
 * holders without an assessment, and holders who already break a hard rule in their seat (a locked
 * seat cannot be fixed by filling the others).
 */
async function lockedSeats(
  load: MemberLoader,
  profile: ScoringProfile,
  team: Awaited<ReturnType<typeof resolveTeam>>,
) {
  const errors: FieldError[] = [];
  const field = (i: number, name: string) =>
    team.path === "teamId" ? `teamId (seat ${i}).${name}` : `team.seats.${i}.${name}`;
  const holders = await load(team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])));
  const seats: SearchSeat[] = team.seats.map((seat, i) => {
    const post = profile.posts[seat.post];
    if (!post)
      errors.push({
        field: field(i, "post"),
        code: "unknown_reference",
        message: `no post type '${seat.post}' in scoring profile v${profile.version}`,
      });
    if (!seat.cadreId) return { post: seat.post, locked: null };
    const found = holders.get(seat.cadreId);
    if (!found?.ok) {
      errors.push({
        field: field(i, "cadreId"),
        code: found?.reason === "no_assessment" ? "no_assessment" : "unknown_reference",
        message:
          found?.reason === "no_assessment"
            ? `cadre '${seat.cadreId}' has no assessment`
            : `no cadre '${seat.cadreId}'`,
      });
      return { post: seat.post, locked: null };
    }
    if (post)
      for (const v of seatViolations(found.member, i, post, team.region, profile))
        if (v.severity === "hard")
          errors.push({ field: field(i, "cadreId"), code: `locked_breaks_${v.rule}`, message: v.message.en });
    return { post: seat.post, locked: found.member };
  });
  for (const r of repeatedLeadingPosts(
    team.seats.map((s) => s.post),
    profile,
  ))
    errors.push({ field: field(r.seat, "post"), code: "duplicate", message: repeatedLeadingPostMessage(r) });
  if (errors.length === 0) {
    // Kin among the holders cannot be cured by the vacancies either.
    const locked: Team = {
      region: team.region,
      seats: seats.map((s) => ({ post: s.post, member: s.locked ?? null })),
    };
    for (const v of teamViolations(locked, profile))
      if (v.rule === "R2" && v.severity === "hard")
        errors.push({
          field: team.path === "teamId" ? "teamId" : "team.seats",
          code: "locked_breaks_R2",
          message: v.message.en,
        });
  }
  if (errors.length) fail(errors);
  return seats;
}

/** The candidate pool: filters (default: reserve cadres), plus `include`, minus `exclude` and the holders. */
async function pool(
  findPool: PoolFinder,
  load: MemberLoader,
  input: SuggestionInput,
  holders: Set<string>,
): Promise<Member[]> {
  const filter = input.pool ?? {};
  const loaded = await load(await poolIds(findPool, filter, holders));
  const errors: FieldError[] = [];
  (filter.include ?? []).forEach((id, i) => {
    const found = loaded.get(id);
    if (!found?.ok && !(filter.exclude ?? []).includes(id) && !holders.has(id))
      errors.push({
        field: `pool.include.${i}`,
        code: found?.reason ?? "unknown_reference",
        message: found?.reason === "no_assessment" ? `cadre '${id}' has no assessment` : `no cadre '${id}'`,
      });
  });
  if (errors.length) fail(errors);
  const members = [...loaded.values()].flatMap((found) => (found.ok ? [found.member] : []));
  if (members.length === 0)
    fail([{ field: "pool", code: "empty", message: "no assessed cadre matches the pool's filters" }]);
  return members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Loads cadres as scoring members (see `loadMembers`); a re-rank job shares one cache across requests. */
export type MemberLoader = (ids: readonly string[]) => Promise<Map<string, MemberLookup>>;

/**
 * Resolves a request: the team, its holders (checked), the candidate pool. Throws the 4xx problems
 * of `POST /v1/suggestions`. `load` defaults to reading the members from the database.
 */
export async function prepareSuggestions(
  services: RequestServices,
  input: SuggestionInput,
  profile: ScoringProfile,
  load: MemberLoader = (ids) => loadMembersCached(services.db, ids, profile.asOfYear),
  findPool: PoolFinder = (filter) => q.poolIds(services.db, filter),
): Promise<PreparedSuggestions> {
  const team = await resolveTeam(services, input);
  const seats = await lockedSeats(load, profile, team);
  // Holders keep their seats; those asked to leave may not be suggested back.
  const holders = new Set([...seats.flatMap((s) => (s.locked ? [s.locked.id] : [])), ...team.leaving]);
  if (seats.every((s) => s.locked))
    fail([{ field: team.path, code: "no_vacancy", message: "the team has no vacant seat to fill" }]);
  const candidates = await pool(findPool, load, input, holders);
  return {
    input,
    profile,
    teamId: team.teamId,
    problem: { profile, region: team.region, seats, pool: candidates },
    holders,
  };
}

/**
 * Searches a prepared request on this thread, to its end (tests, benchmarks; the API's paths go
 * through a compute — see `createSuggestions`). Deterministic for its seed and iteration budget.
 */
export function solveSuggestions(prepared: PreparedSuggestions, built?: SearchSpace): SolvedSuggestions {
  return finish(solveSuggestionsSteps(prepared, () => performance.now(), built));
}

/** The request as stored: what to compute (`async` says only how to answer). */
function storedRequest(input: SuggestionInput): Record<string, unknown> {
  const { async: _async, ...request } = input;
  return request as Record<string, unknown>;
}

/**
 * Stores a request with its first ranking (version 1), current as of change `basis` (read before
 * the data); inside the caller's transaction.
 */
async function insertFirst(
  tx: DbOrTx,
  result: SuggestionResult,
  input: SuggestionInput,
  basis: number,
): Promise<void> {
  await q.insertRequestWithResult(
    tx,
    { id: result.id, teamId: result.teamId, request: storedRequest(input), createdAt: result.createdAt },
    {
      requestId: result.id,
      version: 1,
      status: result.status,
      profileVersion: result.profileVersion,
      results: result,
      createdAt: result.createdAt,
    },
  );
  await markFresh(tx, [{ kind: "suggestion", id: result.id }], basis, result.createdAt);
}

/** Runs a suggestion request and stores it with its first ranking (version 1). */
export async function createSuggestions(
  services: RequestServices,
  input: SuggestionInput,
): Promise<SuggestionResultView> {
  const basis = await latestChangeSeq(services.db);
  const profile = await currentProfile(services);
  const prepared = await prepareSuggestions(services, input, profile);
  // Off the request thread; past the request's deadline the search stops and nothing is stored.
  const solved = await computeOf(services).run(
    "suggest",
    { prepared },
    { signal: services.deadline?.signal },
  );
  const now = services.clock.now().toISOString();
  const result: SuggestionResult = { id: services.newId(), version: 1, ...solved, createdAt: now };
  await writeTransaction(
    services.db,
    (tx) => insertFirst(tx, result, input, basis),
    services.deadline?.check,
  );
  return { ...result, stale: null };
}

/**
 * Checks a request at once (the same 4xx problems as `createSuggestions`) and queues it as a job of
 * kind "suggestion"; the request's id is the job's id.
 */
export async function queueSuggestions(
  services: RequestServices,
  input: SuggestionInput,
): Promise<SuggestionAccepted> {
  const profile = await currentProfile(services);
  await prepareSuggestions(services, input, profile);
  const id = await enqueueJob(
    services.db,
    { kind: "suggestion", payload: storedRequest(input), total: PROGRESS_TOTAL },
    services,
  );
  return { id, jobId: id, status: "queued" };
}

/** `POST /v1/suggestions`: the ranking at once, or — for `async` or a long budget — a queued job. */
export async function postSuggestions(
  services: RequestServices,
  input: SuggestionInput,
): Promise<{ queued: true; accepted: SuggestionAccepted } | { queued: false; result: SuggestionResultView }> {
  return runsAsJob(input)
    ? { queued: true, accepted: await queueSuggestions(services, input) }
    : { queued: false, result: await createSuggestions(services, input) };
}

/**
 * The job: the same search as `createSuggestions` over the data as it is when the job runs
 * (deterministic for a seed and an iteration budget), stored under the job's id together with the
 * job's success. The search runs in the job's compute (a thread on Node), reporting progress, so
 * that a server running the job keeps answering (the request's status among others).
 */
export const suggestionJob: JobHandler = async (payload, ctx) => {
  const input = payload as SuggestionInput;
  const services: RequestServices = { db: ctx.db, clock: ctx.clock, newId: ctx.newId };
  await ctx.progress(0, PROGRESS_TOTAL);
  const basis = await latestChangeSeq(ctx.db);
  const profile = await currentProfile(services);
  const prepared = await prepareSuggestions(services, input, profile);
  const solved = await runInJob(ctx, "suggest", { prepared }, PROGRESS_TOTAL);
  await ctx.progress(PROGRESS_TOTAL, PROGRESS_TOTAL);
  const result: SuggestionResult = {
    id: ctx.jobId,
    version: 1,
    ...solved,
    createdAt: ctx.clock.now().toISOString(),
  };
  return {
    result: { id: result.id, status: result.status, suggestions: result.suggestions.length },
    apply: (tx) => insertFirst(tx, result, input, basis),
  };
};

/**
 * The current (newest) ranking of a stored request; for a request still running as a job (or whose
 * job failed), the job's status and progress.
 */
export async function getSuggestions(
  services: RequestServices,
  id: string,
): Promise<SuggestionResultView | SuggestionPending> {
  const [latest] = await q.resultVersions(services.db, id);
  if (latest) return { ...(latest.results as SuggestionResult), stale: await staleOf(services, latest) };
  const job = await getJob(services.db, id).catch(() => null);
  if (job?.kind !== "suggestion" || job.status === "succeeded") throw notFound("suggestion request", id);
  return {
    id: job.id,
    jobId: job.id,
    status: job.status,
    progress: job.progress,
    ...(job.error ? { error: job.error } : {}),
    createdAt: job.createdAt,
  };
}

/** A saved request as the list shows it: its newest ranking in brief, and whether it is out of date. */
export interface SuggestionListItem {
  id: string;
  teamId: string | null;
  region: string;
  version: number;
  status: SuggestionResult["status"];
  /** The best suggestion's score (null when none is feasible). */
  topScore: number | null;
  suggestions: number;
  createdAt: string;
  /** When its newest ranking was stored. */
  rankedAt: string;
  stale: StaleMarker | null;
}

/**
 * Saved suggestion requests (newest first), optionally of one team, each with its newest ranking in
 * brief and its stale marker — where staff find the requests that later writes made out of date.
 * Requests still running as a job (no ranking yet) are left out.
 */
export async function listSuggestions(
  services: RequestServices,
  query: { teamId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: SuggestionListItem[]; nextCursor: string | null }> {
  const after = query.cursor ? (decodeCursor(query.cursor, 2) as [string, string]) : undefined;
  const rows = await q.listRequestRows(services.db, { teamId: query.teamId }, { limit: query.limit, after });
  const page = toPage(rows, query.limit, (r) => [r.createdAt, r.id]);
  const items: SuggestionListItem[] = [];
  for (const request of page.items) {
    const [latest] = await q.resultVersions(services.db, request.id);
    if (!latest) continue;
    const result = latest.results as SuggestionResult;
    items.push({
      id: request.id,
      teamId: request.teamId,
      region: result.region,
      version: latest.version,
      status: result.status,
      topScore: result.suggestions[0]?.score ?? null,
      suggestions: result.suggestions.length,
      createdAt: request.createdAt,
      rankedAt: latest.createdAt,
      stale: await staleOf(services, latest),
    });
  }
  return { items, nextCursor: page.nextCursor };
}

/** The stale marker of a request's newest ranking (null: current). */
async function staleOf(
  services: RequestServices,
  latest: q.SuggestionResultRow,
): Promise<StaleMarker | null> {
  const request = await q.findRequest(services.db, latest.requestId);
  if (!request) return null;
  const team = request.teamId ? await getTeam(services, request.teamId).catch(() => null) : null;
  const holders = new Map<string, string[]>(
    team ? [[team.id, team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []))]] : [],
  );
  return staleMarker(services.db, suggestionReads({ request, result: latest }, holders));
}

/** Every stored ranking of a request, newest first; `stale` is the newest one's marker. */
export async function suggestionHistory(services: RequestServices, id: string) {
  const versions = await q.resultVersions(services.db, id);
  if (versions.length === 0) throw notFound("suggestion request", id);
  const stale = await staleOf(services, versions[0] as q.SuggestionResultRow);
  return { items: await historyOf(services, id, versions), stale };
}

/** The versions as the history shows them, with what each re-rank recorded. */
async function historyOf(services: RequestServices, id: string, versions: q.SuggestionResultRow[]) {
  // What a re-rank job recorded about each version it stored (rank moves, entrants, leavers, why).
  const diffs = new Map((await diffsOfRequest(services.db, id)).map((d) => [d.version, d]));
  return versions.map((v) => {
    const result = v.results as SuggestionResult;
    return {
      version: v.version,
      status: v.status,
      profileVersion: v.profileVersion,
      jobId: v.jobId ?? null,
      diff: (diffs.get(v.version)?.diff ?? null) as RankingDiff | null,
      createdAt: v.createdAt,
      ranking: result.suggestions.map((s) => ({
        rank: s.rank,
        score: s.score,
        cadreIds: s.assignment.filter((a) => a.filled).map((a) => a.cadreId),
      })),
    };
  });
}
