/**
 * A suggestion search over a resolved request, as plain data in and out: what runs in a compute
 * thread (Node) or inline (the worker's queue consumer). No database, no clock of its own.
 */
import { scoreTeamSummary, type TeamScoreSummary } from "../../scoring/score-team";
import {
  compareSuggestions,
  prepareSearch,
  robustness,
  type SearchSpace,
  type Steps,
  type SuggestionComparison,
  suggestSteps,
} from "../../scoring/search";
import type { SearchSeat, SuggestOutcome } from "../../scoring/search/types";
import type { Member, ScoringProfile } from "../../scoring/types";
import type { PoolInput } from "../services/pool";

/** A suggestion request as the API takes it (see the route's schema). */
export interface SuggestionInput {
  teamId?: string | undefined;
  team?: { region: string; seats: { post: string; cadreId?: string | null | undefined }[] } | undefined;
  pool?: PoolInput | undefined;
  top?: number | undefined;
  seed?: number | undefined;
  budget?: { iterations?: number | undefined; milliseconds?: number | undefined } | undefined;
  /** Seats (0-based, as listed) whose holders are to be replaced: they become vacancies, the holders leave the pool. */
  vacate?: number[] | undefined;
  /** Resampled worlds for the robustness figures (0 leaves them out). */
  robustnessSamples?: number | undefined;
  /**
   * Run as a job (`202` with the request's id) instead of answering at once; a budget asking for
   * more than a request should wait (`runsAsJob`) runs as a job anyway. Not stored with the request.
   */
  async?: boolean | undefined;
}

/** A request resolved against the stored data: the search problem and what the answer needs. */
export interface PreparedSuggestions {
  input: SuggestionInput;
  profile: ScoringProfile;
  teamId: string | null;
  problem: { profile: ScoringProfile; region: string; seats: SearchSeat[]; pool: Member[] };
  /** Ids of the holders (who keep their seats) and of those asked to leave. */
  holders: Set<string>;
}

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

/** What a search stores (all of `SuggestionResult` but what storing adds: id, version, time). */
export type SolvedSuggestions = Omit<SuggestionResult, "id" | "version" | "createdAt">;

/** Robustness defaults: enough worlds to tell solid from coin-flip, cheap enough for a request. */
const ROBUSTNESS_SAMPLES = 20;
const ROBUSTNESS_ITERATIONS = 10_000;

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

/**
 * Searches a prepared request in slices (`suggestSteps`): yields the search budget's spent share
 * every few tens of milliseconds of search and once more (1) before the robustness figures.
 * Deterministic for its seed and iteration budget (a millisecond budget is not reproducible).
 * `clock` is read by the budget meter: a clock that reads +Infinity cancels the search (see
 * `scoring/search/meter.ts`); it is given even without a time budget, so that the search can be
 * cancelled.
 */
export function* solveSuggestionsSteps(
  prepared: PreparedSuggestions,
  clock: () => number,
  built?: SearchSpace,
): Steps<SolvedSuggestions> {
  const { input, profile, problem } = prepared;
  const { seats, pool: candidates } = problem;
  const space = built ?? prepareSearch(problem);
  const outcome = yield* suggestSteps(space, {
    ...(input.top !== undefined ? { top: input.top } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.budget ? { budget: input.budget } : {}),
    clock,
  });
  const [first, second] = outcome.suggestions;
  // The search is done; the robustness figures follow.
  yield 1;
  const samples = input.robustnessSamples ?? ROBUSTNESS_SAMPLES;
  const stability =
    samples > 0 && outcome.suggestions.length > 0
      ? robustness(problem, outcome.suggestions, {
          samples,
          seed: input.seed ?? 1,
          budget: { iterations: ROBUSTNESS_ITERATIONS },
          clock,
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
  return {
    status: outcome.status,
    method: outcome.method,
    bound: outcome.bound ?? null,
    profileVersion: profile.version,
    teamId: prepared.teamId,
    region: problem.region,
    poolSize: candidates.length,
    suggestions: view({ region: problem.region, seats }, outcome, profile, byId),
    reasons: outcome.reasons ?? [],
    comparison: first && second ? compareSuggestions(first, second, space.prep) : null,
    robustness: stability,
  };
}
