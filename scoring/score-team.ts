/**
 * Scoring one team with its reasons: the same numbers as the fast evaluator (`evaluate.ts`), plus
 * what a person needs to defend them — per-seat fit with the factors that cost the most, each
 * member's derived factors, the temperaments covered and by whom, conflict pairs, skills missing,
 * structure figures and every violated rule, in Chinese and English.
 */
import { type DerivedFactors, deriveFactors } from "./derived";
import { type Breakdown, Evaluator } from "./evaluate";
import { FACTOR_INFO, type FactorCode } from "./factors";
import { personPostFit } from "./fit";
import { type LayoutEntry, type LayoutTables, layoutKey, type RuleCode } from "./layout-tables";
import { type Prepared, prepare } from "./prepare";
import { ruleViolations, seatRuleCodes, seatViolations, teamViolations } from "./rules";
import type { Member, PostProfile, ScoringProfile, Team, TeamSeat, Text, Violation } from "./types";

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
    /** Over the members whose age is known (the target counts only when every seat has one). */
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

/** Each factor's name in both languages, one shared object per factor. */
const FACTOR_NAMES = Object.fromEntries(
  Object.entries(FACTOR_INFO).map(([code, info]) => [
    code,
    Object.freeze({ zh: info.nameZh, en: info.nameEn }),
  ]),
) as Readonly<Record<FactorCode, Text>>;

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The compact answer: score, parts, violations and per-seat fit, without per-member explanations. */
export interface TeamScoreSummary {
  score: number;
  feasible: boolean;
  profileVersion: number;
  components: TeamScore["components"];
  violations: Violation[];
  seats: { seat: number; post: string; memberId: string | null; fit: number | null }[];
}

/** Prepares one team for evaluation: its members as the candidates, each in their own seat. */
function evaluateTeam(team: Team, profile: ScoringProfile) {
  const candidates: Member[] = [];
  const assignment = assignMembers(team, candidates, new Map());
  const prep = prepare({
    profile,
    region: team.region,
    seats: team.seats.map((s) => s.post),
    candidates,
    assignments: [assignment],
  });
  return { prep, candidates, assignment, b: new Evaluator(prep).evaluate(assignment) };
}

/** The bulk-screening answer: score, parts and which rules broke where, without texts or seats. */
export interface TeamScoreBrief {
  score: number;
  feasible: boolean;
  profileVersion: number;
  components: TeamScore["components"];
  violations: RuleCode[];
}

/** What {@link scoreTeamsSummary} answers per team. */
export type SummaryDetail = "summary" | "scores";

/** Scores a team compactly: the same numbers as {@link scoreTeam}, without per-member explanations. */
export function scoreTeamSummary(team: Team, profile: ScoringProfile): TeamScoreSummary {
  return scoreTeamsSummary([team], profile)[0] as TeamScoreSummary;
}

/**
 * Scores many teams compactly. Teams of the same region and seats share one preparation over all
 * their members, so a batch of alternatives for one county costs little more per team than an
 * evaluation; a member's violations in a seat are worked out once per batch, however many teams
 * put them there. `scores` leaves out the per-seat fits and the violations' texts and members.
 * With `tables` (made for this profile), each group's tables are taken from them, or made and kept
 * there for the next call, when their limits allow; the answers are the same either way.
 * Throws a RangeError for an unknown post or a member seated twice in one team.
 */
export function scoreTeamsSummary(
  teams: readonly Team[],
  profile: ScoringProfile,
  detail: "scores",
  tables?: LayoutTables,
): TeamScoreBrief[];
export function scoreTeamsSummary(
  teams: readonly Team[],
  profile: ScoringProfile,
  detail?: "summary",
  tables?: LayoutTables,
): TeamScoreSummary[];
export function scoreTeamsSummary(
  teams: readonly Team[],
  profile: ScoringProfile,
  detail: SummaryDetail,
  tables?: LayoutTables,
): (TeamScoreSummary | TeamScoreBrief)[];
export function scoreTeamsSummary(
  teams: readonly Team[],
  profile: ScoringProfile,
  detail: SummaryDetail = "summary",
  tables?: LayoutTables,
): (TeamScoreSummary | TeamScoreBrief)[] {
  const groups = new Map<string, number[]>();
  // A batch's teams share few layouts, often one county's one after another: a team is compared
  // with the last team's layout, then with the first team of each of the first groups, before a
  // key is built.
  const heads: { team: Team; group: number[] }[] = [];
  let last: { team: Team; group: number[] } | undefined;
  for (let t = 0; t < teams.length; t++) {
    const team = teams[t] as Team;
    if (!last || !sameLayout(last.team, team)) last = heads.find((head) => sameLayout(head.team, team));
    if (last) {
      last.group.push(t);
      continue;
    }
    const key = layoutKey(
      team.region,
      team.seats.map((seat) => seat.post),
    );
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(t);
    last = { team, group };
    if (heads.length < MAX_HEADS) heads.push(last);
  }
  const results: (TeamScoreSummary | TeamScoreBrief)[] = new Array(teams.length);
  for (const indexes of groups.values()) {
    const first = teams[indexes[0] as number] as Team;
    const posts = first.seats.map((s) => s.post);
    let kept: LayoutEntry | undefined;
    if (tables?.profile === profile) {
      // Each filled seat is a candidate-in-seat pair the group scores.
      const members = membersOf(teams, indexes);
      kept = tables.tablesFor(first.region, posts, members, members.length);
    }
    let prep: Prepared;
    let assignments: Int32Array[];
    if (kept) {
      // Every member has a candidate index in the kept tables: nothing is added.
      const none: Member[] = [];
      assignments = indexes.map((t) => assignMembers(teams[t] as Team, none, kept.index));
      prep = kept.prep;
    } else {
      const candidates: Member[] = [];
      const indexOf = new Map<Member, number>();
      assignments = indexes.map((t) => assignMembers(teams[t] as Team, candidates, indexOf));
      prep = prepare({ profile, region: first.region, seats: posts, candidates, assignments });
    }
    const evaluator = new Evaluator(prep);
    const violations = violationsInGroup(prep, profile, kept?.seatViolations);
    const codes = detail === "scores" ? ruleCodesInGroup(prep, profile, kept?.seatCodes) : undefined;
    indexes.forEach((t, k) => {
      const team = teams[t] as Team;
      const assignment = assignments[k] as Int32Array;
      const b = evaluator.evaluate(assignment);
      const components = {
        fit: b.fit,
        balance: b.balance,
        skills: b.skills,
        structure: b.structure,
        penalty: b.penalty,
      };
      const broken = b.hard + b.soft === 0 ? [] : codes ? codes(assignment, b) : violations(team, assignment);
      results[t] =
        detail === "scores"
          ? {
              score: b.score,
              feasible: b.feasible,
              profileVersion: profile.version,
              components,
              violations: broken as TeamScoreBrief["violations"],
            }
          : {
              score: b.score,
              feasible: b.feasible,
              profileVersion: profile.version,
              components,
              violations: broken as Violation[],
              seats: team.seats.map((seat, i) => {
                const c = assignment[i] as number;
                return {
                  seat: i,
                  post: seat.post,
                  memberId: seat.member?.id ?? null,
                  fit: c < 0 ? null : (prep.fit[c * prep.nSeats + i] as number),
                };
              }),
            };
    });
  }
  return results;
}

/**
 * What the seat rules say of each filled seat of a team of one prepared group, seat by seat: `build`
 * works it out once per candidate-in-seat (kept in `memo`), and only where the tables counted a
 * violation.
 */
function seatRuleItems<T>(
  prep: Prepared,
  memo: Map<number, T[]>,
  build: (member: Member, seat: number, post: PostProfile) => T[],
) {
  return (assignment: Int32Array, out: T[]): T[] => {
    for (let seat = 0; seat < prep.nSeats; seat++) {
      const c = assignment[seat] as number;
      if (c < 0) continue;
      const at = c * prep.nSeats + seat;
      if ((prep.seatHard[at] as number) + (prep.seatSoft[at] as number) === 0) continue;
      let found = memo.get(at);
      if (!found) {
        found = build(prep.problem.candidates[c] as Member, seat, prep.posts[seat] as PostProfile);
        memo.set(at, found);
      }
      for (const item of found) out.push(item);
    }
    return out;
  };
}

/**
 * The violations of a team of one prepared group, as `ruleViolations` lists them (seat rules seat
 * by seat, then team rules), with each candidate-in-seat's seat violations built once and shared.
 */
function violationsInGroup(prep: Prepared, profile: ScoringProfile, memo = new Map<number, Violation[]>()) {
  const { region } = prep.problem;
  const seats = seatRuleItems(prep, memo, (member, seat, post) =>
    seatViolations(member, seat, post, region, profile),
  );
  return (team: Team, assignment: Int32Array): Violation[] => {
    const out = seats(assignment, []);
    for (const v of teamViolations(team, profile)) out.push(v);
    return out;
  };
}

/**
 * The rules a team of one prepared group broke, as `ruleViolations` lists them but without texts:
 * each candidate-in-seat's seat rules worked out once per batch, the team rules read from the
 * evaluator's breakdown (which counted them), so screening many teams builds no messages.
 */
function ruleCodesInGroup(prep: Prepared, profile: ScoringProfile, memo = new Map<number, RuleCode[]>()) {
  const { region } = prep.problem;
  const { R2, R10, R11 } = profile.rules;
  const seats = seatRuleItems(prep, memo, (member, seat, post) =>
    seatRuleCodes(member, seat, post, region, profile),
  );
  return (assignment: Int32Array, b: Breakdown): RuleCode[] => {
    const out = seats(assignment, []);
    for (let i = 0; i < b.kinPairs; i++) out.push({ rule: "R2", severity: R2.mode as RuleCode["severity"] });
    if (b.localShort) out.push({ rule: "R10", severity: R10.mode as RuleCode["severity"] });
    if (b.leadersMoved) out.push({ rule: "R11", severity: R11.mode as RuleCode["severity"] });
    if (b.overMoved) out.push({ rule: "R11", severity: R11.mode as RuleCode["severity"] });
    return out;
  };
}

/** The members of the teams at `indexes`, seat by seat (repeats included). */
function membersOf(teams: readonly Team[], indexes: readonly number[]): Member[] {
  const members: Member[] = [];
  for (const t of indexes)
    for (const seat of (teams[t] as Team).seats) if (seat.member) members.push(seat.member);
  return members;
}

/** Layouts of a batch compared seat by seat before a key is built (see scoreTeamsSummary). */
const MAX_HEADS = 32;

/** Same region and the same post in every seat. */
function sameLayout(a: Team, b: Team): boolean {
  if (a.region !== b.region || a.seats.length !== b.seats.length) return false;
  for (let i = 0; i < a.seats.length; i++) if (a.seats[i]?.post !== b.seats[i]?.post) return false;
  return true;
}

/** Each seat's candidate index (−1 vacant), adding new members to the shared candidate list. */
function assignMembers(team: Team, candidates: Member[], indexOf: Map<Member, number>): Int32Array {
  const seats = team.seats;
  const assignment = new Int32Array(seats.length).fill(-1);
  for (let i = 0; i < seats.length; i++) {
    const member = (seats[i] as TeamSeat).member;
    if (!member) continue;
    for (let j = 0; j < i; j++)
      if (seats[j]?.member?.id === member.id)
        throw new RangeError(`seat ${i}: member '${member.id}' already holds seat ${j}`);
    let c = indexOf.get(member);
    if (c === undefined) {
      c = candidates.length;
      candidates.push(member);
      indexOf.set(member, c);
    }
    assignment[i] = c;
  }
  return assignment;
}

/** Scores a team against a scoring profile. Throws a RangeError for an unknown post or a member seated twice. */
export function scoreTeam(team: Team, profile: ScoringProfile): TeamScore {
  const { prep, candidates, b } = evaluateTeam(team, profile);
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
        factor: c.factor,
        name: FACTOR_NAMES[c.factor],
        sten: c.sten,
        min: c.min,
        max: c.max,
        share: c.share,
      })),
      derived: deriveFactors(seat.member.stens),
    };
  });

  // Temperaments, conflict risks and skills from the prepared per-candidate tables.
  const temperaments = balance.temperaments.map((t, k) => {
    const holders: string[] = [];
    for (let c = 0; c < members.length; c++)
      if (((prep.temperaments[c] as number) >> k) & 1) holders.push((members[c] as Member).id);
    return { code: t.code, name: t.name, members: holders };
  });
  const conflictPairs: TeamScore["balance"]["conflictPairs"] = [];
  for (const [factor, flags] of [
    ["E", prep.dominant],
    ["L", prep.vigilant],
  ] as const) {
    const high = members.flatMap((m, c) => (flags[c] ? [m.id] : []));
    for (let i = 0; i < high.length; i++)
      for (let j = i + 1; j < high.length; j++) conflictPairs.push({ factor, members: [high[i]!, high[j]!] });
  }
  let skillBits = 0;
  for (let c = 0; c < members.length; c++) skillBits |= prep.teamSkills[c] as number;
  const missing = profile.skills.teamRequired.filter((_, k) => !((skillBits >> k) & 1));
  let ageSum = 0;
  let ages = 0;
  let under45 = 0;
  let university = 0;
  let educated = 0;
  let women = 0;
  let gendered = 0;
  for (let c = 0; c < members.length; c++) {
    const age = prep.age[c] as number;
    if (!Number.isNaN(age)) {
      ageSum += age;
      ages++;
      if (age < 45) under45++;
    }
    if ((prep.university[c] as number) >= 0) {
      educated++;
      university += prep.university[c] as number;
    }
    if ((prep.woman[c] as number) >= 0) {
      gendered++;
      women += prep.woman[c] as number;
    }
  }
  // Texts are only built for teams that broke a rule (the evaluator counts exactly what the rules list).
  const violations = b.hard + b.soft > 0 ? ruleViolations(team, profile) : [];
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
      averageAge: ages ? round(ageSum / ages, 2) : null,
      // Over all seats, as the score counts it: a vacancy or an unknown education is not a degree.
      universityShare: educated ? round(university / team.seats.length) : null,
      women: gendered ? women : null,
      under45: ages ? under45 : null,
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
