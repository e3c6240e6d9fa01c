import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FACTORS } from "../../scoring/factors";
import { readScoreBody } from "../../src/lib/score-body";
import { AlternativesRequest, ManyTeamsRequest, OneTeamRequest } from "../../src/routes/scoring.schemas";

/** zod's verdict on a body, the contract the fast check must never be looser than. */
const zodAccepts = (body: unknown) =>
  (typeof body === "object" && body !== null && "alternatives" in body
    ? AlternativesRequest
    : typeof body === "object" && body !== null && "teams" in body
      ? ManyTeamsRequest
      : OneTeamRequest
  ).safeParse(body).success;

/** Mostly valid values, sometimes an edge case just inside or just outside the contract. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...edges: unknown[]) =>
  fc.oneof(
    { weight: 12, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
  );
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const code = mostly(
  fc.constantFrom("XJ01", "deputy-head", "party-secretary", "a.b_c-1"),
  "",
  " XJ01",
  "x".repeat(40),
  "x".repeat(41),
  7,
  null,
);
const sten = mostly(fc.integer({ min: 1, max: 10 }), 0, 11, 5.5, -1, "5", null);
const stens = mostly(
  fc.record(Object.fromEntries(FACTORS.map((f) => [f, sten])) as Record<string, fc.Arbitrary<unknown>>),
  Object.fromEntries(FACTORS.slice(1).map((f) => [f, 5])),
  { ...Object.fromEntries(FACTORS.map((f) => [f, 5])), Z: 5 },
  [5, 5],
);
const trimmed = (max: number) =>
  mostly(fc.constantFrom("m1", "law", "C0002"), "", " m1", "m1 ", "x".repeat(max), "x".repeat(max + 1), 3);
const years = mostly(fc.double({ min: 0, max: 60, noNaN: true }), -0.1, 60.1, null, "3");
const member = fc.record(
  {
    id: maybe(trimmed(64)),
    stens,
    birthRegion: maybe(mostly(code, null)),
    growthRegion: maybe(mostly(code, null)),
    currentPost: maybe(mostly(code, null)),
    age: maybe(mostly(fc.integer({ min: 18, max: 80 }), 17, 81, 40.5, null, "40")),
    gender: maybe(mostly(fc.constantFrom("male", "female"), "other", null)),
    education: maybe(mostly(fc.constantFrom("bachelor", "master"), "phd", null)),
    rank: maybe(mostly(fc.constantFrom("division", "section"), "boss", null)),
    skills: maybe(
      mostly(
        fc.array(
          fc.record({ skill: trimmed(40), level: mostly(fc.integer({ min: 1, max: 5 }), 0, 6, 2.5) }),
          { maxLength: 3 },
        ),
        [{ skill: "law", level: 3, extra: 1 }],
        Array.from({ length: 51 }, () => ({ skill: "law", level: 3 })),
      ),
    ),
    yearsInPost: maybe(years),
    serviceYears: maybe(years),
    kin: maybe(mostly(fc.array(trimmed(64), { maxLength: 3 }), "m2")),
    extra: fc.option(fc.constant(1), { nil: undefined, freq: 30 }),
  },
  { requiredKeys: [] },
);
const seat = fc.record(
  {
    post: code,
    cadreId: maybe(mostly(fc.constantFrom("C0001", "C0002"), "", " C1", null)),
    member: maybe(member),
  },
  { requiredKeys: [] },
);
const team = fc.record(
  {
    region: code,
    seats: mostly(
      fc.array(seat, { minLength: 1, maxLength: 4 }),
      [],
      Array.from({ length: 41 }, () => ({ post: "x" })),
    ),
    detail: maybe(mostly(fc.constantFrom("full", "summary"), "both")),
  },
  { requiredKeys: [] },
);
const cadreId = mostly(
  fc.constantFrom("C0001", "C0002", "x.y-1"),
  null,
  "",
  " C1",
  "x".repeat(64),
  "x".repeat(65),
  3,
);
/** The compact form: posts once, then each alternative's cadre ids (usually as many as posts). */
const alternativesBody = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record(
    {
      region: code,
      posts: mostly(fc.array(code, { minLength: n, maxLength: n }), [], "deputy-head"),
      alternatives: mostly(
        fc.array(
          mostly(
            fc.array(cadreId, { minLength: n, maxLength: n }),
            [],
            ["C0001", "C0002", "C0003", "C0004", "C0005"],
            "C0001",
          ),
          { minLength: 1, maxLength: 3 },
        ),
        [],
      ),
      detail: maybe(mostly(fc.constantFrom("scores", "summary"), "x")),
      extra: fc.option(fc.constant(1), { nil: undefined, freq: 30 }),
    },
    { requiredKeys: ["posts", "alternatives"] },
  ),
);
const body = fc.oneof(
  { weight: 2, arbitrary: alternativesBody },
  { weight: 3, arbitrary: team },
  {
    weight: 1,
    arbitrary: fc.record({
      teams: fc.array(team, { minLength: 0, maxLength: 3 }),
      detail: maybe(mostly(fc.constant("summary"), "x")),
    }),
  },
);

describe("the fast score-body check", () => {
  it("agrees with zod on random near-valid bodies: never looser, and taken for most valid ones", () => {
    let accepted = 0;
    let valid = 0;
    fc.assert(
      fc.property(body, (b) => {
        const fast = readScoreBody(b, 10_000) !== undefined;
        const zod = zodAccepts(b);
        if (fast) expect(zod).toBe(true);
        if (zod) valid++;
        if (fast) accepted++;
      }),
      { numRuns: 20_000 },
    );
    // Enough bodies were valid for the comparison to mean something, and the fast path took nearly
    // all of them (it leaves to zod the strings zod would trim, such as " m1").
    expect(valid).toBeGreaterThan(200);
    expect(accepted / valid).toBeGreaterThan(0.95);
  });

  it("accepts well-formed bodies that zod accepts (so the fast path is actually taken)", () => {
    const good = {
      region: "XJ01",
      seats: [
        {
          post: "party-secretary",
          member: {
            id: "m1",
            stens: Object.fromEntries(FACTORS.map((f) => [f, 6])),
            age: 44,
            gender: "female",
            skills: [{ skill: "law", level: 4 }],
            kin: ["m2"],
          },
        },
        { post: "county-head", cadreId: "C0002" },
        { post: "deputy-head" },
      ],
    };
    expect(zodAccepts(good)).toBe(true);
    expect(readScoreBody(good, 10_000)).toBe(good);
    expect(
      readScoreBody({ teams: [good].map(({ region, seats }) => ({ region, seats })) }, 10_000),
    ).toBeDefined();
    const compact = {
      region: "XJ01",
      posts: ["party-secretary", "county-head"],
      alternatives: [
        ["C0001", null],
        ["C0002", "C0003"],
      ],
      detail: "scores",
    };
    expect(zodAccepts(compact)).toBe(true);
    expect(readScoreBody(compact, 10_000)).toBe(compact);
    expect(readScoreBody(compact, 1)).toBeUndefined();
  });

  it("agrees with zod at every boundary of the contract, one change at a time", () => {
    const base = () => ({
      region: "XJ01",
      seats: [
        {
          post: "party-secretary",
          member: {
            id: "m1",
            stens: Object.fromEntries(FACTORS.map((f) => [f, 6])) as Record<string, unknown>,
            age: 44,
            yearsInPost: 3,
            skills: [{ skill: "law", level: 4 }],
            kin: ["m2"],
          } as Record<string, unknown>,
        } as Record<string, unknown>,
      ],
    });
    type Body = ReturnType<typeof base>;
    const m = (b: Body) => b.seats[0]?.member as Record<string, unknown>;
    const changes: [string, (b: Body) => void][] = [];
    for (const age of [17, 18, 80, 81, 40.5])
      changes.push([
        `age ${age}`,
        (b) => {
          m(b).age = age;
        },
      ]);
    for (const y of [-0.1, 0, 60, 60.1])
      changes.push([
        `years ${y}`,
        (b) => {
          m(b).yearsInPost = y;
        },
      ]);
    for (const n of [40, 41])
      changes.push([
        `skill of ${n}`,
        (b) => {
          m(b).skills = [{ skill: "x".repeat(n), level: 3 }];
        },
      ]);
    for (const level of [0, 1, 5, 6])
      changes.push([
        `level ${level}`,
        (b) => {
          m(b).skills = [{ skill: "law", level }];
        },
      ]);
    for (const n of [64, 65])
      changes.push([
        `id of ${n}`,
        (b) => {
          m(b).id = "x".repeat(n);
        },
      ]);
    for (const n of [50, 51])
      changes.push([
        `${n} kin`,
        (b) => {
          m(b).kin = Array.from({ length: n }, (_, i) => `k${i}`);
        },
      ]);
    for (const n of [40, 41])
      changes.push([
        `${n} seats`,
        (b) => {
          b.seats = Array.from({ length: n }, () => ({ post: "deputy-head" }));
        },
      ]);
    for (const n of [40, 41])
      changes.push([
        `region of ${n}`,
        (b) => {
          b.region = "x".repeat(n);
        },
      ]);
    for (const v of [0, 1, 10, 11, 5.5])
      changes.push([
        `sten ${v}`,
        (b) => {
          (m(b).stens as Record<string, unknown>).Q4 = v;
        },
      ]);
    changes.push([
      "a missing sten",
      (b) => {
        delete (m(b).stens as Record<string, unknown>).Q4;
      },
    ]);
    changes.push([
      "an unknown member field",
      (b) => {
        m(b).name = "x";
      },
    ]);
    changes.push([
      "cadreId and member",
      (b) => {
        (b.seats[0] as Record<string, unknown>).cadreId = "C0001";
      },
    ]);
    changes.push([
      "region with a leading dash",
      (b) => {
        b.region = "-XJ";
      },
    ]);
    for (const [name, change] of changes) {
      const body = base();
      change(body);
      const fast = readScoreBody(body, 10_000) !== undefined;
      expect({ name, fast }).toEqual({ name, fast: zodAccepts(body) });
    }
  });

  it("refuses more teams than the limit, leaving zod to name the field", () => {
    const t = { region: "XJ01", seats: [{ post: "deputy-head" }] };
    expect(readScoreBody({ teams: [t, t, t] }, 2)).toBeUndefined();
  });
});
