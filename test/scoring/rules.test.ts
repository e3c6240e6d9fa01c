import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { FACTORS, type FactorRecord } from "../../scoring/factors";
import {
  isLocal,
  isMove,
  RULE_NAMES,
  ruleViolations,
  SEAT_RULES,
  seatViolations,
  TEAM_RULES,
  teamViolations,
} from "../../scoring/rules";
import {
  EDUCATION_ORDER,
  type Member,
  RANK_ORDER,
  type RuleId,
  type RuleSetting,
  type ScoringProfile,
  type Team,
  type Violation,
} from "../../scoring/types";

const REGION = "XJ03";
const OTHER = "XJ05";
const FAR = "XJ09";
const profile = defaultScoringProfile(2024);

/** The default profile with one rule's setting replaced (the original is left as it is). */
function withRule(rule: RuleId, setting: RuleSetting, base: ScoringProfile = profile): ScoringProfile {
  return { ...base, rules: { ...base.rules, [rule]: setting } };
}

function stens(overrides: Partial<FactorRecord> = {}): FactorRecord {
  return { ...(Object.fromEntries(FACTORS.map((f) => [f, 6])) as FactorRecord), ...overrides };
}

/**
 * A member who breaks no seat rule in any default post in REGION: from elsewhere, a full division-level
 * cadre with long service, six years in a deputy post in another county, and mid stens.
 */
function member(id: string, overrides: Partial<Member> = {}): Member {
  return {
    id,
    stens: stens(),
    birthRegion: FAR,
    growthRegion: FAR,
    currentRegion: OTHER,
    currentPost: "deputy-head",
    age: 45,
    gender: "male",
    education: "bachelor",
    rank: "division",
    yearsInPost: 6,
    yearsInLocality: 6,
    serviceYears: 20,
    grassrootsYears: 10,
    kin: [],
    ...overrides,
  };
}

/** A local cadre already holding `post` in REGION (not a move, counts as local). */
function stayingLocal(id: string, post: string, overrides: Partial<Member> = {}): Member {
  return member(id, {
    birthRegion: REGION,
    growthRegion: REGION,
    currentRegion: REGION,
    currentPost: post,
    ...overrides,
  });
}

const NINE_POSTS = [
  "party-secretary",
  "county-head",
  "deputy-secretary",
  "discipline-secretary",
  "organization-head",
  "political-legal-secretary",
  "propaganda-head",
  "executive-deputy-head",
  "deputy-head",
];
const FOURTEEN_POSTS = [
  ...NINE_POSTS,
  "deputy-head",
  "deputy-head",
  "deputy-head",
  "deputy-head",
  "deputy-head",
];
const AVOIDANCE_POSTS = Object.values(profile.posts)
  .filter((p) => p.avoidance)
  .map((p) => p.code);

function team(posts: readonly string[], members: readonly (Member | null)[]): Team {
  return { region: REGION, seats: posts.map((post, i) => ({ post, member: members[i] ?? null })) };
}

const post = (code: string) => {
  const p = profile.posts[code];
  if (!p) throw new Error(`no post ${code}`);
  return p;
};
const only = (vs: readonly Violation[], rule: RuleId) => vs.filter((v) => v.rule === rule);
const seatRules = (m: Member, code: string, p: ScoringProfile = profile, seat = 0) =>
  seatViolations(m, seat, post(code), REGION, p);

describe("seat rules are silent for a clean member", () => {
  it("a clean member breaks no rule in any default post", () => {
    for (const code of Object.keys(profile.posts)) expect(seatRules(member("C0001"), code)).toEqual([]);
  });
});

describe("R1 regional avoidance", () => {
  it("breaks when born in the region, naming the birth region", () => {
    const [v, ...rest] = only(seatRules(member("C0123", { birthRegion: REGION }), "party-secretary"), "R1");
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ rule: "R1", severity: "hard", seat: 0, post: "party-secretary" });
    expect(v?.memberIds).toEqual(["C0123"]);
    // Hard violations make the team infeasible; they subtract nothing from the score.
    expect(v?.penalty).toBe(0);
    expect(v?.message.zh).toBe("C0123 任 县委书记 (第1席) 出生地为本县 XJ03，违反地域回避 (R1)");
    expect(v?.message.en).toBe(
      "C0123 in seat 1 (County Party Secretary) was born in XJ03, the team's own region: regional avoidance (R1)",
    );
  });
  it("breaks when grown up in the region, naming the growth region", () => {
    const vs = only(seatRules(member("C0124", { growthRegion: REGION }), "discipline-secretary"), "R1");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.message.zh).toContain("成长地");
    expect(vs[0]?.message.en).toContain("grew up in XJ03");
  });
  it("gives one violation naming both when born and grown up there", () => {
    const m = member("C0125", { birthRegion: REGION, growthRegion: REGION });
    const vs = only(seatRules(m, "county-head"), "R1");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.message.zh).toContain("出生地和成长地");
    expect(vs[0]?.message.en).toContain("was born and grew up in XJ03");
  });
  it("is satisfied in a post without avoidance, or when from elsewhere, or when origin is unknown", () => {
    const local = member("C0126", { birthRegion: REGION, growthRegion: REGION });
    expect(only(seatRules(local, "deputy-head"), "R1")).toEqual([]);
    expect(only(seatRules(member("C0127"), "party-secretary"), "R1")).toEqual([]);
    const unknown = member("C0128", { birthRegion: null, growthRegion: undefined });
    expect(only(seatRules(unknown, "party-secretary"), "R1")).toEqual([]);
  });
});

describe("R4 ten years in one post", () => {
  const holder = (years: number | null) =>
    member("C0200", { currentPost: "county-head", currentRegion: REGION, yearsInPost: years });
  it("breaks at exactly 10 years in the same post here", () => {
    const vs = only(seatRules(holder(10), "county-head"), "R4");
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ severity: "hard", memberIds: ["C0200"] });
    expect(vs[0]?.message.zh).toContain("10 年");
    expect(vs[0]?.message.en).toContain("for 10 years");
  });
  it("is satisfied at 9.9 years, in another post, elsewhere, or with the years unknown", () => {
    expect(only(seatRules(holder(9.9), "county-head"), "R4")).toEqual([]);
    expect(only(seatRules(holder(12), "party-secretary"), "R4")).toEqual([]);
    const elsewhere = member("C0201", { currentPost: "county-head", currentRegion: OTHER, yearsInPost: 12 });
    expect(only(seatRules(elsewhere, "county-head"), "R4")).toEqual([]);
    expect(only(seatRules(holder(null), "county-head"), "R4")).toEqual([]);
  });
});

describe("R5 ten years in one locality", () => {
  const resident = (years: number) => member("C0300", { currentRegion: REGION, yearsInLocality: years });
  it("breaks at exactly 10 years in the region (soft by default)", () => {
    const vs = only(seatRules(resident(10), "deputy-head"), "R5");
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ severity: "soft", penalty: profile.rules.R5.penalty });
  });
  it("is satisfied at 9.9 years, or after 10 years somewhere else", () => {
    expect(only(seatRules(resident(9.9), "deputy-head"), "R5")).toEqual([]);
    const elsewhere = member("C0301", { currentRegion: OTHER, yearsInLocality: 15 });
    expect(only(seatRules(elsewhere, "deputy-head"), "R5")).toEqual([]);
  });
  it("becomes hard when the profile says so", () => {
    const hard = withRule("R5", { mode: "hard", penalty: 0.2 });
    expect(only(seatRules(resident(10), "deputy-head", hard), "R5")[0]?.severity).toBe("hard");
  });
});

describe("R6 promotion elsewhere", () => {
  it("breaks when promoted in the region the member serves in, or comes from", () => {
    const serving = member("C0400", { rank: "deputy-division", currentRegion: REGION });
    const vs = only(seatRules(serving, "party-secretary"), "R6");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.message.zh).toContain("现任职地");
    expect(vs[0]?.message.en).toContain("currently serves");
    const born = member("C0401", { rank: "section", growthRegion: REGION });
    expect(only(seatRules(born, "deputy-head"), "R6")).toHaveLength(1);
  });
  it("is satisfied when promoted in another county, or when not a promotion", () => {
    const promoted = member("C0402", { rank: "deputy-division" });
    expect(only(seatRules(promoted, "party-secretary"), "R6")).toEqual([]);
    const atRank = member("C0403", { rank: "division", currentRegion: REGION, birthRegion: REGION });
    expect(only(seatRules(atRank, "party-secretary"), "R6")).toEqual([]);
    const unknown = member("C0404", { rank: null, currentRegion: REGION });
    expect(only(seatRules(unknown, "party-secretary"), "R6")).toEqual([]);
  });
});

describe("R7 less than a full term", () => {
  const principal = (years: number) =>
    member("C0500", { currentPost: "party-secretary", currentRegion: OTHER, yearsInPost: years });
  const deputy = (years: number) =>
    member("C0501", { currentPost: "deputy-head", currentRegion: OTHER, yearsInPost: years });
  it("breaks for a principal moved after 4.9 years, a deputy after 2.9", () => {
    const vs = only(seatRules(principal(4.9), "county-head"), "R7");
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ severity: "soft", memberIds: ["C0500"] });
    expect(vs[0]?.message.zh).toContain("4.9");
    expect(vs[0]?.message.en).toContain("term of 5");
    expect(only(seatRules(deputy(2.9), "county-head"), "R7")).toHaveLength(1);
  });
  it("is satisfied after exactly one term (5 principal, 3 deputy)", () => {
    expect(only(seatRules(principal(5), "county-head"), "R7")).toEqual([]);
    expect(only(seatRules(deputy(3), "county-head"), "R7")).toEqual([]);
  });
  it("does not apply when staying in the same post, or with no current post", () => {
    const staying = member("C0502", { currentPost: "county-head", currentRegion: REGION, yearsInPost: 1 });
    expect(only(seatRules(staying, "county-head"), "R7")).toEqual([]);
    const reserve = member("C0503", { currentPost: null, yearsInPost: 1 });
    expect(only(seatRules(reserve, "county-head"), "R7")).toEqual([]);
  });
});

describe("R12 eligibility", () => {
  it("breaks for a rank two steps below the post, and is satisfied one step below", () => {
    const twoBelow = only(seatRules(member("C0600", { rank: "section" }), "party-secretary"), "R12");
    expect(twoBelow).toHaveLength(1);
    expect(twoBelow[0]?.message.zh).toContain("正科级");
    expect(twoBelow[0]?.message.en).toContain("one rank at a time");
    expect(only(seatRules(member("C0601", { rank: "deputy-division" }), "party-secretary"), "R12")).toEqual(
      [],
    );
  });
  it("breaks at 4.9 years of service and is satisfied at 5", () => {
    const vs = only(seatRules(member("C0602", { serviceYears: 4.9 }), "deputy-head"), "R12");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.message.en).toContain("4.9 years of service");
    expect(only(seatRules(member("C0603", { serviceYears: 5 }), "deputy-head"), "R12")).toEqual([]);
  });
  it("breaks at 1.9 grassroots years and is satisfied at 2", () => {
    const vs = only(seatRules(member("C0604", { grassrootsYears: 1.9 }), "deputy-head"), "R12");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.message.zh).toContain("基层");
    expect(only(seatRules(member("C0605", { grassrootsYears: 2 }), "deputy-head"), "R12")).toEqual([]);
  });
  it("breaks for high-school education and is satisfied by associate (大专)", () => {
    const vs = only(seatRules(member("C0606", { education: "high-school" }), "deputy-head"), "R12");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.message.zh).toContain("高中");
    expect(only(seatRules(member("C0607", { education: "associate" }), "deputy-head"), "R12")).toEqual([]);
  });
  it("gives one violation per failed criterion, and skips unknown facts", () => {
    const all = member("C0608", {
      rank: "deputy-section",
      serviceYears: 1,
      grassrootsYears: 0,
      education: "high-school",
    });
    expect(only(seatRules(all, "county-head"), "R12")).toHaveLength(4);
    const unknown = member("C0609", {
      rank: null,
      serviceYears: null,
      grassrootsYears: null,
      education: null,
    });
    expect(only(seatRules(unknown, "county-head"), "R12")).toEqual([]);
  });
});

describe("KO knock-outs", () => {
  it("breaks at C = 4 (C ≤ 4), naming the factor in both languages, and is satisfied at C = 5", () => {
    const vs = only(seatRules(member("C0700", { stens: stens({ C: 4 }) }), "deputy-head"), "KO");
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ severity: "soft", memberIds: ["C0700"] });
    expect(vs[0]?.message.zh).toContain("稳定性 (C) 标准分 4 ≤ 4");
    expect(vs[0]?.message.en).toContain("Emotional Stability (C) sten 4 ≤ 4");
    expect(only(seatRules(member("C0701", { stens: stens({ C: 5 }) }), "deputy-head"), "KO")).toEqual([]);
  });
  it("gives one violation per knock-out hit", () => {
    const m = member("C0702", { stens: stens({ C: 1, G: 4 }) });
    expect(only(seatRules(m, "deputy-head"), "KO").map((v) => v.message.en)).toEqual([
      expect.stringContaining("(C) sten 1"),
      expect.stringContaining("(G) sten 4"),
    ]);
  });
  it("applies a `gte` knock-out at the threshold and not below it", () => {
    const tense = {
      ...post("deputy-head"),
      knockouts: [{ factor: "Q4" as const, op: "gte" as const, value: 8 }],
    };
    const at = seatViolations(member("C0703", { stens: stens({ Q4: 8 }) }), 2, tense, REGION, profile);
    expect(only(at, "KO")).toHaveLength(1);
    expect(only(at, "KO")[0]?.message.zh).toContain("紧张性 (Q4) 标准分 8 ≥ 8");
    const below = seatViolations(member("C0704", { stens: stens({ Q4: 7 }) }), 2, tense, REGION, profile);
    expect(only(below, "KO")).toEqual([]);
  });
});

describe("R2 kin avoidance", () => {
  const posts = ["party-secretary", "county-head", "discipline-secretary"];
  it("breaks when one member lists another as kin, naming both ids and seats", () => {
    const t = team(posts, [member("C0800", { kin: ["C0802"] }), member("C0801"), member("C0802")]);
    const vs = only(teamViolations(t, profile), "R2");
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ severity: "hard", memberIds: ["C0800", "C0802"] });
    expect(vs[0]?.message.zh).toBe(
      "C0800 任 县委书记 (第1席) 与 C0802 任 纪委书记 (第3席) 互为亲属，违反亲属回避 (R2)",
    );
    expect(vs[0]?.message.en).toBe(
      "C0800 in seat 1 (County Party Secretary) and C0802 in seat 3 (Discipline Inspection Secretary) are kin: kin avoidance (R2)",
    );
  });
  it("counts a pair listed in both directions once", () => {
    const t = team(posts, [member("C0800", { kin: ["C0801"] }), member("C0801", { kin: ["C0800"] }), null]);
    expect(only(teamViolations(t, profile), "R2")).toHaveLength(1);
  });
  it("is satisfied when kin are outside the team or absent", () => {
    const t = team(posts, [member("C0800", { kin: ["C9999"] }), member("C0801"), member("C0802")]);
    expect(only(teamViolations(t, profile), "R2")).toEqual([]);
  });
});

/** A team of the given posts where the first `locals` members are local (staying) and the rest are not. */
function localTeam(posts: readonly string[], locals: number): Team {
  return team(
    posts,
    posts.map((p, i) =>
      i < locals
        ? stayingLocal(`L${i}`, p)
        : member(`N${i}`, { currentPost: p, currentRegion: REGION, birthRegion: FAR, growthRegion: FAR }),
    ),
  );
}

describe("R10 local share", () => {
  it.each([
    { n: 9, posts: NINE_POSTS, needed: 3 },
    { n: 14, posts: FOURTEEN_POSTS, needed: 5 },
  ])("with n = $n, exactly ⌈n/3⌉ = $needed locals satisfy and one fewer breaks", ({ posts, needed }) => {
    expect(only(teamViolations(localTeam(posts, needed), profile), "R10")).toEqual([]);
    const vs = only(teamViolations(localTeam(posts, needed - 1), profile), "R10");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.severity).toBe("hard");
    expect(vs[0]?.message.en).toContain(`fewer than ⌈${posts.length}/3⌉ = ${needed}`);
    expect(vs[0]?.memberIds).toHaveLength(needed - 1);
  });
  it("counts only filled seats", () => {
    const t = localTeam(NINE_POSTS, 1);
    const three = { ...t, seats: t.seats.map((s, i) => (i < 3 ? s : { ...s, member: null })) };
    expect(only(teamViolations(three, profile), "R10")).toEqual([]);
    expect(teamViolations({ region: REGION, seats: [] }, profile)).toEqual([]);
  });
  it("reports a certain breach and mentions members whose origin is unknown", () => {
    const posts = ["deputy-head", "deputy-head", "deputy-head", "deputy-head"];
    const unknown = member("C1", { birthRegion: null, growthRegion: null });
    const t = team(posts, [unknown, member("C2"), member("C3"), member("C4")]);
    // ⌈4/3⌉ = 2 locals needed: none known, and the one unknown could make at most 1.
    const vs = only(teamViolations(t, profile), "R10");
    expect(vs[0]?.message.en).toContain("1 member(s) have no known birth or growth region");
  });

  it("does not report what unknown origins could still satisfy", () => {
    const posts = ["deputy-head", "deputy-head", "deputy-head"];
    const unknown = member("C1", { birthRegion: null, growthRegion: null });
    // ⌈3/3⌉ = 1 local needed; the member of unknown origin may be that one.
    expect(only(teamViolations(team(posts, [unknown, member("C2"), member("C3")]), profile), "R10")).toEqual(
      [],
    );
  });
});

/** A team of the given posts where the seats listed in `moved` are filled by moved members, the rest staying. */
function movedTeam(posts: readonly string[], moved: readonly number[]): Team {
  return team(
    posts,
    posts.map((p, i) => (moved.includes(i) ? member(`M${i}`) : stayingLocal(`S${i}`, p))),
  );
}

describe("R11 moves per round", () => {
  it("(a) breaks when both leading principals are moved, naming both", () => {
    const vs = only(teamViolations(movedTeam(NINE_POSTS, [0, 1]), profile), "R11");
    expect(vs).toHaveLength(1);
    expect(vs[0]).toMatchObject({ severity: "soft", memberIds: ["M0", "M1"] });
    expect(vs[0]?.message.zh).toContain("县委书记");
    expect(vs[0]?.message.zh).toContain("县长");
    expect(vs[0]?.message.en).toContain("both moved");
  });
  it("(a) is satisfied when only one of the leading pair is moved", () => {
    expect(only(teamViolations(movedTeam(NINE_POSTS, [0, 2, 3]), profile), "R11")).toEqual([]);
  });
  it.each([
    { n: 9, posts: NINE_POSTS, allowed: 3 },
    { n: 14, posts: FOURTEEN_POSTS, allowed: 4 },
  ])("(b) with n = $n, $allowed moved satisfy and one more breaks", ({ posts, allowed }) => {
    const seats = (k: number) => Array.from({ length: k }, (_, i) => i + 1);
    expect(only(teamViolations(movedTeam(posts, seats(allowed)), profile), "R11")).toEqual([]);
    const vs = only(teamViolations(movedTeam(posts, seats(allowed + 1)), profile), "R11");
    expect(vs).toHaveLength(1);
    expect(vs[0]?.memberIds).toHaveLength(allowed + 1);
    expect(vs[0]?.message.en).toContain(`moves ${allowed + 1} of ${posts.length}`);
  });
  it("(a) and (b) can both fire", () => {
    expect(only(teamViolations(movedTeam(NINE_POSTS, [0, 1, 2, 3]), profile), "R11")).toHaveLength(2);
  });
});

describe("isMove and isLocal", () => {
  it("a move is anything but holding the same post in the same region", () => {
    const m = member("C1", { currentPost: "county-head", currentRegion: REGION });
    expect(isMove(m, "county-head", REGION)).toBe(false);
    expect(isMove(m, "party-secretary", REGION)).toBe(true);
    expect(isMove(m, "county-head", OTHER)).toBe(true);
    expect(isMove(member("C2", { currentPost: null }), "county-head", REGION)).toBe(true);
  });
  it("local means born or grown up there (current region does not count)", () => {
    expect(isLocal(member("C1", { birthRegion: REGION }), REGION)).toBe(true);
    expect(isLocal(member("C2", { growthRegion: REGION }), REGION)).toBe(true);
    expect(isLocal(member("C3", { currentRegion: REGION }), REGION)).toBe(false);
    expect(isLocal(member("C4", { birthRegion: null, growthRegion: null }), REGION)).toBe(false);
  });
});

describe("modes, messages and order", () => {
  const breaker = member("C0900", { birthRegion: REGION });
  it("severity and penalty follow the profile; off produces nothing", () => {
    const soft = withRule("R1", { mode: "soft", penalty: 0.42 });
    expect(only(seatRules(breaker, "party-secretary", soft), "R1")[0]).toMatchObject({
      severity: "soft",
      penalty: 0.42,
    });
    const off = withRule("R1", { mode: "off", penalty: 0.42 });
    expect(only(seatRules(breaker, "party-secretary", off), "R1")).toEqual([]);
    const kin = team(["deputy-head", "deputy-head"], [member("A", { kin: ["B"] }), member("B")]);
    expect(only(teamViolations(kin, withRule("R2", { mode: "soft", penalty: 0.1 })), "R2")[0]?.severity).toBe(
      "soft",
    );
    expect(only(teamViolations(kin, withRule("R2", { mode: "off", penalty: 0.1 })), "R2")).toEqual([]);
    expect(
      only(teamViolations(localTeam(NINE_POSTS, 0), withRule("R10", { mode: "off", penalty: 0 })), "R10"),
    ).toEqual([]);
    expect(
      only(
        teamViolations(movedTeam(NINE_POSTS, [0, 1]), withRule("R11", { mode: "hard", penalty: 0 })),
        "R11",
      )[0]?.severity,
    ).toBe("hard");
  });

  it("every seat message names the member id and the seat's post in both languages, never a name", () => {
    const named = {
      ...member("C0901", {
        birthRegion: REGION,
        currentRegion: REGION,
        rank: "section",
        yearsInLocality: 11,
        serviceYears: 1,
        grassrootsYears: 0,
        education: "high-school",
        stens: stens({ C: 2, G: 3 }),
      }),
      name: "张三丰",
    } as Member;
    const vs = seatRules(named, "organization-head", profile, 4);
    expect(new Set(vs.map((v) => v.rule))).toEqual(new Set(["R1", "R5", "R6", "R12", "KO"]));
    for (const v of vs) {
      expect(v.seat).toBe(4);
      expect(v.post).toBe("organization-head");
      expect(v.message.zh).toContain("C0901");
      expect(v.message.en).toContain("C0901");
      expect(v.message.zh).toContain("组织部长 (第5席)");
      expect(v.message.en).toContain("seat 5 (Organization Department Head)");
      expect(v.message.zh).toContain(`${RULE_NAMES[v.rule].zh} (${v.rule})`);
      expect(v.message.en).toContain(`${RULE_NAMES[v.rule].en} (${v.rule})`);
      expect(`${v.message.zh}${v.message.en}`).not.toContain("张三丰");
    }
  });

  it("orders seat violations by seat then rule, then the team rules; inputs are not mutated", () => {
    const a = member("A", { birthRegion: REGION, rank: "section", stens: stens({ C: 3 }), kin: ["B"] });
    const b = member("B", { currentRegion: REGION, yearsInLocality: 12, education: "high-school" });
    const t = team(["party-secretary", "county-head", "deputy-head"], [null, a, b]);
    const before = structuredClone(t);
    const profileBefore = structuredClone(profile);
    const vs = ruleViolations(t, profile);
    expect(vs.map((v) => `${v.seat ?? "-"}:${v.rule}`)).toEqual([
      "1:R1",
      "1:R6",
      "1:R12",
      "1:KO",
      "2:R5",
      "2:R12",
      "-:R2",
      "-:R11",
    ]);
    const order = [...SEAT_RULES, ...TEAM_RULES];
    for (const v of vs) expect(order).toContain(v.rule);
    expect(t).toEqual(before);
    expect(profile).toEqual(profileBefore);
    expect(ruleViolations(t, profile)).toEqual(vs);
  });

  it("an unknown post is an error", () => {
    expect(() => ruleViolations(team(["mayor"], [member("C1")]), profile)).toThrow(/unknown post "mayor"/);
  });
});

// ---- property tests ---------------------------------------------------------------------------

const POST_CODES = Object.keys(profile.posts);
const regionArb = fc.constantFrom<string | null>(REGION, OTHER, FAR, null);
const yearsArb = fc.option(fc.double({ min: 0, max: 15, noNaN: true }), { nil: null });
const memberArb = fc.record({
  stens: fc.record(
    Object.fromEntries(FACTORS.map((f) => [f, fc.integer({ min: 1, max: 10 })])) as Record<
      keyof FactorRecord,
      fc.Arbitrary<number>
    >,
  ),
  birthRegion: regionArb,
  growthRegion: regionArb,
  currentRegion: regionArb,
  currentPost: fc.option(fc.constantFrom(...POST_CODES), { nil: null }),
  rank: fc.option(fc.constantFrom(...RANK_ORDER), { nil: null }),
  education: fc.option(fc.constantFrom(...EDUCATION_ORDER), { nil: null }),
  yearsInPost: yearsArb,
  yearsInLocality: yearsArb,
  serviceYears: yearsArb,
  grassrootsYears: yearsArb,
});
/** A random team of 2–15 seats, with ids C0…; some seats vacant; random kin links inside the team. */
const teamArb = fc
  .array(
    fc.record({
      post: fc.constantFrom(...POST_CODES),
      member: fc.option(memberArb, { freq: 6, nil: null }),
      kinOf: fc.array(fc.nat(14), { maxLength: 2 }),
    }),
    { minLength: 2, maxLength: 15 },
  )
  .map(
    (seats): Team => ({
      region: REGION,
      seats: seats.map((s, i) => ({
        post: s.post,
        member: s.member
          ? { ...s.member, id: `C${i}`, kin: s.kinOf.filter((k) => k !== i).map((k) => `C${k}`) }
          : null,
      })),
    }),
  );

const key = (v: Violation) => `${v.rule}|${[...v.memberIds].sort().join(",")}|${v.post ?? ""}`;

describe("properties", () => {
  it("adding a kin pair between two members of any team yields an R2 violation naming both", () => {
    fc.assert(
      fc.property(teamArb, fc.nat(), fc.nat(), (t, x, y) => {
        const filled = t.seats.flatMap((s, i) => (s.member ? [i] : []));
        fc.pre(filled.length >= 2);
        const i = filled[x % filled.length]!;
        const j = filled[(x + 1 + (y % (filled.length - 1))) % filled.length]!;
        const a = t.seats[i]!.member!;
        const b = t.seats[j]!.member!;
        const seats = t.seats.map((s, k) =>
          k === i ? { ...s, member: { ...a, kin: [...(a.kin ?? []), b.id] } } : s,
        );
        const vs = only(ruleViolations({ ...t, seats }, profile), "R2");
        const pair = vs.filter((v) => v.memberIds.includes(a.id) && v.memberIds.includes(b.id));
        expect(pair).toHaveLength(1);
        expect(pair[0]?.severity).toBe("hard");
        expect(pair[0]?.message.zh).toContain(a.id);
        expect(pair[0]?.message.en).toContain(b.id);
      }),
    );
  });

  it("making any member of an avoidance seat born in the team's region yields R1", () => {
    fc.assert(
      fc.property(teamArb, fc.nat(), fc.constantFrom(...AVOIDANCE_POSTS), memberArb, (t, x, code, m) => {
        const seat = x % t.seats.length;
        const breaker: Member = { ...m, id: "BREAKER", birthRegion: REGION };
        const seats = t.seats.map((s, k) => (k === seat ? { post: code, member: breaker } : s));
        const vs = only(ruleViolations({ ...t, seats }, profile), "R1");
        const mine = vs.filter((v) => v.seat === seat);
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ severity: "hard", memberIds: ["BREAKER"], post: code });
      }),
    );
  });

  it("permuting the seats changes the violations only in their seat indices", () => {
    fc.assert(
      fc.property(
        teamArb.chain((t) =>
          fc.tuple(fc.constant(t), fc.shuffledSubarray([...t.seats.keys()], { minLength: t.seats.length })),
        ),
        ([t, order]) => {
          const permuted: Team = { ...t, seats: order.map((k) => t.seats[k]!) };
          const original = ruleViolations(t, profile);
          const shuffled = ruleViolations(permuted, profile);
          expect(shuffled.map(key).sort()).toEqual(original.map(key).sort());
          for (const v of shuffled) {
            if (v.seat === undefined) continue;
            expect(permuted.seats[v.seat]?.member?.id).toBe(v.memberIds[0]);
          }
        },
      ),
    );
  });
});
