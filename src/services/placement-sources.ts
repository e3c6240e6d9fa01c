/**
 * Carrying out what banzi suggested: accepting one ranked suggestion, or an exchange plan. In one
 * write transaction, in this order: refused if already carried out (409 `already_accepted`); the
 * stored teams checked against what the result was computed for (409 `team_changed`); each team
 * scored again on today's data with the newest profile (409 `now_infeasible`); then, by default,
 * the seats set (seats the placed cadres leave in current teams vacated, saved scenarios never
 * touched), a placement stored for every placed cadre with today's fit and score, and each placed
 * cadre's record set (src/services/placement-record.ts). A refusal writes nothing.
 */
import { type Tx, writeTransaction } from "../../db/client";
import * as q from "../../db/queries/placements";
import * as sq from "../../db/queries/suggestions";
import type { Text } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { getJob } from "../jobs/view";
import { ApiError, invalid, notFound } from "../lib/problem";
import type { ExchangePlan } from "./exchange-plans";
import { doneMessage } from "./placement-message";
import { type Namer, namer, teamLabel } from "./placement-names";
import { profileBefore, profileNow, type Rescored, recheck } from "./placement-recheck";
import { type RecordChange, recordPlacements } from "./placement-record";
import {
  applySeats,
  checkSeats,
  type ExpectedTeam,
  type SeatPlan,
  type VacatedSeat,
} from "./placement-seats";
import { type PlacementEntry, type PlacementView, today } from "./placements";
import type { SuggestionResult } from "./suggestions";

export type { VacatedSeat } from "./placement-seats";

/** What carrying out a suggestion or plan did. */
export interface CarriedOut {
  source: "suggestion" | "exchange-plan";
  sourceId: string;
  /** The accepted rank (suggestions only). */
  rank?: number;
  /** The accepted team's score when suggested and now, and the profile versions (suggestions only). */
  scoreThen?: number;
  scoreNow?: number;
  profileVersionThen?: number;
  profileVersionNow?: number;
  /** Each team placed into, scored when proposed and again now. */
  teams: Rescored[];
  /** Teams whose seats were set. */
  appliedTeams: string[];
  /** Seats in current teams that the placed cadres left (a cadre holds one post), emptied. */
  vacated: VacatedSeat[];
  placements: PlacementView[];
  /** Who moved: each placed cadre's record before and after. */
  records: RecordChange[];
  /** What was done, naming the teams, in Chinese and English. */
  message: Text;
}

async function refuseRepeat(tx: Tx, names: Namer, source: "suggestion" | "exchange-plan", id: string) {
  const earlier = await q.placementsFromSource(tx, source, id);
  const first = earlier[0];
  if (!first) return;
  const teamIds = [...new Set(earlier.flatMap((p) => (p.teamId ? [p.teamId] : [])))];
  const where: string[] = [];
  for (const teamId of teamIds) {
    const team = await names.team(teamId);
    where.push(team ? teamLabel(team) : teamId);
  }
  if (where.length === 0) where.push(await names.region(first.regionCode));
  const rank = typeof first.components.rank === "number" ? first.components.rank : undefined;
  throw new ApiError(
    "already_accepted",
    `${source === "suggestion" ? `This suggestion request${rank ? ` (rank ${rank})` : ""}` : "This exchange plan"} ` +
      `was already carried out for ${where.join(", ")}: ${earlier.length} placement` +
      `${earlier.length === 1 ? "" : "s"} on ${first.placedOn}. A result is carried out once.`,
    {
      field: "id",
      extensions: {
        placedOn: first.placedOn,
        placements: earlier.map((p) => p.id),
        ...(rank ? { acceptedRank: rank } : {}),
      },
    },
  );
}

export interface AcceptInput {
  rank: number;
  /** The ranking version the caller saw; a re-ranked request (another version) is 409 `ranking_changed`. */
  version?: number | undefined;
  placedOn?: string | undefined;
  apply?: boolean | undefined;
}

/**
 * Accepts the suggestion ranked `rank` in a request's current ranking: a placement for each cadre
 * it seats in a seat it filled, and (for a stored team, unless `apply` is false) those seats set.
 * Once per request: a repeat (any rank) is 409 `already_accepted`; the same request repeated with
 * its `Idempotency-Key` replays the first answer instead.
 */
/** 409 `ranking_changed`: the request was re-ranked after the version the caller saw. */
function rankingChanged(requestId: string, input: AcceptInput, now: number): ApiError {
  return new ApiError(
    "ranking_changed",
    `Suggestion request '${requestId}' was re-ranked after version ${input.version} (now version ${now}): ` +
      `rank ${input.rank} may be another team now. Nothing was changed; look at the current ranking and accept again.`,
    {
      field: "version",
      extensions: {
        version: now,
        message: {
          zh: `这组建议在第 ${input.version} 版之后已重新排序（现为第 ${now} 版），方案 ${input.rank} 可能已不是您看到的班子。未作任何更改；请查看最新排序后再采纳。`,
          en: `These suggestions were re-ranked after version ${input.version} (now version ${now}); option ${input.rank} may no longer be the team you saw. Nothing was changed; look at the current ranking and accept again.`,
        },
      },
    },
  );
}

export async function acceptSuggestion(
  services: RequestServices,
  requestId: string,
  input: AcceptInput,
): Promise<CarriedOut> {
  const request = await sq.findRequest(services.db, requestId);
  const [latest] = await sq.resultVersions(services.db, requestId);
  if (!request || !latest) throw notFound("suggestion request", requestId);
  const result = latest.results as SuggestionResult;
  const chosen = result.suggestions.find((s) => s.rank === input.rank);
  if (!chosen)
    throw invalid(
      "rank",
      result.suggestions.length
        ? `no suggestion ranked ${input.rank} (1–${result.suggestions.length})`
        : "this request has no suggestion to accept (its status is infeasible)",
      "unknown_rank",
    );
  const placedOn = input.placedOn ?? today(services.clock);
  const teamId = request.teamId;
  const apply = teamId !== null && input.apply !== false;
  const seats = chosen.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId }));
  const filled = chosen.assignment.filter((a) => a.filled && a.cadreId);
  const profileVersionThen = latest.profileVersion ?? result.profileVersion;
  const cached = await profileBefore(services);
  return writeTransaction(services.db, async (tx) => {
    const names = namer(tx);
    await refuseRepeat(tx, names, "suggestion", requestId);
    // After the repeat check (a request carried out once says so, whatever its version), and read in
    // the transaction, so a re-rank committed meanwhile cannot slip in between.
    if (input.version !== undefined) {
      const [current] = await sq.resultVersions(tx, requestId);
      if (current && current.version !== input.version)
        throw rankingChanged(requestId, input, current.version);
    }
    const seatPlan =
      apply && teamId
        ? await checkSeats(tx, names, [
            {
              teamId,
              expected: chosen.assignment.map((a) => ({
                post: a.post,
                cadreId: a.cadreId,
                changes: a.filled,
              })),
            },
          ])
        : undefined;
    const profile = await profileNow(services, tx, cached);
    const { rescored, summary } = await recheck(
      tx,
      profile,
      names,
      {
        teamId,
        region: result.region,
        seats,
        placed: filled.map((a) => a.cadreId as string),
        scoreThen: chosen.score,
        profileVersionThen,
      },
      { zh: `第 ${input.rank} 名方案`, en: `Suggestion ${input.rank}` },
      "rank",
    );
    const entries: PlacementEntry[] = filled.map((a) => ({
      cadreId: a.cadreId as string,
      teamId,
      region: result.region,
      post: a.post,
      placedOn,
      source: "suggestion" as const,
      sourceId: requestId,
      fit: summary.seats[a.seat]?.fit ?? 0,
      teamScore: summary.score,
      components: {
        ...summary.components,
        resultVersion: latest.version,
        rank: input.rank,
        scoreThen: chosen.score,
        profileVersionThen,
      },
      profileVersion: profile.version,
    }));
    const vacated = seatPlan ? await applySeats(tx, services, names, seatPlan) : [];
    const { placements, records } = await recordPlacements(
      tx,
      services,
      names,
      today(services.clock),
      entries,
    );
    return {
      source: "suggestion" as const,
      sourceId: requestId,
      rank: input.rank,
      scoreThen: rescored.scoreThen,
      scoreNow: rescored.scoreNow,
      profileVersionThen: rescored.profileVersionThen,
      profileVersionNow: rescored.profileVersionNow,
      teams: [rescored],
      appliedTeams: seatPlan ? seatPlan.targets : [],
      vacated,
      placements,
      records,
      message: await doneMessage(names, records, [rescored], vacated),
    };
  });
}

export interface CarryOutInput {
  placedOn?: string | undefined;
  apply?: boolean | undefined;
}

/** The seats a plan expects of each of its teams: planned vacancies change, other holders stay. */
function expectedTeams(plan: ExchangePlan): ExpectedTeam[] {
  return plan.teams.map((team) => {
    const vacancies = new Set(team.vacancies);
    const moved = new Map(
      plan.moves.filter((m) => m.to.teamId === team.teamId).map((m) => [m.to.seat, m.to.post]),
    );
    return {
      teamId: team.teamId,
      expected: team.memberIds.map((cadreId, i) => ({
        post: moved.get(i) ?? null,
        cadreId,
        changes: vacancies.has(i),
      })),
    };
  });
}

/**
 * Carries out a finished exchange plan: every team a move goes to scored again now, a placement
 * for every move (fit in the seat it moves to, the destination team's score now), and unless
 * `apply` is false, every planned vacancy set on the stored teams.
 */
export async function carryOutPlan(
  services: RequestServices,
  planId: string,
  input: CarryOutInput,
): Promise<CarriedOut> {
  const job = await getJob(services.db, planId).catch(() => undefined);
  if (job?.kind !== "exchange-plan") throw notFound("exchange plan", planId);
  const plan = job.result as ExchangePlan | undefined;
  // Not one of the carry-out refusals below: the plan is not ready, or has nothing to do.
  if (job.status !== "succeeded" || !plan)
    throw new ApiError("conflict", `This exchange plan is ${job.status}; it has no plan to carry out yet.`, {
      field: "id",
    });
  if (plan.status === "infeasible" || plan.moves.length === 0)
    throw new ApiError("conflict", `This exchange plan places nobody (status ${plan.status}).`, {
      field: "id",
    });
  const placedOn = input.placedOn ?? today(services.clock);
  const apply = input.apply !== false;
  const cached = await profileBefore(services);
  return writeTransaction(services.db, async (tx) => {
    const names = namer(tx);
    await refuseRepeat(tx, names, "exchange-plan", planId);
    // The posts of each team's seats come from the stored team (the plan keeps member ids per seat).
    const seatPlan: SeatPlan = await checkSeats(tx, names, expectedTeams(plan), { holders: apply });
    const profile = await profileNow(services, tx, cached);
    const entries: PlacementEntry[] = [];
    const rescoredTeams: Rescored[] = [];
    for (const team of plan.teams) {
      const moves = plan.moves.filter((m) => m.to.teamId === team.teamId);
      if (moves.length === 0) continue;
      const posts = seatPlan.posts.get(team.teamId) ?? [];
      const { rescored, summary } = await recheck(
        tx,
        profile,
        names,
        {
          teamId: team.teamId,
          region: team.region,
          seats: team.memberIds.map((cadreId, i) => ({ post: posts[i] as string, cadreId })),
          placed: moves.map((m) => m.memberId),
          scoreThen: team.score,
          profileVersionThen: plan.profileVersion,
        },
        { zh: "该交流方案", en: "This exchange plan" },
        "id",
      );
      rescoredTeams.push(rescored);
      for (const m of moves)
        entries.push({
          cadreId: m.memberId,
          teamId: team.teamId,
          region: m.to.region,
          post: m.to.post,
          placedOn,
          source: "exchange-plan",
          sourceId: planId,
          fit: summary.seats[m.to.seat]?.fit ?? 0,
          teamScore: summary.score,
          components: {
            ...summary.components,
            scoreThen: team.score,
            profileVersionThen: plan.profileVersion,
          },
          profileVersion: profile.version,
        });
    }
    const vacated = apply ? await applySeats(tx, services, names, seatPlan) : [];
    const { placements, records } = await recordPlacements(
      tx,
      services,
      names,
      today(services.clock),
      entries,
    );
    return {
      source: "exchange-plan" as const,
      sourceId: planId,
      teams: rescoredTeams,
      appliedTeams: apply ? seatPlan.targets : [],
      vacated,
      placements,
      records,
      message: await doneMessage(names, records, rescoredTeams, vacated),
    };
  });
}
