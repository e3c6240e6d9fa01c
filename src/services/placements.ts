/**
 * 任职与考核 — placements and their annual appraisals. A placement records who was placed in which
 * post of which team, when, and what banzi predicted at the time (person–post fit, team score and
 * components, the scoring-profile version), so that later appraisals can be set against it
 * (src/services/validity.ts). Placements come from an accepted suggestion, a carried-out exchange
 * plan (src/services/placement-sources.ts) or are entered by hand (src/services/placement-manual.ts);
 * src/services/placement-record.ts stores them and sets the placed cadre's record.
 */
import type { DbOrTx } from "../../db/client";
import * as q from "../../db/queries/placements";
import type { PLACEMENT_SOURCES } from "../../db/schema";
import { scoreTeamSummary, type TeamScoreSummary } from "../../scoring/score-team";
import type { Member, ScoringProfile } from "../../scoring/types";
import { GRADE_LABEL, GRADES, type Grade, parseGrade } from "../../scoring/validity";
import type { Clock, RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { ApiError, invalid, notFound } from "../lib/problem";
import { constraintKind } from "../lib/sqlite-errors";
import { loadMembers } from "./members";

export type PlacementSource = (typeof PLACEMENT_SOURCES)[number];

/** One annual appraisal as the API shows it. */
export interface OutcomeView {
  year: number;
  grade: Grade;
  /** The grade in Chinese and English (优秀 / excellent …). */
  label: { zh: string; en: string };
  notes: Record<string, unknown> | null;
  createdAt: string;
}

/** A placement as the API shows it. */
export interface PlacementView {
  id: string;
  cadreId: string;
  teamId: string | null;
  region: string;
  post: string;
  placedOn: string;
  source: PlacementSource;
  sourceId: string | null;
  /** Person–post fit in [0, 1] when placed. */
  fit: number;
  /** The team's score when placed, and its components. */
  teamScore: number;
  components: Record<string, unknown>;
  profileVersion: number;
  createdAt: string;
}

/** What {@link recordPlacements} stores for one placed cadre (the view without its id and time). */
export type PlacementEntry = Omit<PlacementView, "id" | "createdAt">;

export const toPlacementView = (r: q.PlacementRow): PlacementView => ({
  id: r.id,
  cadreId: r.cadreId,
  teamId: r.teamId,
  region: r.regionCode,
  post: r.postCode,
  placedOn: r.placedOn,
  source: r.source,
  sourceId: r.sourceId,
  fit: r.fit,
  teamScore: r.teamScore,
  components: r.components,
  profileVersion: r.profileVersion,
  createdAt: r.createdAt,
});

export const toOutcomeView = (r: q.OutcomeRow): OutcomeView => ({
  year: r.year,
  grade: r.grade,
  label: GRADE_LABEL[r.grade],
  notes: r.notes ?? null,
  createdAt: r.createdAt,
});

/** Today (UTC) as `YYYY-MM-DD`. */
export const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

/** Scores a team of stored cadres (a seat whose holder cannot be scored counts as vacant). */
export async function scoreSeats(
  db: DbOrTx,
  profile: ScoringProfile,
  region: string,
  seats: readonly { post: string; cadreId: string | null }[],
): Promise<{ summary: TeamScoreSummary; members: Map<string, Member> }> {
  const ids = seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []));
  const loaded = await loadMembers(db, ids, profile.asOfYear);
  const members = new Map<string, Member>();
  for (const [id, found] of loaded) if (found.ok) members.set(id, found.member);
  const summary = scoreTeamSummary(
    {
      region,
      seats: seats.map((s) => ({ post: s.post, member: (s.cadreId && members.get(s.cadreId)) || null })),
    },
    profile,
  );
  return { summary, members };
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function listPlacements(
  { db }: RequestServices,
  query: q.PlacementFilter & { limit: number; cursor?: string | undefined },
) {
  const after = query.cursor ? (decodeCursor(query.cursor, 2).map(String) as [string, string]) : undefined;
  const rows = await q.listPlacementRows(db, query, { limit: query.limit, after });
  const page = toPage(rows, query.limit, (r) => [r.placedOn, r.id]);
  return { items: page.items.map(toPlacementView), nextCursor: page.nextCursor };
}

export async function getPlacement(
  { db }: RequestServices,
  id: string,
): Promise<PlacementView & { outcomes: OutcomeView[] }> {
  const row = await q.findPlacement(db, id);
  if (!row) throw notFound("placement", id);
  const outcomes = await q.outcomesOf(db, [id]);
  return { ...toPlacementView(row), outcomes: outcomes.map(toOutcomeView) };
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/** The allowed grades, for messages: `excellent (优秀), competent (称职), …`. */
export const ALLOWED_GRADES = GRADES.map((g) => `${g} (${GRADE_LABEL[g].zh})`).join(", ");

/** Notes as stored: an object as given, free text as `{ text }`. */
export function notesValue(notes: string | Record<string, unknown> | null | undefined) {
  if (notes === undefined || notes === null) return null;
  if (typeof notes === "string") return notes.trim() ? { text: notes.trim() } : null;
  return notes;
}

/** The latest year an appraisal can be for: this year (appraisals are made at its end, or later). */
export const latestYear = (clock: Clock) => clock.now().getUTCFullYear();

export interface OutcomeInput {
  year: number;
  grade: string;
  notes?: string | Record<string, unknown> | null | undefined;
}

/** Adds a placement's appraisal for a year: an unknown grade → 422 listing the allowed ones; a second for a year → 409. */
export async function addOutcome(
  services: RequestServices,
  placementId: string,
  input: OutcomeInput,
): Promise<OutcomeView> {
  const grade = parseGrade(input.grade);
  if (!grade)
    throw invalid(
      "grade",
      `'${input.grade}' is not an appraisal grade; allowed: ${ALLOWED_GRADES}`,
      "invalid_grade",
    );
  const placement = await q.findPlacement(services.db, placementId);
  if (!placement) throw notFound("placement", placementId);
  const placedYear = Number(placement.placedOn.slice(0, 4));
  if (input.year < placedYear)
    throw invalid(
      "year",
      `the placement began in ${placedYear}; an appraisal for ${input.year} predates it`,
      "before_placement",
    );
  if (input.year > latestYear(services.clock))
    throw invalid("year", `${input.year} has not ended yet`, "future_year");
  const row: q.OutcomeRow = {
    placementId,
    year: input.year,
    grade,
    notes: notesValue(input.notes),
    createdAt: services.clock.now().toISOString(),
  };
  try {
    await q.insertOutcomes(services.db, [row]);
  } catch (error) {
    if (constraintKind(error) === "unique")
      throw new ApiError(
        "duplicate",
        `Placement '${placementId}' already has an appraisal for ${input.year}.`,
        { field: "year", cause: error },
      );
    throw error;
  }
  return toOutcomeView(row);
}
