import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkStens,
  DERIVED_CODES,
  DERIVED_FIELDS,
  DERIVED_INDEX,
  DERIVED_INFO,
  DERIVED_THRESHOLDS,
  type DerivedFactors,
  deriveFactors,
  deriveFromArray,
  formatDerived,
  interpretDerived,
  y3ToSten,
} from "../../scoring/derived";
import { FACTORS, type FactorCode, type FactorRecord } from "../../scoring/factors";
import { createRng } from "../../scoring/random";

/**
 * The published formulas rewritten as (constant + Σ coefficient · sten) / divisor, reversed terms
 * such as 2(11 − A) expanded into the constant (22) and the coefficient (−2). An independent form of
 * the same formulas: a slip in either shows up as a mismatch.
 */
const FORMULAS: Record<
  "X1" | "X2" | "X3" | "X4" | "Y1" | "Y2" | "Y3" | "Y4",
  { constant: number; divisor: number; coef: Partial<Record<FactorCode, number>> }
> = {
  X1: { constant: 38, divisor: 10, coef: { L: 2, O: 3, Q4: 4, C: -2, H: -2, Q3: -2 } },
  X2: { constant: -11, divisor: 10, coef: { A: 2, E: 3, F: 4, H: 5, Q2: -2 } },
  X3: { constant: 77, divisor: 10, coef: { C: 2, E: 2, F: 2, N: 2, A: -4, I: -6, M: -2 } },
  X4: { constant: 0, divisor: 10, coef: { E: 4, M: 3, Q1: 4, Q2: 4, A: -3, G: -2 } },
  // C + F + (11 − O) + (11 − Q4)
  Y1: { constant: 22, divisor: 1, coef: { C: 1, F: 1, O: -1, Q4: -1 } },
  Y2: { constant: 0, divisor: 1, coef: { Q3: 2, G: 2, C: 2, E: 1, N: 1, Q2: 1, Q1: 1 } },
  // 2(11 − A) + 2B + E + 2(11 − F) + H + 2I + M + (11 − N) + Q1 + 2Q2: constant 22 + 22 + 11
  Y3: {
    constant: 55,
    divisor: 1,
    coef: { A: -2, B: 2, E: 1, F: -2, H: 1, I: 2, M: 1, N: -1, Q1: 1, Q2: 2 },
  },
  // B + G + Q3 + (11 − F)
  Y4: { constant: 11, divisor: 1, coef: { B: 1, G: 1, Q3: 1, F: -1 } },
};

/** The Y3 conversion table as commonly printed (raw range → sten). */
const Y3_TABLE_TEXT =
  "15–62 → 1, 63–67 → 2, 68–72 → 3, 73–77 → 4, 78–82 → 5, 83–87 → 6, 88–92 → 7, 93–97 → 8, 98–102 → 9, 103–150 → 10";
const Y3_TABLE = [...Y3_TABLE_TEXT.matchAll(/(\d+)–(\d+) → (\d+)/g)].map((m) => ({
  from: Number(m[1]),
  to: Number(m[2]),
  sten: Number(m[3]),
}));
const tableSten = (y3: number) => Y3_TABLE.find((row) => y3 >= row.from && y3 <= row.to)?.sten;

function numerator(code: keyof typeof FORMULAS, stens: FactorRecord): number {
  const { constant, coef } = FORMULAS[code];
  return Object.entries(coef).reduce((sum, [f, c]) => sum + (c as number) * stens[f as FactorCode], constant);
}

function expected(stens: FactorRecord): DerivedFactors {
  const value = (code: keyof typeof FORMULAS) => numerator(code, stens) / FORMULAS[code].divisor;
  const y3 = value("Y3");
  return {
    X1: value("X1"),
    X2: value("X2"),
    X3: value("X3"),
    X4: value("X4"),
    Y1: value("Y1"),
    Y2: value("Y2"),
    Y3: y3,
    Y3Sten: tableSten(y3) as number,
    Y4: value("Y4"),
  };
}

const profile = (value: (f: FactorCode, i: number) => number): FactorRecord =>
  Object.fromEntries(FACTORS.map((f, i) => [f, value(f, i)])) as FactorRecord;

describe("deriveFactors against the published formulas", () => {
  const rng = createRng(20240601);
  const seeded = Array.from({ length: 12 }, () => profile(() => 1 + rng.int(10)));
  const cases: [string, FactorRecord][] = [
    ["all 1", profile(() => 1)],
    ["all 10", profile(() => 10)],
    ["alternating 1, 10", profile((_, i) => (i % 2 === 0 ? 1 : 10))],
    ["alternating 10, 1", profile((_, i) => (i % 2 === 0 ? 10 : 1))],
    ["all 5", profile(() => 5)],
    ["all 6", profile(() => 6)],
    ...seeded.map((p, k): [string, FactorRecord] => [`seeded #${k + 1}`, p]),
  ];

  it.each(cases)("%s", (_, stens) => {
    expect(deriveFactors(stens)).toEqual(expected(stens));
  });

  it("the sten extremes, hand-checked", () => {
    // All 1: X1 = (38+2+3+4−2−2−2)/10 = 4.1, X2 = (2+3+4+5−2−11)/10 = 0.1, X3 = (77+8−12)/10 = 7.3,
    // X4 = (4+3+4+4−3−2)/10 = 1, Y1 = 1+1+10+10 = 22, Y2 = 10, Y3 = 20+2+1+20+1+2+1+10+1+2 = 60 → 1,
    // Y4 = 1+1+1+10 = 13.
    expect(deriveFactors(profile(() => 1))).toEqual({
      X1: 4.1,
      X2: 0.1,
      X3: 7.3,
      X4: 1,
      Y1: 22,
      Y2: 10,
      Y3: 60,
      Y3Sten: 1,
      Y4: 13,
    });
    // All 10: X1 = (38+20+30+40−20−20−20)/10 = 6.8, X2 = (20+30+40+50−20−11)/10 = 10.9,
    // X3 = (77+80−40−60−20)/10 = 3.7, X4 = (40+30+40+40−30−20)/10 = 10, Y1 = 10+10+1+1 = 22,
    // Y2 = 100, Y3 = 2+20+10+2+10+20+10+1+10+20 = 105 → 10, Y4 = 10+10+10+1 = 31.
    expect(deriveFactors(profile(() => 10))).toEqual({
      X1: 6.8,
      X2: 10.9,
      X3: 3.7,
      X4: 10,
      Y1: 22,
      Y2: 100,
      Y3: 105,
      Y3Sten: 10,
      Y4: 31,
    });
  });

  it("worked example 1", () => {
    // A5 B6 C4 E7 F3 G8 H5 I6 L7 M4 N5 O8 Q1 6 Q2 5 Q3 7 Q4 9
    // X1 = (38 + 2·7 + 3·8 + 4·9 − 2·4 − 2·5 − 2·7)/10 = (38+14+24+36 − 8−10−14)/10 = (112−32)/10 = 8.0
    // X2 = (2·5 + 3·7 + 4·3 + 5·5 − 2·5 − 11)/10 = (10+21+12+25 − 10 − 11)/10 = 47/10 = 4.7
    // X3 = (77 + 2·4 + 2·7 + 2·3 + 2·5 − 4·5 − 6·6 − 2·4)/10 = (77+8+14+6+10 − 20−36−8)/10 = 51/10 = 5.1
    // X4 = (4·7 + 3·4 + 4·6 + 4·5 − 3·5 − 2·8)/10 = (28+12+24+20 − 15−16)/10 = 53/10 = 5.3
    // Y1 = 4 + 3 + (11−8) + (11−9) = 12
    // Y2 = 2·7 + 2·8 + 2·4 + 7 + 5 + 5 + 6 = 14+16+8+7+5+5+6 = 61
    // Y3 = 2·6 + 2·6 + 7 + 2·8 + 5 + 2·6 + 4 + 6 + 6 + 2·5 = 12+12+7+16+5+12+4+6+6+10 = 90 → 88–92 → sten 7
    // Y4 = 6 + 8 + 7 + (11−3) = 29
    const stens = {
      A: 5,
      B: 6,
      C: 4,
      E: 7,
      F: 3,
      G: 8,
      H: 5,
      I: 6,
      L: 7,
      M: 4,
      N: 5,
      O: 8,
      Q1: 6,
      Q2: 5,
      Q3: 7,
      Q4: 9,
    };
    expect(deriveFactors(stens)).toEqual({
      X1: 8,
      X2: 4.7,
      X3: 5.1,
      X4: 5.3,
      Y1: 12,
      Y2: 61,
      Y3: 90,
      Y3Sten: 7,
      Y4: 29,
    });
    const read = interpretDerived(deriveFactors(stens));
    // X1 8.0 reaches the high pole (≥ 8); Y1 12 is just not "below 12"; Y3 sten 7 is not "above 7".
    expect(DERIVED_CODES.map((c) => read[c].level)).toEqual([
      "high",
      "average",
      "average",
      "average",
      "average",
      "average",
      "average",
      "high",
    ]);
    expect(read.X1.zh).toContain("X1 适应与焦虑 8.0：高分（焦虑）");
    expect(read.X1.en).toContain("X1 adjustment vs anxiety 8.0: high (anxious)");
    expect(read.Y2.en).toContain("above the mean of 55");
    expect(read.Y3.zh).toContain("90（标准分 7）");
  });

  it("worked example 2", () => {
    // A8 B3 C8 E2 F9 G3 H2 I9 L2 M8 N2 O2 Q1 3 Q2 8 Q3 2 Q4 3
    // X1 = (38 + 4 + 6 + 12 − 16 − 4 − 4)/10 = (60 − 24)/10 = 3.6
    // X2 = (16 + 6 + 36 + 10 − 16 − 11)/10 = (68 − 27)/10 = 4.1
    // X3 = (77 + 16 + 4 + 18 + 4 − 32 − 54 − 16)/10 = (119 − 102)/10 = 1.7
    // X4 = (8 + 24 + 12 + 32 − 24 − 6)/10 = (76 − 30)/10 = 4.6
    // Y1 = 8 + 9 + 9 + 8 = 34
    // Y2 = 4 + 6 + 16 + 2 + 2 + 8 + 3 = 41
    // Y3 = 6 + 6 + 2 + 4 + 2 + 18 + 8 + 9 + 3 + 16 = 74 → 73–77 → sten 4
    // Y4 = 3 + 3 + 2 + 2 = 10
    const stens = {
      A: 8,
      B: 3,
      C: 8,
      E: 2,
      F: 9,
      G: 3,
      H: 2,
      I: 9,
      L: 2,
      M: 8,
      N: 2,
      O: 2,
      Q1: 3,
      Q2: 8,
      Q3: 2,
      Q4: 3,
    };
    expect(deriveFactors(stens)).toEqual({
      X1: 3.6,
      X2: 4.1,
      X3: 1.7,
      X4: 4.6,
      Y1: 34,
      Y2: 41,
      Y3: 74,
      Y3Sten: 4,
      Y4: 10,
    });
    const read = interpretDerived(deriveFactors(stens));
    expect(read.X3.level).toBe("low");
    expect(read.X3.zh).toContain("低分（感情用事）");
    expect(read.Y4.level).toBe("low");
    expect(read.Y4.en).toContain("below the mean of 22");
    expect(read.X1.level).toBe("average"); // 3.6 is above the low band (≤ 3)
  });

  it("equals the independent computation for every sten profile (property)", () => {
    const sten = fc.integer({ min: 1, max: 10 });
    fc.assert(
      fc.property(fc.array(sten, { minLength: 16, maxLength: 16 }), (values) => {
        const stens = profile((_, i) => values[i] as number);
        const derived = deriveFactors(stens);
        expect(derived).toEqual(expected(stens));
        const fast = deriveFromArray(Float64Array.from(values));
        DERIVED_FIELDS.forEach((field, i) => {
          expect(fast[i]).toBe(derived[field]);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("ranges of the derived factors", () => {
  /** Lowest and highest value of a formula over stens 1–10: each coefficient at its worst/best sten. */
  const extremes = (code: keyof typeof FORMULAS): [number, number] => {
    const { constant, divisor, coef } = FORMULAS[code];
    const terms = Object.values(coef) as number[];
    const min = terms.reduce((s, c) => s + c * (c > 0 ? 1 : 10), constant);
    const max = terms.reduce((s, c) => s + c * (c > 0 ? 10 : 1), constant);
    return [min / divisor, max / divisor];
  };

  it("match the ranges stated in the thresholds (Y3 15–150 and its table 15–150)", () => {
    expect(extremes("Y3")).toEqual([15, 150]);
    expect(Y3_TABLE[0]?.from).toBe(15);
    expect(Y3_TABLE.at(-1)?.to).toBe(150);
    for (const code of DERIVED_CODES) {
      if (code === "Y3") continue;
      const [min, max] = extremes(code);
      const [lo, hi] = DERIVED_THRESHOLDS[code].range;
      expect(min).toBeCloseTo(lo, 10);
      expect(max).toBeCloseTo(hi, 10);
    }
  });

  it("every profile stays within them", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 16, maxLength: 16 }), (values) => {
        const d = deriveFactors(profile((_, i) => values[i] as number));
        for (const code of DERIVED_CODES) {
          const [lo, hi] = code === "Y3" ? extremes("Y3") : DERIVED_THRESHOLDS[code].range;
          const v = d[code];
          if (v < lo - 1e-9 || v > hi + 1e-9) return false;
        }
        return d.Y3Sten >= 1 && d.Y3Sten <= 10;
      }),
    );
  });
});

describe("Y3 → sten", () => {
  const boundaries = [62, 67, 72, 77, 82, 87, 92, 97, 102];

  it.each(boundaries)("raw %i and the next raw score sit in adjacent stens", (upper) => {
    const k = tableSten(upper) as number;
    expect(y3ToSten(upper)).toBe(k);
    expect(y3ToSten(upper + 1)).toBe(k + 1);
  });

  it("covers 15 … 150 as the table says", () => {
    expect(y3ToSten(15)).toBe(1);
    expect(y3ToSten(150)).toBe(10);
    for (let y3 = 15; y3 <= 150; y3++) expect(y3ToSten(y3), `Y3 ${y3}`).toBe(tableSten(y3));
  });

  /** A sten profile whose Y3 is exactly `target`: start from the minimum (15) and raise greedily. */
  function profileWithY3(target: number): FactorRecord {
    const coef = FORMULAS.Y3.coef;
    const stens = profile((f) => ((coef[f] ?? 0) < 0 ? 10 : 1));
    let remaining = target - 15;
    const byWeight = (Object.keys(coef) as FactorCode[]).sort(
      (a, b) => Math.abs(coef[b] ?? 0) - Math.abs(coef[a] ?? 0),
    );
    for (const f of byWeight) {
      const w = Math.abs(coef[f] ?? 0);
      const steps = Math.min(9, Math.floor(remaining / w));
      stens[f] += (coef[f] ?? 0) > 0 ? steps : -steps;
      remaining -= steps * w;
    }
    expect(remaining).toBe(0);
    return stens;
  }

  it("deriveFactors reaches every Y3 value from 15 to 150 with the table's sten", () => {
    for (let y3 = 15; y3 <= 150; y3++) {
      const d = deriveFactors(profileWithY3(y3));
      expect(d.Y3).toBe(y3);
      expect(d.Y3Sten).toBe(tableSten(y3));
    }
  });
});

describe("deriveFromArray", () => {
  it("writes into the given buffer in DERIVED_FIELDS order and returns it", () => {
    const out = new Float64Array(9).fill(Number.NaN);
    const row = [5, 6, 4, 7, 3, 8, 5, 6, 7, 4, 5, 8, 6, 5, 7, 9]; // worked example 1 in FACTORS order
    expect(deriveFromArray(row, out)).toBe(out);
    expect(out[DERIVED_INDEX.X1]).toBe(8);
    expect(out[DERIVED_INDEX.Y3]).toBe(90);
    expect(out[DERIVED_INDEX.Y3Sten]).toBe(7);
    expect(out[DERIVED_INDEX.Y4]).toBe(29);
    expect(DERIVED_FIELDS.map((f) => DERIVED_INDEX[f])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("input checks", () => {
  it("deriveFactors throws on missing or out-of-range stens", () => {
    expect(() => deriveFactors({ ...profile(() => 5), A: 11 })).toThrow(RangeError);
    expect(() => deriveFactors({ ...profile(() => 5), Q4: 0 })).toThrow(/Q4/);
    const missing: Partial<FactorRecord> = profile(() => 5);
    delete missing.C;
    expect(() => deriveFactors(missing as FactorRecord)).toThrow(/sten C/);
    expect(() => deriveFactors({ ...profile(() => 5), E: Number.NaN })).toThrow(RangeError);
  });

  it("checkStens reports every problem with its factor", () => {
    expect(checkStens(profile(() => 7))).toEqual({ ok: true, stens: profile(() => 7) });
    const input: Record<string, unknown> = { ...profile(() => 5), A: 11, B: 0, C: 5.5, E: "6", P: 3 };
    delete input.Q4;
    const result = checkStens(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(["P", "A", "B", "C", "E", "Q4"]);
    expect(checkStens([1, 2])).toMatchObject({ ok: false, problems: [{ path: "" }] });
  });
});

describe("interpretation", () => {
  const base: DerivedFactors = { X1: 5, X2: 5, X3: 5, X4: 5, Y1: 22, Y2: 55, Y3: 80, Y3Sten: 5, Y4: 22 };
  const level = (patch: Partial<DerivedFactors>, code: (typeof DERIVED_CODES)[number]) =>
    interpretDerived({ ...base, ...patch })[code].level;

  it.each([
    ["X1", { X1: 3 }, "low"],
    ["X1", { X1: 3.1 }, "average"],
    ["X2", { X2: 7.9 }, "average"],
    ["X2", { X2: 8 }, "high"],
    ["X3", { X3: -3.5 }, "low"],
    ["X4", { X4: 14.5 }, "high"],
    ["Y1", { Y1: 11 }, "low"],
    ["Y1", { Y1: 12 }, "average"],
    ["Y1", { Y1: 40 }, "average"],
    ["Y2", { Y2: 66 }, "average"],
    ["Y2", { Y2: 67 }, "high"],
    ["Y3", { Y3Sten: 3 }, "low"],
    ["Y3", { Y3Sten: 4 }, "average"],
    ["Y3", { Y3Sten: 7 }, "average"],
    ["Y3", { Y3Sten: 8 }, "high"],
    ["Y4", { Y4: 16 }, "low"],
    ["Y4", { Y4: 17 }, "average"],
    ["Y4", { Y4: 24 }, "average"],
    ["Y4", { Y4: 25 }, "high"],
  ] as const)("%s %o → %s", (code, patch, want) => {
    expect(level(patch, code)).toBe(want);
  });

  it("has a bilingual name and sentence for every derived factor", () => {
    const read = interpretDerived(base);
    for (const code of DERIVED_CODES) {
      expect(DERIVED_INFO[code].nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(DERIVED_INFO[code].nameEn).toMatch(/^[a-z]/);
      expect(read[code].zh).toContain(DERIVED_INFO[code].nameZh);
      expect(read[code].en).toContain(DERIVED_INFO[code].nameEn);
      // Every band a threshold defines has a pole meaning to go with it.
      if (DERIVED_THRESHOLDS[code].lowMax !== undefined) expect(DERIVED_INFO[code].low).toBeDefined();
      if (DERIVED_THRESHOLDS[code].highMin !== undefined) expect(DERIVED_INFO[code].high).toBeDefined();
    }
    expect(DERIVED_INFO.X1.nameZh).toBe("适应与焦虑");
    expect(DERIVED_INFO.X1.nameEn).toBe("adjustment vs anxiety");
  });

  it("accepts overriding thresholds as data", () => {
    const strict = { ...DERIVED_THRESHOLDS, Y2: { ...DERIVED_THRESHOLDS.Y2, highMin: 56 } };
    expect(interpretDerived({ ...base, Y2: 56 }, strict).Y2.level).toBe("high");
  });

  it("shows X values to one decimal without rounding the returned numbers", () => {
    expect(formatDerived("X1", 8)).toBe("8.0");
    expect(formatDerived("X2", 0.1)).toBe("0.1");
    expect(formatDerived("Y2", 61)).toBe("61");
    expect(deriveFactors(profile(() => 1)).X2).toBe(0.1);
  });
});
