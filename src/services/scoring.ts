import type { Db } from "../../db/client";
import { existingRegionCodes } from "../../db/queries/regions";
import {
  scoreTeam,
  scoreTeamsSummary,
  type TeamScore,
  type TeamScoreBrief,
  type TeamScoreSummary,
} from "../../scoring/score-team";
import type { Member, ScoringProfile, Team } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { ApiError, type FieldError } from "../lib/problem";
import { loadMembersCached } from "./members";
import { currentProfile } from "./scoring-profiles";
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
const knownRegions = new WeakMap<Db, { codes: Set<string>; since: number }>();
const REGION_CACHE_MS = 60_000;

/** The codes among `codes` that name no stored region. */
async function unknownRegions(services: RequestServices, codes: readonly string[]): Promise<Set<string>> {
  const now = services.clock.now().getTime();
  let known = knownRegions.get(services.db);
  if (!known || now - known.since > REGION_CACHE_MS) {
    known = { codes: new Set(), since: now };
    knownRegions.set(services.db, known);
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
  path: (team: number) => string,
): Promise<Team[]> {
  const ids = requests.flatMap((t) => t.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])));
  const members = ids.length ? await loadMembersCached(services.db, ids, profile.asOfYear) : new Map();
  const unknown = await unknownRegions(
    services,
    requests.map((r) => r.region),
  );
  const errors: FieldError[] = [];
  const fail = (field: string, code: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ field, code, message });
  };
  const teams = requests.map((request, t) => {
    // Without a stored region the rules that compare regions (R1, R5, R6, R10) would say nothing.
    if (unknown.has(request.region))
      fail(`${path(t)}region`, "unknown_reference", `no region '${request.region}'`);
    const seen = new Set<string>();
    const seats = request.seats.map((seat, s) => {
      const at = `${path(t)}seats.${s}`;
      if (!profile.posts[seat.post])
        fail(
          `${at}.post`,
          "unknown_reference",
          `no post type '${seat.post}' in scoring profile v${profile.version}`,
        );
      let member: Member | null = null;
      if (seat.member) member = { ...seat.member, id: seat.member.id ?? `seat-${s}` };
      else if (seat.cadreId) {
        const found = members.get(seat.cadreId);
        if (found?.ok) member = found.member;
        else if (found?.reason === "no_assessment")
          fail(`${at}.cadreId`, "no_assessment", `cadre '${seat.cadreId}' has no assessment to score`);
        else fail(`${at}.cadreId`, "unknown_reference", `no cadre '${seat.cadreId}'`);
      }
      if (member) {
        if (seen.has(member.id))
          fail(
            `${at}.${seat.member ? "member.id" : "cadreId"}`,
            "duplicate",
            `'${member.id}' holds two seats`,
          );
        seen.add(member.id);
      }
      return { post: seat.post, member };
    });
    return { region: request.region, seats };
  });
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

/** Scores one team given in the request: with explanations (`full`, the default) or compactly. */
export async function scoreOne(
  services: RequestServices,
  request: TeamRequest,
  detail: Detail = "full",
): Promise<TeamScore | TeamScoreSummary | TeamScoreBrief> {
  const profile = await currentProfile(services);
  const [team] = await resolveTeams(services, [request], profile, () => "");
  if (detail === "full") return scoreTeam(team as Team, profile);
  return scoreTeamsSummary([team as Team], profile, detail)[0] as TeamScoreSummary | TeamScoreBrief;
}

/** Scores many teams with one profile version; `summary` and `scores` leave out the explanations. */
export async function scoreMany(services: RequestServices, requests: TeamRequest[], detail: Detail) {
  const profile = await currentProfile(services);
  const teams = await resolveTeams(services, requests, profile, (t) => `teams.${t}.`);
  const results =
    detail === "full"
      ? teams.map((team) => scoreTeam(team, profile))
      : scoreTeamsSummary(teams, profile, detail);
  return { profileVersion: profile.version, results };
}

/** Scores a stored team with its current members. */
export async function scoreStoredTeam(
  services: RequestServices,
  teamId: string,
): Promise<TeamScore & { teamId: string }> {
  const team = await getTeam(services, teamId);
  const profile = await currentProfile(services);
  const [resolved] = await resolveTeams(
    services,
    [{ region: team.region, seats: team.seats.map((s) => ({ post: s.post, cadreId: s.cadreId })) }],
    profile,
    () => "",
  );
  return { teamId, ...scoreTeam(resolved as Team, profile) };
}
