/**
 * Where the heuristic starts: each vacancy's short list of candidates, and complete teams from
 * linear assignments of the per-seat score parts (`lin`) nudged towards the rules a linear
 * assignment cannot see.
 */
import type { Breakdown } from "../evaluate";
import type { Elite } from "./elite";
import { FORBIDDEN, maxWeightAssignment } from "./lap";
import type { SearchSpace } from "./space";

/** A hard violation weighs more than any score difference, so feasibility comes first. */
const HARD_WEIGHT = 1;

/** What the heuristic maximises: the score, with each hard violation costing more than any score. */
export const objective = (b: Breakdown): number => b.score - HARD_WEIGHT * b.hard;

/** Candidates kept per vacancy: the best by `lin`, plus the best locals and non-movers (R10, R11). */
const LIST_SIZE = 48;
/** Each vacancy's short list, best `lin` first (locked seats: empty). */
export function shortLists(space: SearchSpace, size = LIST_SIZE): Int32Array[] {
  return Array.from({ length: space.nSeats }, (_, s) => {
    const take = (list: Int32Array | undefined, k: number) => Array.from(list?.subarray(0, k) ?? []);
    const chosen = new Set([
      ...take(space.eligible[s], size),
      ...take(space.eligibleLocal[s], size >> 1),
      ...take(space.eligibleStay[s], size >> 2),
      ...take(space.eligibleLocalStay[s], size >> 2),
    ]);
    // Keep the eligible list's order (best lin first, ties by id).
    return Int32Array.from((space.eligible[s] ?? []).filter((c) => chosen.has(c)));
  });
}

/** Bonuses tried for locals (R10) and for members who stay (R11) in the starting assignments. */
const LOCAL_BONUSES = [0, 0.01, 0.02, 0.04, 0.08];
const STAY_BONUSES = [0, 0.02, 0.08];
/** For a leading seat's member who is not moved (R11: not both leaders moved in one round). */
const LEADER_BONUSES = [0, 0.02, 0.05];

/**
 * Complete starting teams, best first (by the annealing objective, then by ids): each fills the
 * vacancies by a maximum-weight linear assignment over the short lists of `lin` plus a bonus for
 * locals and one for members who are not moved. The bonuses are Lagrangian nudges towards R10 and
 * R11's share of moves, the two cardinality rules a linear assignment cannot see; without them a
 * start that needs several seats changed at once to meet them is out of reach of single moves.
 * Empty when the short lists cannot fill every vacancy with distinct people.
 */
export function startTeams(space: SearchSpace, lists: readonly Int32Array[], elite: Elite): Int32Array[] {
  const { open, nSeats, lin, localish, idRank, prep } = space;
  const { rules } = space.problem.profile;
  // The bonus depends only on a candidate's kind (local; moved or not), so the best assignment
  // gives each vacancy one of its first k short-listed candidates of its kind (k = vacancies: the
  // other k − 1 cannot take them all): that is all the assignment needs to see.
  const k = open.length;
  const rows = Array.from(open, (s) => {
    const taken = [0, 0, 0, 0];
    return Array.from(lists[s] as Int32Array).filter((c) => {
      const kind = (localish[c] as number) * 2 + (prep.moved[c * nSeats + s] as number);
      taken[kind] = (taken[kind] as number) + 1;
      return (taken[kind] as number) <= k;
    });
  });
  const columns = [...new Set(rows.flat())].sort((a, b) => (idRank[a] as number) - (idRank[b] as number));
  if (columns.length < open.length) return [];
  const m = columns.length;
  const columnOf = new Map(columns.map((c, j) => [c, j]));
  const teams = new Map<string, { team: Int32Array; value: number }>();
  const leading = new Set(prep.leadingSeats ?? []);
  const r11 = rules.R11.mode !== "off";
  for (const localBonus of rules.R10.mode === "off" ? [0] : LOCAL_BONUSES)
    for (const stayBonus of r11 ? STAY_BONUSES : [0])
      for (const leaderBonus of r11 && leading.size > 0 ? LEADER_BONUSES : [0]) {
        const weights = new Float64Array(open.length * m).fill(FORBIDDEN);
        open.forEach((s, r) => {
          for (const c of rows[r] as number[]) {
            const at = c * nSeats + s;
            weights[r * m + (columnOf.get(c) as number)] =
              (lin[at] as number) +
              localBonus * (localish[c] as number) +
              (stayBonus + (leading.has(s) ? leaderBonus : 0)) * (1 - (prep.moved[at] as number));
          }
        });
        const result = maxWeightAssignment(open.length, m, weights);
        if (result.total === Number.NEGATIVE_INFINITY) return [];
        const team = Int32Array.from(space.base);
        open.forEach((s, r) => {
          team[s] = columns[result.columns[r] as number] as number;
        });
        const canon = elite.canonical(team, new Int32Array(nSeats));
        const key = canon.join(",");
        if (!teams.has(key))
          teams.set(key, { team: canon, value: objective(space.evaluator.evaluate(canon)) });
      }
  const sorted = [...teams.values()].sort((a, b) => b.value - a.value || elite.compareTeams(a.team, b.team));
  // The best start of each signature first: the searches from them explore different basins.
  const seen = new Set<number>();
  const first: Int32Array[] = [];
  const rest: Int32Array[] = [];
  for (const { team } of sorted) {
    const signature = signatureOf(space, team);
    (seen.has(signature) ? rest : first).push(team);
    seen.add(signature);
  }
  return [...first, ...rest];
}

/**
 * Which side of each step of the score a team is on: R11's share of moves met or not, a leader who
 * stays or not, R10 met or not. Teams on different sides are separated by several seats at once.
 */
export function signatureOf(space: SearchSpace, team: Int32Array): number {
  const { prep, nSeats, localish } = space;
  let moved = 0;
  let locals = 0;
  for (let s = 0; s < nSeats; s++) {
    const c = team[s] as number;
    moved += prep.moved[c * nSeats + s] as number;
    locals += localish[c] as number;
  }
  const leaderStays = (prep.leadingSeats ?? []).some(
    (s) => prep.moved[(team[s] as number) * nSeats + s] === 0,
  );
  return (
    (moved <= space.movesAllowed ? 1 : 0) | (leaderStays ? 2 : 0) | (locals >= space.localsNeeded ? 4 : 0)
  );
}

/**
 * The same space with each vacancy's candidates cut to `lists` (kinds split as the bound needs
 * them): branch and bound over it is exact for the cut space only — a heuristic.
 */
export function restrictedSpace(space: SearchSpace, lists: readonly Int32Array[]): SearchSpace {
  const { localish, prep, nSeats } = space;
  const stays = (list: Int32Array, s: number) => list.filter((c) => !prep.moved[c * nSeats + s]);
  return {
    ...space,
    eligible: lists,
    eligibleLocal: lists.map((l) => l.filter((c) => localish[c])),
    eligibleStay: lists.map((l, s) => stays(l, s)),
    eligibleLocalStay: lists.map((l, s) => stays(l, s).filter((c) => localish[c])),
  };
}
