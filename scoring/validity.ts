/**
 * Does the prediction go with the outcome? The statistics of the validity report (issue 8): rank
 * correlation between predicted fit (or team score) and the annual appraisal, outcome rates by
 * fit quartile, each with a confidence interval and its sample size, and plain warnings where the
 * sample is too small to say anything. Pure and deterministic; the report is descriptive and never
 * changes a weight.
 *
 * @example
 * ```ts
 * const report = validityReport([{ fit: 0.8, teamScore: 0.7, grade: "excellent" }, …]);
 * report.fitGrade; // { n: 120, rho: 0.31, ci: { low: 0.14, high: 0.46 }, verdict: "relation", … }
 * ```
 */
import type { Text } from "./types";

/** 年度考核等次, best first. */
export const GRADES = ["excellent", "competent", "basically-competent", "incompetent"] as const;
export type Grade = (typeof GRADES)[number];

/** The grades as an ordinal scale: 优秀 4, 称职 3, 基本称职 2, 不称职 1. */
export const GRADE_SCORE: Readonly<Record<Grade, number>> = {
  excellent: 4,
  competent: 3,
  "basically-competent": 2,
  incompetent: 1,
};

export const GRADE_LABEL: Readonly<Record<Grade, Text>> = {
  excellent: { zh: "优秀", en: "excellent" },
  competent: { zh: "称职", en: "competent" },
  "basically-competent": { zh: "基本称职", en: "basically competent" },
  incompetent: { zh: "不称职", en: "incompetent" },
};

/**
 * A grade from its English code (`basically-competent`, also with a space or underscore, any case)
 * or its Chinese label (`基本称职`; full-width forms and surrounding spaces ignored).
 */
export function parseGrade(text: string): Grade | undefined {
  const t = text
    .normalize("NFKC")
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  for (const g of GRADES) if (t === g || t === GRADE_LABEL[g].zh) return g;
  return undefined;
}

/** Whether a grade calls for a review (基本称职 or 不称职). */
export const isLowGrade = (g: Grade): boolean => GRADE_SCORE[g] <= 2;

/** The 0.975 quantile of the standard normal: a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/** Fewest pairs for a correlation verdict; below it the report says the sample is too small. */
export const MIN_PAIRS = 10;
/** Fewest placements in a quartile for its rates to be read. */
export const MIN_PER_QUARTILE = 5;

// ---------------------------------------------------------------------------------------------
// Spearman's rank correlation

/**
 * Ranks 1…n with ties given the average of the ranks they span (the "fractional" ranking Spearman's
 * coefficient needs when values tie, as grades always do).
 *
 * @example averageRanks([10, 20, 20, 30]) // [1, 2.5, 2.5, 4]
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end] as number] === values[order[start] as number]) end++;
    // Positions start … end−1 (0-based) share the ranks start+1 … end.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    start = end;
  }
  return ranks;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Spearman's ρ: Pearson's correlation of the average ranks (correct with ties, unlike the
 * 1 − 6Σd²/(n(n²−1)) shortcut). Null with fewer than two pairs or when either side is constant
 * (every grade the same: no ranking to correlate with).
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError("spearman: x and y differ in length");
  if (x.length < 2) return null;
  return pearson(averageRanks(x), averageRanks(y));
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * The confidence interval of Spearman's ρ by Fisher's z transform, z = atanh(ρ) ± z₀·SE, with the
 * standard error of Fieller, Hartley & Pearson (1957, "Tests for rank correlation coefficients. I",
 * Biometrika 44: 470–481): SE = √(1.06 / (n − 3)), wider than Pearson's √(1/(n − 3)) because ranks
 * carry less information. Null for n ≤ 3 (no interval exists). ρ = ±1 gives a degenerate interval.
 */
export function spearmanInterval(rho: number, n: number, z = Z_95): Interval | null {
  if (n <= 3) return null;
  if (Math.abs(rho) >= 1) return { low: rho, high: rho };
  const center = Math.atanh(rho);
  const half = z * Math.sqrt(1.06 / (n - 3));
  return { low: Math.tanh(center - half), high: Math.tanh(center + half) };
}

/**
 * `relation`: the 95 % interval excludes 0; `no-relation`: it includes 0; `too-few`: fewer than
 * {@link MIN_PAIRS} pairs, or one side constant — nothing can be said either way.
 */
export type Verdict = "relation" | "no-relation" | "too-few";

export interface Correlation {
  n: number;
  rho: number | null;
  ci: Interval | null;
  verdict: Verdict;
  /** The sign of a found relation (null otherwise). */
  direction: "positive" | "negative" | null;
}

/** Spearman's ρ of paired values, its 95 % interval, the verdict and the sample size. */
export function rankCorrelation(x: readonly number[], y: readonly number[]): Correlation {
  const n = x.length;
  const rho = spearman(x, y);
  const ci = rho === null ? null : spearmanInterval(rho, n);
  if (rho === null || ci === null || n < MIN_PAIRS)
    return { n, rho, ci, verdict: "too-few", direction: null };
  const relation = ci.low > 0 || ci.high < 0;
  return {
    n,
    rho,
    ci,
    verdict: relation ? "relation" : "no-relation",
    direction: relation ? (rho > 0 ? "positive" : "negative") : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Proportions

export interface Proportion {
  /** How many of `n` have the property. */
  count: number;
  n: number;
  /** count / n (null when n = 0). */
  share: number | null;
  /** Wilson score interval (null when n = 0). */
  ci: Interval | null;
}

/**
 * A share with its Wilson score interval (Wilson 1927, "Probable inference, the law of succession,
 * and statistical inference", JASA 22: 209–212; method 3 of Newcombe 1998, "Two-sided confidence
 * intervals for the single proportion", Stat Med 17: 857–872, whose worked examples the tests
 * check, e.g. 81/263 → 0.2553–0.3662). Unlike p ± z·√(p(1−p)/n) it stays in [0, 1] and is
 * honest at 0/n and n/n, which small follow-up samples produce often.
 */
export function wilson(count: number, n: number, z = Z_95): Proportion {
  if (n === 0) return { count, n, share: null, ci: null };
  const p = count / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    count,
    n,
    share: p,
    ci: { low: Math.max(0, center - half), high: Math.min(1, center + half) },
  };
}

// ---------------------------------------------------------------------------------------------
// The report

/** One placement with an outcome: the prediction at the time and the appraisal. */
export interface ValidityRecord {
  fit: number;
  teamScore: number;
  grade: Grade;
}

export interface QuartileRates {
  /** 1 = the lowest predicted fit, 4 = the highest. */
  quartile: 1 | 2 | 3 | 4;
  n: number;
  /** Predicted fit of the placements in this quartile (null when empty). */
  fitRange: Interval | null;
  /** Share rated 优秀. */
  excellent: Proportion;
  /** Share rated 基本称职 or 不称职. */
  low: Proportion;
}

export interface ValidityWarning {
  code: "no-outcomes" | "small-sample" | "small-quartile" | "constant-grade";
  message: Text;
}

export interface ValidityFigures {
  n: number;
  /** Spearman between predicted person–post fit and the grade (4 … 1). */
  fitGrade: Correlation;
  /** Spearman between the team score at the time and the grade. */
  teamScoreGrade: Correlation;
  quartiles: QuartileRates[];
  warnings: ValidityWarning[];
  /** Plain-language lines, one per finding. */
  summary: Text[];
}

/**
 * Splits records into quartiles of predicted fit by rank: a record's quartile is ⌈4·r/n⌉ of its
 * average rank r, so equal fits always share a quartile (quartiles may then differ in size).
 */
export function fitQuartiles(fits: readonly number[]): (1 | 2 | 3 | 4)[] {
  const n = fits.length;
  return averageRanks(fits).map((r) => Math.min(4, Math.max(1, Math.ceil((4 * r) / n))) as 1 | 2 | 3 | 4);
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);
const pct = (x: number) => `${Math.round(x * 100)}%`;

function correlationLine(what: Text, c: Correlation): Text {
  if (c.verdict === "too-few" || c.rho === null || c.ci === null)
    return {
      zh: `${what.zh}与考核等次：样本太少（n = ${c.n}），无法得出任何结论。`,
      en: `${what.en} and appraisal: too few placements with outcomes (n = ${c.n}) to say anything.`,
    };
  const figures = `ρ = ${fmt(c.rho)}，95% 置信区间 ${fmt(c.ci.low)} 至 ${fmt(c.ci.high)}，n = ${c.n}`;
  const figuresEn = `ρ = ${fmt(c.rho)}, 95% CI ${fmt(c.ci.low)} to ${fmt(c.ci.high)}, n = ${c.n}`;
  if (c.verdict === "no-relation")
    return {
      zh: `${what.zh}与考核等次：未见可靠的关联（${figures}；区间包含 0）。`,
      en: `${what.en} and appraisal: no reliable relation (${figuresEn}; the interval includes 0).`,
    };
  const positive = c.direction === "positive";
  return {
    zh: `${what.zh}与考核等次${positive ? "正相关：预测越高，考核等次往往越好" : "负相关：预测越高，考核等次反而往往越差"}（${figures}）。这是描述性结果，不代表因果，也不会自动调整权重。`,
    en: `${what.en} and appraisal go together ${positive ? "positively: higher predictions tended to go with better appraisals" : "negatively: higher predictions tended to go with worse appraisals"} (${figuresEn}). This describes the data; it is not proof of cause and changes no weight.`,
  };
}

/**
 * The validity figures of a set of placements with outcomes (one outcome each: callers pick which,
 * e.g. the latest). Deterministic; order of `records` does not matter.
 */
export function validityReport(records: readonly ValidityRecord[]): ValidityFigures {
  const n = records.length;
  const grades = records.map((r) => GRADE_SCORE[r.grade]);
  const fits = records.map((r) => r.fit);
  const fitGrade = rankCorrelation(fits, grades);
  const teamScoreGrade = rankCorrelation(
    records.map((r) => r.teamScore),
    grades,
  );
  const warnings: ValidityWarning[] = [];
  if (n === 0)
    warnings.push({
      code: "no-outcomes",
      message: {
        zh: "还没有带考核结果的任职记录：无法得出任何结论。",
        en: "No placements with an appraisal yet: nothing can be said.",
      },
    });
  else if (n < MIN_PAIRS)
    warnings.push({
      code: "small-sample",
      message: {
        zh: `只有 ${n} 条带考核结果的任职记录（至少需要 ${MIN_PAIRS} 条）：样本太少，无法得出任何结论。`,
        en: `Only ${n} placements with an appraisal (at least ${MIN_PAIRS} are needed): too few to say anything.`,
      },
    });
  if (n >= 2 && grades.every((g) => g === grades[0]))
    warnings.push({
      code: "constant-grade",
      message: {
        zh: "所有人的考核等次相同：没有可供比较的差异。",
        en: "Everyone has the same appraisal grade: there is no difference to relate the predictions to.",
      },
    });

  const quartileOf = n ? fitQuartiles(fits) : [];
  const quartiles: QuartileRates[] = ([1, 2, 3, 4] as const).map((quartile) => {
    const members = records.filter((_, i) => quartileOf[i] === quartile);
    const qFits = members.map((r) => r.fit);
    return {
      quartile,
      n: members.length,
      fitRange: members.length ? { low: Math.min(...qFits), high: Math.max(...qFits) } : null,
      excellent: wilson(members.filter((r) => r.grade === "excellent").length, members.length),
      low: wilson(members.filter((r) => isLowGrade(r.grade)).length, members.length),
    };
  });
  if (n > 0)
    for (const q of quartiles)
      if (q.n < MIN_PER_QUARTILE)
        warnings.push({
          code: "small-quartile",
          message: {
            zh: `拟合度第 ${q.quartile} 四分位只有 ${q.n} 人（至少需要 ${MIN_PER_QUARTILE} 人）：该组比例样本太少，无法说明问题。`,
            en: `Fit quartile ${q.quartile} has only ${q.n} placements (at least ${MIN_PER_QUARTILE} are needed): too few to say anything about its rates.`,
          },
        });

  const summary: Text[] = [
    correlationLine({ zh: "人岗拟合度", en: "Predicted person–post fit" }, fitGrade),
    correlationLine({ zh: "班子得分", en: "Team score" }, teamScoreGrade),
  ];
  const top = quartiles[3] as QuartileRates;
  const bottom = quartiles[0] as QuartileRates;
  if (top.n >= MIN_PER_QUARTILE && bottom.n >= MIN_PER_QUARTILE && top.excellent.ci && bottom.excellent.ci)
    summary.push({
      zh: `拟合度最高四分之一中 ${pct(top.excellent.share ?? 0)} 被评为优秀（n = ${top.n}），最低四分之一中为 ${pct(bottom.excellent.share ?? 0)}（n = ${bottom.n}）；基本称职及以下分别为 ${pct(top.low.share ?? 0)} 和 ${pct(bottom.low.share ?? 0)}。`,
      en: `In the top fit quartile ${pct(top.excellent.share ?? 0)} were rated excellent (n = ${top.n}), in the bottom quartile ${pct(bottom.excellent.share ?? 0)} (n = ${bottom.n}); basically competent or below: ${pct(top.low.share ?? 0)} and ${pct(bottom.low.share ?? 0)}.`,
    });
  summary.push({
    zh: "本报告只描述已有数据，不会自动改变任何权重；测评只是参考依据之一。",
    en: "This report describes the data only; it never changes a weight by itself. The test is one reference among others.",
  });
  return { n, fitGrade, teamScoreGrade, quartiles, warnings, summary };
}
