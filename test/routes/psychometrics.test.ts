/**
 * `POST /v1/psychometrics/derive` and `POST /v1/psychometrics/stens` over HTTP, checked against
 * values computed here, independently, from the formulas and the norm table of the Chinese manual.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";
import { CN_TABLE, FACTOR_CODES, type Stens, stens } from "./fixtures";

type Factor = (typeof FACTOR_CODES)[number];
type Derived = Record<"X1" | "X2" | "X3" | "X4" | "Y1" | "Y2" | "Y3" | "Y3Sten" | "Y4", number>;

/** The second-order formulas of the Chinese manual (X1's last term: Q3). */
function expectedDerived(s: Stens): Derived {
  const { A, B, C, E, F, G, H, I, L, M, N, O, Q1, Q2, Q3, Q4 } = s;
  const Y3 = 2 * (11 - A) + 2 * B + E + 2 * (11 - F) + H + 2 * I + M + (11 - N) + Q1 + 2 * Q2;
  return {
    X1: (38 + 2 * L + 3 * O + 4 * Q4 - 2 * C - 2 * H - 2 * Q3) / 10,
    X2: (2 * A + 3 * E + 4 * F + 5 * H - 2 * Q2 - 11) / 10,
    X3: (77 + 2 * C + 2 * E + 2 * F + 2 * N - 4 * A - 6 * I - 2 * M) / 10,
    X4: (4 * E + 3 * M + 4 * Q1 + 4 * Q2 - 3 * A - 2 * G) / 10,
    Y1: C + F + (11 - O) + (11 - Q4),
    Y2: 2 * Q3 + 2 * G + 2 * C + E + N + Q2 + Q1,
    Y3,
    // The creativity table printed with the manual's formulas: 15–62 → 1, then 5 raw points per
    // sten (63–67 → 2 … 98–102 → 9), 103 and above → 10.
    Y3Sten: Y3 <= 62 ? 1 : Math.min(10, 2 + Math.floor((Y3 - 63) / 5)),
    Y4: B + G + Q3 + (11 - F),
  };
}

/** Items score 0/1/2 (B: 0/1): maxima 20 (A G I L N Q1 Q2 Q3), 13 (B), 26 (the rest). */
const RAW_MAX: Record<Factor, number> = {
  A: 20,
  B: 13,
  C: 26,
  E: 26,
  F: 26,
  G: 20,
  H: 26,
  I: 20,
  L: 20,
  M: 26,
  N: 20,
  O: 26,
  Q1: 20,
  Q2: 20,
  Q3: 20,
  Q4: 26,
};

/** The sten of a raw score read off the table by hand: the first sten whose upper bound holds it. */
function cnSten(factor: Factor, raw: number): number {
  const bounds = CN_TABLE[factor];
  for (let k = 0; k < bounds.length; k++) if (raw <= (bounds[k] as number)) return k + 1;
  return 10;
}

const rawRecord = (value: (f: Factor) => number) =>
  Object.fromEntries(FACTOR_CODES.map((f) => [f, value(f)])) as Record<Factor, number>;

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe("POST /v1/psychometrics/derive", () => {
  /** Two ordinary profiles and the sten extremes. */
  const profiles: [string, Stens][] = [
    [
      "a steady administrator",
      stens(5, {
        A: 6,
        B: 8,
        C: 8,
        E: 6,
        F: 5,
        G: 8,
        H: 6,
        I: 4,
        L: 4,
        M: 5,
        N: 6,
        O: 3,
        Q1: 6,
        Q2: 5,
        Q3: 8,
        Q4: 3,
      }),
    ],
    [
      "an anxious, creative outlier",
      stens(5, {
        A: 2,
        B: 9,
        C: 3,
        E: 7,
        F: 2,
        G: 3,
        H: 4,
        I: 9,
        L: 8,
        M: 9,
        N: 2,
        O: 9,
        Q1: 9,
        Q2: 9,
        Q3: 2,
        Q4: 9,
      }),
    ],
    ["all stens 1", stens(1)],
    ["all stens 10", stens(10)],
    ["all stens 5", stens(5)],
  ];

  for (const [name, s] of profiles)
    it(`matches the published formulas: ${name}`, async () => {
      const res = await t.post("/v1/psychometrics/derive", { stens: s });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Derived & { interpretation: Record<string, unknown> };
      const expected = expectedDerived(s);
      for (const key of ["X1", "X2", "X3", "X4"] as const)
        expect(body[key], key).toBeCloseTo(expected[key], 10);
      for (const key of ["Y1", "Y2", "Y3", "Y3Sten", "Y4"] as const)
        expect(body[key], key).toBe(expected[key]);
      expect(Object.keys(body.interpretation).sort()).toEqual([
        "X1",
        "X2",
        "X3",
        "X4",
        "Y1",
        "Y2",
        "Y3",
        "Y4",
      ]);
    });

  it("spot values worked by hand", async () => {
    const derive = async (s: Stens) =>
      (await (await t.post("/v1/psychometrics/derive", { stens: s })).json()) as Derived;
    // All 1: X1 = (38 + 2 + 3 + 4 − 2 − 2 − 2)/10 = 4.1; Y1 = 1 + 1 + 10 + 10 = 22; Y3 = 20 + 2 + 1 + 20 + 1 + 2 + 1 + 10 + 1 + 2 = 60 → sten 1.
    expect(await derive(stens(1))).toMatchObject({ X1: 4.1, Y1: 22, Y2: 10, Y3: 60, Y3Sten: 1, Y4: 13 });
    // All 10: X1 = (38 + 20 + 30 + 40 − 20 − 20 − 20)/10 = 6.8; Y2 = 100; Y3 = 2 + 20 + 10 + 2 + 10 + 20 + 10 + 1 + 10 + 20 = 105 → sten 10.
    expect(await derive(stens(10))).toMatchObject({ X1: 6.8, Y1: 22, Y2: 100, Y3: 105, Y3Sten: 10, Y4: 31 });
  });

  it("uses Q3 (not Q2) in X1's last term", async () => {
    const base = stens(5);
    const a = (await (await t.post("/v1/psychometrics/derive", { stens: base })).json()) as Derived;
    const q3 = (await (
      await t.post("/v1/psychometrics/derive", { stens: { ...base, Q3: 6 } })
    ).json()) as Derived;
    const q2 = (await (
      await t.post("/v1/psychometrics/derive", { stens: { ...base, Q2: 6 } })
    ).json()) as Derived;
    expect(q3.X1 - a.X1).toBeCloseTo(-0.2, 10);
    expect(q2.X1).toBe(a.X1);
  });

  it("reads Y1 < 12 as low (unstable) and Y4 below 17 / above 24 as low / high", async () => {
    // Y1 = C + F + (11 − O) + (11 − Q4): C 1, F 1, O 10, Q4 10 → 4.
    const unstable = stens(5, { C: 1, F: 1, O: 10, Q4: 10 });
    const res = await t.post("/v1/psychometrics/derive", { stens: unstable });
    const body = (await res.json()) as Derived & {
      interpretation: Record<string, { level: string; zh: string; en: string }>;
    };
    expect(body.Y1).toBe(4);
    expect(body.interpretation.Y1?.level).toBe("low");
    expect(body.interpretation.Y1?.zh.length).toBeGreaterThan(0);
    expect(body.interpretation.Y1?.en.length).toBeGreaterThan(0);
    const y4 = async (s: Stens) =>
      (await (await t.post("/v1/psychometrics/derive", { stens: s })).json()) as {
        Y4: number;
        interpretation: Record<string, { level: string }>;
      };
    // Y4 = B + G + Q3 + (11 − F).
    const low = await y4(stens(5, { B: 3, G: 3, Q3: 3, F: 4 })); // 3 + 3 + 3 + 7 = 16
    expect(low.Y4).toBe(16);
    expect(low.interpretation.Y4?.level).toBe("low");
    const justNotLow = await y4(stens(5, { B: 3, G: 3, Q3: 4, F: 4 })); // 17
    expect(justNotLow.Y4).toBe(17);
    expect(justNotLow.interpretation.Y4?.level).toBe("average");
    const high = await y4(stens(5, { B: 7, G: 7, Q3: 7, F: 7 })); // 7 + 7 + 7 + 4 = 25
    expect(high.Y4).toBe(25);
    expect(high.interpretation.Y4?.level).toBe("high");
    const justNotHigh = await y4(stens(5, { B: 7, G: 7, Q3: 6, F: 7 })); // 24
    expect(justNotHigh.interpretation.Y4?.level).toBe("average");
  });

  const bad: [string, unknown, string][] = [
    ["a sten of 11", { stens: stens(5, { Q3: 11 }) }, "stens.Q3"],
    ["a sten of 0", { stens: stens(5, { A: 0 }) }, "stens.A"],
    ["a fractional sten", { stens: stens(5, { H: 6.5 }) }, "stens.H"],
    ["a sten as a string", { stens: { ...stens(5), E: "7" } }, "stens.E"],
    [
      "a missing factor",
      { stens: Object.fromEntries(Object.entries(stens(5)).filter(([f]) => f !== "M")) },
      "stens.M",
    ],
    ["an unknown factor", { stens: { ...stens(5), Q5: 5 } }, "stens.Q5"],
    ["no stens", {}, "stens"],
    ["an unknown field", { stens: stens(5), norm: "cn-16pf-187" }, "norm"],
  ];
  for (const [name, body, field] of bad)
    it(`rejects ${name} with 422 naming ${field}`, async () => {
      const res = await t.post("/v1/psychometrics/derive", body);
      expect(res.status).toBe(422);
      const p = await problem(res);
      expect(p).toMatchObject({ code: "validation_failed", field });
      expect(p.detail).toContain(field);
    });

  it("rejects malformed JSON with 400", async () => {
    const res = await t.post("/v1/psychometrics/derive", '{"stens": {"A": 5,');
    expect(res.status).toBe(400);
    expect((await problem(res)).code).toBe("malformed_json");
  });
});

describe("POST /v1/psychometrics/stens (default norm cn-16pf-187)", () => {
  const convert = async (raw: Record<string, number>, norm?: string) => {
    const res = await t.post("/v1/psychometrics/stens", norm === undefined ? { raw } : { raw, norm });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    return (await res.json()) as { stens: Stens; norm: string; normVersion: number };
  };

  it("converts a profile through the published norm table", async () => {
    const raw = {
      A: 9,
      B: 7,
      C: 16,
      E: 13,
      F: 2,
      G: 17,
      H: 20,
      I: 10,
      L: 4,
      M: 21,
      N: 0,
      O: 26,
      Q1: 15,
      Q2: 11,
      Q3: 18,
      Q4: 22,
    };
    const body = await convert(raw);
    expect(body.norm).toBe("cn-16pf-187");
    expect(body.normVersion).toBe(1);
    expect(body.stens).toEqual(rawRecord((f) => cnSten(f, raw[f])));
    // Worked by hand from the table: A 9 → 6 (8 < 9 ≤ 11), B 7 → 5, C 16 → 6, F 2 → 1, M 21 → 10, N 0 → 1, O 26 → 10.
    expect(body.stens).toMatchObject({ A: 6, B: 5, C: 6, F: 1, M: 10, N: 1, O: 10 });
  });

  it("puts every cut-off of every factor in the right sten (at the bound and one above)", async () => {
    for (let k = 0; k < 9; k++) {
      const at = await convert(rawRecord((f) => CN_TABLE[f][k] as number));
      expect(at.stens, `bound of sten ${k + 1}`).toEqual(rawRecord(() => k + 1));
      const above = await convert(rawRecord((f) => (CN_TABLE[f][k] as number) + 1));
      expect(above.stens, `one above the bound of sten ${k + 1}`).toEqual(rawRecord(() => k + 2));
    }
  });

  it("maps 0 to sten 1 and each maximum to sten 10; the norm may be named explicitly", async () => {
    expect((await convert(rawRecord(() => 0))).stens).toEqual(rawRecord(() => 1));
    expect(
      (
        await convert(
          rawRecord((f) => RAW_MAX[f]),
          "cn-16pf-187",
        )
      ).stens,
    ).toEqual(rawRecord(() => 10));
  });

  it("rejects an unknown norm (422 norm) and a raw score over the maximum (422 raw.B)", async () => {
    const before = await rowCounts(t.db);
    const unknown = await t.post("/v1/psychometrics/stens", {
      raw: rawRecord(() => 5),
      norm: "no-such-norm",
    });
    expect(unknown.status).toBe(422);
    expect(await problem(unknown)).toMatchObject({ code: "validation_failed", field: "norm" });

    const over = await t.post("/v1/psychometrics/stens", { raw: rawRecord((f) => (f === "B" ? 14 : 5)) });
    expect(over.status).toBe(422);
    const p = await problem(over);
    expect(p).toMatchObject({ code: "validation_failed", field: "raw.B" });
    expect(p.errors?.map((e) => e.field)).toEqual(["raw.B"]);

    // Every factor over its maximum is reported, not only the first.
    const allOver = await t.post("/v1/psychometrics/stens", { raw: rawRecord((f) => RAW_MAX[f] + 1) });
    expect(allOver.status).toBe(422);
    expect((await problem(allOver)).errors?.map((e) => e.field)).toEqual(FACTOR_CODES.map((f) => `raw.${f}`));
    expect(await rowCounts(t.db)).toEqual(before);
  });

  const bad: [string, unknown, string][] = [
    ["a negative raw score", { raw: rawRecord((f) => (f === "C" ? -1 : 5)) }, "raw.C"],
    ["a fractional raw score", { raw: rawRecord((f) => (f === "L" ? 4.5 : 5)) }, "raw.L"],
    [
      "a missing factor",
      { raw: Object.fromEntries(FACTOR_CODES.filter((f) => f !== "Q4").map((f) => [f, 5])) },
      "raw.Q4",
    ],
    ["an unknown factor", { raw: { ...rawRecord(() => 5), D: 3 } }, "raw.D"],
    ["no raw scores", { norm: "cn-16pf-187" }, "raw"],
    ["an unknown field", { raw: rawRecord(() => 5), stens: stens(5) }, "stens"],
  ];
  for (const [name, body, field] of bad)
    it(`rejects ${name} with 422 naming ${field}`, async () => {
      const res = await t.post("/v1/psychometrics/stens", body);
      expect(res.status).toBe(422);
      expect(await problem(res)).toMatchObject({ code: "validation_failed", field });
    });
});
