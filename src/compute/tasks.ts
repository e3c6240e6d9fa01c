/**
 * The compute tasks: CPU-bound work that takes plain data (members, profile, pool, seed, budget)
 * and returns plain results, so that it can run in a compute thread (Node, `pool.ts`) or inline
 * (the worker's queue consumer, tests; `inline.ts`). Each task is a search in slices (`Steps`)
 * that yields its share done (0–1) and reads the caller's `clock`: a clock that reads +Infinity
 * cancels it at the budget meter's next check.
 */
import { scoreTeam, scoreTeamsSummary } from "../../scoring/score-team";
import type { Steps } from "../../scoring/search";
import { exchangeSteps } from "../../scoring/search/exchange";
import type { ExchangeOptions, ExchangeOutcome, ExchangeProblem } from "../../scoring/search/exchange-types";
import { prepareSearch } from "../../scoring/search/space";
import type { ScoringProfile, Team } from "../../scoring/types";
import { couldEnter } from "../services/rerank-affect";
import {
  diffRankings,
  type Ranking,
  type RankingDiff,
  type StenChange,
  sameRanking,
} from "../services/rerank-diff";
import { type PreparedSuggestions, type SolvedSuggestions, solveSuggestionsSteps } from "./suggest";

/** The stored plan: the outcome with the profile version it was scored with. */
export type ExchangePlan = Omit<ExchangeOutcome, "teams"> & {
  profileVersion: number;
  teams: (Omit<ExchangeOutcome["teams"][number], "breakdown"> & {
    components: Record<string, number | null>;
  })[];
};

/** The ranking part of a stored result, as the diff compares it. */
export function rankingOf(version: number, result: SolvedSuggestions): Ranking {
  return {
    version,
    status: result.status,
    profileVersion: result.profileVersion,
    suggestions: result.suggestions.map((s) => ({
      rank: s.rank,
      score: s.score,
      cadreIds: s.assignment.filter((a) => a.filled).map((a) => a.cadreId),
      components: s.components as unknown as Record<string, number>,
    })),
  };
}

/** A saved request as a re-rank job weighs it: resolved anew, with its stored ranking. */
export interface RerankRequestInput {
  prepared: PreparedSuggestions;
  /** Cadres whose data changed (null: everything is re-searched). */
  changed: Set<string> | null;
  stored: SolvedSuggestions;
  fromVersion: number;
  stens: Map<string, StenChange>;
}

/** What a re-rank decided for one request (see `RequestOutcome` in src/services/rerank.ts). */
export type RerankRequestOutput =
  | { outcome: "not_involved" | "cannot_enter" | "unchanged" }
  | { outcome: "changed"; solved: SolvedSuggestions; diff: RankingDiff };

function* rerankRequest(input: RerankRequestInput, clock: () => number): Steps<RerankRequestOutput> {
  const { prepared, changed, stored, fromVersion } = input;
  const profile = prepared.profile;
  let space: ReturnType<typeof prepareSearch> | undefined;
  if (changed) {
    const touched = new Set<string>();
    for (const id of prepared.holders) if (changed.has(id)) touched.add(id);
    for (const m of prepared.problem.pool) if (changed.has(m.id)) touched.add(m.id);
    if (touched.size === 0) return { outcome: "not_involved" };
    const listed = new Set(stored.suggestions.flatMap((s) => s.assignment.map((a) => a.cadreId)));
    const exact =
      stored.status === "optimal" &&
      prepared.input.budget?.milliseconds === undefined &&
      stored.profileVersion === profile.version &&
      ![...touched].some((id) => prepared.holders.has(id) || listed.has(id));
    if (exact) {
      const top = prepared.input.top ?? 5;
      const last = stored.suggestions[stored.suggestions.length - 1];
      const threshold = stored.suggestions.length >= top && last ? last.score : Number.NEGATIVE_INFINITY;
      space = prepareSearch(prepared.problem);
      if (!couldEnter(space, touched, threshold)) return { outcome: "cannot_enter" };
    }
  }
  const solved = yield* solveSuggestionsSteps(prepared, clock, space);
  const before = rankingOf(fromVersion, stored);
  const after = rankingOf(fromVersion + 1, solved);
  if (sameRanking(before, after) && before.profileVersion === after.profileVersion)
    return { outcome: "unchanged" };
  return { outcome: "changed", solved, diff: diffRankings(before, after, input.stens) };
}

/** An exchange plan's search: the problem and the request's options (the clock is the caller's). */
export interface ExchangeInput {
  problem: ExchangeProblem;
  options: Partial<Omit<ExchangeOptions, "clock">>;
}

function* exchangePlan(input: ExchangeInput, clock: () => number): Steps<ExchangePlan> {
  const steps = exchangeSteps(input.problem, { ...input.options, clock });
  let step = steps.next();
  for (; !step.done; step = steps.next()) yield step.value.spent;
  const outcome = step.value;
  return {
    ...outcome,
    profileVersion: input.problem.profile.version,
    teams: outcome.teams.map(({ breakdown, ...team }) => ({
      ...team,
      components: {
        fit: breakdown.fit,
        balance: breakdown.balance,
        skills: breakdown.skills,
        structure: breakdown.structure,
        penalty: breakdown.penalty,
        leadingPair: breakdown.leadingPair,
      },
    })),
  };
}

/** A batch of resolved teams to score with one profile. */
export interface ScoreBatchInput {
  teams: Team[];
  profile: ScoringProfile;
  detail: "full" | "summary" | "scores";
}

/** Teams between two checks of the clock (cancellation) while scoring a batch. */
const SCORE_SLICE = 256;

function* scoreBatch(input: ScoreBatchInput, clock: () => number): Steps<unknown[]> {
  const { teams, profile, detail } = input;
  const out: unknown[] = [];
  for (let from = 0; from < teams.length; from += SCORE_SLICE) {
    if (clock() === Number.POSITIVE_INFINITY) return out;
    const slice = teams.slice(from, from + SCORE_SLICE);
    if (detail === "full") for (const team of slice) out.push(scoreTeam(team, profile));
    else out.push(...scoreTeamsSummary(slice, profile, detail));
    yield Math.min(1, (from + SCORE_SLICE) / teams.length);
  }
  return out;
}

function* suggestions(input: { prepared: PreparedSuggestions }, clock: () => number) {
  return yield* solveSuggestionsSteps(input.prepared, clock);
}

/** Every task by name: what the compute thread dispatches on. */
export const tasks = {
  suggest: suggestions,
  "rerank-request": rerankRequest,
  "exchange-plan": exchangePlan,
  "score-batch": scoreBatch,
};

export type TaskName = keyof typeof tasks;
export type TaskInput<K extends TaskName> = Parameters<(typeof tasks)[K]>[0];
export type TaskOutput<K extends TaskName> = ReturnType<(typeof tasks)[K]> extends Steps<infer T> ? T : never;
