import { cacheScope, type Db } from "../../db/client";
import { existingRegionCodes } from "../../db/queries/regions";
import { teamScoreHistory } from "../../db/queries/rerank";
import { poolIds as findPoolIds } from "../../db/queries/suggestions";
import { LayoutTables } from "../../scoring/layout-tables";
import { repeatedLeadingPostMessage, repeatedLeadingPosts } from "../../scoring/rules";
import {
  scoreTeam,
  scoreTeamsSummary,
  type TeamScore,
  type TeamScoreBrief,
  type TeamScoreSummary,
} from "../../scoring/score-team";
import { completability, type Reason } from "../../scoring/search";
import type { Member, ScoringProfile, Team, TeamSeat } from "../../scoring/types";
import { computeOf } from "../compute";
import type { RequestServices } from "../deps";
import { ApiError, type FieldError } from "../lib/problem";
import type { AlternativesBody } from "../lib/score-body";
import { cachedMembersVersion, loadMembersCached } from "./members";
import { poolIds } from "./pool";
import { currentProfile } from "./scoring-profiles";
import { type StaleMarker, staleMarker, teamScoreReads } from "./staleness";
import { getTeam } from "./teams";

/** An inline member of `POST /v1/score`: stens and whichever facts the caller has. */
export type MemberInput = Omit<Member, "id"> & { id?: string | undefined };

export interface SeatRequest {
  post: string;
  cadreId?: string | null | undefined;
  member?: MemberInput | undefined;
}

export interface TeamRequest {
  region: string;
  seats: SeatRequest[];
}

/** How much each answer says: explanations (`full`), parts and violations (`summary`), or `scores` only. */
export type Detail = "full" | "summary" | "scores";

const MAX_ERRORS = 100;

/**
 * Region codes known to exist, per database. A code not yet seen is looked up (so a region made a
 * moment ago is found at once); the set starts again every minute, the most a deleted region
 * (refused while anything refers to it) can linger.
 */
const knownRegions = new WeakMap<object, { codes: Set<string>; since: number }>();
const REGION_CACHE_MS = 60_000;

/** The codes among `codes` that name no stored region. */
async function unknownRegions(services: RequestServices, codes: readonly string[]): Promise<Set<string>> {
  const now = services.clock.now().getTime();
  const scope = cacheScope(services.db);
  let known = knownRegions.get(scope);
  if (!known || now - known.since > REGION_CACHE_MS) {
    known = { codes: new Set(), since: now };
    knownRegions.set(scope, known);
  }
  const cache = known.codes;
  const missing = [...new Set(codes)].filter((code) => !cache.has(code));
  if (missing.length) for (const code of await existingRegionCodes(services.db, missing)) cache.add(code);
  return new Set(missing.filter((code) => !cache.has(code)));
}

/**
 * Resolves every seat's member (stored cadres by id, in a fixed number of queries; inline members
 * as given), checks posts against the profile, and reports every problem with its field path.
 */
async function resolveTeams(
  services: RequestServices,
  requests: TeamRequest[],
  profile: ScoringProfile,
  fieldOf: FieldOf,
): Promise<Team[]> {
  const ids: string[] = [];
  for (const request of requests) for (const seat of request.seats) if (seat.cadreId) ids.push(seat.cadreId);
  const members = ids.length ? await loadMembersCached(services.db, ids, profile.asOfYear) : new Map();
  const unknown = await unknownRegions(
    services,
    requests.map((r) => r.region),
  );
  const errors: FieldError[] = [];
  const reported = new Set<string>();
  // Field paths are only spelled out for a problem: a batch of 1,000 valid teams builds none. A
  // field shared by many teams (the region or a post of `alternatives`) is reported once.
  const fail = (t: number, seat: number | null, key: string, code: string, message: string) => {
    const field = fieldOf(t, seat, key);
    if (errors.length < MAX_ERRORS && !reported.has(field)) errors.push({ field, code, message });
    reported.add(field);
  };
  const teams: Team[] = new Array(requests.length);
  for (let t = 0; t < requests.length; t++) {
    const request = requests[t] as TeamRequest;
    // Without a stored region the rules that compare regions (R1, R5, R6, R10) would say nothing.
    if (unknown.has(request.region))
      fail(t, null, "region", "unknown_reference", `no region '${request.region}'`);
    const n = request.seats.length;
    const seats: TeamSeat[] = new Array(n);
    for (let s = 0; s < n; s++) {
      const seat = request.seats[s] as SeatRequest;
      if (!profile.posts[seat.post])
        fail(
          t,
          s,
          "post",
          "unknown_reference",
          `no post type '${seat.post}' in scoring profile v${profile.version}`,
        );
      let member: Member | null = null;
      // Members are never mutated: one that names itself is used as given, without a copy.
      if (seat.member)
        member = seat.member.id !== undefined ? (seat.member as Member) : { ...seat.member, id: `seat-${s}` };
      else if (seat.cadreId) {
        const found = members.get(seat.cadreId);
        if (found?.ok) member = found.member;
        else if (found?.reason === "no_assessment")
          fail(t, s, "cadreId", "no_assessment", `cadre '${seat.cadreId}' has no assessment to score`);
        else fail(t, s, "cadreId", "unknown_reference", `no cadre '${seat.cadreId}'`);
      }
      if (member) {
        for (let r = 0; r < s; r++)
          if (seats[r]?.member?.id === member.id) {
            fail(t, s, seat.member ? "member.id" : "cadreId", "duplicate", `'${member.id}' holds two seats`);
            break;
          }
      }
      seats[s] = { post: seat.post, member };
    }
    for (const r of repeatedLeadingPosts(
      request.seats.map((seat) => seat.post),
      profile,
    ))
      fail(t, r.seat, "post", "duplicate", repeatedLeadingPostMessage(r));
    teams[t] = { region: request.region, seats };
  }
  if (errors.length) {
    const first = errors[0] as FieldError;
    throw new ApiError(
      "validation_failed",
      `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`,
      { errors },
    );
  }
  return teams;
}

/**
 * Prepared tables of county layouts recently scored with stored cadres only, per database: kept
 * while the scoring profile and the members' data version stay the same (members are reloaded,
 * and the tables started again, after any write to cadres or assessments — see migration 0006).
 */
const layouts = new WeakMap<
  object,
  { profile: ScoringProfile; version: number | undefined; tables: LayoutTables }
>();

function layoutTables(db: Db, profile: ScoringProfile): LayoutTables {
  const version = cachedMembersVersion(db);
  const scope = cacheScope(db);
  let kept = layouts.get(scope);
  if (!kept || kept.profile !== profile || kept.version !== version) {
    kept = { profile, version, tables: new LayoutTables(profile) };
    layouts.set(scope, kept);
  }
  return kept.tables;
}

/** Names the field of a team's region (seat null) or of a seat's `key`, as the request spelled it. */
type FieldOf = (team: number, seat: number | null, key: string) => string;

const oneTeamField: FieldOf = (_t, seat, key) => (seat === null ? key : `seats.${seat}.${key}`);
const teamsField: FieldOf = (t, seat, key) => `teams.${t}.${oneTeamField(t, seat, key)}`;
const alternativesField: FieldOf = (t, seat, key) =>
  seat === null ? key : key === "post" ? `posts.${seat}` : `alternatives.${t}.${seat}`;

/**
 * Whether a team with vacancies can still be completed (null when it has none): `default` against
 * the candidate pool a suggestion for the team would use (stored reserve cadres, its own holders
 * left out), `any` against whoever might exist — for teams with inline members and for batches,
 * where there is no stored pool to speak of (and reading one per team would cost more than the
 * scoring). `value: false` under `any` means no pool at all could complete the team.
 */
export interface Completable {
  value: boolean;
  pool: "default" | "any";
  reasons: Reason[];
}

/** `completable` against the given pool (`default`) or any pool. */
function completableOf(team: Team, profile: ScoringProfile, pool?: Member[]): Completable | null {
  const c = completability(team, profile, pool);
  return c && { value: c.value, pool: pool ? "default" : "any", reasons: c.reasons };
}

/** The default candidate pool of a suggestion for `team`: reserve cadres with an assessment, not its holders. */
async function defaultPool(
  services: RequestServices,
  profile: ScoringProfile,
  team: Team,
): Promise<Member[]> {
  const holders = team.seats.flatMap((seat) => (seat.member ? [seat.member.id] : []));
  const ids = await poolIds((filter) => findPoolIds(services.db, filter), {}, holders);
  const loaded = await loadMembersCached(services.db, ids, profile.asOfYear);
  return [...loaded.values()]
    .flatMap((found) => (found.ok ? [found.member] : []))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A stored-cadre team's `completable` against the default pool (read only when it has a vacancy). */
async function storedCompletable(services: RequestServices, profile: ScoringProfile, team: Team) {
  if (team.seats.every((seat) => seat.member)) return null;
  return completableOf(team, profile, await defaultPool(services, profile, team));
}

/** A score with whether its team can be completed. */
export type WithCompletable<T> = T & { completable: Completable | null };

/** Scores one team given in the request: with explanations (`full`, the default) or compactly. */
export async function scoreOne(
  services: RequestServices,
  request: TeamRequest,
  detail: Detail = "full",
): Promise<WithCompletable<TeamScore | TeamScoreSummary | TeamScoreBrief>> {
  const profile = await currentProfile(services);
  const [resolved] = await resolveTeams(services, [request], profile, oneTeamField);
  const team = resolved as Team;
  const result =
    detail === "full"
      ? scoreTeam(team, profile)
      : (scoreTeamsSummary([team], profile, detail)[0] as TeamScoreSummary | TeamScoreBrief);
  const storedOnly = request.seats.every((seat) => !seat.member);
  const completable = storedOnly
    ? await storedCompletable(services, profile, team)
    : completableOf(team, profile);
  return { ...result, completable };
}

/**
 * Bytes of an answer per team and per seat at each detail level, rounded up from what the demo
 * city's 14-seat teams give (full ≈ 9.9 KB a team, summary ≈ 2.6 KB, scores ≈ 0.4 KB), so that an
 * answer too large to build is refused before it is built.
 */
const ANSWER_BYTES: Record<Detail, { team: number; seat: number }> = {
  full: { team: 600, seat: 760 },
  summary: { team: 200, seat: 200 },
  scores: { team: 60, seat: 32 },
};

/** The largest answer `POST /v1/score` builds (bytes, estimated): the largest body it accepts. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** Batches of at least this many teams are scored in the compute (a thread on Node), not inline. */
export const COMPUTE_BATCH_TEAMS = 200;

/** Estimated bytes of the answer for `requests` at `detail`. */
export function estimateAnswerBytes(requests: readonly TeamRequest[], detail: Detail): number {
  const per = ANSWER_BYTES[detail];
  let bytes = 0;
  for (const r of requests) bytes += per.team + per.seat * r.seats.length;
  return bytes;
}

/** Scores many teams with one profile version; `summary` and `scores` leave out the explanations. */
export async function scoreMany(
  services: RequestServices,
  requests: TeamRequest[],
  detail: Detail,
  fieldOf: FieldOf = teamsField,
) {
  const estimate = estimateAnswerBytes(requests, detail);
  if (estimate > MAX_ANSWER_BYTES)
    throw new ApiError(
      "validation_failed",
      `detail: a '${detail}' answer for ${requests.length} teams would be about ${Math.ceil(estimate / 1048576)} MB (at most ${MAX_ANSWER_BYTES / 1048576} MB); ask for a smaller detail or fewer teams`,
      {
        errors: [
          { field: "detail", code: "answer_too_large", message: `about ${Math.ceil(estimate / 1048576)} MB` },
        ],
      },
    );
  const profile = await currentProfile(services);
  const teams = await resolveTeams(services, requests, profile, fieldOf);
  if (teams.length >= COMPUTE_BATCH_TEAMS) {
    // Off the request thread, cancelled at the request's deadline.
    const results = await computeOf(services).run(
      "score-batch",
      { teams, profile, detail },
      { signal: services.deadline?.signal },
    );
    return {
      profileVersion: profile.version,
      results: (results as (TeamScore | TeamScoreSummary | TeamScoreBrief)[]).map((result, t) => ({
        ...result,
        completable: completableOf(teams[t] as Team, profile),
      })),
    };
  }
  const storedOnly = requests.every((r) => r.seats.every((s) => !s.member));
  const results =
    detail === "full"
      ? teams.map((team) => scoreTeam(team, profile))
      : scoreTeamsSummary(
          teams,
          profile,
          detail,
          storedOnly ? layoutTables(services.db, profile) : undefined,
        );
  return {
    profileVersion: profile.version,
    results: results.map((result, t) => ({
      ...result,
      completable: completableOf(teams[t] as Team, profile),
    })),
  };
}

/** Scores alternative teams of one county given as cadre ids per seat (the compact batch form). */
export async function scoreAlternatives(services: RequestServices, body: AlternativesBody, detail: Detail) {
  const { region, posts } = body;
  const requests = body.alternatives.map((ids) => ({
    region,
    seats: ids.map((cadreId, s) => ({ post: posts[s] as string, cadreId })),
  }));
  return scoreMany(services, requests, detail, alternativesField);
}

/** A team's newest stored score (written by re-rank jobs), with its stale marker. */
export interface StoredTeamScore {
  version: number;
  score: number;
  feasible: boolean;
  profileVersion: number | null;
  createdAt: string;
  stale: StaleMarker | null;
}

/** Scores a stored team with its current members; `stored` is its newest stored score, if any. */
export async function scoreStoredTeam(
  services: RequestServices,
  teamId: string,
): Promise<WithCompletable<TeamScore> & { teamId: string; stored: StoredTeamScore | null }> {
  const team = await getTeam(services, teamId);
  const profile = await currentProfile(services);
  const [resolved] = await resolveTeams(
    services,
    [{ region: team.region, seats: team.seats.map((s) => ({ post: s.post, cadreId: s.cadreId })) }],
    profile,
    oneTeamField,
  );
  const [latest] = await teamScoreHistory(services.db, teamId);
  const holders = new Map([[teamId, team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []))]]);
  const stored = latest
    ? {
        version: latest.version,
        score: latest.score,
        feasible: latest.feasible,
        profileVersion: latest.profileVersion,
        createdAt: latest.createdAt,
        stale: await staleMarker(services.db, teamScoreReads(teamId, latest, holders)),
      }
    : null;
  return {
    teamId,
    ...scoreTeam(resolved as Team, profile),
    completable: await storedCompletable(services, profile, resolved as Team),
    stored,
  };
}
