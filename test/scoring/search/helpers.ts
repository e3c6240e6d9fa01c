import { defaultScoringProfile } from "../../../scoring/default-profile";
import { Evaluator } from "../../../scoring/evaluate";
import { prepare } from "../../../scoring/prepare";
import { createRng } from "../../../scoring/random";
import { seatCharges } from "../../../scoring/rules";
import type { SuggestProblem } from "../../../scoring/search/types";
import type { Member, ScoringProfile } from "../../../scoring/types";
import { NINE_POSTS, randomPool } from "../fixtures";

export const profile = defaultScoringProfile(2026);
export const REGION = "R01";

/**
 * A test instance over NINE_POSTS: the `vacant` seats are vacancies, every other seat is locked
 * with a member who breaks no seat rule there; the pool is `randomPool(seed, size)`.
 */
export function instance(seed: number, vacant: readonly number[], size: number): SuggestProblem {
  const extra = randomPool(seed + 7919, 120).map((m) => ({ ...m, id: `L${m.id}`, kin: [] }));
  const used = new Set<string>();
  const seats = NINE_POSTS.map((post, s) => {
    if (vacant.includes(s)) return { post, locked: null };
    const postProfile = profile.posts[post];
    if (!postProfile) throw new Error(post);
    const member = extra.find(
      (m) => !used.has(m.id) && seatCharges(m, s, postProfile, REGION, profile).hard === 0,
    ) as Member;
    used.add(member.id);
    return { post, locked: member };
  });
  return { profile, region: REGION, seats, pool: randomPool(seed, size) };
}

/** `count` distinct seat indices of NINE_POSTS, sorted, drawn from the seed. */
export function vacancies(seed: number, count: number): number[] {
  const rng = createRng(seed * 31 + 7);
  const seats = Array.from(NINE_POSTS, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(seats.length - i);
    [seats[i], seats[j]] = [seats[j] as number, seats[i] as number];
  }
  return seats.slice(0, count).sort((a, b) => a - b);
}

export interface Enumerated {
  memberIds: string[];
  score: number;
}

const byIds = (a: string[], b: string[]): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/**
 * Brute force, written independently of the search: every assignment of distinct pool members to
 * the vacancies, with vacancies of the same post filled in id order (one team per set of people
 * per post), scored by the evaluator over its own preparation; the feasible ones, best first, ties
 * by member ids seat by seat.
 */
export function enumerate(problem: SuggestProblem, top: number): Enumerated[] {
  const locked = problem.seats.flatMap((s) => (s.locked ? [s.locked] : []));
  const lockedIds = new Set(locked.map((m) => m.id));
  const pool = problem.pool.filter((m) => !lockedIds.has(m.id));
  const candidates = [...locked, ...pool];
  const prep = prepare({
    profile: problem.profile,
    region: problem.region,
    seats: problem.seats.map((s) => s.post),
    candidates,
  });
  const evaluator = new Evaluator(prep);
  const team = new Int32Array(problem.seats.length).fill(-1);
  problem.seats.forEach((s, i) => {
    if (s.locked) team[i] = candidates.indexOf(s.locked);
  });
  const open = problem.seats.flatMap((s, i) => (s.locked ? [] : [i]));
  const used = new Set<number>();
  const found: Enumerated[] = [];
  const visit = (k: number) => {
    if (k === open.length) {
      const b = evaluator.evaluate(team);
      if (b.feasible)
        found.push({ memberIds: Array.from(team, (c) => candidates[c]?.id as string), score: b.score });
      return;
    }
    const s = open[k] as number;
    for (let c = locked.length; c < candidates.length; c++) {
      if (used.has(c)) continue;
      const id = candidates[c]?.id as string;
      // Interchangeable seats: members in id order.
      const earlier = open.slice(0, k).filter((t) => problem.seats[t]?.post === problem.seats[s]?.post);
      if (earlier.some((t) => (candidates[team[t] as number]?.id as string) > id)) continue;
      used.add(c);
      team[s] = c;
      visit(k + 1);
      team[s] = -1;
      used.delete(c);
    }
  };
  visit(0);
  return found.sort((a, b) => b.score - a.score || byIds(a.memberIds, b.memberIds)).slice(0, top);
}

/** Rule settings and weights other than the defaults, to reach the other branches of the bound. */
export const PROFILE_VARIANTS: [string, (p: ScoringProfile) => ScoringProfile][] = [
  [
    "R2 and R10 soft, R11 hard",
    (p) => ({
      ...p,
      rules: {
        ...p.rules,
        R2: { mode: "soft", penalty: 0.04 },
        R10: { mode: "soft", penalty: 0.07 },
        R11: { mode: "hard", penalty: 0 },
      },
    }),
  ],
  [
    "R10 and R11 off, other weights",
    (p) => ({
      ...p,
      weights: { fit: 0.2, balance: 0.5, skills: 0.1, structure: 0.2 },
      rules: { ...p.rules, R10: { mode: "off", penalty: 0 }, R11: { mode: "off", penalty: 0 } },
    }),
  ],
  [
    "every rule soft",
    (p) => ({
      ...p,
      rules: Object.fromEntries(
        Object.entries(p.rules).map(([rule, setting]) => [rule, { ...setting, mode: "soft", penalty: 0.03 }]),
      ) as ScoringProfile["rules"],
    }),
  ],
];
