import { describe, expect, it } from "vitest";
import { createRng } from "../../scoring/random";
import {
  averageRanks,
  fitQuartiles,
  GRADES,
  type Grade,
  parseGrade,
  rankCorrelation,
  spearman,
  spearmanInterval,
  type ValidityRecord,
  validityReport,
  wilson,
} from "../../scoring/validity";

/** Ranks by counting, independent of the code's sort-and-average: rank = #smaller + (#equal + 1) / 2. */
function countRanks(values: readonly number[]): number[] {
  return values.map((v) => {
    const smaller = values.filter((w) => w < v).length;
    const equal = values.filter((w) => w === v).length;
    return smaller + (equal + 1) / 2;
  });
}

/** Textbook Pearson r from sums (a different route than the code's centred sums). */
function pearsonBySums(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);
  const sxy = sum(x.map((v, i) => v * (y[i] as number)));
  const sxx = sum(x.map((v) => v * v));
  const syy = sum(y.map((v) => v * v));
  const num = n * sxy - sum(x) * sum(y);
  return num / Math.sqrt((n * sxx - sum(x) ** 2) * (n * syy - sum(y) ** 2));
}

const Z = 1.959963984540054;
const ORDINAL: Record<Grade, number> = {
  excellent: 4,
  competent: 3,
  "basically-competent": 2,
  incompetent: 1,
};

describe("grades", () => {
  it("reads the English code and the Chinese label, and nothing else", () => {
    expect(parseGrade("优秀")).toBe("excellent");
    expect(parseGrade(" 称职 ")).toBe("competent");
    expect(parseGrade("基本称职")).toBe("basically-competent");
    expect(parseGrade("不称职")).toBe("incompetent");
    expect(parseGrade("Basically Competent")).toBe("basically-competent");
    expect(parseGrade("incompetent")).toBe("incompetent");
    for (const bad of ["良好", "good", "", "称", "5"]) expect(parseGrade(bad)).toBeUndefined();
  });
});

describe("Spearman's rank correlation", () => {
  it("gives tied values the average of their ranks", () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 3, 3, 2])).toEqual([4, 1, 4, 4, 2]);
    expect(averageRanks([])).toEqual([]);
  });

  it("matches hand-checked small cases, with and without ties", () => {
    // No ties: 1 − 6Σd²/(n(n²−1)) applies. d = (0, 0, 1, −1, 0): Σd² = 2, ρ = 1 − 12/120 = 0.9.
    expect(spearman([1, 2, 3, 4, 5], [1, 2, 4, 3, 5])).toBeCloseTo(0.9, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // Ties in y: ranks (1, 2, 3.5, 5, 3.5); Σ(dx·dy) = 8, Σdx² = 10, Σdy² = 9.5 ⇒ ρ = 8/√95.
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    // A constant side has no ranking: no coefficient.
    expect(spearman([1, 2, 3], [2, 2, 2])).toBeNull();
    expect(spearman([1], [1])).toBeNull();
  });

  it("equals Pearson's r on ranks computed independently, on random data with many ties", () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 5 + rng.int(60);
      const x = Array.from({ length: n }, () => Math.round(rng.next() * 20) / 20);
      const y = Array.from({ length: n }, () => 1 + rng.int(4));
      const expected = pearsonBySums(countRanks(x), countRanks(y));
      const got = spearman(x, y);
      if (Number.isNaN(expected)) expect(got).toBeNull();
      else expect(got).toBeCloseTo(expected, 10);
    }
  });

  it("gives the Fisher-z interval with the Fieller–Hartley–Pearson standard error", () => {
    for (const [rho, n] of [
      [0.3, 50],
      [-0.45, 12],
      [0, 200],
      [0.9, 30],
    ] as const) {
      const se = Math.sqrt(1.06 / (n - 3));
      const z = 0.5 * Math.log((1 + rho) / (1 - rho));
      const tanh = (v: number) => (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1);
      const ci = spearmanInterval(rho, n);
      expect(ci?.low).toBeCloseTo(tanh(z - Z * se), 12);
      expect(ci?.high).toBeCloseTo(tanh(z + Z * se), 12);
    }
    expect(spearmanInterval(0.5, 3)).toBeNull();
  });

  it("says 'relation' only when the interval excludes 0, and 'too-few' below ten pairs", () => {
    const x = Array.from({ length: 30 }, (_, i) => i);
    expect(rankCorrelation(x, x).verdict).toBe("relation");
    expect(rankCorrelation(x, x).direction).toBe("positive");
    expect(
      rankCorrelation(
        x,
        x.map((v) => -v),
      ).direction,
    ).toBe("negative");
    // Alternating: ρ ≈ 0.
    const flat = rankCorrelation(
      x,
      x.map((v) => (v % 2 ? 1 : 2)),
    );
    expect(flat.verdict).toBe("no-relation");
    expect(flat.ci!.low).toBeLessThan(0);
    expect(flat.ci!.high).toBeGreaterThan(0);
    const few = rankCorrelation([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]);
    expect(few).toMatchObject({ n: 6, verdict: "too-few", direction: null });
    expect(few.rho).toBe(1);
  });
});

describe("Wilson score intervals", () => {
  // Newcombe (1998), Stat Med 17: 857–872, Table I, method 3 (score interval without correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])("%i/%i → %f–%f (Newcombe 1998)", (count, n, low, high) => {
    const w = wilson(count, n);
    expect(w.share).toBeCloseTo(count / n, 12);
    expect(w.ci!.low).toBeCloseTo(low, 4);
    expect(w.ci!.high).toBeCloseTo(high, 4);
  });

  it("has no share or interval for an empty group", () => {
    expect(wilson(0, 0)).toEqual({ count: 0, n: 0, share: null, ci: null });
  });
});

describe("fit quartiles", () => {
  it("splits by rank and keeps equal fits together", () => {
    expect(fitQuartiles([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    const tied = fitQuartiles([0.5, 0.5, 0.5, 0.5, 0.9]);
    expect(new Set(tied.slice(0, 4)).size).toBe(1);
    expect(tied[4]).toBe(4);
  });
});

/**
 * A synthetic history: `n` placements with fit uniform in [0.3, 1]; each appraisal is a latent
 * `effect · fit + noise` cut into the four grades at fixed thresholds.
 */
function history(seed: number, n: number, effect: number): ValidityRecord[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const fit = 0.3 + 0.7 * rng.next();
    const teamScore = 0.4 + 0.5 * rng.next();
    const latent = effect * (fit - 0.65) + 0.5 * rng.normal();
    const grade: Grade =
      latent > 0.45
        ? "excellent"
        : latent > -0.35
          ? "competent"
          : latent > -0.8
            ? "basically-competent"
            : "incompetent";
    return { fit, teamScore, grade };
  });
}

describe("validity report on a synthetic history", () => {
  it("finds the relation when outcomes depend on fit", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const report = validityReport(history(seed, 200, 3));
      expect(report.n).toBe(200);
      expect(report.fitGrade.verdict, `seed ${seed}`).toBe("relation");
      expect(report.fitGrade.direction).toBe("positive");
      expect(report.fitGrade.ci!.low).toBeGreaterThan(0);
      // Team scores were drawn independently of the outcome.
      expect(report.quartiles.map((q) => q.n).reduce((a, b) => a + b, 0)).toBe(200);
      const [bottom, , , top] = report.quartiles;
      expect(top!.excellent.share!).toBeGreaterThan(bottom!.excellent.share!);
      expect(top!.low.share!).toBeLessThan(bottom!.low.share!);
      expect(report.warnings).toEqual([]);
      expect(report.summary[0]!.en).toMatch(/go together positively/);
      expect(report.summary[0]!.zh).toMatch(/正相关/);
    }
  });

  it("reports no significant relation when outcomes do not depend on fit", () => {
    const report = validityReport(history(11, 200, 0));
    expect(report.fitGrade.verdict).toBe("no-relation");
    expect(report.fitGrade.ci!.low).toBeLessThan(0);
    expect(report.fitGrade.ci!.high).toBeGreaterThan(0);
    expect(report.summary[0]!.en).toMatch(/no reliable relation/);
    // Over many null histories the 95 % interval excludes 0 about 5 % of the time, not more.
    let falseAlarms = 0;
    for (let seed = 100; seed < 200; seed++)
      if (validityReport(history(seed, 120, 0)).fitGrade.verdict === "relation") falseAlarms++;
    expect(falseAlarms).toBeLessThanOrEqual(12);
  });

  it("computes each quartile's rates from its own members", () => {
    const records = history(21, 40, 3);
    const report = validityReport(records);
    const quartile = fitQuartiles(records.map((r) => r.fit));
    for (const q of report.quartiles) {
      const members = records.filter((_, i) => quartile[i] === q.quartile);
      expect(q.n).toBe(members.length);
      expect(q.excellent.count).toBe(members.filter((r) => r.grade === "excellent").length);
      expect(q.low.count).toBe(members.filter((r) => ORDINAL[r.grade] <= 2).length);
      expect(q.fitRange!.low).toBe(Math.min(...members.map((r) => r.fit)));
    }
  });

  it("warns, in Chinese and English, that a small sample says nothing", () => {
    const report = validityReport(history(3, 6, 3));
    expect(report.fitGrade.verdict).toBe("too-few");
    expect(report.teamScoreGrade.verdict).toBe("too-few");
    const codes = report.warnings.map((w) => w.code);
    expect(codes).toContain("small-sample");
    expect(codes).toContain("small-quartile");
    const small = report.warnings.find((w) => w.code === "small-sample")!;
    expect(small.message.en).toMatch(/too few to say anything/);
    expect(small.message.zh).toMatch(/样本太少/);
    expect(report.summary[0]!.en).toMatch(/too few/);

    const empty = validityReport([]);
    expect(empty.n).toBe(0);
    expect(empty.warnings.map((w) => w.code)).toEqual(["no-outcomes"]);
    expect(empty.quartiles.every((q) => q.n === 0 && q.excellent.share === null)).toBe(true);
  });

  it("is deterministic and ignores the order of the records", () => {
    const records = history(5, 80, 2);
    const reversed = [...records].reverse();
    expect(validityReport(reversed)).toEqual(validityReport(records));
    expect(GRADES.length).toBe(4);
  });
});
