/**
 * The search space of an exchange plan, built once: one suggestion space (`space.ts`) per team —
 * the team's locked members, then the whole pool, so that pool member p is candidate
 * `offset[t] + p` of team t — and the vacancies of all teams in one list, each with its eligible
 * pool members (no hard seat rule broken, no kin of a locked member when R2 is hard), best linear
 * part plus preference bonus first.
 */
import type { ScoringProfile } from "../types";
import type { ExchangeOptions, ExchangeProblem } from "./exchange-types";
import { prepareSearch, type SearchSpace } from "./space";

export interface ExchangeSpace {
  readonly problem: ExchangeProblem;
  /** The profile the plan is scored with (R11 made hard when `options.r11` says so). */
  readonly profile: ScoringProfile;
  readonly teams: readonly SearchSpace[];
  readonly nTeams: number;
  readonly nPool: number;
  /** Candidate index of pool member p in team t is `offset[t] + p`. */
  readonly offset: Int32Array;
  readonly nVacancies: number;
  /** Team and seat of each vacancy (vacancies listed team by team, seats ascending). */
  readonly vTeam: Int32Array;
  readonly vSeat: Int32Array;
  /** Per team: its vacancies (indices into the vacancy list). */
  readonly teamVacancies: readonly Int32Array[];
  /** 1-based rank of vacancy v's post among pool member p's choices at `p * nVacancies + v` (0 = none). */
  readonly choice: Uint8Array;
  /** Preference bonus of p in v (score units), same layout. */
  readonly bonus: Float64Array;
  /** Linear score part of p in v plus the bonus, same layout (−Infinity when not eligible). */
  readonly weight: Float64Array;
  /** Per vacancy: eligible pool members, best `weight` first (ties by id). */
  readonly eligible: readonly Int32Array[];
  /** Rank of each pool member's id in code-unit order. */
  readonly poolRank: Int32Array;
}

/** Value of a k-th choice relative to a first choice. */
export const choiceValue = (rank: number): number => (rank <= 0 ? 0 : Math.max(0.2, 1 - 0.2 * (rank - 1)));

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the space. Throws a RangeError for a repeated pool id, a pool member who is also locked in
 * a team, a member locked twice, or an unknown post.
 */
export function prepareExchange(
  problem: ExchangeProblem,
  options: Pick<ExchangeOptions, "r11" | "preferenceWeight">,
): ExchangeSpace {
  const { teams: given, pool } = problem;
  const profile: ScoringProfile =
    options.r11 === "hard"
      ? {
          ...problem.profile,
          rules: { ...problem.profile.rules, R11: { ...problem.profile.rules.R11, mode: "hard" } },
        }
      : problem.profile;
  const poolIds = new Set<string>();
  for (const m of pool) {
    if (poolIds.has(m.id)) throw new RangeError(`pool: member '${m.id}' is listed twice`);
    poolIds.add(m.id);
  }
  const lockedIn = new Map<string, string>();
  for (const team of given)
    for (const seat of team.seats) {
      const id = seat.locked?.id;
      if (id === undefined) continue;
      if (poolIds.has(id))
        throw new RangeError(`pool: member '${id}' stays in team '${team.id}' and cannot move`);
      if (lockedIn.has(id))
        throw new RangeError(
          `team '${team.id}': member '${id}' is already locked in team '${lockedIn.get(id)}'`,
        );
      lockedIn.set(id, team.id);
    }

  const teams = given.map((team) => prepareSearch({ profile, region: team.region, seats: team.seats, pool }));
  const nTeams = teams.length;
  const nPool = pool.length;
  const offset = Int32Array.from(teams, (space) => space.nCandidates - nPool);
  const vTeamList: number[] = [];
  const vSeatList: number[] = [];
  const teamVacancies = teams.map((space, t) =>
    Int32Array.from(space.open, (s) => {
      vTeamList.push(t);
      vSeatList.push(s);
      return vTeamList.length - 1;
    }),
  );
  const nVacancies = vTeamList.length;
  const vTeam = Int32Array.from(vTeamList);
  const vSeat = Int32Array.from(vSeatList);

  const choice = new Uint8Array(nPool * nVacancies);
  const bonus = new Float64Array(nPool * nVacancies);
  const prefs = problem.preferences ?? {};
  pool.forEach((member, p) => {
    const list = prefs[member.id] ?? [];
    for (let v = 0; v < nVacancies; v++) {
      const team = given[vTeam[v] as number];
      const post = team?.seats[vSeat[v] as number]?.post;
      const at = list.findIndex((c) => c.region === team?.region && c.post === post);
      if (at < 0) continue;
      choice[p * nVacancies + v] = Math.min(255, at + 1);
      bonus[p * nVacancies + v] = options.preferenceWeight * choiceValue(at + 1);
    }
  });

  const poolRank = new Int32Array(nPool);
  Array.from({ length: nPool }, (_, p) => p)
    .sort((a, b) => compareIds((pool[a] as { id: string }).id, (pool[b] as { id: string }).id))
    .forEach((p, rank) => {
      poolRank[p] = rank;
    });

  const weight = new Float64Array(nPool * nVacancies).fill(Number.NEGATIVE_INFINITY);
  const eligible: Int32Array[] = [];
  for (let v = 0; v < nVacancies; v++) {
    const t = vTeam[v] as number;
    const s = vSeat[v] as number;
    const space = teams[t] as SearchSpace;
    const list = Array.from(space.eligible[s] as Int32Array, (c) => c - (offset[t] as number));
    for (const p of list) {
      const c = p + (offset[t] as number);
      weight[p * nVacancies + v] =
        (space.lin[c * space.nSeats + s] as number) + (bonus[p * nVacancies + v] as number);
    }
    list.sort(
      (a, b) =>
        (weight[b * nVacancies + v] as number) - (weight[a * nVacancies + v] as number) ||
        (poolRank[a] as number) - (poolRank[b] as number),
    );
    eligible.push(Int32Array.from(list));
  }
  return {
    problem,
    profile,
    teams,
    nTeams,
    nPool,
    offset,
    nVacancies,
    vTeam,
    vSeat,
    teamVacancies,
    choice,
    bonus,
    weight,
    eligible,
    poolRank,
  };
}

/** Candidate index of pool member p in the team of vacancy v. */
export const candidateIn = (space: ExchangeSpace, t: number, p: number): number =>
  (space.offset[t] as number) + p;
