/**
 * The vocabulary of `scoring/`: members, teams, scoring profiles, violations and scores.
 * Everything here is plain data; functions never mutate their inputs.
 */
import type { FactorRecord } from "./factors";
import type { IdealProfile, Knockout } from "./post-profiles";

export type Education = "high-school" | "associate" | "bachelor" | "master" | "doctorate";
export type Rank = "deputy-section" | "section" | "deputy-division" | "division" | "deputy-bureau";
export type Gender = "male" | "female";

/** Ranks from lowest to highest (副科 < 正科 < 副处 < 正处 < 副厅). */
export const RANK_ORDER: readonly Rank[] = [
  "deputy-section",
  "section",
  "deputy-division",
  "division",
  "deputy-bureau",
];
/** Education levels from lowest to highest (高中 < 大专 < 本科 < 硕士 < 博士). */
export const EDUCATION_ORDER: readonly Education[] = [
  "high-school",
  "associate",
  "bachelor",
  "master",
  "doctorate",
];

/**
 * A person as scoring sees them: 16 stens and the facts the rules read. Unknown facts are
 * `null`/absent; a rule that needs a missing fact is not applied to that person (and says so).
 */
export interface Member {
  id: string;
  stens: FactorRecord;
  birthRegion?: string | null;
  growthRegion?: string | null;
  currentRegion?: string | null;
  currentPost?: string | null;
  age?: number | null;
  gender?: Gender | null;
  education?: Education | null;
  rank?: Rank | null;
  skills?: readonly { skill: string; level: number }[];
  yearsInPost?: number | null;
  yearsInLocality?: number | null;
  serviceYears?: number | null;
  grassrootsYears?: number | null;
  /** Ids of kin (R2): spouse, lineal, collateral within three generations, close in-law. */
  kin?: readonly string[];
}

/** A seat of the team being scored: its post type and its member, or null when vacant. */
export interface TeamSeat {
  post: string;
  member: Member | null;
}

/** 班子 — a team to score: the region it serves and its seats. */
export interface Team {
  region: string;
  seats: readonly TeamSeat[];
}

/** A post type's person–post profile and rule flags, as a scoring profile holds it. */
export interface PostProfile {
  code: string;
  name: string;
  nameEn: string;
  /** 党政正职: 县委书记 and 县长, scored as the leading pair. */
  leading: boolean;
  /** 正职 (full term 5 years for R7) or 副职 (3 years). */
  principal: boolean;
  /** Subject to regional avoidance (R1). */
  avoidance: boolean;
  /** Lowest rank that may hold the post without promotion (R6, R12). */
  minRank: Rank | null;
  idealProfile: IdealProfile;
  knockouts: readonly Knockout[];
  requiredSkills: readonly string[];
}

export type RuleId = "R1" | "R2" | "R4" | "R5" | "R6" | "R7" | "R10" | "R11" | "R12" | "KO";

/** How a rule acts: `hard` makes a team infeasible, `soft` subtracts its penalty, `off` ignores it. */
export type RuleMode = "hard" | "soft" | "off";

export interface RuleSetting {
  mode: RuleMode;
  /** Subtracted from the score per violation when soft (a team's total penalty is capped at 1). */
  penalty: number;
}

/** Bilingual text: every explanation is given in Chinese and English. */
export interface Text {
  zh: string;
  en: string;
}

/** One broken rule, naming the member, the seat and the fact. */
export interface Violation {
  rule: RuleId;
  severity: "hard" | "soft";
  /** Index of the seat concerned, when the rule is about one seat. */
  seat?: number;
  post?: string;
  memberIds: string[];
  penalty: number;
  message: Text;
}

/** Weights, thresholds, post profiles and rule settings: the data behind every score. */
export interface ScoringProfile {
  version: number;
  name: string;
  /** Year that ages and "years since" are counted to; set by the caller (scoring reads no clock). */
  asOfYear: number;
  weights: { fit: number; balance: number; skills: number; structure: number };
  fit: {
    /**
     * fit = exp(−D² / scale) (default 12, chosen when the demo city's median fit was ≈ 0.46 under the
     * earlier, non-monotone D²), D² the monotone Mahalanobis distance of the weighted out-of-range
     * deviation (SD units; see `fit.ts`).
     */
    scale: number;
    /** Seat weights in the fit component: leading seats count more. */
    leadingSeatWeight: number;
  };
  balance: {
    weights: { diversity: number; coverage: number; health: number; conflict: number; leadingPair: number };
    /** Kernel bandwidth (SD units) of the diversity log-determinant. */
    kernelBandwidth: number;
    /** A temperament is covered when one member meets all its sten minima. */
    temperaments: readonly { code: string; name: Text; minimum: Partial<FactorRecord> }[];
    /** Y1 at or below `low` counts 0, at or above `high` counts 1 (Y1 < 12: unstable). */
    y1: { low: number; high: number };
    /** X1 (anxiety) at or above `high` counts 0, at or below `low` counts 1. */
    x1: { low: number; high: number };
    /** Both members of a pair at or above these stens are a conflict risk. */
    conflict: { dominance: number; vigilance: number; penaltyPerPair: number };
    /** The leading pair: both E ≥ dominant is "both dominant"; both E ≤ weak or both H ≤ weak is "both weak". */
    leadingPair: { dominant: number; weak: number };
  };
  skills: {
    /** Skills the team as a whole should have, each at `minLevel` or above in someone. */
    teamRequired: readonly string[];
    minLevel: number;
  };
  structure: {
    /** R13 targets (source S9: average age 41.71, 79.26 % university-educated after the round). */
    maxAverageAge: number;
    minUniversityShare: number;
    minWomen: number;
    minUnder45: number;
  };
  /** R1's post list is the posts whose `avoidance` flag is set. */
  rules: Record<RuleId, RuleSetting>;
  ruleParams: {
    postYears: number;
    localityYears: number;
    principalTerm: number;
    deputyTerm: number;
    minServiceYears: number;
    minGrassrootsYears: number;
    minEducation: Education;
    maxMovedShare: number;
  };
  posts: Readonly<Record<string, PostProfile>>;
}
