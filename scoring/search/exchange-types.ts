/**
 * The vocabulary of exchange plans (交流方案): several teams with vacancies and one pool of movable
 * cadres, solved together. Plain data in, an outcome with a status union out, options merged over
 * `defaultExchangeOptions`, budgets as options, inputs never mutated (as in `types.ts`).
 *
 * @example
 * ```ts
 * const outcome = exchange(
 *   { profile, teams: [{ id: "T1", region: "R01", seats }, { id: "T2", region: "R02", seats: other }], pool, preferences },
 *   { objective: "maxmin", seed: 3, budget: { iterations: 200_000 } },
 * );
 * outcome.status; // "budget"
 * outcome.moves[0]; // { memberId: "C017", to: { teamId: "T2", seat: 4, post: "organization-head", … }, … }
 * ```
 */
import type { Breakdown } from "../evaluate";
import type { Member, ScoringProfile } from "../types";
import type { Budget, Reason, SearchSeat } from "./types";

/** One team of the round: its seats (a locked member stays; a seat without one is a vacancy). */
export interface ExchangeTeam {
  id: string;
  region: string;
  seats: readonly SearchSeat[];
}

/** A ranked post preference (志愿): a post in a region. */
export interface PostChoice {
  region: string;
  post: string;
}

export interface ExchangeProblem {
  profile: ScoringProfile;
  teams: readonly ExchangeTeam[];
  /**
   * The movable pool (must-move cadres under R4/R5, volunteers, reserves): distinct ids, none of
   * them locked in a team. Every vacancy is filled from it; members left over stay where they are.
   */
  pool: readonly Member[];
  /** Per pool member id, their choices, first choice first. */
  preferences?: Readonly<Record<string, readonly PostChoice[]>>;
}

/**
 * `sum`: the total of the teams' scores. `maxmin`: the worst team's score, as good as possible; the
 * total (with the preferences) then counts `MAXMIN_TIE` as much, so that among plans with the same
 * worst team the others are not left arbitrary.
 */
export type ExchangeObjective = "sum" | "maxmin";

export interface ExchangeOptions {
  objective: ExchangeObjective;
  seed: number;
  budget: Budget;
  /**
   * What placing a cadre in their first choice is worth, in score units of one team (a k-th choice
   * is worth `preferenceWeight · max(0.2, 1 − 0.2·(k − 1))`). Small: preferences are honoured where
   * they cost little. 0 ignores them.
   */
  preferenceWeight: number;
  /**
   * `hard` (default): a plan never breaks R11 — both leading principals (正职) of a county moved in
   * one round, or more than the profile's share of a team moved — whatever the profile says;
   * `profile`: R11 acts as the profile's mode says.
   */
  r11: "hard" | "profile";
  /** Spaces of at most this many plans (product of the vacancies' eligible counts) are enumerated. */
  exactLimit: number;
  /** Milliseconds since any fixed origin; needed for `budget.milliseconds` and the time figures. */
  clock?: () => number;
}

export const defaultExchangeOptions: Readonly<ExchangeOptions> = Object.freeze({
  objective: "sum",
  seed: 1,
  budget: Object.freeze({ iterations: 400_000 }),
  preferenceWeight: 0.01,
  r11: "hard",
  exactLimit: 20_000,
});

/** Weight of the total (teams' scores and preferences) beside the worst team under `maxmin`. */
export const MAXMIN_TIE = 0.01;

/** One team of a plan, every seat filled. */
export interface PlannedTeam {
  teamId: string;
  region: string;
  score: number;
  /** The evaluator's full breakdown (always feasible in a returned plan). */
  breakdown: Breakdown;
  /** Member id per seat. */
  memberIds: string[];
  /** Vacancies of this team (seat indices) and how many of its members are moved in (R11). */
  vacancies: number[];
  moved: number;
}

/** A pool member placed in a vacancy. */
export interface PlannedMove {
  memberId: string;
  from: { region: string | null; post: string | null };
  to: { teamId: string; region: string; seat: number; post: string };
  /** Whether this counts as a move under R7/R11 (false: back in the post they hold there). */
  moved: boolean;
  /** 1-based rank of this post among the member's choices, or null. */
  preferenceRank: number | null;
}

export interface PreferenceSatisfaction {
  /** Pool members who stated at least one choice. */
  withPreferences: number;
  /** Of them, those the plan places. */
  placed: number;
  /** Placed in their first choice; in one of their first three. */
  first: number;
  top3: number;
  /** first / placed and top3 / placed (0 when none placed). */
  firstShare: number;
  top3Share: number;
}

export type ExchangeStatus = "optimal" | "budget" | "infeasible";

export interface ExchangeOutcome {
  /**
   * `optimal`: every plan was enumerated and this is the best (small spaces); `budget`: the best
   * found within the budget; `infeasible`: no plan meets the hard rules (`reasons`).
   */
  status: ExchangeStatus;
  objective: ExchangeObjective;
  /** What was maximised: the objective plus the preference bonus (see `ExchangeObjective`). */
  value: number;
  /** The objective alone: the total of the scores (`sum`) or the worst team's score (`maxmin`). */
  objectiveValue: number;
  totalScore: number;
  worstScore: number;
  teams: PlannedTeam[];
  moves: PlannedMove[];
  /** Pool members the plan does not place. */
  unplaced: string[];
  preferences: PreferenceSatisfaction;
  /** When the first plan meeting every hard rule was found: iterations, and ms where a clock was given. */
  firstFeasible: { iteration: number; ms: number | null } | null;
  /** Iterations spent; ms of the whole call where a clock was given. */
  evaluated: number;
  ms: number | null;
  reasons?: Reason[];
}
