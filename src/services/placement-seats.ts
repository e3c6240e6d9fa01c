/**
 * Setting the seats of what is placed on the stored teams, inside the placing transaction. A cadre
 * holds one post: the seats they held before in CURRENT teams (teams.kind 'current') are vacated.
 * Saved scenarios are plans, not posts — a scenario saved from the very suggestion being placed
 * (the page's 采纳为保存方案, then 采纳并任用) keeps its seats.
 */
import type { Tx } from "../../db/client";
import * as tq from "../../db/queries/teams";
import type { RequestServices } from "../deps";
import { ApiError } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";
import { type Namer, type TeamName, teamLabel } from "./placement-names";

/** A seat a placed cadre held before and left. */
export interface VacatedSeat {
  teamId: string;
  /** The team's name (`平湖县党政领导班子`), or null when it has none. */
  teamName: string | null;
  region: string;
  regionName: string;
  position: number;
  post: string;
  cadreId: string;
}

/** One team's seats as the result was computed: each seat's post, holder, and whether it changes. */
export interface ExpectedTeam {
  teamId: string;
  expected: { post: string | null; cadreId: string | null; changes: boolean }[];
}

const key = (teamId: string, position: number) => `${teamId}\u0000${position}`;

/** What {@link checkSeats} found: the seats to set, and each team's posts in seat order. */
export interface SeatPlan {
  targets: string[];
  changes: { teamId: string; position: number; cadreId: string }[];
  posts: Map<string, string[]>;
}

/**
 * Checks that each team still has the seats the result was computed for (same posts in the same
 * order, the holders it kept still there) — else 409 `team_changed` naming the team — and returns
 * the seats to set. Writes nothing. With `holders: false` (placements recorded without setting
 * seats) only the number of seats must still match: the posts are read from them.
 */
export async function checkSeats(
  tx: Tx,
  names: Namer,
  teams: readonly ExpectedTeam[],
  { holders = true }: { holders?: boolean } = {},
): Promise<SeatPlan> {
  const plan: SeatPlan = { targets: teams.map((t) => t.teamId), changes: [], posts: new Map() };
  for (const { teamId, expected } of teams) {
    const row = await tq.findTeamRow(tx, teamId);
    if (!row)
      throw new ApiError(
        "team_changed",
        `Team '${teamId}' no longer exists; ask again, or record the placements with apply: false.`,
        { field: "apply" },
      );
    const [team] = await tq.withSeats(tx, [row]);
    const seats = team?.seats ?? [];
    const same =
      seats.length === expected.length &&
      expected.every((e, i) => {
        const seat = seats[i];
        return (
          seat &&
          (!holders || e.post === null || seat.postCode === e.post) &&
          (!holders || e.changes || seat.cadreId === e.cadreId)
        );
      });
    if (!same)
      throw new ApiError(
        "team_changed",
        `${teamLabel((await names.team(teamId)) as TeamName)} has changed since this result was computed ` +
          "(its seats or holders differ); ask again, or record the placements with apply: false.",
        { field: "apply" },
      );
    plan.posts.set(
      teamId,
      seats.map((s) => s.postCode),
    );
    expected.forEach((e, index) => {
      const seat = seats[index];
      if (e.changes && e.cadreId && seat)
        plan.changes.push({ teamId, position: seat.position, cadreId: e.cadreId });
    });
  }
  return plan;
}

/**
 * Sets the seats {@link checkSeats} planned. Seats that change are emptied first, so cadres may
 * move between seats of one team; any other seat a placed cadre holds in a current team (or in a
 * team being set) is emptied and returned — unless it is locked (409 `seat_locked`, nothing
 * written).
 */
export async function applySeats(
  tx: Tx,
  services: Pick<RequestServices, "clock">,
  names: Namer,
  { targets, changes }: SeatPlan,
): Promise<VacatedSeat[]> {
  const changing = new Set(changes.map((c) => key(c.teamId, c.position)));
  const targeted = new Set(targets);
  const held = (await tq.seatsHeldBy(tx, [...new Set(changes.map((c) => c.cadreId))])).filter(
    (seat) => !changing.has(key(seat.teamId, seat.position)),
  );
  const left: (tq.SeatRow & { cadreId: string })[] = [];
  for (const seat of held) {
    const team = await names.team(seat.teamId);
    if (seat.cadreId && (targeted.has(seat.teamId) || team?.kind === "current"))
      left.push(seat as tq.SeatRow & { cadreId: string });
  }
  const locked = left.find((seat) => seat.locked);
  if (locked) {
    const team = await names.team(locked.teamId);
    throw new ApiError(
      "seat_locked",
      `Cadre '${locked.cadreId}' holds a locked seat (seat ${locked.position + 1}, ${locked.postCode}) of ` +
        `${team ? teamLabel(team) : locked.teamId}; unlock it to move them, or record the placements with apply: false.`,
      { field: "apply" },
    );
  }
  const now = services.clock.now().toISOString();
  await mapConstraintErrors(
    async () => {
      for (const c of changes) await tq.updateSeat(tx, c.teamId, c.position, { cadreId: null });
      for (const seat of left) await tq.updateSeat(tx, seat.teamId, seat.position, { cadreId: null });
      for (const c of changes) await tq.updateSeat(tx, c.teamId, c.position, { cadreId: c.cadreId });
      const touched = new Set([...targeted, ...left.map((seat) => seat.teamId)]);
      for (const teamId of touched) await tq.touchTeam(tx, teamId, { updatedAt: now });
    },
    { duplicate: "A cadre would hold two seats of one team; nothing was changed.", field: "apply" },
  );
  const vacated: VacatedSeat[] = [];
  for (const seat of left) {
    const team = await names.team(seat.teamId);
    vacated.push({
      teamId: seat.teamId,
      teamName: team?.name ?? null,
      region: team?.region ?? "",
      regionName: team?.regionName ?? "",
      position: seat.position,
      post: seat.postCode,
      cadreId: seat.cadreId,
    });
  }
  return vacated;
}
