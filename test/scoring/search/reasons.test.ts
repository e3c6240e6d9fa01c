import { describe, expect, it } from "vitest";
import { seatCharges } from "../../../scoring/rules";
import { suggest } from "../../../scoring/search/suggest";
import type { SuggestProblem } from "../../../scoring/search/types";
import type { Member, ScoringProfile } from "../../../scoring/types";
import { randomPool } from "../fixtures";
import { instance, profile, REGION } from "./helpers";

/** Pool members who pass every hard seat rule for `seat` (R12 facts made generous). */
function eligibleFor(problem: SuggestProblem, seat: number, members: Member[]): Member[] {
  const post = profile.posts[problem.seats[seat]?.post as string];
  if (!post) throw new Error("post");
  return members.filter((m) => seatCharges(m, seat, post, REGION, profile).hard === 0);
}

const generous = (m: Member): Member => ({
  ...m,
  serviceYears: 20,
  grassrootsYears: 10,
  education: "master",
  rank: "deputy-division",
  kin: [],
});

describe("infeasible requests", () => {
  it("names a vacancy that every candidate is excluded from, and the rules that exclude them", () => {
    const problem = instance(3, [0, 7], 0);
    const pool = randomPool(3, 30).map((m) => ({ ...generous(m), birthRegion: REGION }));
    const outcome = suggest({ ...problem, pool });
    expect(outcome.status).toBe("infeasible");
    expect(outcome.suggestions).toEqual([]);
    const reason = outcome.reasons?.find((r) => r.seat === 0);
    expect(reason?.rule).toBe("R1");
    expect(reason?.message.zh).toContain("县委书记 (第1席)");
    expect(reason?.message.zh).toContain("30 名候选人");
    expect(reason?.message.en).toContain("seat 1 (County Party Secretary)");
    expect(outcome.reasons?.some((r) => r.seat === 7)).toBe(false);
  });

  it("says so when the pool is empty", () => {
    const outcome = suggest(instance(4, [7], 0));
    expect(outcome.status).toBe("infeasible");
    expect(outcome.reasons?.[0]?.rule).toBe("pool");
    expect(outcome.reasons?.[0]?.message.en).toMatch(/pool is empty/);
  });

  it("says so when fewer distinct candidates than vacancies are eligible", () => {
    const problem = instance(5, [6, 7, 8], 0);
    const pool = eligibleFor(problem, 7, randomPool(5, 40).map(generous)).slice(0, 2);
    const outcome = suggest({ ...problem, pool });
    expect(outcome.status).toBe("infeasible");
    expect(outcome.reasons?.[0]?.rule).toBe("pool");
    expect(outcome.reasons?.[0]?.message.zh).toContain("常务副县长 (第7席)");
  });

  it("names R10 when the local share cannot be reached", () => {
    const problem = instance(6, [5, 6, 7, 8], 0);
    const nonLocal = (m: Member): Member => ({ ...m, birthRegion: "R09", growthRegion: "R09" });
    const seats = problem.seats.map((s) => (s.locked ? { ...s, locked: nonLocal(s.locked) } : s));
    const pool = randomPool(6, 40).map((m) => nonLocal(generous(m)));
    const outcome = suggest({ ...problem, seats, pool });
    expect(outcome.status).toBe("infeasible");
    const reason = outcome.reasons?.find((r) => r.rule === "R10");
    expect(reason?.message.zh).toContain("本地干部至少 3 人");
    expect(reason?.message.en).toContain("at least 3 local cadres");
  });

  it("names a locked member who breaks a hard rule in their seat", () => {
    const problem = instance(7, [7, 8], 20);
    const local = { ...(problem.seats[0]?.locked as Member), birthRegion: REGION };
    const seats = problem.seats.map((s, i) => (i === 0 ? { ...s, locked: local } : s));
    const outcome = suggest({ ...problem, seats });
    expect(outcome.status).toBe("infeasible");
    expect(outcome.reasons?.[0]).toMatchObject({ rule: "R1", seat: 0, memberIds: [local.id] });
  });

  it("names locked kin", () => {
    const problem = instance(8, [7, 8], 20);
    const a = problem.seats[0]?.locked as Member;
    const b = problem.seats[1]?.locked as Member;
    const seats = problem.seats.map((s, i) => (i === 0 ? { ...s, locked: { ...a, kin: [b.id] } } : s));
    const outcome = suggest({ ...problem, seats });
    expect(outcome.status).toBe("infeasible");
    expect(outcome.reasons?.[0]).toMatchObject({ rule: "R2", memberIds: [a.id, b.id] });
  });

  it("proves by search when only a combination of rules is to blame (kin filling twin seats)", () => {
    const noLocalShare: ScoringProfile = {
      ...profile,
      rules: { ...profile.rules, R10: { mode: "off", penalty: 0 } },
    };
    const base = instance(9, [7, 8], 0);
    const [x, y] = eligibleFor(base, 7, randomPool(9, 40).map(generous));
    if (!x || !y) throw new Error("fixture");
    const pool = [
      { ...x, kin: [y.id] },
      { ...y, kin: [] },
    ];
    const outcome = suggest({ ...base, profile: noLocalShare, pool });
    expect(outcome.status).toBe("infeasible");
    expect(outcome.reasons?.[0]?.rule).toBe("combination");
    expect(outcome.reasons?.[0]?.message.en).toMatch(/Exhaustive search proves/);
  });

  it("names R11 when hard and too many members would have to move", () => {
    const strict: ScoringProfile = {
      ...profile,
      rules: { ...profile.rules, R11: { mode: "hard", penalty: 0 } },
    };
    const problem = instance(10, [2, 3, 5, 6, 7, 8], 0);
    const pool = randomPool(10, 60).map((m) => ({ ...generous(m), currentPost: null }));
    const outcome = suggest({ ...problem, profile: strict, pool });
    expect(outcome.status).toBe("infeasible");
    expect(outcome.reasons?.some((r) => r.rule === "R11")).toBe(true);
  });
});
