import { type DbOrTx, writeTransaction } from "../../db/client";
import { existingCadreIds } from "../../db/queries/cadres";
import { existingPostCodes } from "../../db/queries/post-types";
import { findRegion } from "../../db/queries/regions";
import * as q from "../../db/queries/teams";
import type { TEAM_KINDS } from "../../db/schema";
import { repeatedLeadingPostMessage, repeatedLeadingPosts } from "../../scoring/rules";
import type { ScoringProfile } from "../../scoring/types";
import { preconditionFailed } from "../auth/etag";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { ApiError, type FieldError, invalid, notFound } from "../lib/problem";
import { mapConstraintErrors } from "../lib/sqlite-errors";
import { currentProfile } from "./scoring-profiles";

/** Most seats a team may have (a county team has about 14; scenarios may add a few). */
export const MAX_SEATS = 40;
/** Highest seat position; positions only grow until the seats are replaced as a whole (PATCH the team). */
export const MAX_POSITION = 9999;

/** A seat as the API shows it: a post type and its holder (null when vacant). */
export interface Seat {
  position: number;
  post: string;
  cadreId: string | null;
  locked: boolean;
}

/** 班子 as the API shows it. */
export interface Team {
  id: string;
  region: string;
  name: string | null;
  kind: (typeof TEAM_KINDS)[number];
  seats: Seat[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SeatInput {
  post: string;
  cadreId?: string | null | undefined;
  locked?: boolean | undefined;
}

export interface TeamInput {
  id?: string | undefined;
  region: string;
  name?: string | null | undefined;
  kind?: Team["kind"] | undefined;
  seats: SeatInput[];
}

const toSeat = (s: q.SeatRow): Seat => ({
  position: s.position,
  post: s.postCode,
  cadreId: s.cadreId,
  locked: s.locked,
});

const toTeam = (t: q.TeamRecord): Team => ({
  id: t.id,
  region: t.regionCode,
  name: t.name,
  kind: t.kind,
  seats: t.seats.map(toSeat),
  version: t.version,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

const toSeatValues = (s: SeatInput): q.SeatValues => ({
  postCode: s.post,
  cadreId: s.cadreId ?? null,
  locked: s.locked ?? false,
});

/**
 * Refuses a team that lists a leading post (县委书记, 县长) twice (see `repeatedLeadingPosts`): such a
 * team could not be scored or completed. `fieldOf` names the field of a seat, or null to report
 * only seats that are not the one being changed.
 */
function checkLeadingPosts(
  profile: ScoringProfile,
  posts: readonly string[],
  fieldOf: (seat: number, firstSeat: number) => string | null,
) {
  const repeated = repeatedLeadingPosts(posts, profile);
  const errors: FieldError[] = repeated.flatMap((r) => {
    const field = fieldOf(r.seat, r.firstSeat);
    return field === null ? [] : [{ field, code: "duplicate", message: repeatedLeadingPostMessage(r) }];
  });
  if (errors.length)
    throw new ApiError("validation_failed", `${errors[0]?.field}: ${errors[0]?.message}`, { errors });
}

/** Checks posts and cadres of seats exist and that no cadre sits twice; reports every problem. */
async function checkSeats(
  db: DbOrTx,
  seatList: { seat: SeatInput; field: string }[],
  occupied: string[] = [],
) {
  const errors: FieldError[] = [];
  const [posts, cadres] = await Promise.all([
    existingPostCodes(
      db,
      seatList.map((s) => s.seat.post),
    ),
    existingCadreIds(
      db,
      seatList.flatMap((s) => (s.seat.cadreId ? [s.seat.cadreId] : [])),
    ),
  ]);
  const seen = new Set(occupied);
  for (const { seat, field: prefix } of seatList) {
    const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
    if (!posts.has(seat.post))
      errors.push({
        field: field("post"),
        code: "unknown_reference",
        message: `no post type '${seat.post}'`,
      });
    if (!seat.cadreId) continue;
    if (!cadres.has(seat.cadreId))
      errors.push({
        field: field("cadreId"),
        code: "unknown_reference",
        message: `no cadre '${seat.cadreId}'`,
      });
    else if (seen.has(seat.cadreId))
      errors.push({
        field: field("cadreId"),
        code: "duplicate",
        message: `cadre '${seat.cadreId}' already holds a seat of this team`,
      });
    seen.add(seat.cadreId);
  }
  if (errors.length)
    throw new ApiError("validation_failed", `${errors[0]?.field}: ${errors[0]?.message}`, { errors });
}

async function checkRegion(db: DbOrTx, code: string) {
  if (!(await findRegion(db, code))) throw invalid("region", `no region '${code}'`, "unknown_reference");
}

export async function getTeam({ db }: RequestServices, id: string): Promise<Team> {
  const row = await q.findTeamRow(db, id);
  if (!row) throw notFound("team", id);
  const [team] = await q.withSeats(db, [row]);
  return toTeam(team as q.TeamRecord);
}

export async function listTeams(
  { db }: RequestServices,
  query: {
    limit: number;
    cursor?: string | undefined;
    region?: string | undefined;
    kind?: Team["kind"] | undefined;
    cadre?: string | undefined;
  },
) {
  const after = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
  const rows = await q.listTeamRows(db, {
    limit: query.limit,
    ...(after !== undefined ? { after } : {}),
    ...(query.region !== undefined ? { region: query.region } : {}),
    ...(query.kind !== undefined ? { kind: query.kind } : {}),
    ...(query.cadre !== undefined ? { cadre: query.cadre } : {}),
  });
  const page = toPage(rows, query.limit, (r) => [r.id]);
  return { items: (await q.withSeats(db, page.items)).map(toTeam), nextCursor: page.nextCursor };
}

export async function createTeam(services: RequestServices, input: TeamInput): Promise<Team> {
  // Read before the write transaction (the profile comes from its own cached reads).
  const profile = await currentProfile(services);
  const id = input.id ?? services.newId();
  const now = services.clock.now().toISOString();
  await mapConstraintErrors(
    () =>
      writeTransaction(services.db, async (tx) => {
        if (await q.findTeamRow(tx, id))
          throw new ApiError("duplicate", `A team with id '${id}' already exists.`, { field: "id" });
        await checkRegion(tx, input.region);
        await checkSeats(
          tx,
          input.seats.map((seat, i) => ({ seat, field: `seats.${i}` })),
        );
        checkLeadingPosts(
          profile,
          input.seats.map((seat) => seat.post),
          (seat) => `seats.${seat}.post`,
        );
        await q.insertTeam(
          tx,
          {
            id,
            regionCode: input.region,
            name: input.name ?? null,
            kind: input.kind ?? "current",
            createdAt: now,
            updatedAt: now,
          },
          input.seats.map(toSeatValues),
        );
      }),
    { duplicate: `A team with id '${id}' already exists.`, field: "id" },
  );
  return getTeam(services, id);
}

export async function updateTeam(
  services: RequestServices,
  id: string,
  patch: Partial<Omit<TeamInput, "id">>,
  expectedVersion?: number,
): Promise<Team> {
  // Read before the write transaction (the profile comes from its own cached reads).
  const profile = await currentProfile(services);
  await writeTransaction(services.db, async (tx) => {
    const row = await q.findTeamRow(tx, id);
    if (!row) throw notFound("team", id);
    // From If-Match, compared inside the write transaction: stale → 412, nothing changed.
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw preconditionFailed();
    if (patch.region !== undefined) await checkRegion(tx, patch.region);
    if (patch.seats) {
      await checkSeats(
        tx,
        patch.seats.map((seat, i) => ({ seat, field: `seats.${i}` })),
      );
      checkLeadingPosts(
        profile,
        patch.seats.map((seat) => seat.post),
        (seat) => `seats.${seat}.post`,
      );
      await q.replaceSeats(tx, id, patch.seats.map(toSeatValues));
    }
    await q.touchTeam(tx, id, {
      ...(patch.region !== undefined ? { regionCode: patch.region } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      updatedAt: services.clock.now().toISOString(),
    });
  });
  return getTeam(services, id);
}

export async function deleteTeam(
  services: RequestServices,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  if (expectedVersion !== undefined) {
    const row = await q.findTeamRow(services.db, id);
    if (!row) throw notFound("team", id);
    if (row.version !== expectedVersion) throw preconditionFailed();
  }
  if ((await q.deleteTeam(services.db, id)) === 0) throw notFound("team", id);
}

/** A seat with its team's version: a seat's ETag is its team's (every seat change bumps it). */
export interface VersionedSeat {
  seat: Seat;
  version: number;
}

export async function getSeat(
  services: RequestServices,
  teamId: string,
  position: number,
): Promise<VersionedSeat> {
  return versionedSeat(await getTeam(services, teamId), position);
}

/**
 * The seat changes below take the version `If-Match` names (see {@link updateTeam}): compared
 * inside their write transaction, a stale one is a 412 and nothing changes.
 */
export async function addSeat(
  services: RequestServices,
  teamId: string,
  seat: SeatInput,
  expectedVersion?: number,
): Promise<VersionedSeat> {
  // Read before the write transaction (the profile comes from its own cached reads).
  const profile = await currentProfile(services);
  const position = await writeTransaction(services.db, async (tx) => {
    const team = (await q.withSeats(tx, [await requireTeam(tx, teamId, expectedVersion)]))[0] as q.TeamRecord;
    if (team.seats.length >= MAX_SEATS)
      throw new ApiError(
        "conflict",
        `Team '${teamId}' already has ${MAX_SEATS} seats, the most a team may have.`,
      );
    const occupied = team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []));
    await checkSeats(tx, [{ seat, field: "" }], occupied);
    const last = team.seats.length;
    checkLeadingPosts(profile, [...team.seats.map((s) => s.postCode), seat.post], (s) =>
      s === last ? "post" : null,
    );
    const next = await q.nextSeatPosition(tx, teamId);
    if (next > MAX_POSITION)
      throw new ApiError(
        "conflict",
        `Seat positions of team '${teamId}' are used up; renumber them by sending all seats in PATCH /v1/teams/${teamId}.`,
      );
    await q.insertSeat(tx, teamId, next, toSeatValues(seat));
    await q.touchTeam(tx, teamId, { updatedAt: services.clock.now().toISOString() });
    return next;
  });
  return versionedSeat(await getTeam(services, teamId), position);
}

export async function updateSeat(
  services: RequestServices,
  teamId: string,
  position: number,
  patch: Partial<SeatInput>,
  expectedVersion?: number,
): Promise<VersionedSeat> {
  // Read before the write transaction (the profile comes from its own cached reads).
  const profile = await currentProfile(services);
  await writeTransaction(services.db, async (tx) => {
    const team = (await q.withSeats(tx, [await requireTeam(tx, teamId, expectedVersion)]))[0] as q.TeamRecord;
    const current = team.seats.find((s) => s.position === position);
    if (!current) throw notFound("seat", String(position), "position");
    const merged: SeatInput = {
      post: patch.post ?? current.postCode,
      cadreId: patch.cadreId !== undefined ? patch.cadreId : current.cadreId,
      locked: patch.locked ?? current.locked,
    };
    const occupied = team.seats.flatMap((s) => (s.cadreId && s.position !== position ? [s.cadreId] : []));
    await checkSeats(tx, [{ seat: merged, field: "" }], occupied);
    const at = team.seats.indexOf(current);
    checkLeadingPosts(
      profile,
      team.seats.map((s, i) => (i === at ? merged.post : s.postCode)),
      (s, first) => (s === at || first === at ? "post" : null),
    );
    await q.updateSeat(tx, teamId, position, toSeatValues(merged));
    await q.touchTeam(tx, teamId, { updatedAt: services.clock.now().toISOString() });
  });
  return versionedSeat(await getTeam(services, teamId), position);
}

export async function deleteSeat(
  services: RequestServices,
  teamId: string,
  position: number,
  expectedVersion?: number,
): Promise<void> {
  await writeTransaction(services.db, async (tx) => {
    await requireTeam(tx, teamId, expectedVersion);
    if ((await q.deleteSeat(tx, teamId, position)) === 0)
      throw notFound("seat", String(position), "position");
    await q.touchTeam(tx, teamId, { updatedAt: services.clock.now().toISOString() });
  });
}

async function requireTeam(db: DbOrTx, id: string, expectedVersion?: number): Promise<q.TeamRow> {
  const row = await q.findTeamRow(db, id);
  if (!row) throw notFound("team", id);
  if (expectedVersion !== undefined && row.version !== expectedVersion) throw preconditionFailed();
  return row;
}

function versionedSeat(team: Team, position: number): VersionedSeat {
  return { seat: seatAt(team, position), version: team.version };
}

function seatAt(team: Team, position: number): Seat {
  const seat = team.seats.find((s) => s.position === position);
  if (!seat) throw notFound("seat", String(position), "position");
  return seat;
}
