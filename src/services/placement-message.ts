/**
 * The message of a carried-out placing, in Chinese and English: who moved from which region to
 * which, each team's score then and now, and the seats left vacant — teams and regions by name.
 */
import type { Text } from "../../scoring/types";
import { type Namer, teamLabel } from "./placement-names";
import type { Rescored } from "./placement-recheck";
import type { RecordChange } from "./placement-record";
import type { VacatedSeat } from "./placement-seats";

/** "已任用 2 名干部：平湖县党政领导班子（T-XJ08）…" — the answer's message. */
export async function doneMessage(
  names: Namer,
  records: RecordChange[],
  teams: Rescored[],
  vacated: VacatedSeat[],
): Promise<Text> {
  const moves = (lang: "zh" | "en") =>
    records
      .map((r) =>
        lang === "zh"
          ? `${r.name}（${r.cadreId}）${r.before.regionName ?? "—"} → ${r.after.regionName ?? "—"}`
          : `${r.name} (${r.cadreId}) ${r.before.regionName ?? "—"} → ${r.after.regionName ?? "—"}`,
      )
      .join(lang === "zh" ? "、" : ", ");
  const scores = (lang: "zh" | "en") =>
    teams
      .map((t) => `${t.team} ${t.scoreThen.toFixed(3)} → ${t.scoreNow.toFixed(3)}`)
      .join(lang === "zh" ? "；" : "; ");
  const left: string[] = [];
  for (const v of vacated) {
    const team = await names.team(v.teamId);
    left.push(`${team ? teamLabel(team) : v.teamId} #${v.position + 1}`);
  }
  return {
    zh: `已任用 ${records.length} 名干部：${moves("zh")}。得分（生成时 → 现在）：${scores("zh")}。${
      left.length ? `空出原任职位：${left.join("、")}。` : ""
    }`,
    en: `Placed ${records.length} cadre${records.length === 1 ? "" : "s"}: ${moves("en")}. Score (then → now): ${scores("en")}.${
      left.length ? ` Seats they left, now vacant: ${left.join("; ")}.` : ""
    }`,
  };
}
