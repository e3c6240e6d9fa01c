/**
 * Exchange plans (交流方案) over stored teams: the request is checked at once (teams, cadres, a
 * non-empty pool), then runs as a job of kind "exchange-plan" — an exchange search can take longer
 * than a request should wait. The plan's id is its job's id: the job row keeps the request (payload)
 * and the plan (result), so nothing else is stored.
 */
import { inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { holdersOf, savedPlans } from "../../db/queries/staleness";
import * as q from "../../db/queries/suggestions";
import { cadrePreferences } from "../../db/schema";
import { repeatedLeadingPostMessage, repeatedLeadingPosts, seatViolations } from "../../scoring/rules";
import type { ExchangeProblem, PostChoice } from "../../scoring/search/exchange-types";
import type { Budget } from "../../scoring/search/types";
import type { Member, ScoringProfile } from "../../scoring/types";
import type { ExchangePlan } from "../compute/tasks";
import type { RequestServices } from "../deps";
import { runInJob } from "../jobs/compute";
import { enqueueJob } from "../jobs/enqueue";
import type { JobHandler } from "../jobs/types";
import { getJob } from "../jobs/view";
import { ApiError, type FieldError, notFound } from "../lib/problem";
import { loadMembers } from "./members";
import { type PoolInput, poolIds } from "./pool";
import { currentProfile } from "./scoring-profiles";
import { latestChangeSeq, markFresh, planReads, staleMarker } from "./staleness";
import { getTeam } from "./teams";

/** An exchange-plan request as the API takes it (see the route's schema). */
export interface ExchangePlanInput {
  teamIds: string[];
  /** Holders of these teams who volunteer to move: their seats become vacancies, they join the pool. */
  volunteers?: string[] | undefined;
  /** Holders who must leave (R4, or any hard seat rule) or are due for exchange (R5) move too (default true). */
  mustMove?: boolean | undefined;
  pool?: PoolInput | undefined;
  objective?: "sum" | "maxmin" | undefined;
  seed?: number | undefined;
  budget?: { iterations?: number | undefined; milliseconds?: number | undefined } | undefined;
  preferenceWeight?: number | undefined;
}

/**
 * The budget of a plan whose request names none: 1,000,000 iterations, but at most 4 s of search,
 * so that a round of about 130 movable cadres into 12 teams is planned within 5 s on a loaded
 * 2-core machine (`npm run bench -- --only exchange`). With the time limit the plan depends on the
 * machine's speed; a request that gives `budget.iterations` alone gets a reproducible plan.
 */
export const EXCHANGE_JOB_BUDGET: Readonly<Budget> = Object.freeze({
  iterations: 1_000_000,
  milliseconds: 4_000,
});

/** Progress is reported in thousandths of the budget. */
const PROGRESS_TOTAL = 1000;

/** The search's budget: the request's limits, or `EXCHANGE_JOB_BUDGET` when it gives none. */
export function exchangeBudget(input: Pick<ExchangePlanInput, "budget">): Budget {
  const { iterations, milliseconds } = input.budget ?? {};
  if (iterations === undefined && milliseconds === undefined) return { ...EXCHANGE_JOB_BUDGET };
  return {
    ...(iterations !== undefined ? { iterations } : {}),
    ...(milliseconds !== undefined ? { milliseconds } : {}),
  };
}

export type { ExchangePlan };

const fail = (errors: FieldError[]): never => {
  const first = errors[0] as FieldError;
  throw new ApiError("validation_failed", `${first.field}: ${first.message}`, { errors });
};

async function preferencesOf(db: DbOrTx, ids: string[]): Promise<Record<string, PostChoice[]>> {
  const out: Record<string, PostChoice[]> = {};
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .select()
      .from(cadrePreferences)
      .where(inArray(cadrePreferences.cadreId, ids.slice(i, i + 500)));
    rows.sort((a, b) => a.rank - b.rank);
    for (const r of rows) {
      const list = out[r.cadreId] ?? [];
      list.push({ region: r.regionCode, post: r.postCode });
      out[r.cadreId] = list;
    }
  }
  return out;
}

/** The search problem of a request, from the stored teams, cadres and preferences. */
async function loadProblem(
  services: RequestServices,
  input: ExchangePlanInput,
): Promise<{ problem: ExchangeProblem; profile: ScoringProfile }> {
  const profile = await currentProfile(services);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const teams = [];
  for (const [i, id] of input.teamIds.entries()) {
    if (seen.has(id))
      errors.push({ field: `teamIds.${i}`, code: "duplicate", message: `team '${id}' is listed twice` });
    seen.add(id);
    try {
      const team = await getTeam(services, id);
      teams.push(team);
      for (const r of repeatedLeadingPosts(
        team.seats.map((s) => s.post),
        profile,
      ))
        errors.push({
          field: `teamIds (${id}, seat ${r.seat})`,
          code: "duplicate",
          message: `team '${id}' ${repeatedLeadingPostMessage(r)}`,
        });
    } catch {
      errors.push({ field: `teamIds.${i}`, code: "unknown_reference", message: `no team '${id}'` });
    }
  }
  if (errors.length) fail(errors);
  const holderIds = teams.flatMap((t) => t.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])));
  const holders = await loadMembers(services.db, holderIds, profile.asOfYear);
  const volunteers = new Set(input.volunteers ?? []);
  (input.volunteers ?? []).forEach((id, i) => {
    if (!holderIds.includes(id))
      errors.push({
        field: `volunteers.${i}`,
        code: "not_a_holder",
        message: `cadre '${id}' holds no seat of these teams`,
      });
  });
  const moving: Member[] = [];
  const planTeams = teams.map((team) => ({
    id: team.id,
    region: team.region,
    seats: team.seats.map((seat, s) => {
      if (!seat.cadreId) return { post: seat.post, locked: null };
      const found = holders.get(seat.cadreId);
      if (!found?.ok) {
        errors.push({
          field: `teamIds (${team.id}, seat ${s})`,
          code: "no_assessment",
          message: `cadre '${seat.cadreId}' has no assessment`,
        });
        return { post: seat.post, locked: null };
      }
      const post = profile.posts[seat.post];
      const due =
        input.mustMove !== false &&
        post !== undefined &&
        seatViolations(found.member, s, post, team.region, profile).some(
          (v) => v.severity === "hard" || v.rule === "R5",
        );
      if (due || volunteers.has(seat.cadreId)) {
        moving.push(found.member);
        return { post: seat.post, locked: null };
      }
      return { post: seat.post, locked: found.member };
    }),
  }));
  if (errors.length) fail(errors);
  const staying = new Set(holderIds.filter((id) => !moving.some((m) => m.id === id)));
  const filter = input.pool ?? {};
  const ids = await poolIds((f) => q.poolIds(services.db, f), filter, [
    ...staying,
    ...moving.map((m) => m.id),
  ]);
  const loaded = await loadMembers(services.db, ids, profile.asOfYear);
  const pooled = new Set(ids);
  (filter.include ?? []).forEach((id, i) => {
    const found = loaded.get(id);
    if (!found?.ok && pooled.has(id))
      errors.push({
        field: `pool.include.${i}`,
        code: found?.reason ?? "unknown_reference",
        message: `cadre '${id}' cannot be scored`,
      });
  });
  if (errors.length) fail(errors);
  const pool = [...moving, ...[...loaded.values()].flatMap((f) => (f.ok ? [f.member] : []))].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  if (pool.length === 0)
    fail([
      { field: "pool", code: "empty", message: "no movable cadre and no cadre matches the pool's filters" },
    ]);
  if (planTeams.every((t) => t.seats.every((s) => s.locked)))
    fail([
      { field: "teamIds", code: "no_vacancy", message: "the teams have no vacant seat and nobody moves" },
    ]);
  const preferences = await preferencesOf(
    services.db,
    pool.map((m) => m.id),
  );
  return { problem: { profile, teams: planTeams, pool, preferences }, profile };
}

/** Checks the request and queues it as a job; the plan's id is the job's id. */
export async function createExchangePlan(services: RequestServices, input: ExchangePlanInput) {
  await loadProblem(services, input);
  const id = await enqueueJob(
    services.db,
    { kind: "exchange-plan", payload: input, total: PROGRESS_TOTAL },
    services,
  );
  return { id, jobId: id, status: "queued" as const };
}

/**
 * The job: loads the problem as it is now and runs the search in the job's compute (a thread on
 * Node), reporting progress in thousandths of the budget, so that a server running the job keeps
 * answering. Reproducible for a seed and an iteration budget given alone; a time limit (the
 * default's, or the request's) makes it depend on the machine.
 */
export const exchangePlanJob: JobHandler = async (payload, ctx) => {
  const input = payload as ExchangePlanInput;
  const services: RequestServices = { db: ctx.db, clock: ctx.clock, newId: ctx.newId };
  await ctx.progress(0, PROGRESS_TOTAL);
  const basis = await latestChangeSeq(ctx.db);
  const { problem } = await loadProblem(services, input);
  const options = {
    ...(input.objective ? { objective: input.objective } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    budget: exchangeBudget(input),
    ...(input.preferenceWeight !== undefined ? { preferenceWeight: input.preferenceWeight } : {}),
  };
  const plan = await runInJob(ctx, "exchange-plan", { problem, options }, PROGRESS_TOTAL);
  await ctx.progress(PROGRESS_TOTAL, PROGRESS_TOTAL);
  return {
    result: plan,
    apply: (tx) =>
      markFresh(tx, [{ kind: "exchange-plan", id: ctx.jobId }], basis, ctx.clock.now().toISOString()),
  };
};

/** A plan: its job's status and progress, and the plan once the job has succeeded. */
export async function getExchangePlan(services: RequestServices, id: string) {
  const job = await getJob(services.db, id);
  if (job.kind !== "exchange-plan") throw notFound("exchange plan", id);
  const plan = (job.result as ExchangePlan | undefined) ?? null;
  // A plan not yet made (or failed) cannot be out of date.
  const [saved] = plan ? await savedPlans(services.db, [id]) : [];
  const stale = saved
    ? await staleMarker(
        services.db,
        planReads(saved, await holdersOf(services.db, (saved.payload as ExchangePlanInput).teamIds ?? [])),
      )
    : null;
  return {
    id: job.id,
    jobId: job.id,
    status: job.status,
    progress: job.progress,
    plan,
    stale,
    ...(job.error ? { error: job.error } : {}),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}
