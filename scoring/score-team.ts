/**
 * Scoring one team with its reasons: the same numbers as the fast evaluator (`evaluate.ts`), plus
 * what a person needs to defend them — per-seat fit with the factors that cost the most, each
 * member's derived factors, the temperaments covered and by whom, conflict pairs, skills missing,
 * structure figures and every violated rule, in Chinese and English.
 */
import { type DerivedFactors, deriveFactors } from "./derived";
import { Evaluator } from "./evaluate";
import { FACTOR_INFO, type FactorCode } from "./factors";
import { personPostFit } from "./fit";
import { prepare } from "./prepare";
import { ruleViolations } from "./rules";
import type { Member, ScoringProfile, Team, Text, Violation } from "./types";
import { EDUCATION_ORDER } from "./types";

export interface SeatScore {
  seat: number;
  post: string;
  postName: Text;
  memberId: string | null;
  /** Person–post fit in [0, 1]; null for a vacant seat. */
  fit: number | null;
  /** Factors outside the post's ideal range, most costly first (share of the Mahalanobis D²). */
  costliest: { factor: FactorCode; name: Text; sten: number; min: number; max: number; share: number }[];
  derived: DerivedFactors | null;
}

export interface TeamScore {
  score: number;
  feasible: boolean;
  profileVersion: number;
  components: { fit: number; balance: number; skills: number; structure: number; penalty: number };
  balance: {
    diversity: number;
    coverage: number;
    health: number;
    conflict: number;
    leadingPair: number | null;
    temperaments: { code: string; name: Text; members: string[] }[];
    conflictPairs: { factor: "E" | "L"; members: [string, string] }[];
  };
  skills: { team: number; seats: number; missing: string[] };
  structure: {
    score: number;
    averageAge: number | null;
    universityShare: number | null;
    women: number | null;
    under45: number | null;
  };
  vacancies: number;
  seats: SeatScore[];
  violations: Violation[];
  summary: Text;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Scores a team against a scoring profile. Throws a RangeError for an unknown post or a member seated twice. */
export function scoreTeam(team: Team, profile: ScoringProfile): TeamScore {
  const candidates: Member[] = [];
  const assignment = new Int32Array(team.seats.length).fill(-1);
  const seen = new Map<string, number>();
  team.seats.forEach((seat, i) => {
    if (!seat.member) return;
    if (seen.has(seat.member.id))
      throw new RangeError(
        `seat ${i}: member '${seat.member.id}' already holds seat ${seen.get(seat.member.id)}`,
      );
    seen.set(seat.member.id, i);
    assignment[i] = candidates.length;
    candidates.push(seat.member);
  });
  const prep = prepare({ profile, region: team.region, seats: team.seats.map((s) => s.post), candidates });
  const b = new Evaluator(prep).evaluate(assignment);
  const members = candidates;
  const { balance } = profile;

  const seats: SeatScore[] = team.seats.map((seat, i) => {
    const post = prep.posts[i]!;
    const postName = { zh: post.name, en: post.nameEn };
    if (!seat.member)
      return { seat: i, post: post.code, postName, memberId: null, fit: null, costliest: [], derived: null };
    const result = personPostFit(seat.member.stens, post.idealProfile, profile.fit.scale);
    return {
      seat: i,
      post: post.code,
      postName,
      memberId: seat.member.id,
      fit: result.fit,
      costliest: result.costliest.slice(0, 3).map((c) => ({
        ...c,
        name: { zh: FACTOR_INFO[c.factor].nameZh, en: FACTOR_INFO[c.factor].nameEn },
      })),
      derived: deriveFactors(seat.member.stens),
    };
  });

  const temperaments = balance.temperaments.map((t) => ({
    code: t.code,
    name: t.name,
    members: members
      .filter((m) =>
        Object.entries(t.minimum).every(([f, min]) => m.stens[f as FactorCode] >= (min as number)),
      )
      .map((m) => m.id),
  }));
  const conflictPairs: TeamScore["balance"]["conflictPairs"] = [];
  for (const [factor, threshold] of [
    ["E", balance.conflict.dominance],
    ["L", balance.conflict.vigilance],
  ] as const) {
    const high = members.filter((m) => m.stens[factor] >= threshold).map((m) => m.id);
    for (let i = 0; i < high.length; i++)
      for (let j = i + 1; j < high.length; j++) conflictPairs.push({ factor, members: [high[i]!, high[j]!] });
  }
  const missing = profile.skills.teamRequired.filter(
    (skill) =>
      !members.some((m) => m.skills?.some((s) => s.skill === skill && s.level >= profile.skills.minLevel)),
  );
  const ages = members.flatMap((m) => (m.age === null || m.age === undefined ? [] : [m.age]));
  const educated = members.flatMap((m) => (m.education ? [m.education] : []));
  const genders = members.flatMap((m) => (m.gender ? [m.gender] : []));
  const violations = ruleViolations(team, profile);
  const vacancies = team.seats.filter((s) => !s.member).length;

  return {
    score: b.score,
    feasible: b.feasible,
    profileVersion: profile.version,
    components: {
      fit: b.fit,
      balance: b.balance,
      skills: b.skills,
      structure: b.structure,
      penalty: b.penalty,
    },
    balance: {
      diversity: b.diversity,
      coverage: b.coverage,
      health: b.health,
      conflict: b.conflict,
      leadingPair: b.leadingPair,
      temperaments,
      conflictPairs,
    },
    skills: { team: b.teamSkills, seats: b.seatSkills, missing },
    structure: {
      score: b.structure,
      averageAge: ages.length ? round(ages.reduce((a, x) => a + x, 0) / ages.length, 2) : null,
      universityShare: educated.length
        ? round(
            educated.filter((e) => EDUCATION_ORDER.indexOf(e) >= EDUCATION_ORDER.indexOf("bachelor")).length /
              educated.length,
          )
        : null,
      women: genders.length ? genders.filter((g) => g === "female").length : null,
      under45: ages.length ? ages.filter((a) => a < 45).length : null,
    },
    vacancies,
    seats,
    violations,
    summary: summarize(b.score, b.feasible, violations, vacancies, seats),
  };
}

function summarize(
  score: number,
  feasible: boolean,
  violations: Violation[],
  vacancies: number,
  seats: SeatScore[],
): Text {
  const hard = violations.filter((v) => v.severity === "hard").length;
  const soft = violations.length - hard;
  const weakest = seats
    .filter((s) => s.fit !== null)
    .sort((a, b) => (a.fit as number) - (b.fit as number))[0];
  const pct = (x: number) => `${Math.round(x * 100)}`;
  const zh = [
    `综合得分 ${pct(score)} 分（满分 100）。`,
    feasible ? "未违反刚性规定。" : `违反刚性规定 ${hard} 项，方案不可行。`,
    soft ? `违反一般性规定 ${soft} 项，已扣分。` : "",
    vacancies ? `空缺 ${vacancies} 个职位。` : "",
    weakest ? `人岗匹配最弱：${weakest.postName.zh}（${pct(weakest.fit as number)}）。` : "",
  ];
  const en = [
    `Score ${pct(score)} of 100.`,
    feasible ? "No hard rule broken." : `${hard} hard rule violation(s): infeasible.`,
    soft ? `${soft} soft rule violation(s) deducted.` : "",
    vacancies ? `${vacancies} vacant seat(s).` : "",
    weakest ? `Weakest person–post fit: ${weakest.postName.en} (${pct(weakest.fit as number)}).` : "",
  ];
  return { zh: zh.join(""), en: en.filter(Boolean).join(" ") };
}
