/**
 * Carrying out what banzi suggested: accepting one ranked suggestion, or an exchange plan, records a
 * placement for every cadre it seats (with the score, components and fit it had, under the scoring
 * profile its result was computed with) and, by default, sets those seats on the stored teams — all
 * in one write transaction. Each suggestion request and each plan is carried out once (409 after).
 */
import { type Tx, writeTransaction } from "../../db/client";
import * as q from "../../db/queries/placements";
import * as sq from "../../db/queries/suggestions";
import * as tq from "../../db/queries/teams";
import type { RequestServices } from "../deps";
import { getJob } from "../jobs/view";
import { ApiError, invalid, notFound } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";
import type { ExchangePlan } from "./exchange-plans";
import { type PlacementEntry, type PlacementView, recordPlacements, scoreSeats, today } from "./placements";
import { getProfile } from "./scoring-profiles";
import type { SuggestionResult } from "./suggestions";

/** What carrying out a suggestion or plan did. */
export interface CarriedOut {
  source: "suggestion" | "exchange-plan";
  sourceId: string;
  /** The accepted rank (suggestions only). */
  rank?: number;
  /** Teams whose seats were set. */
  appliedTeams: string[];
  /**
   * Seats elsewhere that the seated cadres left (they cannot hold two posts): emptied in the same
   * transaction, so those teams show the vacancy.
   */
  vacated: VacatedSeat[];
  placements: PlacementView[];
}

/** A seat a seated cadre held before and left. */
export interface VacatedSeat {
  teamId: string;
  position: number;
  post: string;
  cadreId: string;
}

/** One seat change: the team's seat at `position` gets `cadreId`. */
interface SeatChange {
  teamId: string;
  position: number;
  cadreId: string;
}

/**
 * Sets seats on stored teams, after checking each team still has the seats the result was computed
 * for (same posts in the same order, and the holders it kept still there) — else 409, nothing set.
 * Seats that change are emptied first, so cadres may move between seats of one team; any other seat
 * a seated cadre holds (in any team) is emptied too, and returned — unless it is locked (409).
 */
async function applySeats(
  tx: Tx,
  services: RequestServices,
  teams: { teamId: string; expected: { post: string | null; cadreId: string | null; changes: boolean }[] }[],
): Promise<VacatedSeat[]> {
  const changes: SeatChange[] = [];
  for (const { teamId, expected } of teams) {
    const row = await tq.findTeamRow(tx, teamId);
    if (!row) throw new ApiError("conflict", `Team '${teamId}' no longer exists; use apply: false.`);
    const [team] = await tq.withSeats(tx, [row]);
    const seats = team?.seats ?? [];
    const same =
      seats.length === expected.length &&
      expected.every((e, i) => {
        const seat = seats[i];
        return (
          seat && (e.post === null || seat.postCode === e.post) && (e.changes || seat.cadreId === e.cadreId)
        );
      });
    if (!same)
      throw new ApiError(
        "conflict",
        `Team '${teamId}' has changed since this result was computed; ask again, or record the placements with apply: false.`,
        { field: "apply" },
      );
    expected.forEach((e, index) => {
      const seat = seats[index];
      if (e.changes && e.cadreId && seat)
        changes.push({ teamId, position: seat.position, cadreId: e.cadreId });
    });
  }
  const changing = new Set(changes.map((c) => `${c.teamId}\u0000${c.position}`));
  const left = (await tq.seatsHeldBy(tx, [...new Set(changes.map((c) => c.cadreId))])).filter(
    (seat) => !changing.has(`${seat.teamId}\u0000${seat.position}`),
  );
  const locked = left.find((seat) => seat.locked);
  if (locked)
    throw new ApiError(
      "conflict",
      `Cadre '${locked.cadreId}' holds a locked seat of team '${locked.teamId}' (position ${locked.position}); ` +
        "unlock it to move them, or record the placements with apply: false.",
      { field: "apply" },
    );
  const now = services.clock.now().toISOString();
  await mapConstraintErrors(
    async () => {
      for (const c of changes) await tq.updateSeat(tx, c.teamId, c.position, { cadreId: null });
      for (const seat of left) await tq.updateSeat(tx, seat.teamId, seat.position, { cadreId: null });
      for (const c of changes) await tq.updateSeat(tx, c.teamId, c.position, { cadreId: c.cadreId });
      const touched = new Set([...teams.map((t) => t.teamId), ...left.map((seat) => seat.teamId)]);
      for (const teamId of touched) await tq.touchTeam(tx, teamId, { updatedAt: now });
    },
    { duplicate: "A cadre would hold two seats of one team; nothing was changed.", field: "apply" },
  );
  return left.map((seat) => ({
    teamId: seat.teamId,
    position: seat.position,
    post: seat.postCode,
    cadreId: seat.cadreId as string,
  }));
}

async function refuseRepeat(tx: Tx, source: "suggestion" | "exchange-plan", id: string) {
  const earlier = await q.placementsFromSource(tx, source, id);
  if (earlier.length)
    throw new ApiError(
      "conflict",
      `${source === "suggestion" ? "Suggestion request" : "Exchange plan"} '${id}' was already carried out ` +
        `(${earlier.length} placement${earlier.length === 1 ? "" : "s"} on ${earlier[0]?.placedOn}).`,
      { field: "id" },
    );
}

export interface AcceptInput {
  rank: number;
  placedOn?: string | undefined;
  apply?: boolean | undefined;
}

/**
 * Accepts the suggestion ranked `rank` in a request's current ranking: a placement for each cadre
 * it seats in a seat it filled, and (for a stored team, unless `apply` is false) those seats set.
 */
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
  const profile = await getProfile(services, latest.profileVersion ?? result.profileVersion);
  const seats = chosen.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId }));
  const { summary } = await scoreSeats(services.db, profile, result.region, seats);
  const placedOn = input.placedOn ?? today(services.clock);
  const teamId = request.teamId;
  const entries: PlacementEntry[] = chosen.assignment.flatMap((a) =>
    a.filled && a.cadreId
      ? [
          {
            cadreId: a.cadreId,
            teamId,
            region: result.region,
            post: a.post,
            placedOn,
            source: "suggestion" as const,
            sourceId: requestId,
            fit: summary.seats[a.seat]?.fit ?? 0,
            teamScore: chosen.score,
            components: { ...chosen.components, resultVersion: latest.version },
            profileVersion: profile.version,
          },
        ]
      : [],
  );
  const apply = teamId !== null && input.apply !== false;
  const { placements, vacated } = await writeTransaction(services.db, async (tx) => {
    await refuseRepeat(tx, "suggestion", requestId);
    const vacated = apply
      ? await applySeats(tx, services, [
          {
            teamId,
            expected: chosen.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId, changes: a.filled })),
          },
        ])
      : [];
    return { placements: await recordPlacements(tx, services, entries), vacated };
  });
  return {
    source: "suggestion",
    sourceId: requestId,
    rank: input.rank,
    appliedTeams: apply && teamId ? [teamId] : [],
    vacated,
    placements,
  };
}

export interface CarryOutInput {
  placedOn?: string | undefined;
  apply?: boolean | undefined;
}

/**
 * Carries out a finished exchange plan: a placement for every move (fit in the seat it moves to,
 * the destination team's planned score and components), and unless `apply` is false, every
 * planned vacancy set on the stored teams.
 */
export async function carryOutPlan(
  services: RequestServices,
  planId: string,
  input: CarryOutInput,
): Promise<CarriedOut> {
  const job = await getJob(services.db, planId).catch(() => undefined);
  if (job?.kind !== "exchange-plan") throw notFound("exchange plan", planId);
  const plan = job.result as ExchangePlan | undefined;
  if (job.status !== "succeeded" || !plan)
    throw new ApiError(
      "conflict",
      `Exchange plan '${planId}' is ${job.status}; it has no plan to carry out yet.`,
    );
  if (plan.status === "infeasible" || plan.moves.length === 0)
    throw new ApiError("conflict", `Exchange plan '${planId}' places nobody (status ${plan.status}).`);
  const profile = await getProfile(services, plan.profileVersion);
  const placedOn = input.placedOn ?? today(services.clock);
  const entries: PlacementEntry[] = [];
  for (const team of plan.teams) {
    const seats = await teamPosts(services, team.teamId, team.memberIds.length);
    const moves = plan.moves.filter((m) => m.to.teamId === team.teamId);
    if (moves.length === 0) continue;
    const { summary } = await scoreSeats(
      services.db,
      profile,
      team.region,
      team.memberIds.map((cadreId, i) => ({ post: seats[i] as string, cadreId })),
    );
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
        teamScore: team.score,
        components: team.components,
        profileVersion: profile.version,
      });
  }
  const apply = input.apply !== false;
  const { placements, vacated } = await writeTransaction(services.db, async (tx) => {
    await refuseRepeat(tx, "exchange-plan", planId);
    const vacated = !apply
      ? []
      : await applySeats(
          tx,
          services,
          plan.teams.map((team) => {
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
          }),
        );
    return { placements: await recordPlacements(tx, services, entries), vacated };
  });
  return {
    source: "exchange-plan",
    sourceId: planId,
    appliedTeams: apply ? plan.teams.map((t) => t.teamId) : [],
    vacated,
    placements,
  };
}

/** A stored team's posts in seat order (the plan keeps member ids per seat, not the posts). */
async function teamPosts(services: RequestServices, teamId: string, seatCount: number): Promise<string[]> {
  const row = await tq.findTeamRow(services.db, teamId);
  if (!row) throw new ApiError("conflict", `Team '${teamId}' of the plan no longer exists.`);
  const [team] = await tq.withSeats(services.db, [row]);
  const posts = (team?.seats ?? []).map((s) => s.postCode);
  if (posts.length !== seatCount)
    throw new ApiError("conflict", `Team '${teamId}' has changed since the plan was made.`);
  return posts;
}
