/**
 * What changed between two rankings of one suggestion request, or two scores of one team: for a
 * program (rank moves, entrants, leavers, score deltas, the score components and the members'
 * changed factors behind the largest changes) and for a person (a summary in Chinese and English).
 * Pure: the same two rankings always give the same diff, so a diff stored by a re-rank job can be
 * checked by computing it again.
 */
import { FACTOR_INFO, FACTORS, type FactorCode, type FactorRecord } from "../../scoring/factors";

type Text = { zh: string; en: string };

/** One suggestion as the diff sees it: its filled seats' cadres identify the team. */
export interface RankedTeam {
  rank: number;
  score: number;
  /** Cadre per filled (vacant) seat, in seat order; null for a seat left empty. */
  cadreIds: (string | null)[];
  components: Record<string, number>;
}

export interface Ranking {
  version: number;
  status: string;
  profileVersion: number | null;
  suggestions: RankedTeam[];
}

/** A changed member's stens: the factors that moved, from the previous assessment to the current. */
export interface StenChange {
  cadreId: string;
  /** True when the cadre had no assessment before (all factors are new). */
  first: boolean;
  factors: { factor: FactorCode; from: number; to: number }[];
}

export interface Move {
  cadreIds: (string | null)[];
  fromRank: number;
  toRank: number;
  fromScore: number;
  toScore: number;
  scoreDelta: number;
}

export interface Placed {
  cadreIds: (string | null)[];
  rank: number;
  score: number;
}

/** Why one of the largest changes happened. */
export interface Explanation {
  kind: "move" | "entrant" | "leaver";
  cadreIds: (string | null)[];
  fromRank: number | null;
  toRank: number | null;
  scoreDelta: number | null;
  /** Score components that moved most (moves only), largest first. */
  components: { component: string; delta: number }[];
  /** Members of this team whose assessment changed, with the factors that moved. */
  changedMembers: StenChange[];
  text: Text;
}

export interface RankingDiff {
  fromVersion: number;
  toVersion: number;
  status: { from: string; to: string };
  profileVersion: { from: number | null; to: number | null };
  /** Teams in both rankings whose rank or score changed (unchanged ones are not listed). */
  moves: Move[];
  entrants: Placed[];
  leavers: Placed[];
  unchanged: number;
  /** The three largest changes, explained. */
  largest: Explanation[];
  summary: Text;
}

/** Score changes smaller than this are rounding, not change. */
const EPS = 1e-12;
const LARGEST = 3;

const COMPONENT_ZH: Record<string, string> = {
  fit: "岗位匹配",
  balance: "结构互补",
  skills: "能力覆盖",
  structure: "班子结构",
  penalty: "规则扣分",
};

const keyOf = (t: { cadreIds: (string | null)[] }) => t.cadreIds.map((c) => c ?? "-").join("|");
const list = (ids: (string | null)[]) => `[${ids.map((c) => c ?? "—").join(", ")}]`;
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(4)}`;

/** The components that moved most, as a clause of a change's text ("；主要因素：…" / "; mainly …"). */
function componentText(components: readonly { component: string; delta: number }[], zh: boolean): string {
  if (!components.length) return "";
  const parts = components.map(
    (c) => `${zh ? (COMPONENT_ZH[c.component] ?? c.component) : c.component} ${signed(c.delta)}`,
  );
  return `${zh ? "；主要因素：" : "; mainly "}${parts.join(", ")}`;
}

function componentDeltas(from: Record<string, number>, to: Record<string, number>) {
  return Object.keys({ ...from, ...to })
    .map((component) => ({ component, delta: (to[component] ?? 0) - (from[component] ?? 0) }))
    .filter((d) => Math.abs(d.delta) > EPS)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.component < b.component ? -1 : 1))
    .slice(0, 3);
}

function stenText(changes: StenChange[]): Text {
  if (changes.length === 0) return { zh: "", en: "" };
  const part = (c: StenChange, zh: boolean) =>
    `${c.cadreId}${zh ? "的" : "'s "}${zh ? "测评变化" : "new assessment"}` +
    (c.first
      ? zh
        ? "（首次测评）"
        : " (first assessment)"
      : c.factors.length
        ? ` (${c.factors
            .map((f) => `${f.factor}${zh ? FACTOR_INFO[f.factor].nameZh : ""} ${f.from}→${f.to}`)
            .join(", ")})`
        : zh
          ? "（各因子标准分未变）"
          : " (no sten changed)");
  return {
    zh: `；${changes.map((c) => part(c, true)).join("；")}`,
    en: `; ${changes.map((c) => part(c, false)).join("; ")}`,
  };
}

function explain(
  kind: Explanation["kind"],
  team: { cadreIds: (string | null)[] },
  from: RankedTeam | undefined,
  to: RankedTeam | undefined,
  stens: ReadonlyMap<string, StenChange>,
): Explanation {
  const changedMembers = team.cadreIds.flatMap((id) => {
    const change = id ? stens.get(id) : undefined;
    return change ? [change] : [];
  });
  const components = from && to ? componentDeltas(from.components, to.components) : [];
  const who = list(team.cadreIds);
  const why = stenText(changedMembers);
  const comp = (zh: boolean) => componentText(components, zh);
  let text: Text;
  if (kind === "move" && from && to)
    text = {
      zh: `${who} 第${from.rank}名→第${to.rank}名（得分 ${from.score.toFixed(4)}→${to.score.toFixed(4)}，${signed(to.score - from.score)}${comp(true)}${why.zh}）`,
      en: `${who} rank ${from.rank} → ${to.rank} (score ${from.score.toFixed(4)} → ${to.score.toFixed(4)}, ${signed(to.score - from.score)}${comp(false)}${why.en})`,
    };
  else if (kind === "entrant" && to)
    text = {
      zh: `${who} 新进第${to.rank}名（得分 ${to.score.toFixed(4)}${why.zh}）`,
      en: `${who} enters at rank ${to.rank} (score ${to.score.toFixed(4)}${why.en})`,
    };
  else
    text = {
      zh: `${who} 退出前列（原第${from?.rank}名，得分 ${from?.score.toFixed(4)}${why.zh}）`,
      en: `${who} leaves the list (was rank ${from?.rank}, score ${from?.score.toFixed(4)}${why.en})`,
    };
  return {
    kind,
    cadreIds: team.cadreIds,
    fromRank: from?.rank ?? null,
    toRank: to?.rank ?? null,
    scoreDelta: from && to ? to.score - from.score : null,
    components,
    changedMembers,
    text,
  };
}

/**
 * The difference between two rankings of one request.
 *
 * @example
 * ```ts
 * const diff = diffRankings(v1, v2, stenChanges);
 * diff.entrants; // [{ cadreIds: ["C17", "C4"], rank: 3, score: 0.71 }]
 * diff.summary.en; // "1 entrant, 1 leaver, 2 rank moves. Largest: …"
 * ```
 */
export function diffRankings(
  from: Ranking,
  to: Ranking,
  stens: ReadonlyMap<string, StenChange> = new Map(),
): RankingDiff {
  const before = new Map(from.suggestions.map((s) => [keyOf(s), s]));
  const after = new Map(to.suggestions.map((s) => [keyOf(s), s]));
  const moves: Move[] = [];
  const candidates: { size: number; order: number; e: () => Explanation }[] = [];
  let unchanged = 0;
  for (const s of to.suggestions) {
    const old = before.get(keyOf(s));
    if (!old) continue;
    const delta = s.score - old.score;
    if (old.rank === s.rank && Math.abs(delta) <= EPS) {
      unchanged++;
      continue;
    }
    moves.push({
      cadreIds: s.cadreIds,
      fromRank: old.rank,
      toRank: s.rank,
      fromScore: old.score,
      toScore: s.score,
      scoreDelta: delta,
    });
    candidates.push({
      size: Math.abs(delta) + Math.abs(s.rank - old.rank) * 1e-6,
      order: s.rank,
      e: () => explain("move", s, old, s, stens),
    });
  }
  const entrants = to.suggestions
    .filter((s) => !before.has(keyOf(s)))
    .map((s) => ({ cadreIds: s.cadreIds, rank: s.rank, score: s.score }));
  const leavers = from.suggestions
    .filter((s) => !after.has(keyOf(s)))
    .map((s) => ({ cadreIds: s.cadreIds, rank: s.rank, score: s.score }));
  // Entering or leaving the list is the largest change a team can make: ranked before any move.
  for (const s of entrants)
    candidates.push({
      size: 2 - s.rank * 1e-3,
      order: s.rank,
      e: () => explain("entrant", s, undefined, after.get(keyOf(s)), stens),
    });
  for (const s of leavers)
    candidates.push({
      size: 2 - s.rank * 1e-3,
      order: 100 + s.rank,
      e: () => explain("leaver", s, before.get(keyOf(s)), undefined, stens),
    });
  const largest = candidates
    .sort((a, b) => b.size - a.size || a.order - b.order)
    .slice(0, LARGEST)
    .map((c) => c.e());

  const statusZh = from.status === to.status ? "" : `状态 ${from.status}→${to.status}；`;
  const statusEn = from.status === to.status ? "" : `status ${from.status} → ${to.status}; `;
  const profileZh =
    from.profileVersion === to.profileVersion
      ? ""
      : `评分方案 v${from.profileVersion}→v${to.profileVersion}；`;
  const profileEn =
    from.profileVersion === to.profileVersion
      ? ""
      : `scoring profile v${from.profileVersion} → v${to.profileVersion}; `;
  const nothing = moves.length + entrants.length + leavers.length === 0;
  const summary: Text = nothing
    ? {
        zh: `${statusZh}${profileZh}排名未变（${unchanged}个方案名次与得分相同）`,
        en: `${statusEn}${profileEn}ranking unchanged (${unchanged} suggestion(s) with the same rank and score)`,
      }
    : {
        zh:
          `${statusZh}${profileZh}新进${entrants.length}个、退出${leavers.length}个、名次或得分变动${moves.length}个、未变${unchanged}个。` +
          `最大变化：${largest.map((l) => l.text.zh).join("；")}`,
        en:
          `${statusEn}${profileEn}${entrants.length} entrant(s), ${leavers.length} leaver(s), ${moves.length} move(s), ${unchanged} unchanged. ` +
          `Largest: ${largest.map((l) => l.text.en).join("; ")}`,
      };
  return {
    fromVersion: from.version,
    toVersion: to.version,
    status: { from: from.status, to: to.status },
    profileVersion: { from: from.profileVersion, to: to.profileVersion },
    moves,
    entrants,
    leavers,
    unchanged,
    largest,
    summary,
  };
}

/** True when two rankings list the same teams in the same order with the same scores and status. */
export function sameRanking(a: Ranking, b: Ranking): boolean {
  return (
    a.status === b.status &&
    a.suggestions.length === b.suggestions.length &&
    a.suggestions.every((s, i) => {
      const t = b.suggestions[i];
      return t !== undefined && keyOf(s) === keyOf(t) && Math.abs(s.score - t.score) <= EPS;
    })
  );
}

/** How a stored team's score changed. */
export interface TeamScoreDiff {
  fromVersion: number;
  toVersion: number;
  scoreDelta: number;
  feasible: { from: boolean; to: boolean };
  components: { component: string; delta: number }[];
  changedMembers: StenChange[];
  summary: Text;
}

export function diffTeamScores(
  from: { version: number; score: number; feasible: boolean; components: Record<string, number> },
  to: {
    version: number;
    score: number;
    feasible: boolean;
    components: Record<string, number>;
    memberIds: string[];
  },
  stens: ReadonlyMap<string, StenChange> = new Map(),
): TeamScoreDiff {
  const components = componentDeltas(from.components, to.components);
  const changedMembers = to.memberIds.flatMap((id) => {
    const c = stens.get(id);
    return c ? [c] : [];
  });
  const why = stenText(changedMembers);
  const feasibleZh =
    from.feasible === to.feasible ? "" : to.feasible ? "，现已符合刚性规定" : "，现违反刚性规定";
  const feasibleEn =
    from.feasible === to.feasible
      ? ""
      : to.feasible
        ? ", now meets the hard rules"
        : ", now breaks a hard rule";
  const comp = (zh: boolean) => componentText(components, zh);
  return {
    fromVersion: from.version,
    toVersion: to.version,
    scoreDelta: to.score - from.score,
    feasible: { from: from.feasible, to: to.feasible },
    components,
    changedMembers,
    summary: {
      zh: `得分 ${from.score.toFixed(4)}→${to.score.toFixed(4)}（${signed(to.score - from.score)}${feasibleZh}${comp(true)}${why.zh}）`,
      en: `score ${from.score.toFixed(4)} → ${to.score.toFixed(4)} (${signed(to.score - from.score)}${feasibleEn}${comp(false)}${why.en})`,
    },
  };
}

/** The factors whose sten differs between two assessments. */
export function stenChange(cadreId: string, before: FactorRecord | null, after: FactorRecord): StenChange {
  return {
    cadreId,
    first: before === null,
    factors: before
      ? FACTORS.filter((f) => before[f] !== after[f]).map((f) => ({
          factor: f,
          from: before[f],
          to: after[f],
        }))
      : [],
  };
}
