/**
 * 任职与考核 — placements and their annual appraisals. A placement records who was placed in which
 * post of which team, when, and what banzi predicted at the time (person–post fit, team score and
 * components, the scoring-profile version), so that later appraisals can be set against it
 * (src/services/validity.ts). Placements come from an accepted suggestion, a carried-out exchange
 * plan (src/services/placement-sources.ts) or are entered by hand (e.g. made before banzi).
 */
import type { DbOrTx } from "../../db/client";
import * as q from "../../db/queries/placements";
import { findRegion } from "../../db/queries/regions";
import * as tq from "../../db/queries/teams";
import type { PLACEMENT_SOURCES } from "../../db/schema";
import { scoreTeamSummary, type TeamScoreSummary } from "../../scoring/score-team";
import type { Member, ScoringProfile } from "../../scoring/types";
import { GRADE_LABEL, GRADES, type Grade, parseGrade } from "../../scoring/validity";
import type { Clock, RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { ApiError, invalid, notFound } from "../lib/problem";
import { constraintKind } from "../lib/sqlite-errors";
import { loadMembers } from "./members";
import { currentProfile } from "./scoring-profiles";

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

/**
 * Stores placements inside the caller's write transaction (accepting a suggestion, carrying out an
 * exchange plan). The same cadre from the same suggestion or plan twice is a 409 `duplicate`.
 *
 * @example
 * ```ts
 * await writeTransaction(db, (tx) => recordPlacements(tx, services, [{ cadreId: "C0007", … }]));
 * ```
 */
export async function recordPlacements(
  tx: DbOrTx,
  services: Pick<RequestServices, "newId" | "clock">,
  entries: readonly PlacementEntry[],
): Promise<PlacementView[]> {
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
  try {
    await q.insertPlacements(tx, rows);
  } catch (error) {
    if (constraintKind(error) === "unique")
      throw new ApiError("duplicate", "These placements were already recorded from the same source.", {
        cause: error,
      });
    throw error;
  }
  return rows.map(toPlacementView);
}

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
// A placement entered by hand

export interface ManualPlacementInput {
  cadreId: string;
  region: string;
  post: string;
  placedOn: string;
  teamId?: string | undefined;
}

/**
 * The team a manual placement is scored in: the given team, else the region's one current team;
 * the cadre takes the first seat of the post (a vacant one if any), or a seat added for it.
 */
async function teamFor(services: RequestServices, input: ManualPlacementInput) {
  let teamId = input.teamId;
  if (teamId === undefined) {
    const current = await tq.listTeamRows(services.db, { limit: 2, region: input.region, kind: "current" });
    if (current.length === 1) teamId = current[0]?.id;
  }
  if (teamId === undefined)
    return { teamId: null, seats: [{ post: input.post, cadreId: input.cadreId as string | null }] };
  const row = await tq.findTeamRow(services.db, teamId);
  if (!row) throw invalid("teamId", `no team '${teamId}'`, "unknown_reference");
  if (row.regionCode !== input.region)
    throw invalid("teamId", `team '${teamId}' is in region '${row.regionCode}', not '${input.region}'`);
  const [team] = await tq.withSeats(services.db, [row]);
  const seats = (team?.seats ?? []).map((s) => ({
    post: s.postCode,
    cadreId: s.cadreId === input.cadreId && s.postCode !== input.post ? null : s.cadreId,
  }));
  if (!seats.some((s) => s.post === input.post && s.cadreId === input.cadreId)) {
    const samePost = seats.filter((s) => s.post === input.post);
    const target = samePost.find((s) => s.cadreId === null) ?? samePost[0];
    if (target) target.cadreId = input.cadreId;
    else seats.push({ post: input.post, cadreId: input.cadreId });
  }
  return { teamId, seats };
}

/**
 * Records a placement made outside banzi (or before it), with fit and team score computed now by
 * the current scoring profile. Unknown cadre, region, post or team → 422 naming the field.
 */
export async function createPlacement(
  services: RequestServices,
  input: ManualPlacementInput,
): Promise<PlacementView> {
  const profile = await currentProfile(services);
  const found = (await loadMembers(services.db, [input.cadreId], profile.asOfYear)).get(input.cadreId);
  if (!found?.ok)
    throw found?.reason === "no_assessment"
      ? invalid(
          "cadreId",
          `cadre '${input.cadreId}' has no assessment to compute a fit from`,
          "no_assessment",
        )
      : invalid("cadreId", `no cadre '${input.cadreId}'`, "unknown_reference");
  if (!(await findRegion(services.db, input.region)))
    throw invalid("region", `no region '${input.region}'`, "unknown_reference");
  if (!profile.posts[input.post])
    throw invalid(
      "post",
      `no post type '${input.post}' in scoring profile v${profile.version}`,
      "unknown_reference",
    );
  const team = await teamFor(services, input);
  const { summary } = await scoreSeats(services.db, profile, input.region, team.seats);
  const seat = team.seats.findIndex((s) => s.cadreId === input.cadreId && s.post === input.post);
  const [view] = await recordPlacements(services.db, services, [
    {
      cadreId: input.cadreId,
      teamId: team.teamId,
      region: input.region,
      post: input.post,
      placedOn: input.placedOn,
      source: "manual",
      sourceId: null,
      fit: summary.seats[seat]?.fit ?? 0,
      teamScore: summary.score,
      components: { ...summary.components, feasible: summary.feasible },
      profileVersion: profile.version,
    },
  ]);
  return view as PlacementView;
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
