/**
 * Derived factors of the Chinese 16PF manual (次元人格因素与应用公式): the second-order factors
 * X1–X4 and the application ("predictive") factors Y1–Y4, computed from the 16 primary stens.
 *
 * ```
 * X1 适应与焦虑         = (38 + 2L + 3O + 4Q4 − 2C − 2H − 2Q3) / 10
 * X2 内向与外向         = (2A + 3E + 4F + 5H − 2Q2 − 11) / 10
 * X3 感情用事与安详机警 = (77 + 2C + 2E + 2F + 2N − 4A − 6I − 2M) / 10
 * X4 怯懦与果断         = (4E + 3M + 4Q1 + 4Q2 − 3A − 2G) / 10
 * Y1 心理健康           = C + F + (11 − O) + (11 − Q4)
 * Y2 专业有成就         = 2Q3 + 2G + 2C + E + N + Q2 + Q1
 * Y3 创造力             = 2(11 − A) + 2B + E + 2(11 − F) + H + 2I + M + (11 − N) + Q1 + 2Q2   (raw; sten by table)
 * Y4 新环境成长能力     = B + G + Q3 + (11 − F)
 * ```
 * X1's last term: copies of the manual disagree (most print −2Q3, at least one −2Q2); the
 * majority reading, **Q3**,, which is used here.
 *
 * Arithmetic: with integer stens every numerator is an integer, so Y values are exact integers and
 * each X value is (integer numerator) / 10 — the double nearest the exact one-decimal value. The
 * returned X values are **not** rounded; round to one decimal for display only
 * ({@link formatDerived}).
 *
 * Ranges with stens 1–10: X1 −1.3…12.2, X2 −1.7…12.7, X3 and X4 −3.5…14.5, Y1 4…40 (mean 22),
 * Y2 10…100 (mean 55), Y3 15…150, Y4 4…40 (mean 22). The interpretation bands are in
 * {@link DERIVED_THRESHOLDS}; meanings in {@link DERIVED_INFO}; sentences from {@link interpretDerived}.
 */
import {
  FACTOR_INDEX,
  FACTORS,
  type FactorCode,
  type FactorRecord,
  isFactorCode,
  STEN_MAX,
  STEN_MIN,
} from "./factors";
import { stenFromCutoffs } from "./norms";

/** The derived values `deriveFactors` returns; Y3 is the raw creativity score, Y3Sten its sten. */
export interface DerivedFactors {
  X1: number;
  X2: number;
  X3: number;
  X4: number;
  Y1: number;
  Y2: number;
  Y3: number;
  Y3Sten: number;
  Y4: number;
}

/** The eight derived factors as interpreted (Y3 through its sten). */
export const DERIVED_CODES = ["X1", "X2", "X3", "X4", "Y1", "Y2", "Y3", "Y4"] as const;
export type DerivedCode = (typeof DERIVED_CODES)[number];

/** Slot order of {@link deriveFromArray}'s output. */
export const DERIVED_FIELDS = ["X1", "X2", "X3", "X4", "Y1", "Y2", "Y3", "Y3Sten", "Y4"] as const;
/** Position of each field in {@link deriveFromArray}'s output. */
export const DERIVED_INDEX: Readonly<Record<keyof DerivedFactors, number>> = Object.fromEntries(
  DERIVED_FIELDS.map((field, i) => [field, i]),
) as Record<keyof DerivedFactors, number>;

/**
 * Y3 (creativity, raw 15–150) → sten: the upper raw bound of stens 1 … 9, above the last is 10.
 * That is 15–62 → 1, 63–67 → 2, 68–72 → 3, 73–77 → 4, 78–82 → 5, 83–87 → 6, 88–92 → 7, 93–97 → 8,
 * 98–102 → 9, 103–150 → 10.
 *
 * Source: the conversion table commonly printed with the Chinese 187-item manual's application
 * formulas (创造力强者的人格因素: 原始分 → 标准分). The manual itself was not available to us; the
 * table was cross-checked against two independent public implementations of the Chinese 16PF
 * report (one codes the lower bounds 63, 68, …, 103; one report shows raw 71 → sten 3). It is also
 * consistent with the formula: the all-average profile (stens 5.5) gives 82.5, the boundary between
 * stens 5 and 6, and each sten is 5 raw points wide.
 */
export const Y3_STEN_CUTOFFS: readonly number[] = [62, 67, 72, 77, 82, 87, 92, 97, 102];

/** The creativity sten of a Y3 raw score. */
export function y3ToSten(y3: number): number {
  return stenFromCutoffs(Y3_STEN_CUTOFFS, y3);
}

const iA = FACTOR_INDEX.A;
const iB = FACTOR_INDEX.B;
const iC = FACTOR_INDEX.C;
const iE = FACTOR_INDEX.E;
const iF = FACTOR_INDEX.F;
const iG = FACTOR_INDEX.G;
const iH = FACTOR_INDEX.H;
const iI = FACTOR_INDEX.I;
const iL = FACTOR_INDEX.L;
const iM = FACTOR_INDEX.M;
const iN = FACTOR_INDEX.N;
const iO = FACTOR_INDEX.O;
const iQ1 = FACTOR_INDEX.Q1;
const iQ2 = FACTOR_INDEX.Q2;
const iQ3 = FACTOR_INDEX.Q3;
const iQ4 = FACTOR_INDEX.Q4;

/**
 * The derived factors of one profile given as 16 stens in {@link FACTORS} order, written into `out`
 * in {@link DERIVED_FIELDS} order (X1, X2, X3, X4, Y1, Y2, Y3, Y3Sten, Y4). No checks and no
 * allocation when `out` is given: for hot loops over validated `Float64Array` profiles.
 *
 * @example
 * ```ts
 * const out = new Float64Array(9);
 * deriveFromArray(stensRow, out);
 * out[DERIVED_INDEX.Y1];
 * ```
 */
export function deriveFromArray(
  stens: ArrayLike<number>,
  out: Float64Array = new Float64Array(DERIVED_FIELDS.length),
  /** Where the 16 stens start in `stens` (a row of a larger table). */
  offset = 0,
): Float64Array {
  const A = stens[offset + iA] as number;
  const B = stens[offset + iB] as number;
  const C = stens[offset + iC] as number;
  const E = stens[offset + iE] as number;
  const F = stens[offset + iF] as number;
  const G = stens[offset + iG] as number;
  const H = stens[offset + iH] as number;
  const I = stens[offset + iI] as number;
  const L = stens[offset + iL] as number;
  const M = stens[offset + iM] as number;
  const N = stens[offset + iN] as number;
  const O = stens[offset + iO] as number;
  const Q1 = stens[offset + iQ1] as number;
  const Q2 = stens[offset + iQ2] as number;
  const Q3 = stens[offset + iQ3] as number;
  const Q4 = stens[offset + iQ4] as number;
  // Numerators first, divided once: exact for integer stens.
  out[0] = (38 + 2 * L + 3 * O + 4 * Q4 - 2 * C - 2 * H - 2 * Q3) / 10;
  out[1] = (2 * A + 3 * E + 4 * F + 5 * H - 2 * Q2 - 11) / 10;
  out[2] = (77 + 2 * C + 2 * E + 2 * F + 2 * N - 4 * A - 6 * I - 2 * M) / 10;
  out[3] = (4 * E + 3 * M + 4 * Q1 + 4 * Q2 - 3 * A - 2 * G) / 10;
  out[4] = C + F + (11 - O) + (11 - Q4);
  out[5] = 2 * Q3 + 2 * G + 2 * C + E + N + Q2 + Q1;
  const y3 = 2 * (11 - A) + 2 * B + E + 2 * (11 - F) + H + 2 * I + M + (11 - N) + Q1 + 2 * Q2;
  out[6] = y3;
  out[7] = y3ToSten(y3);
  out[8] = B + G + Q3 + (11 - F);
  return out;
}

/**
 * The derived factors X1–X4, Y1–Y4 (and Y3's sten) of a sten profile.
 *
 * Stens are expected to be integers 1–10 (check API input with {@link checkStens}); fractional
 * stens within 1–10 (e.g. averaged profiles) are accepted and give fractional values, with Y3Sten
 * read from the table's upper bounds. Throws a RangeError for a missing, non-finite or
 * out-of-range sten rather than returning meaningless numbers.
 *
 * @example
 * ```ts
 * deriveFactors(stens); // { X1: 5.4, X2: 6.1, …, Y3: 84, Y3Sten: 6, Y4: 22 }
 * ```
 */
export function deriveFactors(stens: Readonly<FactorRecord>): DerivedFactors {
  const row = rowScratch;
  for (let i = 0; i < FACTORS.length; i++) {
    const factor = FACTORS[i] as FactorCode;
    const s = stens[factor];
    if (typeof s !== "number" || !(s >= STEN_MIN && s <= STEN_MAX))
      throw new RangeError(
        `sten ${factor} must be a number from ${STEN_MIN} to ${STEN_MAX}, got ${String(s)}`,
      );
    row[i] = s;
  }
  const out = deriveFromArray(row, outScratch);
  return {
    X1: out[0] as number,
    X2: out[1] as number,
    X3: out[2] as number,
    X4: out[3] as number,
    Y1: out[4] as number,
    Y2: out[5] as number,
    Y3: out[6] as number,
    Y3Sten: out[7] as number,
    Y4: out[8] as number,
  };
}

// Scratch rows for deriveFactors (JavaScript runs one call at a time here; results are copied out).
const rowScratch = new Float64Array(FACTORS.length);
const outScratch = new Float64Array(DERIVED_FIELDS.length);

/** What is wrong with one sten of an input profile (`path` is the factor code, or "" for the profile). */
export interface StenProblem {
  path: string;
  message: string;
}

/**
 * Checks an input sten profile: an object with all 16 factors, each an integer 1–10, and no other
 * keys. Returns the profile, or every problem with its factor.
 */
export function checkStens(
  input: unknown,
): { ok: true; stens: FactorRecord } | { ok: false; problems: StenProblem[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return {
      ok: false,
      problems: [{ path: "", message: "stens must be an object keyed by factor (A … Q4)" }],
    };
  const record = input as Record<string, unknown>;
  const problems: StenProblem[] = [];
  for (const key of Object.keys(record))
    if (!isFactorCode(key))
      problems.push({ path: key, message: "unknown factor (expected A, B, C, E … Q4)" });
  const stens = {} as FactorRecord;
  for (const factor of FACTORS) {
    const value = record[factor];
    if (value === undefined) problems.push({ path: factor, message: "sten is missing" });
    else if (!Number.isInteger(value) || (value as number) < STEN_MIN || (value as number) > STEN_MAX)
      problems.push({ path: factor, message: `sten must be an integer from ${STEN_MIN} to ${STEN_MAX}` });
    else stens[factor] = value as number;
  }
  return problems.length ? { ok: false, problems } : { ok: true, stens };
}

/** Interpretation band of a derived factor; both bounds inclusive, Y3's applied to its sten. */
export interface DerivedThreshold {
  /** The low pole applies at or below this value; absent where the source names no low band. */
  lowMax?: number;
  /** The high pole applies at or above this value; absent where the source names no high band. */
  highMin?: number;
  /** The scale's mean where the manual states one. */
  mean?: number;
  /** Lowest and highest value possible with stens 1–10 (Y3: of its sten). */
  range: readonly [number, number];
  /** Where the band comes from. */
  source: string;
}

const X_SOURCE =
  "Chinese manual: a second-order score of 8 or more is high, 3 or less low (the reading of primary stens). " +
  "A '< 4.5 / > 6.5' reading was not found in any source consulted.";

/**
 * Interpretation bands (data, so a scoring profile can override them). Y1, Y2 and Y4 are integers
 * for integer stens, so "Y1 < 12" is `lowMax: 11` and "Y4 < 17" is `lowMax: 16`.
 *
 * Y2: the manual gives the mean (55) and "67 or more: better chances of success"; the common
 * screening reading "Y2 > 55 likely to succeed" is the above-mean reading, which the sentences of
 * {@link interpretDerived} state separately.
 */
export const DERIVED_THRESHOLDS: Readonly<Record<DerivedCode, DerivedThreshold>> = {
  X1: { lowMax: 3, highMin: 8, range: [-1.3, 12.2], source: X_SOURCE },
  X2: { lowMax: 3, highMin: 8, range: [-1.7, 12.7], source: X_SOURCE },
  X3: { lowMax: 3, highMin: 8, range: [-3.5, 14.5], source: X_SOURCE },
  X4: { lowMax: 3, highMin: 8, range: [-3.5, 14.5], source: X_SOURCE },
  Y1: {
    lowMax: 11,
    mean: 22,
    range: [4, 40],
    source: "Chinese manual: range 4–40, mean 22; below 12 (about 10% of people) markedly unstable.",
  },
  Y2: {
    highMin: 67,
    mean: 55,
    range: [10, 100],
    source: "Chinese manual: range 10–100, mean 55; 67 or more has better chances of professional success.",
  },
  Y3: {
    lowMax: 3,
    highMin: 8,
    range: [1, 10],
    source:
      "Chinese manual: a creativity sten above 7 is in the range of the highly creative; " +
      "the low band (sten 3 or less) is the general sten convention, the manual names none.",
  },
  Y4: {
    lowMax: 16,
    highMin: 25,
    mean: 22,
    range: [4, 40],
    source:
      "Chinese manual: range 4–40, mean 22; below 17 (about 10%) unlikely to succeed in new training or " +
      "settings; 25 or more has good prospects (some copies print 27). Screening practice reads < 17 as low and > 24 as high.",
  },
};

/** One pole of a derived factor: its short label and what it means, in Chinese and English. */
export interface DerivedPole {
  labelZh: string;
  labelEn: string;
  meaningZh: string;
  meaningEn: string;
}

/** What a derived factor describes, in Chinese and English. */
export interface DerivedInfo {
  code: DerivedCode;
  nameZh: string;
  nameEn: string;
  aboutZh: string;
  aboutEn: string;
  low?: DerivedPole;
  high?: DerivedPole;
  /** Said when neither pole applies. */
  middleZh: string;
  middleEn: string;
}

const pole = (labelZh: string, labelEn: string, meaningZh: string, meaningEn: string): DerivedPole => ({
  labelZh,
  labelEn,
  meaningZh,
  meaningEn,
});
const BETWEEN_ZH = "处于两极之间";
const BETWEEN_EN = "between the two poles";

/** Bilingual meaning of each derived factor and its poles (paraphrasing the Chinese manual). */
export const DERIVED_INFO: Readonly<Record<DerivedCode, DerivedInfo>> = {
  X1: {
    code: "X1",
    nameZh: "适应与焦虑",
    nameEn: "adjustment vs anxiety",
    aboutZh: "对当前处境的适应程度与焦虑、不满的程度",
    aboutEn: "how well one is adjusted to one's situation, versus anxious and dissatisfied",
    low: pole(
      "适应",
      "well adjusted",
      "适应顺利，多感到满足；极低者可能遇难而退、缺乏毅力",
      "adjusts easily and is usually content; very low scores may go with giving up on hard tasks",
    ),
    high: pole(
      "焦虑",
      "anxious",
      "常对处境和自身成就感到不满；未必是神经症，但高焦虑会降低工作效率、影响健康",
      "often dissatisfied with circumstances and own attainment; not necessarily neurotic, but high anxiety can impair work and health",
    ),
    middleZh: BETWEEN_ZH,
    middleEn: BETWEEN_EN,
  },
  X2: {
    code: "X2",
    nameZh: "内向与外向",
    nameEn: "introversion vs extraversion",
    aboutZh: "与人交往时的内倾或外倾程度",
    aboutEn: "how inward- or outward-turned one is with other people",
    low: pole(
      "内向",
      "introverted",
      "拘谨克制、较为自足，适合细致、独立的工作",
      "reserved, restrained and self-sufficient; suited to detailed, independent work",
    ),
    high: pole("外向", "extraverted", "开朗、善于交际、不拘小节", "outgoing, sociable and uninhibited"),
    middleZh: BETWEEN_ZH,
    middleEn: BETWEEN_EN,
  },
  X3: {
    code: "X3",
    nameZh: "感情用事与安详机警",
    nameEn: "emotional sensitivity vs alert poise",
    aboutZh: "受情绪困扰的程度与果断进取的程度",
    aboutEn: "how far feelings trouble one, versus how decisive and enterprising one is",
    low: pole(
      "感情用事",
      "emotionally sensitive",
      "情感丰富而易受困扰，行动前顾虑多、反复斟酌",
      "rich in feeling and easily troubled; weighs things long before acting",
    ),
    high: pole(
      "安详机警",
      "alert and poised",
      "果断刚毅、有进取心、精力充沛，但可能忽视细节、考虑不周而贸然行事",
      "decisive, enterprising and energetic, but may overlook detail and act rashly",
    ),
    middleZh: BETWEEN_ZH,
    middleEn: BETWEEN_EN,
  },
  X4: {
    code: "X4",
    nameZh: "怯懦与果断",
    nameEn: "timidity vs decisiveness",
    aboutZh: "做事时的依从犹豫或独立果断程度",
    aboutEn: "how compliant and hesitant, versus independent and decisive, one is in acting",
    low: pole(
      "怯懦",
      "timid",
      "依赖、顺从、优柔寡断，易迁就他人",
      "dependent, compliant and indecisive; gives way to others",
    ),
    high: pole(
      "果断",
      "decisive",
      "独立果断、锋芒外露、有气魄，主动寻找施展所长的机会",
      "independent, forceful and bold; seeks chances to use own abilities",
    ),
    middleZh: BETWEEN_ZH,
    middleEn: BETWEEN_EN,
  },
  Y1: {
    code: "Y1",
    nameZh: "心理健康",
    nameEn: "mental health",
    aboutZh: "人格层面的心理健康水平，是学习和工作效率的基础",
    aboutEn: "mental health at the level of personality, a basis of effectiveness in study and work",
    low: pole(
      "情绪不稳定",
      "emotionally unstable",
      "情绪明显不稳定（低于 12 分者约占 10%）",
      "markedly unstable emotionally (about 10% of people score below 12)",
    ),
    middleZh: "未见明显的情绪不稳定",
    middleEn: "no sign of marked emotional instability",
  },
  Y2: {
    code: "Y2",
    nameZh: "专业有成就",
    nameEn: "professional achievement",
    aboutZh: "有利于专业成就的人格因素（不代表实际成就水平）",
    aboutEn: "personality traits that favour professional achievement (not achievement itself)",
    high: pole(
      "成就潜力高",
      "strong achievement profile",
      "具备专业有成就者常见的人格特点，成功机会较大",
      "has the personality pattern common among professional achievers; better chances of success",
    ),
    middleZh: "未达到成就潜力高的范围（67 分以上）",
    middleEn: "below the strong-achievement range (67 or more)",
  },
  Y3: {
    code: "Y3",
    nameZh: "创造力",
    nameEn: "creativity",
    aboutZh: "与创造力强者相近的人格因素，按标准分解释",
    aboutEn: "personality traits shared with highly creative people, read as a sten",
    low: pole(
      "创造力特点少",
      "few creative traits",
      "与创造力强者相近的人格特点较少",
      "shows few of the personality traits of highly creative people",
    ),
    high: pole(
      "创造力强",
      "highly creative",
      "属于创造力强者的范围，应能有所创造",
      "in the range of highly creative people; should be capable of creative work",
    ),
    middleZh: "创造力人格特点处于中等",
    middleEn: "creative traits in the middle range",
  },
  Y4: {
    code: "Y4",
    nameZh: "新环境成长能力",
    nameEn: "growth in a new environment",
    aboutZh: "在新环境、新岗位中成长的人格因素",
    aboutEn: "personality traits for growing in a new setting or post",
    low: pole(
      "难适应新环境",
      "slow to grow in new settings",
      "在新环境中成长的可能性较小（低于 17 分者约占 10%）",
      "unlikely to do well in a new setting or training (about 10% score below 17)",
    ),
    high: pole(
      "适应新环境",
      "grows in new settings",
      "在新环境中有成功的希望",
      "good prospects of succeeding in a new setting",
    ),
    middleZh: "新环境成长能力处于中等",
    middleEn: "growth in new settings in the middle range",
  },
};

/** Which pole a derived value reaches; "average" when neither does. */
export type DerivedLevel = "low" | "average" | "high";

/** One derived factor read against its band, with a sentence in each language. */
export interface DerivedInterpretation {
  code: DerivedCode;
  /** The value read: the score itself, for Y3 its sten. */
  value: number;
  level: DerivedLevel;
  zh: string;
  en: string;
}

/** A derived value for display: X values to one decimal, Y values as they are. */
export function formatDerived(field: keyof DerivedFactors, value: number): string {
  return field.startsWith("X") || !Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** The level of a value under a band (bounds inclusive). */
export function derivedLevel(value: number, band: DerivedThreshold): DerivedLevel {
  if (band.lowMax !== undefined && value <= band.lowMax) return "low";
  if (band.highMin !== undefined && value >= band.highMin) return "high";
  return "average";
}

/**
 * Reads each derived factor against its band and says what it means, in Chinese and English.
 *
 * @example
 * ```ts
 * interpretDerived(deriveFactors(stens)).X1;
 * // { code: "X1", value: 8, level: "high", zh: "X1 适应与焦虑 8.0：高分（焦虑）——…", en: "X1 adjustment vs anxiety 8.0: high (anxious) — …" }
 * ```
 */
export function interpretDerived(
  derived: DerivedFactors,
  thresholds: Readonly<Record<DerivedCode, DerivedThreshold>> = DERIVED_THRESHOLDS,
): Record<DerivedCode, DerivedInterpretation> {
  const result = {} as Record<DerivedCode, DerivedInterpretation>;
  for (const code of DERIVED_CODES) {
    const info = DERIVED_INFO[code];
    const band = thresholds[code];
    const value = code === "Y3" ? derived.Y3Sten : derived[code];
    const level = derivedLevel(value, band);
    const shownZh = code === "Y3" ? `${derived.Y3}（标准分 ${value}）` : formatDerived(code, value);
    const shownEn = code === "Y3" ? `${derived.Y3} (sten ${value})` : formatDerived(code, value);
    const reached = level === "low" ? info.low : level === "high" ? info.high : undefined;
    let zh = reached
      ? `${code} ${info.nameZh} ${shownZh}：${level === "low" ? "低分" : "高分"}（${reached.labelZh}）——${reached.meaningZh}`
      : `${code} ${info.nameZh} ${shownZh}：${info.middleZh}`;
    let en = reached
      ? `${code} ${info.nameEn} ${shownEn}: ${level} (${reached.labelEn}) — ${reached.meaningEn}`
      : `${code} ${info.nameEn} ${shownEn}: ${info.middleEn}`;
    if (band.mean !== undefined) {
      const side = value > band.mean ? 1 : value < band.mean ? -1 : 0;
      zh += `；${side > 0 ? "高于" : side < 0 ? "低于" : "等于"}均值 ${band.mean}`;
      en += `; ${side > 0 ? "above" : side < 0 ? "below" : "at"} the mean of ${band.mean}`;
    }
    result[code] = { code, value, level, zh: `${zh}。`, en: `${en}.` };
  }
  return result;
}
