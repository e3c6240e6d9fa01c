import { DEFAULT_POST_PROFILES } from "./post-profiles";
import type { PostProfile, ScoringProfile } from "./types";

/**
 * The shipped scoring profile. Where a default comes from:
 * - rule modes: the cadre rules as the organization department applies them (R1, R2, R4, R10, R12 hard; R5 strong → soft with a large
 *   penalty, configurable hard; R6, R7, R11 soft); knock-outs (C ≤ 4, G ≤ 4) from the civil-service
 *   screening template, soft with a large penalty so that a sitting team is flagged but still ranked.
 * - R12 thresholds: 《党政领导干部选拔任用工作条例》 Art. 8 — five years' service and two years at the
 *   grassroots for county-level posts, college (大专) education or above; promotion one rank at a time.
 * - R7 terms: a full term of 5 years for principals, 3 for deputies (the term length of the selection regulations).
 * - R13 targets: the source's post-round figures (S9: average age 41.71, 79.26 % university) rounded
 *   to targets of average age ≤ 45 and ≥ 75 % university, plus one woman and one cadre under 45.
 * - weights, fit scale, kernel bandwidth, temperaments and thresholds: assumptions of this project,
 *   stated here so that the organization department can tune them (every score names the version).
 *   Y1 < 12 (unstable) and the X1 reading follow the Chinese manual's interpretation thresholds.
 */
export function defaultScoringProfile(asOfYear: number, version = 1): ScoringProfile {
  const posts: Record<string, PostProfile> = {};
  for (const { source: _source, sortOrder: _order, ...post } of DEFAULT_POST_PROFILES)
    posts[post.code] = post;
  return {
    version,
    name: "default",
    asOfYear,
    weights: { fit: 0.45, balance: 0.25, skills: 0.15, structure: 0.15 },
    fit: { scale: 12, leadingSeatWeight: 2 },
    balance: {
      weights: { diversity: 0.3, coverage: 0.25, health: 0.2, conflict: 0.15, leadingPair: 0.1 },
      kernelBandwidth: 1.5,
      temperaments: [
        { code: "innovator", name: { zh: "开拓创新型", en: "open to change" }, minimum: { Q1: 7 } },
        {
          code: "disciplined",
          name: { zh: "严谨守规型", en: "rule-minded and disciplined" },
          minimum: { G: 7, Q3: 7 },
        },
        { code: "warm", name: { zh: "亲和外向型", en: "warm and outgoing" }, minimum: { A: 7, H: 6 } },
        { code: "analytical", name: { zh: "分析思考型", en: "analytical" }, minimum: { B: 8 } },
      ],
      y1: { low: 12, high: 24 },
      x1: { low: 4.5, high: 7.5 },
      conflict: { dominance: 8, vigilance: 8, penaltyPerPair: 0.15 },
      leadingPair: { dominant: 8, weak: 4 },
    },
    skills: {
      teamRequired: [
        "party-building",
        "economy",
        "finance",
        "law",
        "discipline",
        "agriculture",
        "urban-planning",
        "emergency",
      ],
      minLevel: 3,
    },
    structure: { maxAverageAge: 45, minUniversityShare: 0.75, minWomen: 1, minUnder45: 1 },
    rules: {
      R1: { mode: "hard", penalty: 0.2 },
      R2: { mode: "hard", penalty: 0.2 },
      R4: { mode: "hard", penalty: 0.2 },
      R5: { mode: "soft", penalty: 0.1 },
      R6: { mode: "soft", penalty: 0.05 },
      R7: { mode: "soft", penalty: 0.03 },
      R10: { mode: "hard", penalty: 0.2 },
      R11: { mode: "soft", penalty: 0.05 },
      R12: { mode: "hard", penalty: 0.2 },
      KO: { mode: "soft", penalty: 0.05 },
    },
    ruleParams: {
      postYears: 10,
      localityYears: 10,
      principalTerm: 5,
      deputyTerm: 3,
      minServiceYears: 5,
      minGrassrootsYears: 2,
      minEducation: "associate",
      maxMovedShare: 1 / 3,
    },
    posts,
  };
}
