/**
 * How stable a ranking is under sten measurement error (about one sten, as the 16PF manuals state): staff should
 * see which suggestions are solid and which are coin flips.
 *
 * Method (kept simple on purpose): the suggestions compete with runners-up — the further teams of
 * a search for top-(2M + 5) with a small budget (seeded like the rest). In each of `samples`
 * resampled worlds every member's every sten is redrawn as clamp(round(sten + sd·N(0, 1)), 1, 10)
 * and all compared teams are re-scored; a suggestion "stays" in a world when it is feasible there
 * and fewer than M compared teams score higher. The search is not re-run per world, so a team
 * that would only surface in some world is not counted — the shares are slightly optimistic for
 * the suggestions, and cheap (one preparation of a few dozen members per world).
 * Deterministic for a seed (and an iteration budget).
 */
import { Evaluator } from "../evaluate";
import { FACTORS, type FactorRecord } from "../factors";
import { prepare } from "../prepare";
import { createRng } from "../random";
import type { Member } from "../types";
import { suggest } from "./suggest";
import {
  defaultRobustnessOptions,
  type RobustnessOptions,
  type RobustnessOutcome,
  type Suggestion,
  type SuggestProblem,
} from "./types";

/**
 * For each suggestion, the share of resampled worlds in which it stays in the top-M.
 *
 * @example
 * ```ts
 * const outcome = suggest(problem, { top: 5 });
 * const stable = robustness(problem, outcome.suggestions, { samples: 100, seed: 3 });
 * stable.suggestions[0]?.stayShare; // e.g. 0.86: #1 stays in the top 5 in 86 % of worlds
 * ```
 */
export function robustness(
  problem: SuggestProblem,
  suggestions: readonly Pick<Suggestion, "memberIds">[],
  options: Partial<RobustnessOptions> = {},
): RobustnessOutcome {
  const { samples, seed, sd, budget, clock } = { ...defaultRobustnessOptions, ...options };
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`samples must be a positive integer (got ${samples})`);
  if (!(sd >= 0)) throw new RangeError(`sd must be ≥ 0 (got ${sd})`);
  const M = suggestions.length;
  if (M === 0) return { samples, compared: 0, suggestions: [] };

  const teams = suggestions.map((s) => [...s.memberIds]);
  const keys = new Set(teams.map((t) => t.join("\u0000")));
  const runnersUp = suggest(problem, {
    top: Math.min(100, 2 * M + 5),
    seed,
    budget,
    ...(clock ? { clock } : {}),
  });
  for (const s of runnersUp.suggestions)
    if (!keys.has(s.memberIds.join("\u0000"))) {
      keys.add(s.memberIds.join("\u0000"));
      teams.push([...s.memberIds]);
    }

  // The members involved, in order of first appearance (fixes the order of the random draws).
  const byId = new Map<string, Member>();
  for (const seat of problem.seats) if (seat.locked) byId.set(seat.locked.id, seat.locked);
  for (const m of problem.pool) if (!byId.has(m.id)) byId.set(m.id, m);
  const ids: string[] = [];
  const index = new Map<string, number>();
  for (const team of teams)
    for (const id of team)
      if (!index.has(id)) {
        if (!byId.has(id)) throw new RangeError(`suggestion names member '${id}', who is not in the problem`);
        index.set(id, ids.length);
        ids.push(id);
      }
  const assignments = teams.map((team) => Int32Array.from(team, (id) => index.get(id) as number));
  const posts = problem.seats.map((s) => s.post);

  const rng = createRng(seed);
  const stays = new Float64Array(M);
  const firsts = new Float64Array(M);
  const rankSum = new Float64Array(M);
  // Welford's running mean and sum of squared deviations (no cancellation when scores barely vary).
  const scoreMean = new Float64Array(M);
  const scoreM2 = new Float64Array(M);
  const scores = new Float64Array(teams.length);
  for (let w = 0; w < samples; w++) {
    const candidates = ids.map((id) => {
      const member = byId.get(id) as Member;
      const stens = {} as FactorRecord;
      for (const f of FACTORS)
        stens[f] = Math.min(10, Math.max(1, Math.round(member.stens[f] + sd * rng.normal())));
      return { ...member, stens };
    });
    const prep = prepare({
      profile: problem.profile,
      region: problem.region,
      seats: posts,
      candidates,
      assignments,
    });
    const evaluator = new Evaluator(prep);
    assignments.forEach((a, t) => {
      const b = evaluator.evaluate(a);
      scores[t] = b.feasible ? b.score : Number.NEGATIVE_INFINITY;
    });
    for (let i = 0; i < M; i++) {
      const own = scores[i] as number;
      let above = 0;
      for (let t = 0; t < teams.length; t++) if ((scores[t] as number) > own) above++;
      const rank = own === Number.NEGATIVE_INFINITY ? teams.length : above + 1;
      if (own !== Number.NEGATIVE_INFINITY && rank <= M) stays[i] = (stays[i] as number) + 1;
      if (own !== Number.NEGATIVE_INFINITY && rank === 1) firsts[i] = (firsts[i] as number) + 1;
      rankSum[i] = (rankSum[i] as number) + rank;
      const value = own === Number.NEGATIVE_INFINITY ? 0 : own;
      const delta = value - (scoreMean[i] as number);
      scoreMean[i] = (scoreMean[i] as number) + delta / (w + 1);
      scoreM2[i] = (scoreM2[i] as number) + delta * (value - (scoreMean[i] as number));
    }
  }
  return {
    samples,
    compared: teams.length,
    suggestions: suggestions.map((s, i) => {
      return {
        rank: i + 1,
        memberIds: [...s.memberIds],
        stayShare: (stays[i] as number) / samples,
        firstShare: (firsts[i] as number) / samples,
        meanRank: (rankSum[i] as number) / samples,
        meanScore: scoreMean[i] as number,
        sdScore: Math.sqrt((scoreM2[i] as number) / samples),
      };
    }),
  };
}
