import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FACTORS, type FactorCode, type FactorRecord } from "../../scoring/factors";
import {
  BUILTIN_NORMS,
  CN_16PF_187,
  type Norm,
  rawToStens,
  stenFromZ,
  validateNorm,
  type ZNorm,
  zNormFromSample,
} from "../../scoring/norms";

// The norm table and raw maxima exactly as the Chinese manual prints them. Expected stens are
// derived from this text, never from scoring/norms.ts's constants.
const DESIGN_TABLE = `
A 1,3,5,6,8,11,13,14,16      B 3,4,5,6,7,8,9,10,11       C 5,7,9,11,13,16,18,20,22
E 2,4,5,7,9,12,14,16,18      F 3,4,6,7,9,12,14,16,18     G 5,7,9,10,12,14,16,17,18
H 1,2,3,6,8,11,14,16,19      I 5,6,8,9,11,13,14,16,17    L 3,5,6,8,10,12,13,15,16
M 5,7,9,11,13,15,17,19,20    N 2,3,4,6,8,10,11,13,14     O 2,4,6,8,10,12,14,16,18
Q1 4,5,7,8,10,12,13,14,15    Q2 5,7,8,10,12,14,15,17,18  Q3 4,6,8,10,12,14,15,17,18
Q4 2,4,6,8,11,14,16,19,21
`;
const DESIGN_RAW_MAX = "A,G,I,L,N,Q1,Q2,Q3 = 20; B = 13; C,E,F,H,M,O,Q4 = 26";

const table = new Map<string, number[]>(
  [...DESIGN_TABLE.matchAll(/([A-Z]\d?) ([\d,]+)/g)].map((m) => [
    m[1] as string,
    (m[2] as string).split(",").map(Number),
  ]),
);
const rawMaxText = new Map<string, number>(
  DESIGN_RAW_MAX.split(";").flatMap((part) => {
    const [codes, max] = part.split("=");
    return (codes as string).split(",").map((code) => [code.trim(), Number(max)] as [string, number]);
  }),
);
const cutsOf = (f: FactorCode) => table.get(f) as number[];
const maxOf = (f: FactorCode) => rawMaxText.get(f) as number;
/** Sten of a raw score by the table's definition: 1 + how many upper bounds lie below it. */
const expectedSten = (f: FactorCode, raw: number) => 1 + cutsOf(f).filter((c) => c < raw).length;

const profile = (value: (f: FactorCode) => number): FactorRecord =>
  Object.fromEntries(FACTORS.map((f) => [f, value(f)])) as FactorRecord;
const stensOf = (norm: Norm, raw: FactorRecord): FactorRecord => {
  const result = rawToStens(norm, raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.stens;
};

describe("the built-in Chinese 187-item norm", () => {
  it("parses the published norm table completely", () => {
    expect([...table.keys()].sort()).toEqual([...FACTORS].sort());
    for (const f of FACTORS) expect(cutsOf(f)).toHaveLength(9);
    expect([...rawMaxText.keys()].sort()).toEqual([...FACTORS].sort());
    expect(BUILTIN_NORMS["cn-16pf-187"]).toBe(CN_16PF_187);
    for (const f of FACTORS) expect(CN_16PF_187.rawMax[f]).toBe(maxOf(f));
  });

  it.each(FACTORS)("factor %s: every cut-off c_k gives sten k and c_k + 1 gives sten k + 1", (f) => {
    const cuts = cutsOf(f);
    cuts.forEach((c, i) => {
      const k = i + 1;
      const at = stensOf(
        CN_16PF_187,
        profile((g) => (g === f ? c : 0)),
      )[f];
      // With a repeated cut-off the raw score belongs to the first sten that has it as upper bound.
      expect(at).toBe(cuts.indexOf(c) + 1);
      if (cuts[i + 1] !== c) {
        const above = stensOf(
          CN_16PF_187,
          profile((g) => (g === f ? c + 1 : 0)),
        )[f];
        expect(above).toBe(k + 1);
      }
    });
    expect(
      stensOf(
        CN_16PF_187,
        profile(() => 0),
      )[f],
    ).toBe(1);
    expect(stensOf(CN_16PF_187, profile(maxOf))[f]).toBe(10);
  });

  it("agrees with the table's definition for every raw score of every factor", () => {
    for (const f of FACTORS)
      for (let raw = 0; raw <= maxOf(f); raw++)
        expect(
          stensOf(
            CN_16PF_187,
            profile((g) => (g === f ? raw : 0)),
          )[f],
          `${f} raw ${raw}`,
        ).toBe(expectedSten(f, raw));
  });
});

describe("rawToStens input checks", () => {
  const valid = profile(() => 5);

  it.each<[string, Norm]>([
    ["cut-off norm", CN_16PF_187],
    ["z norm", validZNorm()],
  ])("%s: reports every bad raw score with its factor", (_, norm) => {
    const raw: Record<string, unknown> = { ...valid, A: 21, B: -1, C: 2.5, E: "7", F: Number.NaN };
    delete raw.Q4;
    const result = rawToStens(norm, raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { factor: "A", code: "out_of_range", message: "raw score must be an integer from 0 to 20" },
      { factor: "B", code: "out_of_range", message: "raw score must be an integer from 0 to 13" },
      { factor: "C", code: "not_integer", message: "raw score must be an integer from 0 to 26" },
      { factor: "E", code: "not_integer", message: "raw score must be an integer from 0 to 26" },
      { factor: "F", code: "not_integer", message: "raw score must be an integer from 0 to 26" },
      { factor: "Q4", code: "missing", message: "raw score is missing" },
    ]);
  });

  it("accepts the raw maxima and 0", () => {
    expect(rawToStens(CN_16PF_187, profile(maxOf)).ok).toBe(true);
    expect(
      rawToStens(
        CN_16PF_187,
        profile(() => 0),
      ).ok,
    ).toBe(true);
  });
});

function validZNorm(): ZNorm {
  return {
    code: "test-z",
    kind: "z",
    factors: Object.fromEntries(FACTORS.map((f) => [f, { mean: 10, sd: 4 }])) as FactorRecord<{
      mean: number;
      sd: number;
    }>,
    rawMax: { ...CN_16PF_187.rawMax },
  };
}

describe("z norms", () => {
  // Hand-computed with mean 10, SD 4: x = 2·(raw − 10)/4 + 5.5 = (raw − 10)/2 + 5.5.
  it.each([
    [10, 6], // x = 5.5 → half rounds up: the mean is the bottom of sten 6
    [11, 6], // x = 6.0
    [12, 7], // x = 6.5 → 7
    [9, 5], // x = 5.0
    [8, 5], // x = 4.5 → 5
    [7, 4], // x = 4.0
    [5, 3], // x = 3.0
    [3, 2], // x = 2.0
    [2, 2], // x = 1.5 → 2
    [1, 1], // x = 1.0
    [0, 1], // x = 0.5 → 1
    [18, 10], // x = 9.5 → 10
    [17, 9], // x = 9.0
    [20, 10], // x = 10.5 → 11, clamped to 10
  ])("raw %i → sten %i", (raw, sten) => {
    expect(stenFromZ(raw, 10, 4)).toBe(sten);
    expect(
      stensOf(
        validZNorm(),
        profile((f) => (f === "A" ? raw : 10)),
      ).A,
    ).toBe(sten);
  });

  it("clamps far tails to 1 and 10", () => {
    expect(stenFromZ(0, 20, 1)).toBe(1); // x = −34.5
    expect(stenFromZ(26, 2, 1)).toBe(10); // x = 53.5
  });

  it("rounds an exact .5 up despite float noise", () => {
    // 2·(4 − 8.8)/3.2 + 5.5 = −3 + 5.5 = 2.5 exactly, but computes as 2.4999999999999996.
    expect((2 * (4 - 8.8)) / 3.2 + 5.5).toBeLessThan(2.5);
    expect(stenFromZ(4, 8.8, 3.2)).toBe(3);
  });

  it("is monotone in the raw score and always a sten", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 25 }),
        fc.double({ min: 0, max: 26, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (raw, mean, sd) => {
          const a = stenFromZ(raw, mean, sd);
          const b = stenFromZ(raw + 1, mean, sd);
          return Number.isInteger(a) && a >= 1 && a <= 10 && b >= a;
        },
      ),
    );
  });
});

describe("zNormFromSample", () => {
  // Four people. A: 8, 10, 12, 14 → mean 11; deviations −3, −1, 1, 3; Σd² = 20; SD = √(20/3) ≈ 2.5820.
  // Every other factor f: base_f + 0, 1, 2, 3 → mean base_f + 1.5; Σd² = 2.25+0.25+0.25+2.25 = 5;
  // SD = √(5/3) ≈ 1.2910.
  const base = (f: FactorCode) => (f === "B" ? 2 : 4);
  const sample = [0, 1, 2, 3].map((k) => profile((f) => (f === "A" ? 8 + 2 * k : base(f) + k)));

  it("gives the group's mean and sample SD (n − 1)", () => {
    const built = zNormFromSample("county-2024", sample, { name: "test group" });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.norm).toMatchObject({ code: "county-2024", name: "test group", kind: "z", sampleSize: 4 });
    expect(built.norm.factors.A.mean).toBe(11);
    expect(built.norm.factors.A.sd).toBeCloseTo(2.582, 3);
    expect(built.norm.factors.B.mean).toBe(3.5);
    expect(built.norm.factors.Q4.mean).toBe(5.5);
    expect(built.norm.factors.Q4.sd).toBeCloseTo(1.291, 3);
    // The person with A = 14: 2·3/2.582 + 5.5 = 7.82 → 8.
    expect(stensOf(built.norm, sample[3] as FactorRecord).A).toBe(8);
    expect(validateNorm(built.norm)).toEqual({ ok: true, norm: built.norm });
  });

  it("reports bad profiles with their index and factor, and too small or uniform groups", () => {
    const bad: Record<string, unknown>[] = sample.map((p) => ({ ...p }));
    (bad[1] as Record<string, unknown>).C = 27;
    delete (bad[2] as Record<string, unknown>).Q4;
    const result = zNormFromSample("g", bad);
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: "[1].C", message: "raw score must be an integer from 0 to 26" },
        { path: "[2].Q4", message: "raw score is missing" },
      ],
    });
    expect(zNormFromSample("g", [sample[0] as FactorRecord])).toMatchObject({
      ok: false,
      problems: [{ path: "" }],
    });
    const uniform = sample.map((p) => ({ ...p, G: 7 }));
    expect(zNormFromSample("g", uniform)).toEqual({
      ok: false,
      problems: [{ path: "G", message: "every profile has the same raw score: the SD is 0" }],
    });
    expect(zNormFromSample("bad code!", sample)).toMatchObject({ ok: false, problems: [{ path: "code" }] });
  });
});

describe("validateNorm", () => {
  const cutoffDefinition = () => ({
    code: "uploaded-cn",
    name: "uploaded copy",
    kind: "cutoffs",
    cutoffs: Object.fromEntries(FACTORS.map((f) => [f, [...cutsOf(f)]])),
  });
  const zDefinition = () => ({
    code: "uploaded-z",
    kind: "z",
    factors: Object.fromEntries(FACTORS.map((f) => [f, { mean: 9.5, sd: 3.25 }])),
  });
  const pathsOf = (definition: unknown) => {
    const result = validateNorm(definition);
    return result.ok ? [] : result.problems.map((p) => p.path);
  };

  it("accepts good definitions and fills in the 187-item raw maxima", () => {
    const cut = validateNorm(cutoffDefinition());
    expect(cut.ok).toBe(true);
    if (cut.ok) expect(cut.norm.rawMax).toEqual(CN_16PF_187.rawMax);
    const z = validateNorm({ ...zDefinition(), rawMax: { B: 15 }, sampleSize: 812 });
    expect(z.ok).toBe(true);
    if (z.ok) {
      expect(z.norm.rawMax.B).toBe(15);
      expect(z.norm.rawMax.A).toBe(20);
      expect(z.norm).toMatchObject({ kind: "z", sampleSize: 812 });
    }
    expect(validateNorm(CN_16PF_187)).toEqual({ ok: true, norm: CN_16PF_187 });
  });

  it("rejects what is not a norm object, or has no valid code or kind", () => {
    expect(validateNorm(null)).toEqual({
      ok: false,
      problems: [{ path: "", message: "must be a JSON object" }],
    });
    expect(pathsOf([])).toEqual([""]);
    expect(pathsOf({ ...cutoffDefinition(), code: "" })).toEqual(["code"]);
    expect(pathsOf({ ...cutoffDefinition(), code: 7 })).toEqual(["code"]);
    expect(pathsOf({ ...cutoffDefinition(), name: "" })).toEqual(["name"]);
    expect(pathsOf({ ...cutoffDefinition(), kind: "percentile" })).toEqual(["kind"]);
  });

  it("reports each kind of bad cut-off with its path", () => {
    const definition = cutoffDefinition();
    const cutoffs = definition.cutoffs as Record<string, unknown>;
    cutoffs.A = [1, 3, 5, 6, 8, 11, 13, 14]; // 8 cut-offs
    cutoffs.B = [3, 4, 5, 6, 7, 8, 9, 10, 1.5]; // not an integer
    cutoffs.C = [5, 7, 9, 11, 13, 12, 18, 20, 22]; // decreasing at [5]
    cutoffs.E = [-1, 4, 5, 7, 9, 12, 14, 16, 18]; // negative
    cutoffs.F = [3, 4, 6, 7, 9, 12, 14, 16, 27]; // above the raw maximum 26
    cutoffs.G = "5,7,9"; // not an array
    delete cutoffs.Q4; // missing factor
    cutoffs.D = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // no such factor
    const result = validateNorm({ ...definition, extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { path: "extra", message: 'unknown field for kind "cutoffs"' },
      { path: "cutoffs.D", message: "unknown factor (expected A, B, C, E … Q4)" },
      { path: "cutoffs.A", message: "must be an array of 9 integers: the highest raw score of stens 1 … 9" },
      { path: "cutoffs.B[8]", message: "must be a non-negative integer" },
      { path: "cutoffs.C[5]", message: "must not be less than the cut-off before it (13)" },
      { path: "cutoffs.E[0]", message: "must be a non-negative integer" },
      { path: "cutoffs.F[8]", message: "exceeds the highest raw score (26)" },
      { path: "cutoffs.G", message: "must be an array of 9 integers: the highest raw score of stens 1 … 9" },
      { path: "cutoffs.Q4", message: "missing: give the highest raw score of stens 1 … 9" },
    ]);
    expect(pathsOf({ ...cutoffDefinition(), cutoffs: undefined })).toEqual(["cutoffs"]);
  });

  it("checks cut-offs against an uploaded rawMax, and rawMax itself", () => {
    expect(pathsOf({ ...cutoffDefinition(), rawMax: { A: 15 } })).toEqual(["cutoffs.A[8]"]);
    expect(pathsOf({ ...cutoffDefinition(), rawMax: { A: 0, B: 2.5, C: "26", X: 4 } })).toEqual([
      "rawMax.X",
      "rawMax.A",
      "rawMax.B",
      "rawMax.C",
    ]);
    expect(pathsOf({ ...cutoffDefinition(), rawMax: [20] })).toEqual(["rawMax"]);
  });

  it("reports each kind of bad z entry with its path", () => {
    const definition = zDefinition();
    const factors = definition.factors as Record<string, unknown>;
    factors.A = { mean: 9, sd: 0 }; // sd must be > 0
    factors.B = { mean: 9, sd: -2 };
    factors.C = { mean: Number.NaN, sd: 3 };
    factors.E = { mean: 9, sd: Number.POSITIVE_INFINITY };
    factors.F = { mean: 30, sd: 3 }; // above the raw maximum 26
    factors.G = { mean: "9", sd: 3, median: 9 };
    factors.H = [9, 3];
    delete factors.Q4;
    const result = validateNorm({ ...definition, cutoffs: {}, sampleSize: 0 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual([
      "cutoffs",
      "sampleSize",
      "factors.A.sd",
      "factors.B.sd",
      "factors.C.mean",
      "factors.E.sd",
      "factors.F.mean",
      "factors.G.median",
      "factors.G.mean",
      "factors.H",
      "factors.Q4",
    ]);
    expect(result.problems.find((p) => p.path === "factors.A.sd")?.message).toBe(
      "must be a finite number greater than 0",
    );
    expect(result.problems.find((p) => p.path === "factors.F.mean")?.message).toBe(
      "must lie within the raw-score range 0 … 26",
    );
  });

  it("re-validates any valid norm to itself", () => {
    const cuts = fc
      .array(fc.integer({ min: 0, max: 13 }), { minLength: 9, maxLength: 9 })
      .map((xs) => xs.sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.tuple(...FACTORS.map(() => cuts)), (lists) => {
        const definition = {
          code: "prop",
          kind: "cutoffs",
          cutoffs: Object.fromEntries(FACTORS.map((f, i) => [f, lists[i]])),
        };
        const first = validateNorm(definition);
        return first.ok && JSON.stringify(validateNorm(first.norm)) === JSON.stringify(first);
      }),
    );
  });
});
