/**
 * A vacancy never raises a score (issue 14). The property proven here, for random teams of
 * demo-like members (`randomPool`), under the default rules and with every rule soft:
 *
 *   for every team T and member m of T, with T − m the team with m's seat left vacant,
 *   (a) fit, balance, skills and structure of T − m are each at most T's, and
 *   (b) score(T − m) ≤ score(T) + the penalties of T's soft violations that are m's own: those
 *       naming m (seat rules, kin pairs, moves), and R10 when m is known not to be local (a
 *       non-local member counts against the local share; without them the share may be met).
 *
 * (b) cannot hold without the exception: removing a member who breaks a rule rightly lifts that
 * rule's penalty. Nothing else may: every part of the score treats a vacancy as the worst member.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { isLocal, knowsOrigin } from "../../scoring/rules";
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
const pool = randomPool(14, 60);
/** Half the members with some facts unknown: unknown must count as not met, never as met. */
const members: Member[] = pool.map((m, i) =>
  i % 2 === 0 ? m : { ...m, age: i % 3 ? m.age : null, gender: i % 5 ? m.gender : null, education: null },
);
const RUNS = 400;

const teamArb = fc
  .record({
    picks: fc.uniqueArray(fc.integer({ min: 0, max: members.length - 1 }), {
      minLength: NINE_POSTS.length,
      maxLength: NINE_POSTS.length,
    }),
    vacant: fc.array(fc.boolean(), { minLength: NINE_POSTS.length, maxLength: NINE_POSTS.length }),
    region: fc.constantFrom("R01", "R02", "R03"),
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

/** T with seat s left vacant. */
const without = (team: Team, s: number): Team => ({
  ...team,
  seats: team.seats.map((seat, i) => (i === s ? { ...seat, member: null } : seat)),
});

/** The penalties of T's soft violations that are m's own (see the header). */
function ownPenalty(team: Team, member: Member, profile: ScoringProfile): number {
  const { violations } = scoreTeam(team, profile);
  const notLocal = knowsOrigin(member) && !isLocal(member, team.region);
  return violations
    .filter((v) => v.memberIds.includes(member.id) || (v.rule === "R10" && notLocal))
    .reduce((sum, v) => sum + v.penalty, 0);
}

describe("a vacancy never raises a score", () => {
  it.each([
    ["the default rules", strict],
    ["every rule soft", allSoft],
  ] as const)(
    "removing any member lowers no part, and the score by no more than m's own penalties (%s)",
    (_name, profile) => {
      let removals = 0;
      fc.assert(
        fc.property(teamArb, (team) => {
          const before = scoreTeam(team, profile);
          team.seats.forEach((seat, s) => {
            if (!seat.member) return;
            removals++;
            const after = scoreTeam(without(team, s), profile);
            for (const part of ["fit", "balance", "skills", "structure"] as const)
              expect(after.components[part]).toBeLessThanOrEqual(before.components[part] + 1e-12);
            expect(after.score).toBeLessThanOrEqual(
              before.score + ownPenalty(team, seat.member, profile) + 1e-12,
            );
          });
        }),
        { numRuns: RUNS },
      );
      expect(removals).toBeGreaterThan(RUNS * 3);
    },
  );

  it("an all-vacant team scores 0 and meets no structure target", () => {
    for (const seats of [4, NINE_POSTS.length]) {
      const team: Team = {
        region: "R01",
        seats: NINE_POSTS.slice(0, seats).map((post) => ({ post, member: null })),
      };
      const full = scoreTeam(team, strict);
      expect(full.score).toBe(0);
      expect(full.components).toMatchObject({ fit: 0, skills: 0, structure: 0 });
      expect(full.balance).toMatchObject({ diversity: 0, coverage: 0, health: 0 });
      expect(scoreTeamsSummary([team], strict, "scores")[0]?.score).toBe(0);
    }
  });

  it("structure: unknown facts count as not met", () => {
    const team: Team = {
      region: "R01",
      seats: NINE_POSTS.map((post, i) => ({ post, member: pool[i] as Member })),
    };
    const known = scoreTeam(team, strict).components.structure;
    const unknown = scoreTeam(
      {
        ...team,
        seats: team.seats.map((s) => ({
          ...s,
          member: { ...(s.member as Member), age: null, gender: null, education: null },
        })),
      },
      strict,
    ).components.structure;
    expect(unknown).toBe(0);
    expect(known).toBeGreaterThan(0);
  });
});
