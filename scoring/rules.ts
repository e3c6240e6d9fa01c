/**
 * The machine-checkable cadre rules: R1, R2, R4, R5, R6, R7, R10,
 * R11, R12 and the post knock-outs (KO). Each violation carries its rule id, its severity (the rule's
 * mode in the scoring profile), its penalty and a bilingual message naming the member (by id — names
 * are personal data and never appear), the seat and the fact that broke the rule.
 *
 * A rule whose mode is `off` produces nothing; a rule that needs a fact the member lacks (`null` or
 * absent) is not applied to that member. Inputs are never mutated.
 *
 * @example
 * ```ts
 * const profile = defaultScoringProfile(2024);
 * const violations = ruleViolations(team, profile);
 * const feasible = violations.every((v) => v.severity !== "hard");
 * ```
 */
import { FACTOR_INFO } from "./factors";
import type { Knockout } from "./post-profiles";
import {
  EDUCATION_ORDER,
  type Education,
  type Member,
  type PostProfile,
  RANK_ORDER,
  type Rank,
  type RuleId,
  type ScoringProfile,
  type Team,
  type Text,
  type Violation,
} from "./types";

/** Rules that depend on one member in one seat. */
export type SeatRuleId = "R1" | "R4" | "R5" | "R6" | "R7" | "R12" | "KO";
/** Rules that depend on the team as a whole. */
export type TeamRuleId = "R2" | "R10" | "R11";

/** Seat rules in the order their violations are listed within one seat. */
export const SEAT_RULES: readonly SeatRuleId[] = ["R1", "R4", "R5", "R6", "R7", "R12", "KO"];
/** Team rules in the order their violations are listed after all seat rules. */
export const TEAM_RULES: readonly TeamRuleId[] = ["R2", "R10", "R11"];

/** The name of each rule, as messages end with it. */
export const RULE_NAMES: Readonly<Record<RuleId, Text>> = {
  R1: { zh: "地域回避", en: "regional avoidance" },
  R2: { zh: "亲属回避", en: "kin avoidance" },
  R4: { zh: "同一职位任职年限", en: "years in one post" },
  R5: { zh: "同一地方任职年限", en: "years in one locality" },
  R6: { zh: "易地提拔", en: "promotion elsewhere" },
  R7: { zh: "任职未满一个任期一般不交流", en: "less than a full term in post" },
  R10: { zh: "本地干部不少于三分之一", en: "local cadres at least one third" },
  R11: { zh: "每轮交流限制", en: "limits on moves per round" },
  R12: {
    zh: "《党政领导干部选拔任用工作条例》第八条任职资格",
    en: "eligibility under Art. 8 of the Regulations on the Selection and Appointment of Party and Government Leaders",
  },
  KO: { zh: "岗位淘汰项", en: "post knock-out" },
};

const RANK_TEXT: Readonly<Record<Rank, Text>> = {
  "deputy-section": { zh: "副科级", en: "deputy section level" },
  section: { zh: "正科级", en: "section level" },
  "deputy-division": { zh: "副处级", en: "deputy division level" },
  division: { zh: "正处级", en: "division level" },
  "deputy-bureau": { zh: "副厅级", en: "deputy bureau level" },
};

const EDUCATION_TEXT: Readonly<Record<Education, Text>> = {
  "high-school": { zh: "高中", en: "high-school" },
  associate: { zh: "大专", en: "associate (college)" },
  bachelor: { zh: "本科", en: "bachelor's" },
  master: { zh: "硕士", en: "master's" },
  doctorate: { zh: "博士", en: "doctoral" },
};

/** A number as messages show it: no floating-point tails (9.9, not 9.900000000000002). */
function num(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

/** Seat label: "县委书记 (第1席)" / "seat 1 (County Party Secretary)"; seats are shown 1-based. */
function seatLabel(seat: number, post: PostProfile): Text {
  return { zh: `${post.name} (第${seat + 1}席)`, en: `seat ${seat + 1} (${post.nameEn})` };
}

/** "C0123 任 县委书记 (第1席)" / "C0123 in seat 1 (County Party Secretary)". */
function memberInSeat(member: Member, seat: number, post: PostProfile): Text {
  const label = seatLabel(seat, post);
  return { zh: `${member.id} 任 ${label.zh}`, en: `${member.id} in ${label.en}` };
}

/** Subject, fact and rule name joined into one message. */
function message(rule: RuleId, subject: Text, fact: Text): Text {
  const name = RULE_NAMES[rule];
  return {
    zh: `${subject.zh} ${fact.zh}，违反${name.zh} (${rule})`,
    en: `${subject.en} ${fact.en}: ${name.en} (${rule})`,
  };
}

/** A list in both languages: "现任职地、出生地和成长地" / "currently serves, was born and grew up". */
function listText(parts: readonly Text[], zhAnd = "和", enAnd = " and "): Text {
  const join = (items: readonly string[], comma: string, and: string) =>
    items.length < 2 ? items.join("") : `${items.slice(0, -1).join(comma)}${and}${items.at(-1)}`;
  const zh = parts.map((p) => p.zh);
  const en = parts.map((p) => p.en);
  return { zh: join(zh, "、", zhAnd), en: join(en, ", ", enAnd) };
}

/** A violation of `rule` at the rule's mode and penalty, or null when the rule is off. */
function violation(
  profile: ScoringProfile,
  rule: RuleId,
  memberIds: string[],
  text: Text,
  where?: { seat: number; post: string },
): Violation | null {
  const setting = profile.rules[rule];
  if (setting.mode === "off") return null;
  return {
    rule,
    severity: setting.mode,
    ...(where ? { seat: where.seat, post: where.post } : {}),
    memberIds,
    // A hard violation makes the team infeasible; only soft ones are subtracted from the score.
    penalty: setting.mode === "soft" ? setting.penalty : 0,
    message: text,
  };
}

const rankIndex = (rank: Rank): number => RANK_ORDER.indexOf(rank);
const known = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** The post profile of a seat's post code; an unknown post is an error of the caller's input. */
function postOf(profile: ScoringProfile, code: string): PostProfile {
  const post = profile.posts[code];
  if (!post) throw new RangeError(`unknown post "${code}" (not in scoring profile ${profile.version})`);
  return post;
}

/**
 * Seats that list a leading principal post (县委书记, 县长) already listed by an earlier seat. A county
 * team has one of each; R11 ("the two principals not both moved") and the leading pair read them as
 * one pair, so a team that repeats one is refused rather than scored (issue 14: it drew two R11
 * violations in the list but one R11 charge in the score). Every entry point checks this and answers
 * 422 naming the seat; `prepare` throws a RangeError so that no path can score such a team.
 */
export function repeatedLeadingPosts(
  posts: readonly string[],
  profile: ScoringProfile,
): { seat: number; post: string; firstSeat: number }[] {
  const first = new Map<string, number>();
  const out: { seat: number; post: string; firstSeat: number }[] = [];
  posts.forEach((code, seat) => {
    const post = profile.posts[code];
    if (!post?.leading || !post.principal) return;
    const earlier = first.get(code);
    if (earlier === undefined) first.set(code, seat);
    else out.push({ seat, post: code, firstSeat: earlier });
  });
  return out;
}

/** The message of a repeated leading post, as field errors and RangeErrors say it. */
export function repeatedLeadingPostMessage(r: { seat: number; post: string; firstSeat: number }): string {
  return `seat ${r.seat}: '${r.post}' is a leading post already listed at seat ${r.firstSeat} (a team has one)`;
}

/** True when a member is local to a region (R10): born or grew up there. */
export function isLocal(member: Member, region: string): boolean {
  return member.birthRegion === region || member.growthRegion === region;
}

/** True when a member's birth or growth region is known (R10 cannot count the others either way). */
export function knowsOrigin(member: Member): boolean {
  return known(member.birthRegion) || known(member.growthRegion);
}

/**
 * Whether placing `member` in a seat of `post` in `region` counts as a move (R7, R11): not already
 * holding that post there. A member with no current post (a reserve cadre) is always moved.
 */
export function isMove(member: Member, post: string, region: string): boolean {
  return !(member.currentPost === post && member.currentRegion === region);
}

type SeatFacts = { member: Member; seat: number; post: PostProfile; region: string };
/**
 * A seat rule's check: one entry per fact that breaks the rule, each building its text only when
 * asked — the tables of fast evaluation only count them, and most counted facts are never shown.
 */
type SeatCheck = (facts: SeatFacts, profile: ScoringProfile) => readonly (() => Text)[];

/** The answer of a check that finds nothing, shared: most checks of most candidates find nothing. */
const NONE: readonly (() => Text)[] = Object.freeze([]);

/** R1: an avoidance post held in one's birth or growth region. */
const checkR1: SeatCheck = ({ member, post, region }) => {
  if (!post.avoidance) return NONE;
  const parts: Text[] = [];
  if (member.birthRegion === region) parts.push({ zh: "出生地", en: "was born" });
  if (member.growthRegion === region) parts.push({ zh: "成长地", en: "grew up" });
  if (parts.length === 0) return NONE;
  return [
    () => {
      const facts = listText(parts);
      return {
        zh: `${facts.zh}${parts.length > 1 ? "均" : ""}为本县 ${region}`,
        en: `${facts.en} in ${region}, the team's own region`,
      };
    },
  ];
};

/** R4: ten years or more in this very post here. */
const checkR4: SeatCheck = ({ member, post, region }, profile) => {
  const years = member.yearsInPost;
  const limit = profile.ruleParams.postYears;
  if (member.currentPost !== post.code || member.currentRegion !== region || !known(years)) return NONE;
  if (years < limit) return NONE;
  return [
    () => ({
      zh: `已在本县 ${region} 任${post.name} ${num(years)} 年 (满 ${num(limit)} 年须离开该职位)`,
      en: `has held this post in ${region} for ${num(years)} years (${num(limit)} or more: must leave the post)`,
    }),
  ];
};

/** R5: ten consecutive years or more in this locality. */
const checkR5: SeatCheck = ({ member, region }, profile) => {
  const years = member.yearsInLocality;
  const limit = profile.ruleParams.localityYears;
  if (member.currentRegion !== region || !known(years) || years < limit) return NONE;
  return [
    () => ({
      zh: `已在本县 ${region} 连续任职 ${num(years)} 年 (满 ${num(limit)} 年应交流)`,
      en: `has served in ${region} for ${num(years)} consecutive years (${num(limit)} or more: should be exchanged)`,
    }),
  ];
};

/** R6: a promotion in the member's current, birth or growth region. */
const checkR6: SeatCheck = ({ member, post, region }) => {
  if (!known(member.rank) || !known(post.minRank)) return NONE;
  if (rankIndex(member.rank) >= rankIndex(post.minRank)) return NONE;
  const ties: Text[] = [];
  if (member.currentRegion === region) ties.push({ zh: "现任职地", en: "currently serves" });
  if (member.birthRegion === region) ties.push({ zh: "出生地", en: "was born" });
  if (member.growthRegion === region) ties.push({ zh: "成长地", en: "grew up" });
  if (ties.length === 0) return NONE;
  const rank = RANK_TEXT[member.rank];
  const minRank = RANK_TEXT[post.minRank];
  return [
    () => {
      const where = listText(ties);
      return {
        zh: `现为${rank.zh}、岗位起点为${minRank.zh}，属提拔，而本县 ${region} 是其${where.zh}`,
        en: `would be promoted (${rank.en}, the post starts at ${minRank.en}) in ${region}, where the member ${where.en}`,
      };
    },
  ];
};

/** R7: moved before a full term in the current post. */
const checkR7: SeatCheck = ({ member, post, region }, profile) => {
  const { currentPost, yearsInPost } = member;
  if (!known(currentPost) || !known(yearsInPost) || !isMove(member, post.code, region)) return NONE;
  const current = profile.posts[currentPost];
  const principal = current?.principal === true;
  const term = principal ? profile.ruleParams.principalTerm : profile.ruleParams.deputyTerm;
  if (yearsInPost >= term) return NONE;
  return [
    () => ({
      zh: `现任${current?.name ?? currentPost}仅 ${num(yearsInPost)} 年，未满一个任期 (${principal ? "正职" : "副职"} ${num(term)} 年)`,
      en: `has held the current post (${current?.nameEn ?? currentPost}) for only ${num(yearsInPost)} years, less than a full ${principal ? "principal" : "deputy"} term of ${num(term)}`,
    }),
  ];
};

/** R12: Art. 8 eligibility — one fact per failed criterion. */
const checkR12: SeatCheck = ({ member, post }, profile) => {
  const p = profile.ruleParams;
  const facts: (() => Text)[] = [];
  if (known(member.rank) && known(post.minRank) && rankIndex(post.minRank) - rankIndex(member.rank) > 1) {
    const rank = RANK_TEXT[member.rank];
    const minRank = RANK_TEXT[post.minRank];
    facts.push(() => ({
      zh: `现为${rank.zh}，比岗位起点${minRank.zh}低两级以上 (应逐级提拔)`,
      en: `holds ${rank.en}, more than one step below the post's ${minRank.en} (promotion is one rank at a time)`,
    }));
  }
  const { serviceYears, grassrootsYears } = member;
  if (known(serviceYears) && serviceYears < p.minServiceYears)
    facts.push(() => ({
      zh: `工作年限 ${num(serviceYears)} 年，不足 ${num(p.minServiceYears)} 年`,
      en: `has ${num(serviceYears)} years of service, fewer than ${num(p.minServiceYears)}`,
    }));
  if (known(grassrootsYears) && grassrootsYears < p.minGrassrootsYears)
    facts.push(() => ({
      zh: `基层工作经历 ${num(grassrootsYears)} 年，不足 ${num(p.minGrassrootsYears)} 年`,
      en: `has ${num(grassrootsYears)} years at the grassroots, fewer than ${num(p.minGrassrootsYears)}`,
    }));
  if (
    known(member.education) &&
    EDUCATION_ORDER.indexOf(member.education) < EDUCATION_ORDER.indexOf(p.minEducation)
  ) {
    const education = EDUCATION_TEXT[member.education];
    const minimum = EDUCATION_TEXT[p.minEducation];
    facts.push(() => ({
      zh: `学历为${education.zh}，低于${minimum.zh}`,
      en: `has ${education.en} education, below ${minimum.en}`,
    }));
  }
  return facts;
};

const knockedOut = (sten: number, ko: Knockout): boolean =>
  ko.op === "lte" ? sten <= ko.value : sten >= ko.value;

/** KO: one fact per knock-out the member's stens hit. */
const checkKO: SeatCheck = ({ member, post }) => {
  const facts: (() => Text)[] = [];
  for (const ko of post.knockouts) {
    const sten = member.stens[ko.factor];
    if (!known(sten) || !knockedOut(sten, ko)) continue;
    facts.push(() => {
      const info = FACTOR_INFO[ko.factor];
      const op = ko.op === "lte" ? "≤" : "≥";
      return {
        zh: `${info.nameZh} (${ko.factor}) 标准分 ${num(sten)} ${op} ${num(ko.value)}`,
        en: `has ${info.nameEn} (${ko.factor}) sten ${num(sten)} ${op} ${num(ko.value)}`,
      };
    });
  }
  return facts;
};

const SEAT_CHECKS: Readonly<Record<SeatRuleId, SeatCheck>> = {
  R1: checkR1,
  R4: checkR4,
  R5: checkR5,
  R6: checkR6,
  R7: checkR7,
  R12: checkR12,
  KO: checkKO,
};

/** Violations that depend only on one member in one seat (precomputable per candidate × seat). */
export function seatViolations(
  member: Member,
  seat: number,
  post: PostProfile,
  region: string,
  profile: ScoringProfile,
): Violation[] {
  const facts: SeatFacts = { member, seat, post, region };
  let subject: Text | undefined;
  const out: Violation[] = [];
  for (const rule of SEAT_RULES) {
    if (profile.rules[rule].mode === "off") continue;
    for (const fact of SEAT_CHECKS[rule](facts, profile)) {
      subject ??= memberInSeat(member, seat, post);
      const v = violation(profile, rule, [member.id], message(rule, subject, fact()), {
        seat,
        post: post.code,
      });
      if (v) out.push(v);
    }
  }
  return out;
}

/**
 * The seat rules one member in one seat breaks, in {@link seatViolations}' order, without building
 * messages: one entry per violation (a rule may break more than once, e.g. two knock-outs).
 */
export function seatRuleCodes(
  member: Member,
  seat: number,
  post: PostProfile,
  region: string,
  profile: ScoringProfile,
): { rule: SeatRuleId; severity: "hard" | "soft"; seat: number }[] {
  const facts: SeatFacts = { member, seat, post, region };
  const out: { rule: SeatRuleId; severity: "hard" | "soft"; seat: number }[] = [];
  for (const rule of SEAT_RULES) {
    const mode = profile.rules[rule].mode;
    if (mode === "off") continue;
    const count = SEAT_CHECKS[rule](facts, profile).length;
    for (let i = 0; i < count; i++) out.push({ rule, severity: mode, seat });
  }
  return out;
}

/**
 * What the seat rules cost one member in one seat, without building messages: the number of hard
 * violations and the sum of soft penalties. The same checks as {@link seatViolations}, for the
 * precomputed tables of fast evaluation.
 */
export function seatCharges(
  member: Member,
  seat: number,
  post: PostProfile,
  region: string,
  profile: ScoringProfile,
): { hard: number; soft: number; penalty: number } {
  const facts: SeatFacts = { member, seat, post, region };
  let hard = 0;
  let soft = 0;
  let penalty = 0;
  for (const rule of SEAT_RULES) {
    const setting = profile.rules[rule];
    if (setting.mode === "off") continue;
    const count = SEAT_CHECKS[rule](facts, profile).length;
    if (setting.mode === "hard") hard += count;
    else {
      soft += count;
      penalty += count * setting.penalty;
    }
  }
  return { hard, soft, penalty };
}

type Filled = { member: Member; seat: number; post: PostProfile };

function filledSeats(team: Team, profile: ScoringProfile): Filled[] {
  const filled: Filled[] = [];
  team.seats.forEach((s, seat) => {
    if (s.member) filled.push({ member: s.member, seat, post: postOf(profile, s.post) });
  });
  return filled;
}

const subjectOf = (f: Filled): Text => memberInSeat(f.member, f.seat, f.post);
const idList = (list: readonly Filled[]): string => list.map((f) => f.member.id).join(", ");

/** R2: one violation per kin pair (either direction, each pair once), in seat order. */
function kinViolations(filled: readonly Filled[], profile: ScoringProfile): Violation[] {
  const out: Violation[] = [];
  for (let i = 0; i < filled.length; i++) {
    const a = filled[i]!;
    for (let j = i + 1; j < filled.length; j++) {
      const b = filled[j]!;
      if (a.member.id === b.member.id) continue;
      if (!a.member.kin?.includes(b.member.id) && !b.member.kin?.includes(a.member.id)) continue;
      const subject = listText([subjectOf(a), subjectOf(b)], " 与 ");
      const v = violation(
        profile,
        "R2",
        [a.member.id, b.member.id],
        message("R2", subject, { zh: "互为亲属", en: "are kin" }),
      );
      if (v) out.push(v);
    }
  }
  return out;
}

/** R10: fewer than ⌈n/3⌉ locals among the n filled seats. */
function localShareViolation(filled: readonly Filled[], region: string, profile: ScoringProfile) {
  const n = filled.length;
  const needed = Math.ceil(n / 3);
  const locals = filled.filter((f) => isLocal(f.member, region));
  const unknown = filled.filter((f) => !knowsOrigin(f.member)).length;
  // Members of unknown origin might be local: only a certain breach is reported.
  if (n === 0 || locals.length + unknown >= needed) return null;
  const names = locals.length > 0 ? ` (${idList(locals)})` : "";
  const fact: Text = {
    zh: `${n} 人中本地干部 ${locals.length} 人${names}，少于 ⌈${n}/3⌉ = ${needed} 人${unknown > 0 ? `；另有 ${unknown} 人出生地和成长地不详` : ""}`,
    en: `has ${locals.length} local cadre(s)${names} among ${n}, fewer than ⌈${n}/3⌉ = ${needed}${unknown > 0 ? `; ${unknown} member(s) have no known birth or growth region` : ""}`,
  };
  const subject: Text = { zh: `本县 ${region} 班子`, en: `The team of ${region}` };
  return violation(
    profile,
    "R10",
    locals.map((f) => f.member.id),
    message("R10", subject, fact),
  );
}

/** R11: (a) both leading principals moved; (b) more than the allowed share moved. */
function movedViolations(filled: readonly Filled[], region: string, profile: ScoringProfile): Violation[] {
  const moved = filled.filter((f) => isMove(f.member, f.post.code, region));
  const out: Violation[] = [];
  const leaders = moved.filter((f) => f.post.leading && f.post.principal);
  if (leaders.length >= 2) {
    const subject = listText(leaders.map(subjectOf), " 与 ");
    const v = violation(
      profile,
      "R11",
      leaders.map((f) => f.member.id),
      message("R11", subject, {
        zh: "为党政正职，同一轮均为交流调入",
        en: "are the two leading principals, both moved in the same round",
      }),
    );
    if (v) out.push(v);
  }
  const n = filled.length;
  const share = profile.ruleParams.maxMovedShare;
  if (n > 0 && moved.length > n * share + 1e-9) {
    const subject: Text = { zh: `本县 ${region} 班子`, en: `The team of ${region}` };
    const allowed = Math.floor(n * share + 1e-9);
    const percent = num(Math.round(share * 1000) / 10);
    const v = violation(
      profile,
      "R11",
      moved.map((f) => f.member.id),
      message("R11", subject, {
        zh: `${n} 人中交流调入 ${moved.length} 人 (${idList(moved)})，超过 ${percent}% 即 ${allowed} 人的上限`,
        en: `moves ${moved.length} of ${n} members (${idList(moved)}), more than the ${percent}% limit of ${allowed}`,
      }),
    );
    if (v) out.push(v);
  }
  return out;
}

/** Violations that depend on the team as a whole: R2 kin pairs, R10 local share, R11 moves. */
export function teamViolations(team: Team, profile: ScoringProfile): Violation[] {
  const filled = filledSeats(team, profile);
  const out: Violation[] = [];
  if (profile.rules.R2.mode !== "off") out.push(...kinViolations(filled, profile));
  if (profile.rules.R10.mode !== "off") {
    const v = localShareViolation(filled, team.region, profile);
    if (v) out.push(v);
  }
  if (profile.rules.R11.mode !== "off") out.push(...movedViolations(filled, team.region, profile));
  return out;
}

/** All violations of a team (seat rules for every filled seat, then team rules), in a stable order. */
export function ruleViolations(team: Team, profile: ScoringProfile): Violation[] {
  const out: Violation[] = [];
  team.seats.forEach((s, seat) => {
    if (s.member) out.push(...seatViolations(s.member, seat, postOf(profile, s.post), team.region, profile));
  });
  out.push(...teamViolations(team, profile));
  return out;
}
