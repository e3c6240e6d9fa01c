/**
 * Stale reasons as a person reads them: in Chinese and English, naming cadres and teams by name
 * (with the cadre's id in brackets, since two cadres may share a name), never by a bare id.
 */
import type { RawReason } from "./affects";

/** A reason as the API shows it. */
export type StaleReason = Omit<RawReason, "note" | "holders"> & {
  holders?: { before: string | null; after: string | null };
  message: { zh: string; en: string };
};

export interface Names {
  cadreNames: ReadonlyMap<string, string>;
  teamNames: ReadonlyMap<
    string,
    { name: string | null; region: string; regionName: string | null; regionNameEn: string | null }
  >;
}

const FIELD_LABELS: Record<string, { zh: string; en: string }> = {
  gender: { zh: "性别", en: "gender" },
  birthYear: { zh: "出生年份", en: "birth year" },
  education: { zh: "学历", en: "education" },
  birthRegion: { zh: "出生地", en: "birth region" },
  growthRegion: { zh: "成长地", en: "growth region" },
  currentRegion: { zh: "现工作地区", en: "current region" },
  currentPost: { zh: "现任职务", en: "current post" },
  rank: { zh: "职级", en: "rank" },
  reserve: { zh: "后备干部身份", en: "reserve flag" },
  yearsInPost: { zh: "任现职年限", en: "years in post" },
  yearsInLocality: { zh: "在当地任职年限", en: "years in the locality" },
  serviceYears: { zh: "工作年限", en: "years of service" },
  grassrootsYears: { zh: "基层工作年限", en: "years at the grassroots" },
  region: { zh: "所属地区", en: "region" },
};

const RELATION_LABELS: Record<string, { zh: string; en: string }> = {
  spouse: { zh: "夫妻关系", en: "spouse" },
  lineal: { zh: "直系血亲关系", en: "lineal kin" },
  collateral: { zh: "三代以内旁系血亲关系", en: "collateral kin" },
  "in-law": { zh: "近姻亲关系", en: "close in-law" },
};

function fieldsText(fields: readonly string[] | undefined) {
  const list = (fields ?? []).map((f) => FIELD_LABELS[f] ?? { zh: f, en: f });
  return { zh: list.map((l) => l.zh).join("、"), en: list.map((l) => l.en).join(", ") };
}

/** Writes a reason's message with names; ids stay as fields for programs. */
export function describe(reason: RawReason, names: Names): StaleReason {
  const cadre = (id: string | null | undefined) => {
    if (!id) return { zh: "（空缺）", en: "(vacant)" };
    const name = names.cadreNames.get(id);
    return name
      ? { zh: `${name}（${id}）`, en: `${name} (${id})` }
      : { zh: `已删除的干部（${id}）`, en: `a deleted cadre (${id})` };
  };
  const team = (id: string | undefined) => {
    const t = id ? names.teamNames.get(id) : undefined;
    if (!t) return { zh: "已删除的班子", en: "a deleted team" };
    return {
      zh: t.name ?? `${t.regionName ?? t.region}班子`,
      en: t.regionNameEn ? `the ${t.regionNameEn} team` : (t.name ?? `the team of ${t.region}`),
    };
  };
  const c = cadre(reason.cadreId);
  const message = (() => {
    switch (reason.code) {
      case "assessment_added":
        return { zh: `${c.zh}有了新的测评`, en: `${c.en} has a new assessment` };
      case "assessment_edited":
        return { zh: `${c.zh}的测评被修改`, en: `an assessment of ${c.en} was edited` };
      case "assessment_deleted":
        return { zh: `${c.zh}的测评被删除`, en: `an assessment of ${c.en} was deleted` };
      case "cadre_edited": {
        const f = fieldsText(reason.fields);
        return { zh: `${c.zh}的档案已修改（${f.zh}）`, en: `${c.en}'s record was edited (${f.en})` };
      }
      case "cadre_deleted":
        return { zh: `干部${c.zh}被删除`, en: `cadre ${c.en} was deleted` };
      case "kin_added":
      case "kin_changed":
      case "kin_removed": {
        const k = cadre(reason.kinId);
        const r = RELATION_LABELS[reason.relation ?? ""] ?? { zh: "亲属关系", en: "kin" };
        const verb = {
          kin_added: { zh: "登记了", en: "was recorded" },
          kin_changed: { zh: "修改了", en: "was changed" },
          kin_removed: { zh: "删除了", en: "was removed" },
        }[reason.code];
        return {
          zh: `${verb.zh}${c.zh}与${k.zh}的${r.zh}`,
          en: `a ${r.en} link between ${c.en} and ${k.en} ${verb.en}`,
        };
      }
      case "skills_changed":
        return {
          zh: `${c.zh}的专长「${reason.skill}」有变动`,
          en: `${c.en}'s skill '${reason.skill}' changed`,
        };
      case "preferences_changed":
        return { zh: `${c.zh}的任职志愿有变动`, en: `${c.en}'s post preferences changed` };
      case "seat_changed": {
        const t = team(reason.teamId);
        const before = cadre(reason.holders?.before);
        const after = cadre(reason.holders?.after);
        return {
          zh: `${t.zh}第${(reason.position ?? 0) + 1}个职位有变动（${before.zh} → ${after.zh}）`,
          en: `seat ${(reason.position ?? 0) + 1} of ${t.en} changed (${before.en} → ${after.en})`,
        };
      }
      case "team_edited": {
        const t = team(reason.teamId);
        const f = fieldsText(reason.fields);
        return { zh: `${t.zh}已修改（${f.zh}）`, en: `${t.en} was edited (${f.en})` };
      }
      case "team_deleted":
        return { zh: "所依据的班子已被删除", en: "the team it was computed for was deleted" };
      case "profile_changed":
        return {
          zh: `评分方案已更新为第${reason.profileVersion}版${reason.note ? `（${reason.note}）` : ""}`,
          en: `the scoring profile is now version ${reason.profileVersion}${reason.note ? ` (${reason.note})` : ""}`,
        };
      case "rerank_failed":
        return {
          zh: `重新计算未能完成：${reason.error?.message ?? ""}`,
          en: `re-ranking failed: ${reason.error?.message ?? ""}`,
        };
      case "many_changes":
        return {
          zh: "数据变动过多，未逐条列出；请等待重新计算",
          en: "too many changes to list; wait for the re-rank",
        };
    }
  })();
  const { note: _note, ...rest } = reason;
  return { ...rest, message };
}
