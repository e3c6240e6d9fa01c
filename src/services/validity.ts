/**
 * 跟踪 — the follow-up list (placed cadres with their latest appraisal, flagged for review with the
 * reason) and the validity report (does predicted fit go with later appraisals?). Both read only;
 * the report is descriptive and never changes a weight.
 */
import * as q from "../../db/queries/placements";
import * as tq from "../../db/queries/teams";
import type { Text } from "../../scoring/types";
import {
  GRADE_LABEL,
  isLowGrade,
  type ValidityFigures,
  type ValidityRecord,
  validityReport,
} from "../../scoring/validity";
import type { RequestServices } from "../deps";
import { decodeCursor, toPage } from "../lib/pagination";
import { invalid } from "../lib/problem";
import {
  type OutcomeView,
  type PlacementView,
  scoreSeats,
  toOutcomeView,
  toPlacementView,
} from "./placements";
import { currentProfile } from "./scoring-profiles";

/** Why a placed cadre is flagged for review. */
export interface ReviewReason {
  code: "low-grade" | "team-infeasible";
  message: Text;
}

export interface FollowUpItem {
  cadreId: string;
  cadreName: string;
  /** The cadre's latest placement. */
  placement: PlacementView;
  /** Its latest appraisal, or null when none is recorded yet. */
  latestOutcome: OutcomeView | null;
  outcomeCount: number;
  /** The placement's team scored now with the current profile (null without a stored team). */
  team: {
    id: string;
    score: number;
    feasible: boolean;
    profileVersion: number;
    hardViolations: { rule: string; message: Text }[];
  } | null;
  flagged: boolean;
  reasons: ReviewReason[];
}

/** The latest outcome per placement id (outcomes come in year order). */
function latestOutcomes(rows: q.OutcomeRow[]) {
  const latest = new Map<string, q.OutcomeRow>();
  const counts = new Map<string, number>();
  for (const o of rows) {
    latest.set(o.placementId, o);
    counts.set(o.placementId, (counts.get(o.placementId) ?? 0) + 1);
  }
  return { latest, counts };
}

/** Scores the stored teams now (current profile, current members). */
async function teamsNow(services: RequestServices, teamIds: string[]) {
  const profile = await currentProfile(services);
  const scored = new Map<string, NonNullable<FollowUpItem["team"]>>();
  for (const id of teamIds) {
    const row = await tq.findTeamRow(services.db, id);
    if (!row) continue;
    const [team] = await tq.withSeats(services.db, [row]);
    const seats = (team?.seats ?? []).map((s) => ({ post: s.postCode, cadreId: s.cadreId }));
    if (seats.some((s) => !profile.posts[s.post])) continue;
    const { summary } = await scoreSeats(services.db, profile, row.regionCode, seats);
    scored.set(id, {
      id,
      score: summary.score,
      feasible: summary.feasible,
      profileVersion: profile.version,
      hardViolations: summary.violations
        .filter((v) => v.severity === "hard")
        .map((v) => ({ rule: v.rule, message: v.message })),
    });
  }
  return scored;
}

/**
 * Placed cadres with their latest placement and appraisal. Flagged: rated 基本称职 or 不称职, or
 * their team (scored now) has become infeasible. `flagged: true` lists only those.
 */
export async function followUp(
  services: RequestServices,
  query: {
    limit: number;
    cursor?: string | undefined;
    flagged?: boolean | undefined;
    region?: string | undefined;
  },
) {
  const all = await q.allPlacements(services.db);
  // Rows come by cadre, then date: the last of each cadre is their latest placement.
  const latestPlacement = new Map<string, q.PlacementRow>();
  for (const p of all)
    if (query.region === undefined || p.regionCode === query.region) latestPlacement.set(p.cadreId, p);
  const placements = [...latestPlacement.values()];
  const { latest, counts } = latestOutcomes(
    await q.outcomesOf(
      services.db,
      placements.map((p) => p.id),
    ),
  );
  const teams = await teamsNow(services, [
    ...new Set(placements.flatMap((p) => (p.teamId ? [p.teamId] : []))),
  ]);
  const names = await q.cadreNames(
    services.db,
    placements.map((p) => p.cadreId),
  );
  let items: FollowUpItem[] = placements.map((p) => {
    const outcome = latest.get(p.id);
    const team = p.teamId ? (teams.get(p.teamId) ?? null) : null;
    const reasons: ReviewReason[] = [];
    if (outcome && isLowGrade(outcome.grade)) {
      const label = GRADE_LABEL[outcome.grade];
      reasons.push({
        code: "low-grade",
        message: {
          zh: `${outcome.year} 年度考核为${label.zh}`,
          en: `rated ${label.en} in the ${outcome.year} appraisal`,
        },
      });
    }
    if (team && !team.feasible) {
      const rules = [...new Set(team.hardViolations.map((v) => v.rule))].join(", ");
      reasons.push({
        code: "team-infeasible",
        message: {
          zh: `所在班子 ${team.id} 现已违反硬性规则（${rules}）`,
          en: `their team ${team.id} now breaks hard rules (${rules})`,
        },
      });
    }
    return {
      cadreId: p.cadreId,
      cadreName: names.get(p.cadreId) ?? "",
      placement: toPlacementView(p),
      latestOutcome: outcome ? toOutcomeView(outcome) : null,
      outcomeCount: counts.get(p.id) ?? 0,
      team,
      flagged: reasons.length > 0,
      reasons,
    };
  });
  if (query.flagged !== undefined) items = items.filter((i) => i.flagged === query.flagged);
  items.sort((a, b) => (a.cadreId < b.cadreId ? -1 : a.cadreId > b.cadreId ? 1 : 0));
  const after = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
  const rest = after === undefined ? items : items.filter((i) => i.cadreId > after);
  const page = toPage(rest.slice(0, query.limit + 1), query.limit, (i) => [i.cadreId]);
  return { ...page, flaggedCount: items.filter((i) => i.flagged).length, total: items.length };
}

export interface PostTypeFigures extends ValidityFigures {
  post: string;
  name: Text;
}

export interface ValidityReportView {
  generatedAt: string;
  postType: string | null;
  /** Placements considered, and how many have at least one appraisal (each counts once: its latest). */
  placements: number;
  withOutcome: number;
  /** Scoring-profile versions the predictions were made with. */
  profileVersions: number[];
  overall: ValidityFigures;
  byPostType: PostTypeFigures[];
  /** Notes about the data as a whole (e.g. predictions from several profile versions). */
  notes: Text[];
}

/**
 * The validity report over every placement with an appraisal (its latest), overall and per post
 * type; `postType` restricts both to one post type.
 */
export async function validityReportView(
  services: RequestServices,
  query: { postType?: string | undefined },
): Promise<ValidityReportView> {
  const profile = await currentProfile(services);
  if (query.postType !== undefined && !profile.posts[query.postType])
    throw invalid("query.postType", `no post type '${query.postType}'`, "unknown_reference");
  const placements = await q.allPlacements(services.db, query.postType);
  const { latest } = latestOutcomes(await q.allOutcomes(services.db));
  const withOutcome = placements.flatMap((p) => {
    const o = latest.get(p.id);
    return o ? [{ p, record: { fit: p.fit, teamScore: p.teamScore, grade: o.grade } as ValidityRecord }] : [];
  });
  const posts = [...new Set(withOutcome.map((r) => r.p.postCode))].sort();
  const byPostType = posts.map((post) => {
    const info = profile.posts[post];
    return {
      post,
      name: { zh: info?.name ?? post, en: info?.nameEn ?? post },
      ...validityReport(withOutcome.filter((r) => r.p.postCode === post).map((r) => r.record)),
    };
  });
  const versions = [...new Set(withOutcome.map((r) => r.p.profileVersion))].sort((a, b) => a - b);
  const notes: Text[] = [
    {
      zh: "每条任职记录只计一次（取最近一年的考核）。",
      en: "Each placement counts once (its most recent appraisal).",
    },
  ];
  if (versions.length > 1)
    notes.push({
      zh: `预测来自 ${versions.length} 个评分方案版本（${versions.join("、")}），版本之间的拟合度未必可比。`,
      en: `The predictions come from ${versions.length} scoring-profile versions (${versions.join(", ")}); fits from different versions may not be comparable.`,
    });
  return {
    generatedAt: services.clock.now().toISOString(),
    postType: query.postType ?? null,
    placements: placements.length,
    withOutcome: withOutcome.length,
    profileVersions: versions,
    overall: validityReport(withOutcome.map((r) => r.record)),
    byPostType,
    notes,
  };
}
