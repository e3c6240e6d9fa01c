import { writeTransaction } from "../../db/client";
import * as q from "../../db/queries/suggestions";
import type { RANKS } from "../../db/schema";
import { seatViolations, teamViolations } from "../../scoring/rules";
import { scoreTeamSummary, type TeamScoreSummary } from "../../scoring/score-team";
import {
  compareSuggestions,
  prepareSearch,
  robustness,
  type SuggestionComparison,
  suggestIn,
} from "../../scoring/search";
import type { SearchSeat, SuggestOutcome } from "../../scoring/search/types";
import type { Member, ScoringProfile, Team } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { ApiError, type FieldError, notFound } from "../lib/problem";
import { loadMembers } from "./members";
import { currentProfile } from "./scoring-profiles";
import { getTeam } from "./teams";

/** A suggestion request as the API takes it (see the route's schema). */
export interface SuggestionInput {
  teamId?: string | undefined;
  team?: { region: string; seats: { post: string; cadreId?: string | null | undefined }[] } | undefined;
  pool?:
    | {
        include?: string[] | undefined;
        exclude?: string[] | undefined;
        region?: string | undefined;
        rank?: (typeof RANKS)[number] | undefined;
        reserve?: boolean | undefined;
        skills?: string[] | undefined;
      }
    | undefined;
  top?: number | undefined;
  seed?: number | undefined;
  budget?: { iterations?: number | undefined; milliseconds?: number | undefined } | undefined;
  /** Seats (0-based, as listed) whose holders are to be replaced: they become vacancies, the holders leave the pool. */
  vacate?: number[] | undefined;
  /** Resampled worlds for the robustness figures (0 leaves them out). */
  robustnessSamples?: number | undefined;
}

/** Robustness defaults: enough worlds to tell solid from coin-flip, cheap enough for a request. */
const ROBUSTNESS_SAMPLES = 20;
const ROBUSTNESS_ITERATIONS = 10_000;

/** One ranked suggestion as stored and shown. */
export interface SuggestionView {
  rank: number;
  score: number;
  assignment: { seat: number; post: string; cadreId: string | null; filled: boolean }[];
  components: TeamScoreSummary["components"];
  violations: TeamScoreSummary["violations"];
}

/** A stored request's current ranking. */
export interface SuggestionResult {
  id: string;
  version: number;
  status: SuggestOutcome["status"];
  method: SuggestOutcome["method"];
  bound: number | null;
  profileVersion: number;
  teamId: string | null;
  region: string;
  poolSize: number;
  suggestions: SuggestionView[];
  reasons: NonNullable<SuggestOutcome["reasons"]>;
  /** Why #1 beats #2: component deltas and the seats where they differ (null with fewer than two). */
  comparison: SuggestionComparison | null;
  /** Per suggestion, how often it stays in the top-M when every sten is re-measured (±1 sten, seeded). */
  robustness: { rank: number; stayShare: number; firstShare: number; meanRank: number }[] | null;
  createdAt: string;
}

const fail = (errors: FieldError[]): never => {
  const first = errors[0] as FieldError;
  throw new ApiError("validation_failed", `${first.field}: ${first.message}`, { errors });
};

/** The team to complete: stored (by id) or given inline; holders stay, empty seats are vacancies. */
async function resolveTeam(services: RequestServices, input: SuggestionInput) {
  const stored = input.teamId !== undefined ? await getTeam(services, input.teamId) : undefined;
  const given = stored ?? (input.team as NonNullable<SuggestionInput["team"]>);
  const seats = given.seats.map((s) => ({ post: s.post, cadreId: s.cadreId ?? null }));
  const leaving: string[] = [];
  (input.vacate ?? []).forEach((seat, i) => {
    const target = seats[seat];
    if (!target)
      fail([
        {
          field: `vacate.${i}`,
          code: "out_of_range",
          message: `the team has no seat ${seat} (0–${seats.length - 1})`,
        },
      ]);
    else if (target.cadreId) {
      leaving.push(target.cadreId);
      target.cadreId = null;
    }
  });
  return {
    teamId: stored?.id ?? null,
    region: given.region,
    seats,
    leaving,
    path: stored ? "teamId" : "team.seats",
  };
}

/**
 * Checks what would make any answer wrong rather than merely infeasible: unknown posts and cadres,
 * holders without an assessment, and holders who already break a hard rule in their seat (a locked
 * seat cannot be fixed by filling the others).
 */
async function lockedSeats(
  services: RequestServices,
  profile: ScoringProfile,
  team: Awaited<ReturnType<typeof resolveTeam>>,
) {
  const errors: FieldError[] = [];
  const field = (i: number, name: string) =>
    team.path === "teamId" ? `teamId (seat ${i}).${name}` : `team.seats.${i}.${name}`;
  const holders = await loadMembers(
    services.db,
    team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])),
    profile.asOfYear,
  );
  const seats: SearchSeat[] = team.seats.map((seat, i) => {
    const post = profile.posts[seat.post];
    if (!post)
      errors.push({
        field: field(i, "post"),
        code: "unknown_reference",
        message: `no post type '${seat.post}' in scoring profile v${profile.version}`,
      });
    if (!seat.cadreId) return { post: seat.post, locked: null };
    const found = holders.get(seat.cadreId);
    if (!found?.ok) {
      errors.push({
        field: field(i, "cadreId"),
        code: found?.reason === "no_assessment" ? "no_assessment" : "unknown_reference",
        message:
          found?.reason === "no_assessment"
            ? `cadre '${seat.cadreId}' has no assessment`
            : `no cadre '${seat.cadreId}'`,
      });
      return { post: seat.post, locked: null };
    }
    if (post)
      for (const v of seatViolations(found.member, i, post, team.region, profile))
        if (v.severity === "hard")
          errors.push({ field: field(i, "cadreId"), code: `locked_breaks_${v.rule}`, message: v.message.en });
    return { post: seat.post, locked: found.member };
  });
  if (errors.length === 0) {
    // Kin among the holders cannot be cured by the vacancies either.
    const locked: Team = {
      region: team.region,
      seats: seats.map((s) => ({ post: s.post, member: s.locked ?? null })),
    };
    for (const v of teamViolations(locked, profile))
      if (v.rule === "R2" && v.severity === "hard")
        errors.push({
          field: team.path === "teamId" ? "teamId" : "team.seats",
          code: "locked_breaks_R2",
          message: v.message.en,
        });
  }
  if (errors.length) fail(errors);
  return seats;
}

/** The candidate pool: filters (default: reserve cadres), plus `include`, minus `exclude` and the holders. */
async function pool(
  services: RequestServices,
  profile: ScoringProfile,
  input: SuggestionInput,
  holders: Set<string>,
): Promise<Member[]> {
  const filter = input.pool ?? {};
  const anyFilter =
    filter.region !== undefined ||
    filter.rank !== undefined ||
    filter.reserve !== undefined ||
    (filter.skills?.length ?? 0) > 0;
  const ids = new Set(await q.poolIds(services.db, anyFilter ? filter : { reserve: true }));
  for (const id of filter.include ?? []) ids.add(id);
  for (const id of filter.exclude ?? []) ids.delete(id);
  for (const id of holders) ids.delete(id);
  const loaded = await loadMembers(services.db, [...ids], profile.asOfYear);
  const errors: FieldError[] = [];
  (filter.include ?? []).forEach((id, i) => {
    const found = loaded.get(id);
    if (!found?.ok && !(filter.exclude ?? []).includes(id) && !holders.has(id))
      errors.push({
        field: `pool.include.${i}`,
        code: found?.reason ?? "unknown_reference",
        message: found?.reason === "no_assessment" ? `cadre '${id}' has no assessment` : `no cadre '${id}'`,
      });
  });
  if (errors.length) fail(errors);
  const members = [...loaded.values()].flatMap((found) => (found.ok ? [found.member] : []));
  if (members.length === 0)
    fail([{ field: "pool", code: "empty", message: "no assessed cadre matches the pool's filters" }]);
  return members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function view(
  team: { region: string; seats: SearchSeat[] },
  outcome: SuggestOutcome,
  profile: ScoringProfile,
  byId: Map<string, Member>,
): SuggestionView[] {
  return outcome.suggestions.map((s) => {
    const members = s.memberIds.map((id) => byId.get(id) ?? null);
    const summary = scoreTeamSummary(
      {
        region: team.region,
        seats: team.seats.map((seat, i) => ({ post: seat.post, member: members[i] ?? null })),
      },
      profile,
    );
    return {
      rank: s.rank,
      score: s.score,
      assignment: team.seats.map((seat, i) => ({
        seat: i,
        post: seat.post,
        cadreId: s.memberIds[i] ?? null,
        filled: !seat.locked,
      })),
      components: summary.components,
      violations: summary.violations,
    };
  });
}

/** Runs a suggestion request and stores it with its first ranking (version 1). */
export async function createSuggestions(
  services: RequestServices,
  input: SuggestionInput,
): Promise<SuggestionResult> {
  const profile = await currentProfile(services);
  const team = await resolveTeam(services, input);
  const seats = await lockedSeats(services, profile, team);
  // Holders keep their seats; those asked to leave may not be suggested back.
  const holders = new Set([...seats.flatMap((s) => (s.locked ? [s.locked.id] : [])), ...team.leaving]);
  if (seats.every((s) => s.locked))
    fail([{ field: team.path, code: "no_vacancy", message: "the team has no vacant seat to fill" }]);
  const candidates = await pool(services, profile, input, holders);
  const problem = { profile, region: team.region, seats, pool: candidates };
  const space = prepareSearch(problem);
  const outcome = suggestIn(space, {
    ...(input.top !== undefined ? { top: input.top } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.budget ? { budget: input.budget, clock: () => performance.now() } : {}),
  });
  const [first, second] = outcome.suggestions;
  const samples = input.robustnessSamples ?? ROBUSTNESS_SAMPLES;
  const stability =
    samples > 0 && outcome.suggestions.length > 0
      ? robustness(problem, outcome.suggestions, {
          samples,
          seed: input.seed ?? 1,
          budget: { iterations: ROBUSTNESS_ITERATIONS },
        }).suggestions.map((r) => ({
          rank: r.rank,
          stayShare: r.stayShare,
          firstShare: r.firstShare,
          meanRank: r.meanRank,
        }))
      : null;
  const byId = new Map<string, Member>(
    [...candidates, ...seats.flatMap((s) => (s.locked ? [s.locked] : []))].map((m) => [m.id, m]),
  );
  const now = services.clock.now().toISOString();
  const result: SuggestionResult = {
    id: services.newId(),
    version: 1,
    status: outcome.status,
    method: outcome.method,
    bound: outcome.bound ?? null,
    profileVersion: profile.version,
    teamId: team.teamId,
    region: team.region,
    poolSize: candidates.length,
    suggestions: view({ region: team.region, seats }, outcome, profile, byId),
    reasons: outcome.reasons ?? [],
    comparison: first && second ? compareSuggestions(first, second, space.prep) : null,
    robustness: stability,
    createdAt: now,
  };
  await writeTransaction(services.db, (tx) =>
    q.insertRequestWithResult(
      tx,
      { id: result.id, teamId: team.teamId, request: input as Record<string, unknown>, createdAt: now },
      {
        requestId: result.id,
        version: 1,
        status: result.status,
        profileVersion: profile.version,
        results: result,
        createdAt: now,
      },
    ),
  );
  return result;
}

/** The current (newest) ranking of a stored request. */
export async function getSuggestions(services: RequestServices, id: string): Promise<SuggestionResult> {
  const [latest] = await q.resultVersions(services.db, id);
  if (!latest) throw notFound("suggestion request", id);
  return latest.results as SuggestionResult;
}

/** Every stored ranking of a request, newest first. */
export async function suggestionHistory(services: RequestServices, id: string) {
  const versions = await q.resultVersions(services.db, id);
  if (versions.length === 0) throw notFound("suggestion request", id);
  return versions.map((v) => {
    const result = v.results as SuggestionResult;
    return {
      version: v.version,
      status: v.status,
      profileVersion: v.profileVersion,
      createdAt: v.createdAt,
      ranking: result.suggestions.map((s) => ({
        rank: s.rank,
        score: s.score,
        cadreIds: s.assignment.filter((a) => a.filled).map((a) => a.cadreId),
      })),
    };
  });
}
