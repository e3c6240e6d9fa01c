import { createRng } from "../../../scoring/random";
import { seatCharges } from "../../../scoring/rules";
import { scoreTeam } from "../../../scoring/score-team";
import type { ExchangeObjective, ExchangeProblem, PostChoice } from "../../../scoring/search/exchange-types";
import type { Member, ScoringProfile } from "../../../scoring/types";
import { NINE_POSTS, REGIONS, randomPool } from "../fixtures";
import { profile } from "./helpers";

/**
 * Six seats per team: the leading pair (avoidance posts, R1) and four posts locals may hold, so that
 * R10's two locals are within reach; R11 allows ⌊6/3⌋ = 2 moved in.
 */
export const SIX = [0, 1, 5, 6, 7, 8].map((i) => NINE_POSTS[i] as string);

/**
 * `teams` teams of SIX in regions R01…, `vacant` vacancies each (drawn from the seed, the leading
 * pair never both vacant), other seats locked with members who break no seat rule there; a pool of
 * `poolSize` random members, some of them former holders of a vacancy (so that they may stay), and
 * random ranked preferences for about half of the pool.
 */
export function exchangeProblem(
  seed: number,
  teams: number,
  vacant: number,
  poolSize: number,
): ExchangeProblem {
  const rng = createRng(seed * 97 + 13);
  const extra = randomPool(seed + 50_000, 200).map((m) => ({ ...m, id: `L${m.id}`, kin: [] }));
  const used = new Set<string>();
  const pool = randomPool(seed, poolSize);
  const built = Array.from({ length: teams }, (_, t) => {
    const region = REGIONS[t % REGIONS.length] as string;
    const seats = Array.from(SIX, (_, s) => s);
    for (let i = seats.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [seats[i], seats[j]] = [seats[j] as number, seats[i] as number];
    }
    let open = seats.slice(0, vacant);
    if (open.includes(0) && open.includes(1))
      open = [...open.filter((s) => s !== 1), seats[vacant] as number];
    return {
      id: `T${t + 1}`,
      region,
      seats: SIX.map((post, s) => {
        if (open.includes(s)) return { post, locked: null };
        // A holder of this post here for a few years; locals where the post allows (R10).
        const avoidance = profile.posts[post]?.avoidance === true;
        const member = extra
          .filter((m) => !used.has(m.id))
          .map(
            (m): Member => ({
              ...m,
              currentRegion: region,
              currentPost: post,
              yearsInPost: 3,
              yearsInLocality: 5,
              ...(avoidance ? {} : { birthRegion: region, growthRegion: region }),
            }),
          )
          .find((m) => seatCharges(m, s, profile.posts[post] as never, region, profile).hard === 0) as Member;
        used.add(member.id);
        return { post, locked: member };
      }),
    };
  });
  // Some pool members held a vacancy until now: placed back there, they are not moved.
  let k = 0;
  for (const team of built)
    team.seats.forEach((seat, s) => {
      const member = pool[k];
      if (!seat.locked && member && rng.next() < 0.5) {
        pool[k] = {
          ...member,
          currentRegion: team.region,
          currentPost: SIX[s] as string,
          yearsInPost: 4,
          yearsInLocality: 6,
        };
        k++;
      }
    });
  const preferences: Record<string, PostChoice[]> = {};
  for (const m of pool)
    if (rng.next() < 0.5)
      preferences[m.id] = Array.from({ length: 1 + rng.int(4) }, () => ({
        region: REGIONS[rng.int(Math.min(teams, REGIONS.length))] as string,
        post: SIX[rng.int(SIX.length)] as string,
      }));
  return { profile, teams: built, pool, preferences };
}

/** R11 as a hard rule, as exchange plans apply it by default. */
export const withR11Hard = (p: ScoringProfile): ScoringProfile => ({
  ...p,
  rules: { ...p.rules, R11: { ...p.rules.R11, mode: "hard" } },
});

/** Value of a k-th choice, written out: 1, 0.8, 0.6, 0.4, then 0.2. */
const CHOICE = [0, 1, 0.8, 0.6, 0.4, 0.2];

export interface BrutePlan {
  value: number;
  /** Member id per vacancy, in team then seat order. */
  memberIds: string[];
}

/**
 * Brute force, independent of the search: every assignment of distinct pool members to the
 * vacancies, each team scored by `scoreTeam` (rules checked by `ruleViolations`) with R11 hard;
 * the best value of plans in which every team is feasible, or null.
 */
export function bruteForce(
  problem: ExchangeProblem,
  objective: ExchangeObjective,
  preferenceWeight = 0.01,
): BrutePlan | null {
  const scoring = withR11Hard(problem.profile);
  const vacancies = problem.teams.flatMap((team, t) =>
    team.seats.flatMap((seat, s) => (seat.locked ? [] : [{ t, s, post: seat.post, region: team.region }])),
  );
  const chosen: Member[] = [];
  const used = new Set<string>();
  let best: BrutePlan | null = null;
  const visit = (i: number) => {
    if (i === vacancies.length) {
      const scores: number[] = [];
      for (let t = 0; t < problem.teams.length; t++) {
        const team = problem.teams[t];
        if (!team) continue;
        const seats = team.seats.map((seat, s) => ({
          post: seat.post,
          member: seat.locked ?? (chosen[vacancies.findIndex((v) => v.t === t && v.s === s)] as Member),
        }));
        const scored = scoreTeam({ region: team.region, seats }, scoring);
        if (!scored.feasible) return;
        scores.push(scored.score);
      }
      let bonus = 0;
      vacancies.forEach((v, j) => {
        const list = problem.preferences?.[(chosen[j] as Member).id] ?? [];
        const rank = list.findIndex((c) => c.region === v.region && c.post === v.post) + 1;
        bonus += preferenceWeight * (CHOICE[Math.min(rank, 5)] as number);
      });
      const sum = scores.reduce((a, b) => a + b, 0);
      const value = objective === "sum" ? sum + bonus : Math.min(...scores) + 0.01 * (sum + bonus);
      if (!best || value > best.value + 1e-12) best = { value, memberIds: chosen.map((m) => m.id) };
      return;
    }
    for (const m of problem.pool) {
      if (used.has(m.id)) continue;
      used.add(m.id);
      chosen.push(m);
      visit(i + 1);
      chosen.pop();
      used.delete(m.id);
    }
  };
  visit(0);
  return best;
}
