import { FACTOR_INFO, FACTORS, type FactorCode, type FactorRecord } from "./factors";

/**
 * A raw → sten norm given as cut-offs: for each factor the highest raw score of stens 1 … 9; a raw
 * score above the ninth cut-off is sten 10.
 */
export interface CutoffNorm {
  code: string;
  kind: "cutoffs";
  cutoffs: FactorRecord<readonly number[]>;
  /** Highest possible raw score per factor (inputs above it are rejected). */
  rawMax: FactorRecord<number>;
}

/**
 * The commonly published Chinese norm for the 187-item 16PF (中国常模), as listed in DESIGN.md.
 * Items score 0/1/2 (B: 0/1), so raw maxima are 20 (A G I L N Q1 Q2 Q3), 13 (B), 26 (the rest).
 */
export const CN_16PF_187: CutoffNorm = {
  code: "cn-16pf-187",
  kind: "cutoffs",
  cutoffs: {
    A: [1, 3, 5, 6, 8, 11, 13, 14, 16],
    B: [3, 4, 5, 6, 7, 8, 9, 10, 11],
    C: [5, 7, 9, 11, 13, 16, 18, 20, 22],
    E: [2, 4, 5, 7, 9, 12, 14, 16, 18],
    F: [3, 4, 6, 7, 9, 12, 14, 16, 18],
    G: [5, 7, 9, 10, 12, 14, 16, 17, 18],
    H: [1, 2, 3, 6, 8, 11, 14, 16, 19],
    I: [5, 6, 8, 9, 11, 13, 14, 16, 17],
    L: [3, 5, 6, 8, 10, 12, 13, 15, 16],
    M: [5, 7, 9, 11, 13, 15, 17, 19, 20],
    N: [2, 3, 4, 6, 8, 10, 11, 13, 14],
    O: [2, 4, 6, 8, 10, 12, 14, 16, 18],
    Q1: [4, 5, 7, 8, 10, 12, 13, 14, 15],
    Q2: [5, 7, 8, 10, 12, 14, 15, 17, 18],
    Q3: [4, 6, 8, 10, 12, 14, 15, 17, 18],
    Q4: [2, 4, 6, 8, 11, 14, 16, 19, 21],
  },
  rawMax: Object.fromEntries(FACTORS.map((f) => [f, FACTOR_INFO[f].rawMax])) as FactorRecord<number>,
};

/** Norms that need no upload. */
export const BUILTIN_NORMS: Readonly<Record<string, CutoffNorm>> = { [CN_16PF_187.code]: CN_16PF_187 };

/** The sten of one raw score under a cut-off norm. */
export function stenFromCutoffs(cutoffs: readonly number[], raw: number): number {
  let sten = 1;
  for (const upper of cutoffs) {
    if (raw <= upper) return sten;
    sten++;
  }
  return sten;
}

/** A raw score that the norm cannot convert: out of range or not an integer. */
export interface RawScoreProblem {
  factor: FactorCode;
  message: string;
}

/** Converts 16 raw scores to stens; returns the problems instead when any raw score is out of range. */
export function rawToStens(
  norm: CutoffNorm,
  raw: FactorRecord,
): { ok: true; stens: FactorRecord } | { ok: false; problems: RawScoreProblem[] } {
  const problems: RawScoreProblem[] = [];
  const stens = {} as FactorRecord;
  for (const factor of FACTORS) {
    const value = raw[factor];
    if (!Number.isInteger(value) || value < 0 || value > norm.rawMax[factor]) {
      problems.push({ factor, message: `raw score must be an integer from 0 to ${norm.rawMax[factor]}` });
      continue;
    }
    stens[factor] = stenFromCutoffs(norm.cutoffs[factor], value);
  }
  return problems.length ? { ok: false, problems } : { ok: true, stens };
}
