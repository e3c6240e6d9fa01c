import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problem, type TestApp, testApp } from "../support/app";
import { createCadre, FACTOR_CODES, type Stens, seedRegions, stens, walkPages } from "./fixtures";

/**
 * The raw → sten cut-offs of the Chinese 187-item norm, copied verbatim from the published norm table ("upper raw
 * bound of stens 1–9; above the last is 10"), and the raw maxima from the same section. The expected
 * stens below come from this text, not from `scoring/norms.ts`.
 */
const DESIGN_CUTOFFS = `
A 1,3,5,6,8,11,13,14,16      B 3,4,5,6,7,8,9,10,11       C 5,7,9,11,13,16,18,20,22
E 2,4,5,7,9,12,14,16,18      F 3,4,6,7,9,12,14,16,18     G 5,7,9,10,12,14,16,17,18
H 1,2,3,6,8,11,14,16,19      I 5,6,8,9,11,13,14,16,17    L 3,5,6,8,10,12,13,15,16
M 5,7,9,11,13,15,17,19,20    N 2,3,4,6,8,10,11,13,14     O 2,4,6,8,10,12,14,16,18
Q1 4,5,7,8,10,12,13,14,15    Q2 5,7,8,10,12,14,15,17,18  Q3 4,6,8,10,12,14,15,17,18
Q4 2,4,6,8,11,14,16,19,21
`;
const DESIGN_MAXIMA = "A,G,I,L,N,Q1,Q2,Q3 = 20; B = 13; C,E,F,H,M,O,Q4 = 26";

const CUTOFFS = Object.fromEntries(
  [...DESIGN_CUTOFFS.matchAll(/([A-Z]\d?) ([\d,]+)/g)].map(([, f, list]) => [
    f,
    (list as string).split(",").map(Number),
  ]),
) as Record<string, number[]>;
const RAW_MAX = Object.fromEntries(
  DESIGN_MAXIMA.split(";").flatMap((part) => {
    const [factors, max] = part.split("=");
    return (factors as string)
      .trim()
      .split(",")
      .map((f) => [f, Number(max)]);
  }),
) as Record<string, number>;

/** Sten = 1 + how many cut-offs lie below the raw score. */
const expectedSten = (factor: string, raw: number) =>
  1 + (CUTOFFS[factor] as number[]).filter((c) => c < raw).length;

const rawProfile = (value: (factor: string) => number): Stens =>
  Object.fromEntries(FACTOR_CODES.map((f) => [f, value(f)])) as Stens;

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedRegions(t);
  await createCadre(t, { id: "c1" });
  await createCadre(t, { id: "c2" });
});
afterAll(() => t.close());

describe("the the published norm table table as parsed here", () => {
  it("has nine rising cut-offs for each of the 16 factors, below the raw maximum", () => {
    expect(Object.keys(CUTOFFS).sort()).toEqual([...FACTOR_CODES].sort());
    expect(Object.keys(RAW_MAX).sort()).toEqual([...FACTOR_CODES].sort());
    for (const f of FACTOR_CODES) {
      const list = CUTOFFS[f] as number[];
      expect(list).toHaveLength(9);
      expect([...list].sort((a, b) => a - b)).toEqual(list);
      expect(list[8]).toBeLessThan(RAW_MAX[f] as number);
    }
  });
});

describe("assessments: create", () => {
  it("stores given stens as they are, with no raw scores", async () => {
    const given = stens(5, { A: 1, B: 10, Q4: 7 });
    const res = await t.post("/v1/cadres/c1/assessments", {
      id: "a-stens",
      takenOn: "2024-03-01",
      stens: given,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      id: "a-stens",
      cadreId: "c1",
      instrument: "16pf-cn-187",
      takenOn: "2024-03-01",
      norm: null,
      stens: given,
      raw: null,
    });
    expect(await (await t.get("/v1/cadres/c1/assessments/a-stens")).json()).toMatchObject({ stens: given });
  });

  it("converts raw scores through cn-16pf-187 at every cut-off boundary", async () => {
    const profiles: Stens[] = [rawProfile(() => 0), rawProfile((f) => RAW_MAX[f] as number)];
    for (let k = 0; k < 9; k++) {
      profiles.push(rawProfile((f) => (CUTOFFS[f] as number[])[k] as number)); // top of sten k+1
      profiles.push(rawProfile((f) => ((CUTOFFS[f] as number[])[k] as number) + 1)); // bottom of sten k+2
    }
    for (const [i, raw] of profiles.entries()) {
      const res = await t.post("/v1/cadres/c2/assessments", { id: `raw-${i}`, takenOn: "2020-01-01", raw });
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body.norm).toBe("cn-16pf-187");
      expect(body.raw).toEqual(raw);
      const expected = rawProfile((f) => expectedSten(f, raw[f as keyof Stens]));
      expect(body.stens, `profile ${i}: ${JSON.stringify(raw)}`).toEqual(expected);
    }
    // Spot checks written out by hand from the table: A's cut-offs 1,3,5,… and Q4's …,19,21.
    expect(expectedSten("A", 1)).toBe(1);
    expect(expectedSten("A", 2)).toBe(2);
    expect(expectedSten("A", 17)).toBe(10);
    expect(expectedSten("Q4", 21)).toBe(9);
    expect(expectedSten("Q4", 22)).toBe(10);
  });

  it("uses the norm named explicitly and keeps given stens when raw scores come too", async () => {
    const raw = rawProfile(() => 10);
    const explicit = await t.post("/v1/cadres/c2/assessments", {
      takenOn: "2020-01-02",
      raw,
      norm: "cn-16pf-187",
    });
    expect((await explicit.json()).stens.B).toBe(expectedSten("B", 10));

    const given = stens(4);
    const both = await (
      await t.post("/v1/cadres/c2/assessments", { takenOn: "2020-01-03", raw, stens: given })
    ).json();
    expect(both).toMatchObject({ stens: given, raw });
  });

  it("rejects a raw score above the factor's maximum, naming the factor", async () => {
    const b = await t.post("/v1/cadres/c1/assessments", {
      takenOn: "2024-01-01",
      raw: rawProfile((f) => (f === "B" ? 14 : 5)),
    });
    expect(b.status).toBe(422);
    expect(await problem(b)).toMatchObject({ code: "validation_failed", field: "raw.B" });

    const a = await t.post("/v1/cadres/c1/assessments", {
      takenOn: "2024-01-01",
      raw: rawProfile((f) => (f === "A" ? 21 : 5)),
    });
    expect((await problem(a)).field).toBe("raw.A");

    const both = await problem(
      await t.post("/v1/cadres/c1/assessments", {
        takenOn: "2024-01-01",
        raw: rawProfile((f) => (f === "A" ? 21 : f === "B" ? 14 : 5)),
      }),
    );
    expect(both.errors?.map((e) => e.field).sort()).toEqual(["raw.A", "raw.B"]);

    for (const f of FACTOR_CODES) {
      const res = await t.post("/v1/cadres/c1/assessments", {
        takenOn: "2024-01-01",
        raw: rawProfile((g) => (g === f ? (RAW_MAX[f] as number) + 1 : 0)),
      });
      expect(res.status, f).toBe(422);
      expect((await problem(res)).field).toBe(`raw.${f}`);
    }
  });

  it("rejects an unknown norm, with raw scores or with stens", async () => {
    const withRaw = await t.post("/v1/cadres/c1/assessments", {
      takenOn: "2024-01-01",
      raw: rawProfile(() => 5),
      norm: "us-16pf-5",
    });
    expect(withRaw.status).toBe(422);
    expect(await problem(withRaw)).toMatchObject({ code: "validation_failed", field: "norm" });

    const withStens = await t.post("/v1/cadres/c1/assessments", {
      takenOn: "2024-01-01",
      stens: stens(5),
      norm: "us-16pf-5",
    });
    expect(withStens.status).toBe(422);
    expect((await problem(withStens)).field).toBe("norm");
  });

  it("rejects an assessment with neither stens nor raw scores, stens out of range and a missing factor", async () => {
    expect((await problem(await t.post("/v1/cadres/c1/assessments", { takenOn: "2024-01-01" }))).field).toBe(
      "stens",
    );
    const eleven = await t.post("/v1/cadres/c1/assessments", {
      takenOn: "2024-01-01",
      stens: stens(5, { G: 11 }),
    });
    expect(eleven.status).toBe(422);
    expect((await problem(eleven)).field).toBe("stens.G");
    const { Q2: _omit, ...fifteen } = stens(5);
    expect(
      (await problem(await t.post("/v1/cadres/c1/assessments", { takenOn: "2024-01-01", stens: fifteen })))
        .field,
    ).toBe("stens.Q2");
    expect(
      (await problem(await t.post("/v1/cadres/c1/assessments", { takenOn: "2024-13-01", stens: stens(5) })))
        .field,
    ).toBe("takenOn");
  });

  it("answers 404 for an unknown cadre and 409 for a duplicate assessment id", async () => {
    const ghost = await t.post("/v1/cadres/ghost/assessments", { takenOn: "2024-01-01", stens: stens(5) });
    expect(ghost.status).toBe(404);
    expect((await problem(ghost)).code).toBe("not_found");

    const dup = await t.post("/v1/cadres/c1/assessments", {
      id: "a-stens",
      takenOn: "2025-01-01",
      stens: stens(9),
    });
    expect(dup.status).toBe(409);
    expect(await problem(dup)).toMatchObject({ code: "duplicate", field: "id" });
    expect((await (await t.get("/v1/cadres/c1/assessments/a-stens")).json()).takenOn).toBe("2024-03-01");
  });
});

describe("assessments: history", () => {
  /** Entered out of order: the test date decides what is current, not the order of entry. */
  const DATES = ["2021-06-01", "2025-09-10", "2019-03-15", "2023-11-30"];

  /** A new cadre `id` with four assessments `${id}-0` … `${id}-3` taken on DATES, stens 2 … 5. */
  async function cadreWithHistory(id: string): Promise<void> {
    await createCadre(t, { id });
    for (const [i, takenOn] of DATES.entries())
      expect(
        (await t.post(`/v1/cadres/${id}/assessments`, { id: `${id}-${i}`, takenOn, stens: stens(i + 2) }))
          .status,
      ).toBe(201);
  }

  const current = async (id: string) => (await (await t.get(`/v1/cadres/${id}`)).json()).assessment;

  it("lists the history newest first, and the cadre shows the newest as current", async () => {
    await createCadre(t, { id: "h0" });
    expect(await current("h0")).toBeNull();
    await cadreWithHistory("h1");

    const list = await (await t.get("/v1/cadres/h1/assessments")).json();
    expect(list.items.map((a: { takenOn: string }) => a.takenOn)).toEqual([...DATES].sort().reverse());
    expect(list.nextCursor).toBeNull();
    expect(await current("h1")).toEqual({ id: "h1-1", takenOn: "2025-09-10", stens: stens(3) });
    // The list of cadres shows the same current assessment.
    const listed = (await walkPages<{ id: string; assessment: unknown }>(t, "/v1/cadres", 50)).items.find(
      (c) => c.id === "h1",
    );
    expect(listed?.assessment).toEqual({ id: "h1-1", takenOn: "2025-09-10", stens: stens(3) });
  });

  it("pages through the history, each assessment exactly once and in order", async () => {
    await cadreWithHistory("h2");
    // Five more on one day: the order among them must still be stable across pages.
    for (let i = 0; i < 5; i++)
      await t.post("/v1/cadres/h2/assessments", { takenOn: "2022-02-02", stens: stens(7) });
    const all = (await (await t.get("/v1/cadres/h2/assessments?limit=200")).json()).items as {
      id: string;
      takenOn: string;
    }[];
    expect(all).toHaveLength(9);
    expect(all.map((a) => a.takenOn)).toEqual(
      all
        .map((a) => a.takenOn)
        .sort()
        .reverse(),
    );
    for (const limit of [1, 2, 4]) {
      const { items, pages } = await walkPages<{ id: string }>(t, "/v1/cadres/h2/assessments", limit);
      expect(items.map((a) => a.id)).toEqual(all.map((a) => a.id));
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
    expect((await problem(await t.get("/v1/cadres/h2/assessments?cursor=abc"))).field).toBe("query.cursor");
    expect((await t.get("/v1/cadres/ghost/assessments")).status).toBe(404);
  });

  it("PATCH corrects stens or the date, and the current assessment follows", async () => {
    await cadreWithHistory("h3");
    // h3-2 was the oldest (2019); corrected to 2026 it becomes current.
    const fixed = await t.patch("/v1/cadres/h3/assessments/h3-2", {
      takenOn: "2026-01-05",
      stens: stens(8, { C: 2 }),
    });
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({
      id: "h3-2",
      takenOn: "2026-01-05",
      stens: stens(8, { C: 2 }),
    });
    expect(await current("h3")).toEqual({ id: "h3-2", takenOn: "2026-01-05", stens: stens(8, { C: 2 }) });

    const bad = await t.patch("/v1/cadres/h3/assessments/h3-2", { stens: stens(8, { C: 0 }) });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).field).toBe("stens.C");
    expect((await current("h3")).stens.C).toBe(2);

    expect((await problem(await t.patch("/v1/cadres/h3/assessments/h3-2", { cadreId: "c1" }))).field).toBe(
      "cadreId",
    );
  });

  it("PATCH with raw scores re-derives the stens; a PATCH naming an unknown norm is refused", async () => {
    await cadreWithHistory("h4");
    const raw = rawProfile((f) => (CUTOFFS[f] as number[])[4] as number);
    const res = await t.patch("/v1/cadres/h4/assessments/h4-0", { raw });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ raw, norm: "cn-16pf-187", stens: stens(5) });

    const unknown = await t.patch("/v1/cadres/h4/assessments/h4-0", { norm: "nonexistent" });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).field).toBe("norm");
    expect((await (await t.get("/v1/cadres/h4/assessments/h4-0")).json()).norm).toBe("cn-16pf-187");
  });

  it("DELETE removes an assessment; the previous one becomes current", async () => {
    await cadreWithHistory("h5");
    expect((await current("h5")).id).toBe("h5-1");
    expect((await t.del("/v1/cadres/h5/assessments/h5-1")).status).toBe(204);
    expect((await t.get("/v1/cadres/h5/assessments/h5-1")).status).toBe(404);
    // Next newest: 2023-11-30.
    expect(await current("h5")).toEqual({ id: "h5-3", takenOn: "2023-11-30", stens: stens(5) });
    expect((await t.del("/v1/cadres/h5/assessments/h5-1")).status).toBe(404);
  });

  it("answers 404 for another cadre's assessment id on read, update and delete", async () => {
    await cadreWithHistory("h6");
    // h6-1 belongs to h6, not to c1.
    for (const res of [
      await t.get("/v1/cadres/c1/assessments/h6-1"),
      await t.patch("/v1/cadres/c1/assessments/h6-1", { stens: stens(1) }),
      await t.del("/v1/cadres/c1/assessments/h6-1"),
    ]) {
      expect(res.status).toBe(404);
      expect(await problem(res)).toMatchObject({ code: "not_found", field: "assessmentId" });
    }
    expect(await current("h6")).toMatchObject({ id: "h6-1", stens: stens(3) });
  });
});
