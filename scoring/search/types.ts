/**
 * The vocabulary of `scoring/search/`: what a suggestion request is, its options and what comes
 * back. Modelled on YALPS: plain data in, an outcome with a status union out, `defaultOptions`
 * merged with the caller's options, budgets as options, inputs never mutated.
 *
 * @example
 * ```ts
 * const outcome = suggest(
 *   { profile, region: "R01", seats: [{ post: "party-secretary", locked: secretary }, { post: "county-head" }], pool },
 *   { top: 3, seed: 7, budget: { iterations: 50_000 } },
 * );
 * if (outcome.status !== "infeasible") outcome.suggestions[0]?.memberIds; // ["C001", "C417"]
 * ```
 */
import type { Breakdown } from "../evaluate";
import type { Member, RuleId, ScoringProfile, Text } from "../types";

/** A seat of the team to complete: its post type, and the member who keeps it (locked) or none (vacant). */
export interface SearchSeat {
  post: string;
  /** A member who keeps this seat; `null`/absent makes the seat a vacancy to fill from the pool. */
  locked?: Member | null;
}

/** 配班子 — fill a team's vacancies from a pool of candidates. */
export interface SuggestProblem {
  profile: ScoringProfile;
  region: string;
  seats: readonly SearchSeat[];
  /**
   * Candidates for the vacancies (already filtered by the caller: region, rank, include/exclude…).
   * A pool member with a locked member's id is that member (not a second candidate); of pool
   * members sharing an id only the first is used.
   */
  pool: readonly Member[];
}

/** How long to search. At least one limit applies; without either, `defaultOptions.budget` is used. */
export interface Budget {
  /**
   * Work units: one move tried by the heuristic (about a microsecond), one child weighed by branch
   * and bound (less), one team evaluated at a leaf. Results are reproducible for a seed and an
   * iteration budget. The preparation of the tables (`prepareSearch`) is not counted.
   */
  iterations?: number;
  /**
   * Wall-clock limit for the search (the preparation not included), read from
   * `SuggestOptions.clock` — scoring reads no clock of its own. Results then depend on the
   * machine's speed and load and are NOT reproducible; use iterations where that matters.
   */
  milliseconds?: number;
}

export interface SuggestOptions {
  /** How many distinct feasible assignments to return (top-M), 1–100. */
  top: number;
  /** Seed of the only random source (`createRng`). */
  seed: number;
  budget: Budget;
  /**
   * Search spaces of at most this many assignments (the product of the vacancies' eligible
   * candidate counts) go straight to branch and bound; larger ones get the heuristic phases first
   * (see `suggest.ts`), then branch and bound with what is left of the budget, which may still
   * prove the result optimal.
   */
  exactLimit: number;
  /** Milliseconds since any fixed origin (e.g. `() => performance.now()`); needed for `budget.milliseconds`. */
  clock?: () => number;
}

/** The options used when the caller gives none; `suggest` merges the caller's over these. */
export const defaultOptions: Readonly<SuggestOptions> = Object.freeze({
  top: 5,
  seed: 1,
  budget: Object.freeze({ iterations: 200_000 }),
  exactLimit: 2_000_000,
});

/** One suggested team: a complete, feasible assignment of the vacancies. */
export interface Suggestion {
  /** 1-based, best first. */
  rank: number;
  score: number;
  /** Candidate index per seat, into `SearchSpace.prep` (locked seats included). */
  assignment: Int32Array;
  /** Member id per seat (locked seats included). */
  memberIds: string[];
  /** The evaluator's full breakdown (`breakdown.feasible` is always true). */
  breakdown: Breakdown;
}

/** Why a request cannot be satisfied; bilingual, naming the seat and the rule where there is one. */
export interface Reason {
  /**
   * A cadre rule; `pool` when the candidates are too few; `combination` when no single rule is to
   * blame but the search proved that no assignment meets all hard rules at once (or found none
   * within the budget).
   */
  rule: RuleId | "pool" | "combination";
  seat?: number;
  post?: string;
  memberIds: string[];
  message: Text;
}

export type SuggestStatus = "optimal" | "budget" | "infeasible";

export interface SuggestOutcome {
  /**
   * `optimal`: the suggestions are proven to be the top-M (branch and bound finished);
   * `budget`: the budget ran out first — the suggestions are the best found (heuristic);
   * `infeasible`: no complete assignment satisfies the hard rules (`reasons` say why).
   */
  status: SuggestStatus;
  /** How the listed suggestions were established: proven by branch and bound, or found heuristically. */
  method: "exact" | "heuristic";
  /**
   * Best first; equal scores in member-id order, seat by seat. Distinct teams: two suggestions
   * differ in who holds some post. Members of two vacancies of the same post trading places is the
   * same team (every score part is the same), listed once, members in id order across those seats.
   */
  suggestions: Suggestion[];
  /**
   * An upper bound on the score of every feasible assignment NOT listed. When optimal it is at most
   * the last suggestion's score (the proof); under `budget` it says how much better an unseen team
   * could at most be.
   */
  bound?: number;
  /** Iterations spent (see `Budget.iterations`). */
  evaluated: number;
  reasons?: Reason[];
}

/** Options of `robustness`. */
export interface RobustnessOptions {
  /** Resampled worlds. */
  samples: number;
  seed: number;
  /** Measurement error of a sten (about one sten, as the 16PF manuals state). */
  sd: number;
  /** Budget of the search for runners-up that the suggestions compete with in each world. */
  budget: Budget;
  clock?: () => number;
}

export const defaultRobustnessOptions: Readonly<RobustnessOptions> = Object.freeze({
  samples: 50,
  seed: 1,
  sd: 1,
  budget: Object.freeze({ iterations: 30_000 }),
});

/** How one suggestion fares when stens are measured again. */
export interface SuggestionRobustness {
  rank: number;
  memberIds: string[];
  /** Share of worlds (0–1) in which it stays in the top-M of the compared teams. */
  stayShare: number;
  /** Share of worlds in which it ranks first. */
  firstShare: number;
  meanRank: number;
  meanScore: number;
  /** Standard deviation of its score across worlds. */
  sdScore: number;
}

export interface RobustnessOutcome {
  samples: number;
  /** How many teams competed in each world (the suggestions plus runners-up). */
  compared: number;
  suggestions: SuggestionRobustness[];
}
