/**
 * Norms (常模): raw 16PF factor scores → stens (standard ten, 1–10, mean 5.5, SD 2).
 *
 * Two kinds of norm:
 * - **cut-offs** — per factor the highest raw score of stens 1 … 9 (a printed norm table such as the
 *   built-in Chinese norm {@link CN_16PF_187});
 * - **z** — per factor a norm group's raw-score mean and SD; the sten is the standard linear one,
 *   see {@link stenFromZ}.
 *
 * Uploaded norm definitions are checked by {@link validateNorm}; {@link zNormFromSample} builds a
 * z norm from a group's raw profiles. Pure: no I/O, runs in Node and workerd.
 *
 * @example
 * ```ts
 * const result = rawToStens(CN_16PF_187, raw);
 * if (result.ok) result.stens.A; // 1…10
 * ```
 */
import {
  FACTOR_INFO,
  FACTORS,
  type FactorCode,
  type FactorRecord,
  isFactorCode,
  STEN_MAX,
  STEN_MIN,
} from "./factors";

/**
 * A raw → sten norm given as cut-offs: for each factor the highest raw score of stens 1 … 9; a raw
 * score above the ninth cut-off is sten 10.
 */
export interface CutoffNorm {
  code: string;
  name?: string;
  kind: "cutoffs";
  cutoffs: FactorRecord<readonly number[]>;
  /** Highest possible raw score per factor (inputs above it are rejected). */
  rawMax: FactorRecord<number>;
}

/** A norm group's raw-score mean and (sample) standard deviation for one factor. */
export interface ZFactorNorm {
  mean: number;
  sd: number;
}

/** A raw → sten norm from a norm group's mean and SD per factor (sten = 2z + 5.5, see {@link stenFromZ}). */
export interface ZNorm {
  code: string;
  name?: string;
  kind: "z";
  factors: FactorRecord<ZFactorNorm>;
  /** Highest possible raw score per factor (inputs above it are rejected). */
  rawMax: FactorRecord<number>;
  /** Size of the norm group, when known. */
  sampleSize?: number;
}

/** Any norm `rawToStens` can apply. */
export type Norm = CutoffNorm | ZNorm;

/** Raw maxima of the Chinese 187-item version: the default when a norm gives none. */
export const DEFAULT_RAW_MAX: Readonly<FactorRecord<number>> = Object.fromEntries(
  FACTORS.map((f) => [f, FACTOR_INFO[f].rawMax]),
) as FactorRecord<number>;

/**
 * The commonly published Chinese norm for the 187-item 16PF (中国常模), as published.
 * Items score 0/1/2 (B: 0/1), so raw maxima are 20 (A G I L N Q1 Q2 Q3), 13 (B), 26 (the rest).
 */
export const CN_16PF_187: CutoffNorm = {
  code: "cn-16pf-187",
  name: "中国常模 · 16PF 187 题 / Chinese norm, 16PF 187 items",
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
  rawMax: { ...DEFAULT_RAW_MAX },
};

/** Norms that need no upload. */
export const BUILTIN_NORMS: Readonly<Record<string, Norm>> = { [CN_16PF_187.code]: CN_16PF_187 };

/** The sten of one raw score under a cut-off norm: 1 + the number of cut-offs below `raw`. */
export function stenFromCutoffs(cutoffs: readonly number[], raw: number): number {
  let sten = 1;
  for (const upper of cutoffs) {
    if (raw <= upper) return sten;
    sten++;
  }
  return sten;
}

/**
 * Float noise allowed when deciding a tie at .5: `2·(raw − mean)/sd + 5.5` can come out as
 * 6.4999999999999991 for an exact 6.5 (e.g. raw 12, mean 10.9, SD 2.2). Norm statistics carry a few
 * decimals, so a true value is never this close to a half without being on it.
 */
const HALF_TOLERANCE = 1e-9;

/**
 * The sten of one raw score under a z norm: `clamp(round(2·(raw − mean)/sd + 5.5), 1, 10)`.
 *
 * This is the standard sten (Canfield 1951; the 16PF manuals): stens are half-SD bands with the
 * group mean on the boundary between 5 and 6, so sten k covers z ∈ [(k − 6)/2, (k − 5)/2), the
 * outer bands open-ended. Rounding is the conventional round-half-up on the sten scale, which is the
 * same as those half-open bands: an exact .5 goes up (raw = mean gives 5.5 → sten 6; z = −0.5 gives
 * 4.5 → sten 5).
 *
 * @example
 * ```ts
 * stenFromZ(12, 10, 4); // 2·0.5 + 5.5 = 6.5 → 7
 * ```
 */
export function stenFromZ(raw: number, mean: number, sd: number): number {
  const sten = Math.floor((2 * (raw - mean)) / sd + 5.5 + 0.5 + HALF_TOLERANCE);
  return Math.max(STEN_MIN, Math.min(STEN_MAX, sten));
}

/** A raw score that the norm cannot convert: missing, not an integer, or out of range. */
export interface RawScoreProblem {
  factor: FactorCode;
  code: "missing" | "not_integer" | "out_of_range";
  message: string;
}

/** The problem with one raw score, or undefined when it is an integer within 0 … max. */
function rawScoreProblem(value: unknown, max: number): Omit<RawScoreProblem, "factor"> | undefined {
  if (value === undefined || value === null) return { code: "missing", message: "raw score is missing" };
  const message = `raw score must be an integer from 0 to ${max}`;
  if (typeof value !== "number" || !Number.isInteger(value)) return { code: "not_integer", message };
  if (value < 0 || value > max) return { code: "out_of_range", message };
  return undefined;
}

/**
 * Converts the 16 raw scores to stens; returns every problem instead (one per factor: missing, not
 * an integer, or outside 0 … the norm's raw maximum) when any raw score cannot be converted.
 */
export function rawToStens(
  norm: Norm,
  raw: Readonly<Partial<Record<FactorCode, unknown>>>,
): { ok: true; stens: FactorRecord } | { ok: false; problems: RawScoreProblem[] } {
  const problems: RawScoreProblem[] = [];
  const stens = {} as FactorRecord;
  for (const factor of FACTORS) {
    const value = raw[factor];
    const problem = rawScoreProblem(value, norm.rawMax[factor]);
    if (problem) {
      problems.push({ factor, ...problem });
      continue;
    }
    const score = value as number;
    stens[factor] =
      norm.kind === "cutoffs"
        ? stenFromCutoffs(norm.cutoffs[factor], score)
        : stenFromZ(score, norm.factors[factor].mean, norm.factors[factor].sd);
  }
  return problems.length ? { ok: false, problems } : { ok: true, stens };
}

/** What is wrong with an uploaded norm definition, and where (`cutoffs.A[3]`, `factors.Q1.sd`). */
export interface NormProblem {
  path: string;
  message: string;
}

export type NormResult<N extends Norm = Norm> =
  | { ok: true; norm: N }
  | { ok: false; problems: NormProblem[] };

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CODE_MESSAGE = "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit";
const KEYS = {
  cutoffs: new Set(["code", "name", "kind", "rawMax", "cutoffs"]),
  z: new Set(["code", "name", "kind", "rawMax", "factors", "sampleSize"]),
};

type Report = (path: string, message: string) => void;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isPositiveInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0;

/** Reports keys of a per-factor object that are not factor codes. */
function checkFactorKeys(value: Record<string, unknown>, path: string, report: Report): void {
  for (const key of Object.keys(value))
    if (!isFactorCode(key)) report(`${path}.${key}`, "unknown factor (expected A, B, C, E … Q4)");
}

/** The optional `rawMax` override merged over the 187-item maxima; undefined where invalid. */
function readRawMax(value: unknown, report: Report): Partial<FactorRecord<number>> {
  const rawMax: Partial<FactorRecord<number>> = { ...DEFAULT_RAW_MAX };
  if (value === undefined) return rawMax;
  if (!isObject(value)) {
    report("rawMax", "must be an object of positive integers keyed by factor");
    return rawMax;
  }
  checkFactorKeys(value, "rawMax", report);
  for (const factor of FACTORS) {
    const max = value[factor];
    if (max === undefined) continue;
    if (isPositiveInteger(max)) rawMax[factor] = max;
    else {
      report(`rawMax.${factor}`, "must be a positive integer");
      rawMax[factor] = undefined;
    }
  }
  return rawMax;
}

function readCutoffs(
  value: unknown,
  rawMax: Partial<FactorRecord<number>>,
  report: Report,
): FactorRecord<number[]> {
  const cutoffs = {} as FactorRecord<number[]>;
  if (!isObject(value)) {
    report("cutoffs", "must be an object with 9 cut-offs for each of the 16 factors");
    return cutoffs;
  }
  checkFactorKeys(value, "cutoffs", report);
  for (const factor of FACTORS) {
    const path = `cutoffs.${factor}`;
    const list = value[factor];
    if (list === undefined) {
      report(path, "missing: give the highest raw score of stens 1 … 9");
      continue;
    }
    if (!Array.isArray(list) || list.length !== 9) {
      report(path, "must be an array of 9 integers: the highest raw score of stens 1 … 9");
      continue;
    }
    const max = rawMax[factor];
    let previous: number | undefined;
    list.forEach((cut: unknown, k) => {
      if (!Number.isInteger(cut) || (cut as number) < 0) {
        report(`${path}[${k}]`, "must be a non-negative integer");
        return;
      }
      const c = cut as number;
      if (previous !== undefined && c < previous)
        report(`${path}[${k}]`, `must not be less than the cut-off before it (${previous})`);
      if (max !== undefined && c > max) report(`${path}[${k}]`, `exceeds the highest raw score (${max})`);
      previous = c;
    });
    cutoffs[factor] = list as number[];
  }
  return cutoffs;
}

function readZFactors(
  value: unknown,
  rawMax: Partial<FactorRecord<number>>,
  report: Report,
): FactorRecord<ZFactorNorm> {
  const factors = {} as FactorRecord<ZFactorNorm>;
  if (!isObject(value)) {
    report("factors", "must be an object with { mean, sd } for each of the 16 factors");
    return factors;
  }
  checkFactorKeys(value, "factors", report);
  for (const factor of FACTORS) {
    const path = `factors.${factor}`;
    const entry = value[factor];
    if (entry === undefined) {
      report(path, "missing: give the norm group's raw-score mean and sd");
      continue;
    }
    if (!isObject(entry)) {
      report(path, "must be an object { mean, sd }");
      continue;
    }
    for (const key of Object.keys(entry))
      if (key !== "mean" && key !== "sd") report(`${path}.${key}`, "unknown field (expected mean, sd)");
    const { mean, sd } = entry;
    const max = rawMax[factor];
    if (typeof mean !== "number" || !Number.isFinite(mean)) report(`${path}.mean`, "must be a finite number");
    else if (mean < 0 || (max !== undefined && mean > max))
      report(`${path}.mean`, `must lie within the raw-score range 0 … ${max ?? "rawMax"}`);
    if (typeof sd !== "number" || !Number.isFinite(sd) || sd <= 0)
      report(`${path}.sd`, "must be a finite number greater than 0");
    factors[factor] = { mean: mean as number, sd: sd as number };
  }
  return factors;
}

/**
 * Checks an uploaded norm definition (JSON) and returns the norm, or every problem with its field
 * path. Accepted shapes — `rawMax` is optional (partial overrides of the 187-item maxima):
 * - `{ code, name?, kind: "cutoffs", cutoffs: { A: [9 non-decreasing integers ≥ 0, ≤ rawMax], … all 16 }, rawMax? }`
 * - `{ code, name?, kind: "z", factors: { A: { mean, sd }, … all 16 }, rawMax?, sampleSize? }`
 *   with finite numbers, sd > 0 and the mean within 0 … rawMax.
 * Unknown fields and factor codes are reported too (they are usually typos). A valid norm passes
 * this check again unchanged.
 *
 * @example
 * ```ts
 * const checked = validateNorm(JSON.parse(body));
 * if (!checked.ok) checked.problems; // [{ path: "cutoffs.A[3]", message: "must be a non-negative integer" }]
 * ```
 */
export function validateNorm(definition: unknown): NormResult {
  const problems: NormProblem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  if (!isObject(definition)) return { ok: false, problems: [{ path: "", message: "must be a JSON object" }] };
  const { code, name, kind } = definition;
  if (typeof code !== "string" || !CODE_PATTERN.test(code)) report("code", CODE_MESSAGE);
  if (name !== undefined && (typeof name !== "string" || name.trim() === "" || name.length > 200))
    report("name", "must be a non-empty string of at most 200 characters");
  const rawMax = readRawMax(definition.rawMax, report);
  if (kind !== "cutoffs" && kind !== "z") {
    report("kind", 'must be "cutoffs" or "z"');
    return { ok: false, problems };
  }
  for (const key of Object.keys(definition))
    if (!KEYS[kind].has(key)) report(key, `unknown field for kind "${kind}"`);
  const common = { code: code as string, ...(name === undefined ? {} : { name: name as string }) };
  let norm: Norm;
  if (kind === "cutoffs") {
    norm = {
      ...common,
      kind,
      cutoffs: readCutoffs(definition.cutoffs, rawMax, report),
      rawMax: rawMax as FactorRecord<number>,
    };
  } else {
    const { sampleSize } = definition;
    if (sampleSize !== undefined && !isPositiveInteger(sampleSize))
      report("sampleSize", "must be a positive integer");
    norm = {
      ...common,
      kind,
      factors: readZFactors(definition.factors, rawMax, report),
      rawMax: rawMax as FactorRecord<number>,
      ...(sampleSize === undefined ? {} : { sampleSize: sampleSize as number }),
    };
  }
  return problems.length ? { ok: false, problems } : { ok: true, norm };
}

/**
 * Builds a z norm from a norm group's raw profiles: per factor the mean and the sample SD (n − 1).
 * Every profile is checked (all 16 raw scores present, integers within 0 … rawMax); problems carry
 * the path `[i].A`. At least two profiles are needed, and a factor on which everyone scored the same
 * (SD 0) is reported, since it cannot define stens.
 *
 * The sums are taken over integers, so mean = Σx/n and SD = √((nΣx² − (Σx)²) / (n(n − 1))) are
 * exact up to the final division and square root.
 *
 * @example
 * ```ts
 * const built = zNormFromSample("county-cadres-2024", profiles);
 * if (built.ok) rawToStens(built.norm, raw);
 * ```
 */
export function zNormFromSample(
  code: string,
  rawProfiles: readonly Readonly<Partial<Record<FactorCode, unknown>>>[],
  options: { name?: string; rawMax?: Partial<FactorRecord<number>> } = {},
): NormResult<ZNorm> {
  const problems: NormProblem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  if (!CODE_PATTERN.test(code)) report("code", CODE_MESSAGE);
  const rawMax = readRawMax(options.rawMax, report) as FactorRecord<number>;
  const n = rawProfiles.length;
  if (n < 2) report("", "a z norm needs raw profiles of at least 2 people");
  rawProfiles.forEach((profile: unknown, i) => {
    if (!isObject(profile)) {
      report(`[${i}]`, "must be an object of raw scores keyed by factor");
      return;
    }
    for (const factor of FACTORS) {
      const problem = rawScoreProblem(profile[factor], rawMax[factor]);
      if (problem) report(`[${i}].${factor}`, problem.message);
    }
  });
  if (problems.length) return { ok: false, problems };
  const factors = {} as FactorRecord<ZFactorNorm>;
  for (const factor of FACTORS) {
    let sum = 0;
    let sumSquares = 0;
    for (const profile of rawProfiles) {
      const x = profile[factor] as number;
      sum += x;
      sumSquares += x * x;
    }
    const spread = n * sumSquares - sum * sum;
    if (spread === 0) report(factor, "every profile has the same raw score: the SD is 0");
    factors[factor] = { mean: sum / n, sd: Math.sqrt(spread / (n * (n - 1))) };
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    norm: {
      code,
      ...(options.name ? { name: options.name } : {}),
      kind: "z",
      factors,
      rawMax,
      sampleSize: n,
    },
  };
}
