import { and, asc, eq, gt, inArray, max, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { seats, teams } from "../schema";

export type TeamRow = typeof teams.$inferSelect;
export type NewTeamRow = typeof teams.$inferInsert;
export type SeatRow = typeof seats.$inferSelect;
export type SeatValues = Pick<SeatRow, "postCode" | "cadreId" | "locked">;

export interface TeamRecord extends TeamRow {
  seats: SeatRow[];
}

export async function findTeamRow(db: DbOrTx, id: string): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(eq(teams.id, id)).limit(1);
  return row;
}

/** Attaches the seats (in position order) to team rows, with one query. */
export async function withSeats(db: DbOrTx, rows: TeamRow[]): Promise<TeamRecord[]> {
  if (rows.length === 0) return [];
  const seatRows = await db
    .select()
    .from(seats)
    .where(
      inArray(
        seats.teamId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(seats.teamId), asc(seats.position));
  return rows.map((row) => ({ ...row, seats: seatRows.filter((s) => s.teamId === row.id) }));
}

export async function listTeamRows(
  db: DbOrTx,
  options: { limit: number; after?: string; region?: string; kind?: TeamRow["kind"]; cadre?: string },
): Promise<TeamRow[]> {
  const where: SQL[] = [];
  if (options.after !== undefined) where.push(gt(teams.id, options.after));
  if (options.region !== undefined) where.push(eq(teams.regionCode, options.region));
  if (options.kind !== undefined) where.push(eq(teams.kind, options.kind));
  if (options.cadre !== undefined)
    where.push(
      inArray(teams.id, db.select({ id: seats.teamId }).from(seats).where(eq(seats.cadreId, options.cadre))),
    );
  return db
    .select()
    .from(teams)
    .where(and(...where))
    .orderBy(asc(teams.id))
    .limit(options.limit + 1);
}

/** Replaces all seats of a team; positions are the list's indexes. */
export async function replaceSeats(tx: DbOrTx, teamId: string, values: SeatValues[]): Promise<void> {
  await tx.delete(seats).where(eq(seats.teamId, teamId));
  if (values.length) await tx.insert(seats).values(values.map((v, position) => ({ ...v, teamId, position })));
}

export async function insertTeam(tx: DbOrTx, row: NewTeamRow, seatValues: SeatValues[]): Promise<void> {
  await tx.insert(teams).values(row);
  await replaceSeats(tx, row.id, seatValues);
}

/** Updates a team's columns and bumps its version (seats are part of the team's version). */
export async function touchTeam(tx: DbOrTx, id: string, patch: Partial<NewTeamRow>): Promise<void> {
  await tx
    .update(teams)
    .set({ ...patch, version: sql`${teams.version} + 1` })
    .where(eq(teams.id, id));
}

export async function deleteTeam(db: DbOrTx, id: string): Promise<number> {
  return (await db.delete(teams).where(eq(teams.id, id))).rowsAffected;
}

export async function nextSeatPosition(tx: DbOrTx, teamId: string): Promise<number> {
  const [row] = await tx
    .select({ last: max(seats.position) })
    .from(seats)
    .where(eq(seats.teamId, teamId));
  return row?.last === null || row?.last === undefined ? 0 : row.last + 1;
}

export async function insertSeat(
  tx: DbOrTx,
  teamId: string,
  position: number,
  values: SeatValues,
): Promise<void> {
  await tx.insert(seats).values({ ...values, teamId, position });
}

export async function updateSeat(tx: DbOrTx, teamId: string, position: number, patch: Partial<SeatValues>) {
  return (
    await tx
      .update(seats)
      .set(patch)
      .where(and(eq(seats.teamId, teamId), eq(seats.position, position)))
  ).rowsAffected;
}

/** Every seat held by one of `cadreIds`, in any team. */
export async function seatsHeldBy(db: DbOrTx, cadreIds: readonly string[]): Promise<SeatRow[]> {
  if (cadreIds.length === 0) return [];
  return db
    .select()
    .from(seats)
    .where(inArray(seats.cadreId, [...cadreIds]))
    .orderBy(asc(seats.teamId), asc(seats.position));
}

export async function deleteSeat(tx: DbOrTx, teamId: string, position: number): Promise<number> {
  return (await tx.delete(seats).where(and(eq(seats.teamId, teamId), eq(seats.position, position))))
    .rowsAffected;
}
