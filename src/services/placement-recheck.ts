/**
 * The re-check before placing: what a suggestion or exchange plan proposed is scored again, inside
 * the write transaction, on today's data (the cadres as stored now, the newest scoring profile) —
 * a result computed last week may break a rule today (a kin link entered since, a post type made
 * stricter). A team that now breaks a hard rule is refused with 409 `now_infeasible`, naming the
 * rules, seats and members in Chinese and English; otherwise the answer reports the score then and
 * now.
 */
import type { Db, Tx } from "../../db/client";
import { cadreNames } from "../../db/queries/placements";
import { latestProfileVersion } from "../../db/queries/scoring-profiles";
import { RULE_NAMES } from "../../scoring/rules";
import type { TeamScoreSummary } from "../../scoring/score-team";
import type { ScoringProfile, Text } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { ApiError } from "../lib/problem";
import { type Namer, type TeamName, teamLabel } from "./placement-names";
import { scoreSeats } from "./placements";
import { currentProfile, getProfile } from "./scoring-profiles";

/**
 * The newest scoring profile as the transaction sees it. `cached` is {@link currentProfile}'s answer,
 * taken before the transaction opened (it may write version 1 on a new database, which it must not
 * do from outside a transaction in progress); a newer version stored since is read through `tx`.
 */
export async function profileNow(
  services: RequestServices,
  tx: Tx,
  cached: ScoringProfile,
): Promise<ScoringProfile> {
  const latest = await latestProfileVersion(tx);
  if (latest === undefined || latest === cached.version) return cached;
  // getProfile reads one row through `services.db`, a DbOrTx in all but its declared type.
  return getProfile({ ...services, db: tx as unknown as Db }, latest);
}

/** The newest profile before a placing transaction opens (see {@link profileNow}). */
export const profileBefore = (services: RequestServices) => currentProfile(services);

/** One team of what is placed, scored when proposed and again now. */
export interface Rescored {
  teamId: string | null;
  /** `平湖县党政领导班子 (T-XJ08)`, or the region for a team given inline. */
  team: string;
  region: string;
  regionName: string;
  scoreThen: number;
  scoreNow: number;
  profileVersionThen: number;
  profileVersionNow: number;
}

/** A hard rule the proposed team now breaks, as the 409 lists it. */
export interface NowViolation {
  rule: string;
  ruleName: Text;
  seat: number | null;
  post: string | null;
  postName: Text | null;
  members: { id: string; name: string }[];
  message: Text;
}

/** What {@link recheck} is given for one team. */
export interface Proposed {
  teamId: string | null;
  region: string;
  seats: readonly { post: string; cadreId: string | null }[];
  /** Cadres the placement puts in a seat: each must still be scorable (stored, assessed). */
  placed: readonly string[];
  scoreThen: number;
  profileVersionThen: number;
}

/**
 * Scores a proposed team now; throws 409 `now_infeasible` when it breaks a hard rule (or a placed
 * cadre can no longer be scored). `what` says in both languages what is being placed, and `field`
 * which part of the request the refusal is about (`rank`, `id`).
 */
export async function recheck(
  tx: Tx,
  profile: ScoringProfile,
  names: Namer,
  proposed: Proposed,
  what: Text,
  field: string,
): Promise<{ rescored: Rescored; summary: TeamScoreSummary }> {
  const team = proposed.teamId ? await names.team(proposed.teamId) : undefined;
  const regionName = team?.regionName ?? (await names.regionName(proposed.region));
  const label: Text = team
    ? { zh: teamLabel(team, "zh"), en: teamLabel(team) }
    : { zh: `${regionName}（${proposed.region}）`, en: `${regionName} (${proposed.region})` };
  const { summary, members } = await scoreSeats(tx, profile, proposed.region, proposed.seats);
  const gone = proposed.placed.filter((id) => !members.has(id));
  const hard = summary.violations.filter((v) => v.severity === "hard");
  if (hard.length || gone.length) {
    const people = await cadreNames(tx, [...new Set([...hard.flatMap((v) => v.memberIds), ...gone])]);
    const person = (id: string) => ({ id, name: people.get(id) ?? id });
    const violations: NowViolation[] = hard.map((v) => {
      const post = v.post ?? (v.seat === undefined ? undefined : proposed.seats[v.seat]?.post);
      const postProfile = post ? profile.posts[post] : undefined;
      return {
        rule: v.rule,
        ruleName: RULE_NAMES[v.rule],
        seat: v.seat ?? null,
        post: post ?? null,
        postName: postProfile ? { zh: postProfile.name, en: postProfile.nameEn } : null,
        members: v.memberIds.map(person),
        message: v.message,
      };
    });
    for (const id of gone)
      violations.push({
        rule: "data",
        ruleName: { zh: "数据", en: "data" },
        seat: proposed.seats.findIndex((s) => s.cadreId === id),
        post: proposed.seats.find((s) => s.cadreId === id)?.post ?? null,
        postName: null,
        members: [person(id)],
        message: {
          zh: `${person(id).name}（${id}）已无法评分（干部已删除或没有测评）`,
          en: `${person(id).name} (${id}) can no longer be scored (deleted, or no assessment)`,
        },
      });
    throw nowInfeasible(label, what, field, violations, team, {
      scoreThen: proposed.scoreThen,
      scoreNow: summary.score,
      profileVersionNow: profile.version,
    });
  }
  return {
    rescored: {
      teamId: proposed.teamId,
      team: label.en,
      region: proposed.region,
      regionName,
      scoreThen: proposed.scoreThen,
      scoreNow: summary.score,
      profileVersionThen: proposed.profileVersionThen,
      profileVersionNow: profile.version,
    },
    summary,
  };
}

/** The seat as people count it (1-based) and its post's name. */
const seatText = (v: NowViolation): Text =>
  v.seat === null || v.seat < 0
    ? { zh: "", en: "" }
    : {
        zh: `第${v.seat + 1}席${v.postName ? `（${v.postName.zh}）` : ""}`,
        en: `seat ${v.seat + 1}${v.postName ? ` (${v.postName.en})` : ""}`,
      };

const peopleText = (v: NowViolation, lang: "zh" | "en") =>
  v.members
    .map((m) => (lang === "zh" ? `${m.name}（${m.id}）` : `${m.name} (${m.id})`))
    .join(lang === "zh" ? "、" : ", ");

function nowInfeasible(
  label: Text,
  what: Text,
  field: string,
  violations: NowViolation[],
  team: TeamName | undefined,
  scores: { scoreThen: number; scoreNow: number; profileVersionNow: number },
): ApiError {
  const lines = (lang: "zh" | "en") =>
    violations
      .map((v) => {
        const seat = seatText(v)[lang];
        const who = peopleText(v, lang);
        return lang === "zh"
          ? `${v.rule} ${v.ruleName.zh}${seat ? `，${seat}` : ""}${who ? `，涉及 ${who}` : ""}：${v.message.zh}`
          : `${v.rule} ${v.ruleName.en}${seat ? `, ${seat}` : ""}${who ? `, involving ${who}` : ""}: ${v.message.en}`;
      })
      .join(lang === "zh" ? "；" : "; ");
  const message: Text = {
    zh: `${what.zh}按今天的数据已不可行，${label.zh}将违反硬性规则：${lines("zh")}。未作任何更改；请重新生成建议。`,
    en: `${what.en} is no longer feasible on today's data: ${label.en} would break hard rules — ${lines("en")}. Nothing was changed; ask again.`,
  };
  return new ApiError("now_infeasible", message.en, {
    field,
    extensions: {
      message,
      team: team
        ? { id: team.id, name: team.name, kind: team.kind, region: team.region, regionName: team.regionName }
        : null,
      violations,
      ...scores,
    },
  });
}
