/**
 * 重新排序 — the re-rank job: after new assessments (an import) or a scoring-profile edit, finds the
 * saved suggestion requests and stored teams the change can affect, re-scores and re-searches only
 * those with their stored settings (seed, budget, top-M), and stores each new ranking or score as a
 * new version beside the old, with what changed (`rerank-diff.ts`).
 *
 * Affected requests (payload `cadres`): a changed cadre holds a seat, is asked to leave, or is in
 * the request's candidate pool — and then, for a proven-optimal ranking of the same profile, only if
 * the cadre was listed or could now enter the top-M (`rerank-affect.ts`). Affected teams: a changed
 * cadre holds a seat. Payload `all`: every request and team. Requests the change cannot affect keep
 * their version, and the result is what recomputing everything from scratch would give.
 *
 * Payload `changes` (queued by the change log's trigger after any write; see `staleness/`): the
 * saved requests, plans and team scores the logged changes affect, re-searched in full. Every
 * result the job re-searches (or, for `changes`, finds unaffected) is recorded current as of the
 * change the job started at, which clears its stale marker; one that fails keeps its marker, with
 * the failure as a reason (`rerank-stale.ts`).
 *
 * The job reads while it computes and writes everything in `apply`, in the runner's one transaction
 * with the job's success; if another job stored a version meanwhile, it is re-run on the new state.
 */
import type { Db, Tx } from "../../db/client";
import { stensOf } from "../../db/queries/assessments";
import * as q from "../../db/queries/rerank";
import * as sq from "../../db/queries/staleness";
import { type PoolFilter, poolIds } from "../../db/queries/suggestions";
import { scoreTeamSummary } from "../../scoring/score-team";
import type { Member, ScoringProfile } from "../../scoring/types";
import { rankingOf } from "../compute/tasks";
import type { RequestServices } from "../deps";
import { runInJob } from "../jobs/compute";
import { enqueueJob, type JobServices } from "../jobs/enqueue";
import { StaleJobError } from "../jobs/errors";
import type { JobContext, JobHandler, JobOutcome } from "../jobs/types";
import { ApiError } from "../lib/problem";
import { loadMembers, type MemberLookup } from "./members";
import {
  diffTeamScores,
  type RankingDiff,
  type StenChange,
  stenChange,
  type TeamScoreDiff,
} from "./rerank-diff";
import {
  affectedResults,
  type FreshnessWrites,
  type PlanWork,
  rerunPlans,
  writeFreshness,
} from "./rerank-stale";
import { currentProfile } from "./scoring-profiles";
import { prepareSuggestions, type SuggestionInput, type SuggestionResult } from "./suggestions";

/** What a re-rank job is asked to do. */
export type RerankPayload =
  | { scope: "cadres"; cadreIds: string[]; importId?: string | null }
  | { scope: "all"; reason?: string | null }
  | { scope: "changes" };

/** Why a request was or was not re-searched. */
export type RequestOutcome =
  | "not_involved" // no changed cadre holds a seat or is in the pool
  | "cannot_enter" // changed candidates' best possible teams score below the M-th listed
  | "unchanged" // re-searched; the same ranking
  | "changed" // re-searched; a new version stored
  | "error"; // the request cannot be run any more (e.g. its pool is now empty)

export interface RerankReport {
  scope: RerankPayload["scope"];
  importId: string | null;
  cadreIds: number;
  profileVersion: number;
  requests: Record<RequestOutcome, number> & { total: number; researched: number };
  teams: { total: number; rescored: number; changed: number; notInvolved: number; errors: number };
  /** Saved exchange plans: how many there are, re-run (scope `all`, or affected by `changes`), failed. */
  plans: { total: number; rerun: number; errors: number };
  /** Per changed request: the new version and the diff's summary (the full diff: history or report). */
  changes: {
    requestId: string;
    fromVersion: number;
    toVersion: number;
    summary: { zh: string; en: string };
  }[];
  teamChanges: {
    teamId: string;
    version: number;
    score: number;
    summary: { zh: string; en: string } | null;
  }[];
  errors: { requestId?: string; teamId?: string; planId?: string; code: string; message: string }[];
  summary: { zh: string; en: string };
}

function parsePayload(payload: unknown): RerankPayload {
  const p = payload as Partial<{ scope: unknown; cadreIds: unknown; importId: unknown; reason: unknown }>;
  if (p?.scope === "all") return { scope: "all", reason: typeof p.reason === "string" ? p.reason : null };
  if (p?.scope === "changes") return { scope: "changes" };
  if (p?.scope === "cadres" && Array.isArray(p.cadreIds) && p.cadreIds.every((c) => typeof c === "string"))
    return {
      scope: "cadres",
      cadreIds: p.cadreIds as string[],
      importId: typeof p.importId === "string" ? p.importId : null,
    };
  throw new ApiError(
    "validation_failed",
    "a re-rank job's payload is { scope: 'all' }, { scope: 'changes' } or { scope: 'cadres', cadreIds }",
  );
}

export { rankingOf };

/** A member loader that reads each cadre once per job. */
function memberCache(db: Db, asOfYear: number) {
  const cache = new Map<string, MemberLookup>();
  return async (ids: readonly string[]) => {
    const missing = ids.filter((id) => !cache.has(id));
    if (missing.length)
      for (const [id, found] of await loadMembers(db, missing, asOfYear)) cache.set(id, found);
    return new Map(ids.map((id) => [id, cache.get(id) ?? ({ ok: false, reason: "unknown" } as const)]));
  };
}

/** A pool lookup that runs each distinct filter once per job (many requests share a county's pool). */
function poolCache(db: Db) {
  const cache = new Map<string, Promise<string[]>>();
  return (filter: PoolFilter) => {
    const key = JSON.stringify([
      filter.region ?? null,
      filter.rank ?? null,
      filter.reserve ?? null,
      filter.skills ?? [],
    ]);
    let found = cache.get(key);
    if (!found) {
      found = poolIds(db, filter);
      cache.set(key, found);
    }
    return found;
  };
}

/** Gives the event loop a turn when this much time has passed, so a Node server keeps answering. */
const YIELD_MS = 15;
const pause = () =>
  new Promise<void>(
    (resolve) =>
      // setImmediate (Node) runs after pending I/O without setTimeout's 1 ms floor; workerd has only setTimeout.
      (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate?.(resolve) ??
      setTimeout(resolve, 0),
  );

interface RequestWork {
  requestId: string;
  outcome: RequestOutcome;
  fromVersion: number;
  result?: SuggestionResult;
  diff?: RankingDiff;
  error?: { code: string; message: string };
}

/** Decides and, where needed, re-searches one saved request. */
async function rerankRequest(
  ctx: JobContext,
  progress: { done: number; total: number },
  services: RequestServices,
  row: Awaited<ReturnType<typeof q.requestsWithLatest>>[number],
  profile: ScoringProfile,
  load: (ids: readonly string[]) => Promise<Map<string, MemberLookup>>,
  findPool: (filter: PoolFilter) => Promise<string[]>,
  changed: Set<string> | null,
  stens: Map<string, StenChange>,
  now: string,
): Promise<RequestWork> {
  const { done, total } = progress;
  const input = row.request.request as SuggestionInput;
  const stored = row.result.results as SuggestionResult;
  const base = { requestId: row.request.id, fromVersion: row.result.version };
  let prepared: Awaited<ReturnType<typeof prepareSuggestions>>;
  try {
    prepared = await prepareSuggestions(services, input, profile, load, findPool);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ...base, outcome: "error", error: { code: error.code, message: error.message } };
  }
  // The decision and the search run in the job's compute (a thread on Node).
  const decided = await runInJob(
    ctx,
    "rerank-request",
    { prepared, changed, stored, fromVersion: row.result.version, stens },
    total,
    done,
    done + 1,
  );
  if (decided.outcome !== "changed") return { ...base, outcome: decided.outcome };
  const result: SuggestionResult = {
    id: row.request.id,
    version: row.result.version + 1,
    ...decided.solved,
    createdAt: now,
  };
  return { ...base, outcome: "changed", result, diff: decided.diff };
}

interface TeamWork {
  teamId: string;
  version: number;
  score: number;
  feasible: boolean;
  profileVersion: number;
  summary: Record<string, unknown>;
  diff: TeamScoreDiff | null;
}

/** The re-rank job's handler (kind `rerank`). */
export const rerankHandler: JobHandler = async (payload, ctx: JobContext): Promise<JobOutcome> => {
  const task = parsePayload(payload);
  // Read before anything else: every result this job computes has read at least this far.
  const basis = await sq.latestChangeSeq(ctx.db);
  const services: RequestServices = { db: ctx.db, clock: ctx.clock, newId: ctx.newId };
  const profile = await currentProfile(services);
  const now = ctx.clock.now().toISOString();
  const changed = task.scope === "cadres" ? new Set(task.cadreIds) : null;
  const stens = new Map<string, StenChange>();
  if (changed)
    for (const [id, [current, previous]] of await q.lastTwoAssessments(ctx.db, [...changed]))
      if (current) stens.set(id, stenChange(id, previous ? stensOf(previous) : null, stensOf(current)));

  const requests = await q.requestsWithLatest(ctx.db);
  const teams = await q.teamsWithLatestScore(ctx.db);
  const plans = task.scope === "cadres" ? [] : await sq.savedPlans(ctx.db);
  const affected =
    task.scope === "changes" ? await affectedResults(ctx.db, basis, requests, teams, plans) : null;
  const total = requests.length + teams.length;
  let done = 0;
  await ctx.progress(0, total);
  const load = memberCache(ctx.db, profile.asOfYear);
  const findPool = poolCache(ctx.db);
  let yielded = performance.now();
  const step = async () => {
    done++;
    if (performance.now() - yielded >= YIELD_MS) {
      await pause();
      yielded = performance.now();
    }
    await ctx.progress(done, total);
  };

  const work: RequestWork[] = [];
  for (const row of requests) {
    // A shutdown stops the job between requests too (its compute is cancelled within one).
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    work.push(
      affected && !affected.requests.has(row.request.id)
        ? { requestId: row.request.id, fromVersion: row.result.version, outcome: "not_involved" }
        : await rerankRequest(
            ctx,
            { done, total },
            services,
            row,
            profile,
            load,
            findPool,
            changed,
            stens,
            now,
          ),
    );
    await step();
  }

  const teamWork: TeamWork[] = [];
  const teamErrors: RerankReport["errors"] = [];
  const rescored: string[] = [];
  let teamsNotInvolved = 0;
  let teamsRescored = 0;
  for (const { team, seats, latest } of teams) {
    const holders = seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []));
    const skip = affected
      ? !affected.teams.has(team.id)
      : holders.length === 0 || (changed && !holders.some((id) => changed.has(id)));
    if (skip) {
      teamsNotInvolved++;
      await step();
      continue;
    }
    const found = await load(holders);
    const missing = holders.find((id) => !found.get(id)?.ok);
    const unknownPost = seats.find((s) => !profile.posts[s.postCode]);
    if (missing || unknownPost) {
      teamErrors.push({
        teamId: team.id,
        code: missing ? "no_assessment" : "unknown_reference",
        message: missing ? `cadre '${missing}' has no assessment` : `no post type '${unknownPost?.postCode}'`,
      });
      await step();
      continue;
    }
    teamsRescored++;
    rescored.push(team.id);
    const memberOf = (id: string | null) => {
      const f = id ? found.get(id) : undefined;
      return f?.ok ? f.member : null;
    };
    const scored = scoreTeamSummary(
      {
        region: team.regionCode,
        seats: seats.map((s) => ({ post: s.postCode, member: memberOf(s.cadreId) as Member | null })),
      },
      profile,
    );
    const components = scored.components as unknown as Record<string, number>;
    const same =
      latest &&
      latest.score === scored.score &&
      latest.feasible === scored.feasible &&
      latest.profileVersion === profile.version;
    if (!same) {
      const version = (latest?.version ?? 0) + 1;
      const previous = latest
        ? {
            version: latest.version,
            score: latest.score,
            feasible: latest.feasible,
            components: (latest.summary as { components: Record<string, number> }).components,
          }
        : null;
      teamWork.push({
        teamId: team.id,
        version,
        score: scored.score,
        feasible: scored.feasible,
        profileVersion: profile.version,
        summary: { components, violations: scored.violations, memberIds: holders },
        diff: previous
          ? diffTeamScores(
              previous,
              { version, score: scored.score, feasible: scored.feasible, components, memberIds: holders },
              stens,
            )
          : null,
      });
    }
    await step();
  }

  const planWork: PlanWork[] = await rerunPlans(
    ctx,
    affected ? plans.filter((p) => affected.plans.has(p.id)) : plans,
  );
  const freshness = freshnessOf(task.scope, work, rescored, teamErrors, planWork, affected, teams, plans);

  const count = (o: RequestOutcome) => work.filter((w) => w.outcome === o).length;
  const changedRequests = work.filter((w) => w.outcome === "changed");
  const report: RerankReport = {
    scope: task.scope,
    importId: task.scope === "cadres" ? (task.importId ?? null) : null,
    cadreIds: changed?.size ?? 0,
    profileVersion: profile.version,
    requests: {
      total: requests.length,
      researched: count("changed") + count("unchanged"),
      not_involved: count("not_involved"),
      cannot_enter: count("cannot_enter"),
      unchanged: count("unchanged"),
      changed: count("changed"),
      error: count("error"),
    },
    teams: {
      total: teams.length,
      rescored: teamsRescored,
      changed: teamWork.length,
      notInvolved: teamsNotInvolved,
      errors: teamErrors.length,
    },
    plans: {
      total: plans.length,
      rerun: planWork.filter((p) => p.ok).length,
      errors: planWork.filter((p) => !p.ok).length,
    },
    changes: changedRequests.map((w) => ({
      requestId: w.requestId,
      fromVersion: w.fromVersion,
      toVersion: w.fromVersion + 1,
      summary: (w.diff as RankingDiff).summary,
    })),
    teamChanges: teamWork.map((t) => ({
      teamId: t.teamId,
      version: t.version,
      score: t.score,
      summary: t.diff?.summary ?? null,
    })),
    errors: [
      ...work.flatMap((w) => (w.error ? [{ requestId: w.requestId, ...w.error }] : [])),
      ...teamErrors,
      ...planWork.flatMap((p) => (p.ok ? [] : [{ planId: p.planId, code: p.code, message: p.message }])),
    ],
    summary: summaryText(
      requests.length,
      changedRequests.length,
      count("changed") + count("unchanged"),
      teams.length,
      teamWork.length,
    ),
  };

  return {
    result: report,
    apply: async (tx: Tx) => {
      // Another job may have stored versions since this one read them: then run again on the new state.
      const versions = await q.latestResultVersions(
        tx,
        changedRequests.map((w) => w.requestId),
      );
      for (const w of changedRequests)
        if (versions.get(w.requestId) !== w.fromVersion)
          throw new StaleJobError(`request ${w.requestId} was re-ranked meanwhile`);
      const teamVersions = await q.latestTeamScoreVersions(
        tx,
        teamWork.map((t) => t.teamId),
      );
      for (const t of teamWork)
        if ((teamVersions.get(t.teamId) ?? 0) !== t.version - 1)
          throw new StaleJobError(`team ${t.teamId} was re-scored meanwhile`);
      await q.insertResults(
        tx,
        changedRequests.map((w) => {
          const r = w.result as SuggestionResult;
          return {
            requestId: w.requestId,
            version: r.version,
            status: r.status,
            profileVersion: r.profileVersion,
            results: r,
            jobId: ctx.jobId,
            createdAt: now,
          };
        }),
        changedRequests.map((w) => ({
          requestId: w.requestId,
          version: w.fromVersion + 1,
          fromVersion: w.fromVersion,
          diff: w.diff as unknown as Record<string, unknown>,
          jobId: ctx.jobId,
          createdAt: now,
        })),
      );
      await q.insertTeamScores(
        tx,
        teamWork.map((t) => ({
          teamId: t.teamId,
          version: t.version,
          profileVersion: t.profileVersion,
          score: t.score,
          feasible: t.feasible,
          summary: t.summary,
          diff: t.diff as unknown as Record<string, unknown> | null,
          jobId: ctx.jobId,
          createdAt: now,
        })),
      );
      for (const p of planWork) if (p.ok) await sq.replacePlan(tx, p.planId, p.plan, now);
      await writeFreshness(tx, freshness, basis, ctx.jobId, now);
    },
  };
};

/**
 * Which results the job leaves current (re-searched, re-scored or re-run; under `changes` also the
 * unaffected) and which failed.
 */
function freshnessOf(
  scope: RerankPayload["scope"],
  work: readonly RequestWork[],
  rescored: readonly string[],
  teamErrors: RerankReport["errors"],
  planWork: readonly PlanWork[],
  affected: Awaited<ReturnType<typeof affectedResults>> | null,
  teams: Awaited<ReturnType<typeof q.teamsWithLatestScore>>,
  plans: readonly { id: string }[],
): FreshnessWrites {
  const researched = new Set<RequestOutcome>(["changed", "unchanged"]);
  if (scope === "changes") researched.add("not_involved");
  const fresh: FreshnessWrites["fresh"] = [
    ...work
      .filter((w) => researched.has(w.outcome))
      .map((w) => ({ kind: "suggestion" as const, id: w.requestId })),
    ...rescored.map((id) => ({ kind: "team-score" as const, id })),
    ...planWork.filter((p) => p.ok).map((p) => ({ kind: "exchange-plan" as const, id: p.planId })),
  ];
  if (affected) {
    for (const { team, latest } of teams)
      if (latest && !affected.teams.has(team.id)) fresh.push({ kind: "team-score", id: team.id });
    for (const p of plans) if (!affected.plans.has(p.id)) fresh.push({ kind: "exchange-plan", id: p.id });
  }
  const failed: FreshnessWrites["failed"] = [
    ...work.flatMap((w) =>
      w.error
        ? [{ kind: "suggestion" as const, id: w.requestId, code: w.error.code, message: w.error.message }]
        : [],
    ),
    ...teamErrors.flatMap((e) =>
      e.teamId ? [{ kind: "team-score" as const, id: e.teamId, code: e.code, message: e.message }] : [],
    ),
    ...planWork.flatMap((p) =>
      p.ok ? [] : [{ kind: "exchange-plan" as const, id: p.planId, code: p.code, message: p.message }],
    ),
  ];
  return { fresh, failed };
}

function summaryText(
  requests: number,
  changed: number,
  researched: number,
  teams: number,
  teamsChanged: number,
) {
  return {
    zh: `已保存的配班子请求共${requests}个：重新计算${researched}个，其中${changed}个排名有变化并已存为新版本；班子共${teams}个，${teamsChanged}个得分有变化。`,
    en: `${requests} saved suggestion request(s): ${researched} re-searched, ${changed} with a changed ranking stored as a new version; ${teams} team(s), ${teamsChanged} with a changed score.`,
  };
}

/**
 * Queues a re-rank job: over the cadres given (their assessments changed), or everything (e.g.
 * after a scoring-profile edit). Returns the job's id.
 *
 * @example
 * ```ts
 * const jobId = await startRerank(services, { cadreIds: ["C001"] });
 * ```
 */
export async function startRerank(
  services: JobServices & { db: Db },
  input: { cadreIds?: string[] | undefined; reason?: string | undefined },
): Promise<string> {
  const payload: RerankPayload = input.cadreIds
    ? { scope: "cadres", cadreIds: [...new Set(input.cadreIds)].sort() }
    : { scope: "all", reason: input.reason ?? null };
  return enqueueJob(services.db, { kind: "rerank", payload }, services);
}

/** Queues the re-rank job of an import, inside the import's transaction (see `ImportOptions.onImported`). */
export function rerankAfterImport(services: JobServices) {
  return async (tx: Tx, batch: { id: string; cadreIds: string[] }) =>
    batch.cadreIds.length === 0
      ? null
      : enqueueJob(
          tx,
          { kind: "rerank", payload: { scope: "cadres", cadreIds: batch.cadreIds, importId: batch.id } },
          services,
        );
}
