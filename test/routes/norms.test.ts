/**
 * Norm tables over HTTP: the built-in Chinese norm, uploads (cut-off and z norms) with versions,
 * every problem of an invalid upload named by its path, the built-in norm protected, and raw scores
 * converted through an uploaded norm by `POST /v1/psychometrics/stens` and by assessments — the
 * expected stens computed here, independently.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";
import { CN_TABLE, createCadre, FACTOR_CODES, seedRegions } from "./fixtures";

type Factor = (typeof FACTOR_CODES)[number];
type FactorRecord<T> = Record<Factor, T>;

interface NormView {
  code: string;
  name?: string;
  kind: "cutoffs" | "z";
  version: number;
  builtin: boolean;
  createdAt: string | null;
  cutoffs?: FactorRecord<number[]>;
  factors?: FactorRecord<{ mean: number; sd: number }>;
  rawMax: FactorRecord<number>;
}

const record = <T>(value: (f: Factor, i: number) => T) =>
  Object.fromEntries(FACTOR_CODES.map((f, i) => [f, value(f, i)])) as FactorRecord<T>;

/**
 * A local cut-off norm: the Chinese table one raw point higher, except A, which this (imagined)
 * instrument scores up to 30 in steps of 3.
 */
const LOCAL_CUTOFFS: FactorRecord<number[]> = record((f) =>
  f === "A" ? [3, 6, 9, 12, 15, 18, 21, 24, 27] : CN_TABLE[f].map((b) => b + 1),
);
/** Its second version: two points higher than the Chinese table (A unchanged). */
const LOCAL_CUTOFFS_V2: FactorRecord<number[]> = record((f) =>
  f === "A" ? LOCAL_CUTOFFS.A : CN_TABLE[f].map((b) => b + 2),
);

/** A z norm with a different mean and SD per factor (means chosen so that no test value ties at .5). */
const Z_FACTORS = record((_, i) => ({ mean: 8.3 + (i % 5), sd: 2.5 + (i % 3) * 0.5 }));

/** Cut-offs read by hand: the first sten whose upper bound holds the raw score; above all, 10. */
function stenByCutoffs(bounds: number[], raw: number): number {
  const k = bounds.findIndex((b) => raw <= b);
  return k === -1 ? 10 : k + 1;
}
/** The standard sten: 5.5 + 2z, rounded to the nearest integer, kept within 1–10. */
function stenByZ(raw: number, mean: number, sd: number): number {
  return Math.min(10, Math.max(1, Math.round(5.5 + (2 * (raw - mean)) / sd)));
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await createCadre(t, { id: "c-norm" });
});
afterAll(() => t.close());

const put = async (code: string, body: unknown) => t.put(`/v1/norms/${code}`, body);
const convert = async (raw: FactorRecord<number>, norm?: string) =>
  t.post("/v1/psychometrics/stens", norm ? { raw, norm } : { raw });

describe("the built-in norm", () => {
  it("GET /v1/norms lists cn-16pf-187, built in, version 1, with the published norm table", async () => {
    const res = await t.get("/v1/norms");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: NormView[]; nextCursor: null };
    expect(body.nextCursor).toBeNull();
    const cn = body.items.find((n) => n.code === "cn-16pf-187");
    expect(cn).toMatchObject({ kind: "cutoffs", version: 1, builtin: true });
    expect(cn?.cutoffs).toEqual(CN_TABLE);
    expect(cn?.rawMax).toEqual(
      record((f) => (f === "B" ? 13 : ["A", "G", "I", "L", "N", "Q1", "Q2", "Q3"].includes(f) ? 20 : 26)),
    );
  });

  it("GET /v1/norms/cn-16pf-187 reads it; versions other than 1 do not exist", async () => {
    expect(((await (await t.get("/v1/norms/cn-16pf-187")).json()) as NormView).cutoffs).toEqual(CN_TABLE);
    expect((await t.get("/v1/norms/cn-16pf-187?version=1")).status).toBe(200);
    const v2 = await t.get("/v1/norms/cn-16pf-187?version=2");
    expect(v2.status).toBe(404);
    expect((await problem(v2)).code).toBe("not_found");
  });

  it("PUT on cn-16pf-187 is a 409 and changes nothing", async () => {
    const before = await rowCounts(t.db);
    const res = await put("cn-16pf-187", { kind: "cutoffs", cutoffs: LOCAL_CUTOFFS });
    expect(res.status).toBe(409);
    expect((await problem(res)).code).toBe("conflict");
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it("404 for an unknown norm", async () => {
    const res = await t.get("/v1/norms/nope");
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ code: "not_found" });
  });
});

describe("uploading norms", () => {
  it("a cut-off norm: 200, version 1, then a second upload is version 2 and version 1 stays readable", async () => {
    const first = await put("local-2026", {
      kind: "cutoffs",
      name: "本市干部常模 2026",
      cutoffs: LOCAL_CUTOFFS,
      rawMax: { A: 30 },
    });
    expect(first.status, await first.clone().text()).toBe(200);
    const v1 = (await first.json()) as NormView;
    expect(v1).toMatchObject({
      code: "local-2026",
      name: "本市干部常模 2026",
      kind: "cutoffs",
      version: 1,
      builtin: false,
      createdAt: "2026-11-25T08:00:00.000Z",
    });
    expect(v1.cutoffs).toEqual(LOCAL_CUTOFFS);
    expect(v1.rawMax.A).toBe(30);
    expect(v1.rawMax.B).toBe(13);

    const second = await put("local-2026", {
      kind: "cutoffs",
      name: "第二版",
      cutoffs: LOCAL_CUTOFFS_V2,
      rawMax: { A: 30 },
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ code: "local-2026", version: 2, name: "第二版" });

    const latest = (await (await t.get("/v1/norms/local-2026")).json()) as NormView;
    expect(latest.version).toBe(2);
    expect(latest.cutoffs).toEqual(LOCAL_CUTOFFS_V2);
    const old = (await (await t.get("/v1/norms/local-2026?version=1")).json()) as NormView;
    expect(old).toEqual(v1);
    expect((await t.get("/v1/norms/local-2026?version=3")).status).toBe(404);
  });

  it("a z norm: 200, version 1", async () => {
    const res = await put("county-z", { kind: "z", factors: Z_FACTORS, sampleSize: 412 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as NormView & { sampleSize: number };
    expect(body).toMatchObject({ code: "county-z", kind: "z", version: 1, builtin: false, sampleSize: 412 });
    expect(body.factors).toEqual(Z_FACTORS);
  });

  it("the list shows each norm once, at its newest version", async () => {
    const { items } = (await (await t.get("/v1/norms")).json()) as { items: NormView[] };
    const byCode = Object.fromEntries(items.map((n) => [n.code, n.version]));
    expect(byCode).toEqual({ "cn-16pf-187": 1, "local-2026": 2, "county-z": 1 });
  });

  describe("invalid definitions: 422 with every problem's path, nothing stored", () => {
    let before: Record<string, number>;
    beforeAll(async () => {
      before = await rowCounts(t.db);
    });

    const cases: [string, string, unknown, string[]][] = [
      [
        "cut-offs out of order, too short, missing, over the maximum, an unknown factor and field",
        "bad-cutoffs",
        {
          kind: "cutoffs",
          comment: "x",
          cutoffs: {
            ...LOCAL_CUTOFFS,
            A: [1, 3, 5, 4, 8, 11, 13, 14, 16],
            B: [3, 4, 5, 6, 7, 8, 9, 10],
            C: undefined,
            Q1: [4, 5, 7, 8, 10, 12, 13, 14, 25],
            D: [1, 2, 3, 4, 5, 6, 7, 8, 9],
          },
        },
        ["cutoffs.A[3]", "cutoffs.B", "cutoffs.C", "cutoffs.Q1[8]", "cutoffs.D", "comment"],
      ],
      [
        "a cut-off that is not an integer",
        "bad-cutoffs",
        {
          kind: "cutoffs",
          cutoffs: { ...LOCAL_CUTOFFS, G: [5, 7, 9, 10, 12.5, 14, 16, 17, 18] },
          rawMax: { A: 30 },
        },
        ["cutoffs.G[4]"],
      ],
      [
        "z factors with sd 0, a negative mean, a missing factor and an unknown key",
        "bad-z",
        {
          kind: "z",
          factors: {
            ...Z_FACTORS,
            Q1: { mean: 10, sd: 0 },
            A: { mean: -1, sd: 3 },
            B: undefined,
            C: { mean: 10, sd: 2, median: 9 },
          },
          sampleSize: 0,
        },
        ["factors.Q1.sd", "factors.A.mean", "factors.B", "factors.C.median", "sampleSize"],
      ],
      ["no kind", "bad-kind", { cutoffs: LOCAL_CUTOFFS }, ["kind"]],
      ["an unknown kind", "bad-kind", { kind: "percentiles", cutoffs: LOCAL_CUTOFFS }, ["kind"]],
      ["a bad raw maximum", "bad-max", { kind: "z", factors: Z_FACTORS, rawMax: { A: 0 } }, ["rawMax.A"]],
      [
        "a code in the body that differs from the path",
        "one-code",
        { code: "other-code", kind: "z", factors: Z_FACTORS },
        ["code"],
      ],
    ];

    for (const [name, code, body, paths] of cases)
      it(name, async () => {
        const res = await put(code, body);
        expect(res.status).toBe(422);
        const p = await problem(res);
        expect(p.code).toBe("validation_failed");
        const fields = p.errors?.map((e) => e.field) ?? [];
        for (const path of paths) expect(fields, path).toContain(path);
        expect(fields).toHaveLength(paths.length);
        expect(p.field).toBe(fields[0]);
        expect(p.detail).toContain(fields[0]);
        expect((await t.get(`/v1/norms/${code}`)).status).toBe(404);
      });

    it("not a JSON object", async () => {
      const res = await put("bad-shape", [1, 2, 3]);
      expect(res.status).toBe(422);
      expect((await problem(res)).code).toBe("validation_failed");
    });

    it("a code that is not URL-safe", async () => {
      const res = await put("bad%20code", { kind: "z", factors: Z_FACTORS });
      expect(res.status).toBe(422);
    });

    it("the database is unchanged", async () => {
      expect(await rowCounts(t.db)).toEqual(before);
    });
  });
});

describe("converting through an uploaded norm", () => {
  const rawA = record((f, i) => (f === "B" ? 9 : (i * 3) % 21));
  const rawB = record((f, i) => (f === "A" ? 25 : f === "B" ? 12 : (i * 7 + 4) % 21));

  it("POST /v1/psychometrics/stens with a cut-off norm uses its newest version", async () => {
    for (const raw of [rawA, rawB]) {
      const res = await convert(raw, "local-2026");
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as { stens: FactorRecord<number>; norm: string; normVersion: number };
      expect(body).toMatchObject({ norm: "local-2026", normVersion: 2 });
      expect(body.stens).toEqual(record((f) => stenByCutoffs(LOCAL_CUTOFFS_V2[f], raw[f])));
    }
    // Worked by hand: A 25 under A's bounds 3, 6, … 24, 27 is sten 9; B 12 (bounds 5 … 13) is sten 8.
    const b = (await (await convert(rawB, "local-2026")).json()) as { stens: FactorRecord<number> };
    expect(b.stens.A).toBe(9);
    expect(b.stens.B).toBe(8);
  });

  it("honours the norm's own raw maxima (A up to 30 here, 20 in the Chinese norm)", async () => {
    const high = { ...rawB, A: 30 };
    const ok = await convert(high, "local-2026");
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { stens: FactorRecord<number> }).stens.A).toBe(10);
    const over = await convert({ ...rawB, A: 31 }, "local-2026");
    expect(over.status).toBe(422);
    expect((await problem(over)).field).toBe("raw.A");
    const builtin = await convert(rawB);
    expect(builtin.status).toBe(422);
    expect((await problem(builtin)).field).toBe("raw.A");
  });

  it("POST /v1/psychometrics/stens with a z norm gives the standard sten 5.5 + 2z", async () => {
    // (rawB's A of 25 is over this norm's maximum of 20: A 18 instead.)
    for (const raw of [rawA, { ...rawB, A: 18 }, record(() => 0), record((f) => (f === "B" ? 13 : 20))]) {
      const res = await convert(raw, "county-z");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { stens: FactorRecord<number>; normVersion: number };
      expect(body.normVersion).toBe(1);
      expect(body.stens).toEqual(record((f) => stenByZ(raw[f], Z_FACTORS[f].mean, Z_FACTORS[f].sd)));
    }
    // By hand: A has mean 8.3, SD 2.5; raw 0 → 5.5 + 2(−8.3)/2.5 = −1.14 → 1. B (mean 9.3, SD 3): raw 9 → 5.3 → 5.
    const zero = (await (
      await convert(
        record(() => 0),
        "county-z",
      )
    ).json()) as { stens: FactorRecord<number> };
    expect(zero.stens.A).toBe(1);
    const a = (await (await convert(rawA, "county-z")).json()) as { stens: FactorRecord<number> };
    expect(a.stens.B).toBe(5);
  });

  it("POST /v1/cadres/{id}/assessments with raw scores and an uploaded norm stores its stens", async () => {
    const res = await t.post("/v1/cadres/c-norm/assessments", {
      id: "as-z",
      takenOn: "2026-04-18",
      raw: rawA,
      norm: "county-z",
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as {
      stens: FactorRecord<number>;
      raw: FactorRecord<number>;
      norm: string;
    };
    expect(body.norm).toBe("county-z");
    expect(body.raw).toEqual(rawA);
    expect(body.stens).toEqual(record((f) => stenByZ(rawA[f], Z_FACTORS[f].mean, Z_FACTORS[f].sd)));

    const cut = await t.post("/v1/cadres/c-norm/assessments", {
      id: "as-cut",
      takenOn: "2026-05-18",
      raw: rawB,
      norm: "local-2026",
    });
    expect(cut.status, await cut.clone().text()).toBe(201);
    const cutBody = (await cut.json()) as { stens: FactorRecord<number>; norm: string };
    expect(cutBody.norm).toBe("local-2026");
    expect(cutBody.stens).toEqual(record((f) => stenByCutoffs(LOCAL_CUTOFFS_V2[f], rawB[f])));
    // The newest assessment is the cadre's current one.
    const cadre = (await (await t.get("/v1/cadres/c-norm")).json()) as { assessment: { id: string } };
    expect(cadre.assessment.id).toBe("as-cut");
  });

  it("an assessment with an unknown norm or a raw score over the norm's maximum is a 422, nothing stored", async () => {
    const before = await rowCounts(t.db);
    const unknown = await t.post("/v1/cadres/c-norm/assessments", {
      takenOn: "2026-04-18",
      raw: rawA,
      norm: "nope",
    });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).field).toBe("norm");
    const over = await t.post("/v1/cadres/c-norm/assessments", {
      takenOn: "2026-04-18",
      raw: { ...rawA, A: 31 },
      norm: "local-2026",
    });
    expect(over.status).toBe(422);
    expect((await problem(over)).field).toBe("raw.A");
    expect(await rowCounts(t.db)).toEqual(before);
  });
});
