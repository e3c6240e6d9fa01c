/**
 * Storing placements as the system of record: a placement is stored once (an identical one — same
 * cadre, team, post and date — is a 409 `duplicate`, whatever its source), and it sets the placed
 * cadre's record: current region and post, years in post (and in the locality, when it changes)
 * counted from the placement's date, the reserve flag cleared, and rank and last promotion when the
 * post starts above the cadre's rank (the post type's `minRank`, the rank R6 and R12 read). All of
 * it inside the caller's write transaction, through db/queries.
 */
import type { DbOrTx } from "../../db/client";
import { findCadreRow, updateCadre } from "../../db/queries/cadres";
import * as q from "../../db/queries/placements";
import { findPostType } from "../../db/queries/post-types";
import { RANKS } from "../../db/schema";
import type { Text } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { ApiError } from "../lib/problem";
import { constraintKind } from "../lib/sqlite-errors";
import type { Namer } from "./placement-names";
import { teamLabel } from "./placement-names";
import { type PlacementEntry, type PlacementView, toPlacementView } from "./placements";

type Rank = (typeof RANKS)[number];

/** A cadre's record as placing changes it. */
export interface CadreState {
  region: string | null;
  regionName: string | null;
  post: string | null;
  rank: Rank;
  reserve: boolean;
  yearsInPost: number;
  yearsInLocality: number;
  lastPromotion: string | null;
}

/** How a placement changed (or did not change) the placed cadre's record. */
export interface RecordChange {
  cadreId: string;
  name: string;
  /** False when the cadre has a later placement: an older one is history and leaves the record. */
  updated: boolean;
  /** Rank raised to the post's starting rank (and last promotion set to the placement's date). */
  promoted: boolean;
  before: CadreState;
  after: CadreState;
  /** Why the record was left, when it was. */
  note: Text | null;
}

const DAY_MS = 86_400_000;

/**
 * Whole tenths of a year from `from` to `to` (both `YYYY-MM-DD`), never negative: rounded down so
 * that a count never reaches R4's ten years before the day it is due.
 */
export function yearsBetween(from: string, to: string): number {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
  return Math.max(0, Math.floor((days / 365.2425) * 10) / 10);
}

/**
 * Stores placements inside the caller's write transaction and sets each placed cadre's record.
 * `today` is the date years are counted to.
 *
 * @example
 * ```ts
 * await writeTransaction(db, (tx) => recordPlacements(tx, services, names, today, [{ cadreId: "C0007", … }]));
 * ```
 */
export async function recordPlacements(
  tx: DbOrTx,
  services: Pick<RequestServices, "newId" | "clock">,
  names: Namer,
  today: string,
  entries: readonly PlacementEntry[],
): Promise<{ placements: PlacementView[]; records: RecordChange[] }> {
  const createdAt = services.clock.now().toISOString();
  const rows: q.PlacementRow[] = entries.map((e) => ({
    id: services.newId(),
    cadreId: e.cadreId,
    teamId: e.teamId,
    regionCode: e.region,
    postCode: e.post,
    placedOn: e.placedOn,
    source: e.source,
    sourceId: e.sourceId,
    fit: Math.min(1, Math.max(0, e.fit)),
    teamScore: e.teamScore,
    components: e.components,
    profileVersion: e.profileVersion,
    createdAt,
  }));
  for (const row of rows) await refuseDuplicate(tx, names, row);
  const records: RecordChange[] = [];
  // Before the insert: a later placement of the cadre is another row, never this one.
  for (const row of rows) records.push(await setRecord(tx, names, row, today, createdAt));
  try {
    await q.insertPlacements(tx, rows);
  } catch (error) {
    if (constraintKind(error) === "unique")
      throw new ApiError("duplicate", "These placements were already recorded from the same source.", {
        cause: error,
      });
    throw error;
  }
  return { placements: rows.map(toPlacementView), records };
}

async function refuseDuplicate(tx: DbOrTx, names: Namer, row: q.PlacementRow) {
  const same = await q.findSamePlacement(tx, row);
  if (!same) return;
  const where = row.teamId
    ? await names.team(row.teamId).then((t) => (t ? teamLabel(t) : row.teamId))
    : await names.region(row.regionCode);
  throw new ApiError(
    "duplicate",
    `Cadre '${row.cadreId}' was already placed as ${row.postCode} in ${where} on ${row.placedOn} ` +
      `(placement '${same.id}', ${same.source}); the same placement is stored once.`,
    { field: "cadreId", extensions: { placementId: same.id } },
  );
}

async function setRecord(
  tx: DbOrTx,
  names: Namer,
  row: q.PlacementRow,
  today: string,
  updatedAt: string,
): Promise<RecordChange> {
  const cadre = await findCadreRow(tx, row.cadreId);
  if (!cadre)
    throw new ApiError("validation_failed", `cadreId: no cadre '${row.cadreId}'`, { field: "cadreId" });
  const before: CadreState = {
    region: cadre.currentRegion,
    regionName: cadre.currentRegion ? await names.regionName(cadre.currentRegion) : null,
    post: cadre.currentPost,
    rank: cadre.rank,
    reserve: cadre.reserve,
    yearsInPost: cadre.yearsInPost,
    yearsInLocality: cadre.yearsInLocality,
    lastPromotion: cadre.lastPromotion,
  };
  const later = await q.laterPlacement(tx, row.cadreId, row.placedOn);
  if (later)
    return {
      cadreId: cadre.id,
      name: cadre.name,
      updated: false,
      promoted: false,
      before,
      after: before,
      note: {
        zh: `该干部另有 ${later.placedOn} 的任职记录，较本次更晚：干部信息保持不变`,
        en: `the cadre has a later placement (${later.placedOn}): their record is left as it is`,
      },
    };
  const minRank = (await findPostType(tx, row.postCode))?.minRank ?? null;
  const promoted = minRank !== null && RANKS.indexOf(cadre.rank) < RANKS.indexOf(minRank);
  const years = yearsBetween(row.placedOn, today);
  const after: CadreState = {
    region: row.regionCode,
    regionName: await names.regionName(row.regionCode),
    post: row.postCode,
    rank: promoted ? (minRank as Rank) : cadre.rank,
    reserve: false,
    yearsInPost: years,
    // A post in the same county's team keeps counting the years there (R5 counts the locality).
    yearsInLocality: cadre.currentRegion === row.regionCode ? cadre.yearsInLocality : years,
    lastPromotion: promoted ? row.placedOn : cadre.lastPromotion,
  };
  await updateCadre(
    tx,
    cadre.id,
    {
      currentRegion: after.region,
      currentPost: after.post,
      rank: after.rank,
      reserve: false,
      yearsInPost: after.yearsInPost,
      yearsInLocality: after.yearsInLocality,
      lastPromotion: after.lastPromotion,
      updatedAt,
    },
    {},
  );
  return { cadreId: cadre.id, name: cadre.name, updated: true, promoted, before, after, note: null };
}
