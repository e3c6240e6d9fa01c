import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { Evaluator, TeamState } from "../../scoring/evaluate";
import { prepare } from "../../scoring/prepare";
import { createRng } from "../../scoring/random";
import { scoreTeam } from "../../scoring/score-team";
import { NINE_POSTS, randomPool, teamFrom } from "./fixtures";

const profile = defaultScoringProfile(2026);
const FIELDS = [
  "score",
  "fit",
  "balance",
  "skills",
  "structure",
  "penalty",
  "diversity",
  "coverage",
  "health",
  "conflict",
  "teamSkills",
  "seatSkills",
] as const;

function expectSameBreakdown(a: Record<string, unknown>, b: Record<string, unknown>) {
  for (const field of FIELDS) expect(a[field] as number).toBeCloseTo(b[field] as number, 9);
  expect(a.feasible).toBe(b.feasible);
  expect(a.hard).toBe(b.hard);
  if (a.leadingPair === null) expect(b.leadingPair).toBeNull();
  else expect(a.leadingPair as number).toBeCloseTo(b.leadingPair as number, 9);
}

describe("delta evaluation agrees with full evaluation", () => {
  it.each([1, 2, 3, 4, 5])("replacements and swaps over a random pool (seed %i)", (seed) => {
    const pool = randomPool(seed, 40);
    const prep = prepare({ profile, region: "R01", seats: [...NINE_POSTS], candidates: pool });
    const full = new Evaluator(prep);
    const rng = createRng(seed * 101);
    const state = new TeamState(
      prep,
      Int32Array.from(NINE_POSTS, (_, i) => i),
    );
    expectSameBreakdown({ ...state.current }, { ...full.evaluate(state.team) });
    for (let step = 0; step < 200; step++) {
      if (rng.next() < 0.5) {
        const s = rng.int(prep.nSeats);
        let c = rng.int(prep.nCandidates);
        while (state.seatOfCandidate(c) >= 0) c = rng.int(prep.nCandidates);
        const trial = { ...state.tryReplace(s, c) };
        const team = Int32Array.from(state.team);
        team[s] = c;
        expectSameBreakdown(trial, { ...full.evaluate(team) });
        if (rng.next() < 0.3) {
          state.replace(s, c);
          expectSameBreakdown({ ...state.current }, trial);
        }
      } else {
        const a = rng.int(prep.nSeats);
        const b = (a + 1 + rng.int(prep.nSeats - 1)) % prep.nSeats;
        const trial = { ...state.trySwap(a, b) };
        const team = Int32Array.from(state.team);
        [team[a], team[b]] = [team[b] as number, team[a] as number];
        expectSameBreakdown(trial, { ...full.evaluate(team) });
        if (rng.next() < 0.3) state.swap(a, b);
      }
    }
  });

  it("handles a team with two identical profiles (singular kernel) without NaN", () => {
    const pool = randomPool(9, 12);
    pool[1] = { ...pool[1]!, stens: { ...pool[0]!.stens } };
    const prep = prepare({ profile, region: "R01", seats: [...NINE_POSTS], candidates: pool });
    const state = new TeamState(
      prep,
      Int32Array.from(NINE_POSTS, (_, i) => i),
    );
    expect(state.current.diversity).toBe(0);
    const trial = { ...state.tryReplace(1, 10) };
    const team = Int32Array.from(state.team);
    team[1] = 10;
    expectSameBreakdown(trial, { ...new Evaluator(prep).evaluate(team) });
    expect(Number.isFinite(trial.score)).toBe(true);
  });
});

describe("scoreTeam", () => {
  it("reports the evaluator's numbers and violations consistent with feasibility and penalty", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const pool = randomPool(seed, 9);
      const team = teamFrom(pool, NINE_POSTS);
      const score = scoreTeam(team, profile);
      const prep = prepare({ profile, region: team.region, seats: [...NINE_POSTS], candidates: pool });
      const b = new Evaluator(prep).evaluate(Int32Array.from(NINE_POSTS, (_, i) => i));
      expect(score.score).toBeCloseTo(b.score, 12);
      const hard = score.violations.filter((v) => v.severity === "hard");
      expect(score.feasible).toBe(hard.length === 0);
      const soft = score.violations
        .filter((v) => v.severity === "soft")
        .reduce((sum, v) => sum + v.penalty, 0);
      expect(score.components.penalty).toBeCloseTo(Math.min(1, soft), 12);
      expect(score.seats.map((s) => s.memberId)).toEqual(pool.map((m) => m.id));
    }
  });

  it("counts a vacant seat as zero fit and says so", () => {
    const pool = randomPool(3, 9);
    const full = scoreTeam(teamFrom(pool, NINE_POSTS), profile);
    const team = teamFrom(pool, NINE_POSTS);
    const vacant = { ...team, seats: team.seats.map((s, i) => (i === 8 ? { ...s, member: null } : s)) };
    const score = scoreTeam(vacant, profile);
    expect(score.vacancies).toBe(1);
    expect(score.seats[8]?.fit).toBeNull();
    expect(score.components.fit).toBeLessThan(full.components.fit);
    expect(score.summary.en).toContain("1 vacant seat");
  });
});

const seedArb = fc.integer({ min: 1, max: 1_000_000 });

describe("properties", () => {
  it("permuting the seats' listing order leaves the score unchanged", () => {
    fc.assert(
      fc.property(seedArb, fc.array(fc.nat(), { minLength: 9, maxLength: 9 }), (seed, keys) => {
        const pool = randomPool(seed, 9);
        const team = teamFrom(pool, NINE_POSTS);
        const order = keys
          .map((k, i) => [k, i] as const)
          .sort((a, b) => a[0] - b[0] || a[1] - b[1])
          .map(([, i]) => i);
        const permuted = { ...team, seats: order.map((i) => team.seats[i]!) };
        const a = scoreTeam(team, profile);
        const b = scoreTeam(permuted, profile);
        expect(b.score).toBeCloseTo(a.score, 9);
        expect(b.feasible).toBe(a.feasible);
        expect(b.violations.map((v) => v.rule).sort()).toEqual(a.violations.map((v) => v.rule).sort());
      }),
      { numRuns: 100 },
    );
  });

  it("keeps every score and component in [0, 1]", () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const score = scoreTeam(teamFrom(randomPool(seed, 9), NINE_POSTS), profile);
        for (const value of [score.score, ...Object.values(score.components)]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("raising a member's fit never lowers the fit component", () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 8 }), (seed, seat) => {
        const pool = randomPool(seed, 9);
        const team = teamFrom(pool, NINE_POSTS);
        const before = scoreTeam(team, profile);
        // Move every sten of one member to the nearest value inside the post's ideal range.
        const ideal = profile.posts[NINE_POSTS[seat]!]!.idealProfile;
        const member = pool[seat]!;
        const stens = { ...member.stens };
        for (const [factor, range] of Object.entries(ideal)) {
          const key = factor as keyof typeof stens;
          stens[key] = Math.min(range.max, Math.max(range.min, stens[key]));
        }
        const improved = {
          ...team,
          seats: team.seats.map((s, i) => (i === seat ? { ...s, member: { ...member, stens } } : s)),
        };
        const after = scoreTeam(improved, profile);
        expect(after.seats[seat]!.fit!).toBeGreaterThanOrEqual(before.seats[seat]!.fit!);
        expect(after.components.fit).toBeGreaterThanOrEqual(before.components.fit - 1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it("adding a kin pair makes any team infeasible with R2 named", () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (seed, a, offset) => {
          const pool = randomPool(seed, 9).map((m) => ({ ...m, kin: [] as string[] }));
          const b = (a + offset) % 9;
          pool[a] = { ...pool[a]!, kin: [pool[b]!.id] };
          const score = scoreTeam(teamFrom(pool, NINE_POSTS), profile);
          expect(score.feasible).toBe(false);
          const r2 = score.violations.filter((v) => v.rule === "R2");
          expect(r2).toHaveLength(1);
          expect(r2[0]!.memberIds.sort()).toEqual([pool[a]!.id, pool[b]!.id].sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a regional-avoidance breach makes any team infeasible with R1 named", () => {
    const avoidanceSeats = NINE_POSTS.flatMap((post, i) => (profile.posts[post]!.avoidance ? [i] : []));
    fc.assert(
      fc.property(seedArb, fc.constantFrom(...avoidanceSeats), fc.boolean(), (seed, seat, byBirth) => {
        const pool = randomPool(seed, 9);
        const member = pool[seat]!;
        pool[seat] = byBirth ? { ...member, birthRegion: "R01" } : { ...member, growthRegion: "R01" };
        const score = scoreTeam(teamFrom(pool, NINE_POSTS, "R01"), profile);
        expect(score.feasible).toBe(false);
        expect(
          score.violations.some((v) => v.rule === "R1" && v.seat === seat && v.memberIds.includes(member.id)),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
