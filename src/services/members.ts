import { inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { currentAssessmentRows, stensOf } from "../../db/queries/assessments";
import { withLists } from "../../db/queries/cadres";
import { cadres } from "../../db/schema";
import type { Member } from "../../scoring/types";

/** A stored cadre as scoring sees them, or why they cannot be scored. */
export type MemberLookup = { ok: true; member: Member } | { ok: false; reason: "unknown" | "no_assessment" };

/**
 * Loads cadres as scoring members (current stens, facts for the rules, skills, kin), in a fixed
 * number of queries however many ids. Ages are counted to `asOfYear`.
 */
export async function loadMembers(
  db: DbOrTx,
  ids: readonly string[],
  asOfYear: number,
): Promise<Map<string, MemberLookup>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, MemberLookup>(unique.map((id) => [id, { ok: false, reason: "unknown" }]));
  // SQLite limits bound parameters per statement; 500 ids per round trip stays far below it.
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const rows = await db.select().from(cadres).where(inArray(cadres.id, chunk));
    const [records, current] = await Promise.all([withLists(db, rows), currentAssessmentRows(db, chunk)]);
    for (const r of records) {
      const assessment = current.get(r.id);
      if (!assessment) {
        found.set(r.id, { ok: false, reason: "no_assessment" });
        continue;
      }
      found.set(r.id, {
        ok: true,
        member: {
          id: r.id,
          stens: stensOf(assessment),
          birthRegion: r.birthRegion,
          growthRegion: r.growthRegion,
          currentRegion: r.currentRegion,
          currentPost: r.currentPost,
          age: asOfYear - r.birthYear,
          gender: r.gender,
          education: r.education,
          rank: r.rank,
          skills: r.skills,
          yearsInPost: r.yearsInPost,
          yearsInLocality: r.yearsInLocality,
          serviceYears: r.serviceYears,
          grassrootsYears: r.grassrootsYears,
          kin: r.kin.map((k) => k.cadreId),
        },
      });
    }
  }
  return found;
}
