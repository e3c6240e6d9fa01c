/**
 * What a score says adds up (issue 14): for every team and every detail level,
 *   score = max(0, Σ w·component / Σ w − Σ penalty of the listed violations)
 * and `components.penalty` is that sum capped at 1 — the list and the charge never disagree. A team
 * that lists a leading post (县委书记, 县长) twice is refused (it drew two R11 violations in the
 * list but one R11 charge in the score).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { scoreTeam, scoreTeamsSummary } from "../../scoring/score-team";
import type { Member, RuleId, ScoringProfile, Team } from "../../scoring/types";
import { NINE_POSTS, randomPool } from "./fixtures";

const strict = defaultScoringProfile(2026);
const allSoft: ScoringProfile = {
  ...strict,
  rules: Object.fromEntries(
    Object.entries(strict.rules).map(([rule, setting]) => [rule, { ...setting, mode: "soft" }]),
  ) as Record<RuleId, ScoringProfile["rules"][RuleId]>,
};
const members = randomPool(21, 50);
const RUNS = 300;

const teamArb = fc
  .record({
    picks: fc.uniqueArray(fc.integer({ min: 0, max: members.length - 1 }), {
      minLength: NINE_POSTS.length,
      maxLength: NINE_POSTS.length,
    }),
    vacant: fc.array(
      fc.integer({ min: 0, max: 99 }).map((x) => x < 15),
      {
        minLength: NINE_POSTS.length,
        maxLength: NINE_POSTS.length,
      },
    ),
    region: fc.constantFrom("R01", "R02", "R03", "R04"),
  })
  .map(
    ({ picks, vacant, region }): Team => ({
      region,
      seats: NINE_POSTS.map((post, s) => ({
        post,
        member: vacant[s] ? null : (members[picks[s] as number] as Member),
      })),
    }),
  );

/** Σ w·component / Σ w, from the profile's weights. */
function weighted(c: { fit: number; balance: number; skills: number; structure: number }, p: ScoringProfile) {
  const w = p.weights;
  return (
    (w.fit * c.fit + w.balance * c.balance + w.skills * c.skills + w.structure * c.structure) /
    (w.fit + w.balance + w.skills + w.structure)
  );
}

describe("score = max(0, Σ weight·component − Σ penalty of the listed violations)", () => {
  it.each([
    ["the default rules", strict],
    ["every rule soft", allSoft],
  ] as const)("holds for full, summary and scores (%s)", (_name, profile) => {
    let charged = 0;
    fc.assert(
      fc.property(teamArb, (team) => {
        const full = scoreTeam(team, profile);
        const [summary] = scoreTeamsSummary([team], profile, "summary");
        const [brief] = scoreTeamsSummary([team], profile, "scores");
        if (!summary || !brief) throw new Error("no answer");
        const listed = {
          full: full.violations.reduce((sum, v) => sum + v.penalty, 0),
          summary: summary.violations.reduce((sum, v) => sum + v.penalty, 0),
          // `scores` lists rule codes: a soft one costs its rule's penalty, a hard one nothing.
          scores: brief.violations.reduce(
            (sum, v) => sum + (v.severity === "soft" ? profile.rules[v.rule].penalty : 0),
            0,
          ),
        };
        if (listed.full > 0) charged++;
        for (const [detail, answer] of [
          ["full", full],
          ["summary", summary],
          ["scores", brief],
        ] as const) {
          const penalty = listed[detail];
          expect(answer.components.penalty, detail).toBeCloseTo(Math.min(1, penalty), 12);
          expect(answer.score, detail).toBeCloseTo(
            Math.max(0, weighted(answer.components, profile) - penalty),
            12,
          );
          expect(answer.feasible, detail).toBe(
            (detail === "scores" ? brief.violations : full.violations).every((v) => v.severity !== "hard"),
          );
        }
        expect(brief.violations.map((v) => v.rule)).toEqual(full.violations.map((v) => v.rule));
      }),
      { numRuns: RUNS },
    );
    // The property is about penalties: most teams must carry some.
    expect(charged).toBeGreaterThan(RUNS / 4);
  });
});

describe("a leading post listed twice", () => {
  it("is refused, naming the seat, by every scoring function", () => {
    const team: Team = {
      region: "R01",
      seats: ["party-secretary", "county-head", "party-secretary"].map((post, i) => ({
        post,
        member: members[i] as Member,
      })),
    };
    const seat2 = /seat 2: 'party-secretary' is a leading post already listed at seat 0/;
    expect(() => scoreTeam(team, strict)).toThrow(seat2);
    expect(() => scoreTeamsSummary([team], strict, "summary")).toThrow(seat2);
    expect(() => scoreTeamsSummary([team], strict, "scores")).toThrow(seat2);
  });
});
