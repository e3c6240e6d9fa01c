/**
 * The 16PF factor catalogue (Cattell's Sixteen Personality Factor Questionnaire, 卡特尔16种人格因素测验).
 *
 * Codes, Chinese and English names and the meaning of each pole follow the Chinese 187-item
 * edition's manual and the 16PF Fifth Edition's factor names. The raw-score maxima are those of
 * the Chinese 187-item version (items score 0/1/2; factor B's items 0/1).
 *
 * @example
 * ```ts
 * import { FACTORS, FACTOR_INFO } from "./factors";
 * FACTORS.length; // 16
 * FACTOR_INFO.C.nameZh; // "稳定性"
 * ```
 */
export const FACTORS = [
  "A",
  "B",
  "C",
  "E",
  "F",
  "G",
  "H",
  "I",
  "L",
  "M",
  "N",
  "O",
  "Q1",
  "Q2",
  "Q3",
  "Q4",
] as const;

/** One of the 16 primary factor codes, A … Q4. */
export type FactorCode = (typeof FACTORS)[number];

/** A value per factor, e.g. a sten profile `{ A: 6, B: 8, … }`. */
export type FactorRecord<T = number> = Record<FactorCode, T>;

/**
 * Writes a sten profile's 16 values into `row` from `offset`, in {@link FACTORS} order. Each factor
 * is read by name (one property load per factor): reading `stens[FACTORS[f]]` in a loop costs
 * several times as much in hot code.
 */
export function stensIntoRow(stens: FactorRecord, row: Float64Array, offset: number): void {
  row[offset] = stens.A;
  row[offset + 1] = stens.B;
  row[offset + 2] = stens.C;
  row[offset + 3] = stens.E;
  row[offset + 4] = stens.F;
  row[offset + 5] = stens.G;
  row[offset + 6] = stens.H;
  row[offset + 7] = stens.I;
  row[offset + 8] = stens.L;
  row[offset + 9] = stens.M;
  row[offset + 10] = stens.N;
  row[offset + 11] = stens.O;
  row[offset + 12] = stens.Q1;
  row[offset + 13] = stens.Q2;
  row[offset + 14] = stens.Q3;
  row[offset + 15] = stens.Q4;
}

/** What one factor measures, in Chinese and English, and what its low and high poles mean. */
export interface FactorInfo {
  code: FactorCode;
  nameZh: string;
  nameEn: string;
  lowZh: string;
  lowEn: string;
  highZh: string;
  highEn: string;
  /** Highest raw score on the Chinese 187-item version. */
  rawMax: number;
}

const info = (
  code: FactorCode,
  nameZh: string,
  nameEn: string,
  [lowZh, lowEn]: [string, string],
  [highZh, highEn]: [string, string],
  rawMax: number,
): FactorInfo => ({ code, nameZh, nameEn, lowZh, lowEn, highZh, highEn, rawMax });

/** Catalogue entry for every factor, keyed by code. */
export const FACTOR_INFO: Readonly<FactorRecord<FactorInfo>> = {
  A: info("A", "乐群性", "Warmth", ["缄默孤独", "reserved"], ["乐群外向", "warm, outgoing"], 20),
  B: info(
    "B",
    "聪慧性",
    "Reasoning",
    ["思维具体", "concrete thinking"],
    ["聪慧、抽象思维", "abstract thinking"],
    13,
  ),
  C: info(
    "C",
    "稳定性",
    "Emotional Stability",
    ["情绪易激动", "reactive"],
    ["情绪稳定", "emotionally stable"],
    26,
  ),
  E: info("E", "恃强性", "Dominance", ["谦逊顺从", "deferential"], ["好强固执", "dominant"], 26),
  F: info("F", "兴奋性", "Liveliness", ["严肃审慎", "serious"], ["轻松兴奋", "lively"], 26),
  G: info("G", "有恒性", "Rule-Consciousness", ["权宜敷衍", "expedient"], ["有恒负责", "rule-conscious"], 20),
  H: info("H", "敢为性", "Social Boldness", ["畏怯退缩", "shy"], ["冒险敢为", "socially bold"], 26),
  I: info(
    "I",
    "敏感性",
    "Sensitivity",
    ["理智、着重现实", "utilitarian"],
    ["敏感、感情用事", "sensitive"],
    20,
  ),
  L: info("L", "怀疑性", "Vigilance", ["信赖随和", "trusting"], ["怀疑、刚愎", "vigilant"], 20),
  M: info(
    "M",
    "幻想性",
    "Abstractedness",
    ["现实、合乎成规", "grounded"],
    ["幻想、狂放不羁", "abstracted"],
    26,
  ),
  N: info("N", "世故性", "Privateness", ["坦白直率", "forthright"], ["精明世故", "private"], 20),
  O: info("O", "忧虑性", "Apprehension", ["安详沉着", "self-assured"], ["忧虑抑郁", "apprehensive"], 26),
  Q1: info(
    "Q1",
    "实验性",
    "Openness to Change",
    ["保守、尊重传统", "traditional"],
    ["自由、批评激进", "open to change"],
    20,
  ),
  Q2: info(
    "Q2",
    "独立性",
    "Self-Reliance",
    ["依赖、随群附众", "group-oriented"],
    ["自立、当机立断", "self-reliant"],
    20,
  ),
  Q3: info(
    "Q3",
    "自律性",
    "Perfectionism",
    ["矛盾冲突、不拘小节", "tolerates disorder"],
    ["知己知彼、自律严谨", "perfectionistic"],
    20,
  ),
  Q4: info("Q4", "紧张性", "Tension", ["心平气和", "relaxed"], ["紧张困扰", "tense"], 26),
};

/** Position of each factor in {@link FACTORS}, for indexing `Float64Array` profiles. */
export const FACTOR_INDEX: Readonly<FactorRecord<number>> = Object.fromEntries(
  FACTORS.map((code, i) => [code, i]),
) as FactorRecord<number>;

/** Lowest and highest sten (standard ten: mean 5.5, SD 2). */
export const STEN_MIN = 1;
export const STEN_MAX = 10;

/** True when `value` is one of the factor codes. */
export function isFactorCode(value: string): value is FactorCode {
  return (FACTORS as readonly string[]).includes(value);
}
