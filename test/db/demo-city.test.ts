import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemoCity, DEMO_SEED, type DemoCity, TEAM_POSTS } from "../../db/seed/demo-city";
import { isEmpty, loadDemoCity } from "../../db/seed/load";
import { FACTOR_CORRELATION } from "../../scoring/correlation";
import { FACTOR_CODES, walkPages } from "../routes/fixtures";
import { type TestApp, testApp } from "../support/app";

const city: DemoCity = buildDemoCity(DEMO_SEED);

/** Sample Pearson correlation. */
function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const column = (factor: string) => city.assessments.map((a) => a.stens[factor as keyof typeof a.stens]);

describe("buildDemoCity", () => {
  it("is reproducible: the same seed gives the same city, another seed another", () => {
    expect(buildDemoCity(DEMO_SEED)).toEqual(city);
    expect(buildDemoCity()).toEqual(city);
    const other = buildDemoCity(DEMO_SEED + 1);
    expect(other).not.toEqual(city);
    expect(other.assessments.map((a) => a.stens)).not.toEqual(city.assessments.map((a) => a.stens));
    expect(other.cadres.map((c) => c.name)).not.toEqual(city.cadres.map((c) => c.name));
  });

  it("has a city and 12 counties", () => {
    const cities = city.regions.filter((r) => r.level === "city");
    const counties = city.regions.filter((r) => r.level === "county");
    expect(cities).toHaveLength(1);
    expect(cities[0]?.parentCode).toBeNull();
    expect(counties).toHaveLength(12);
    for (const c of counties) expect(c.parentCode).toBe(cities[0]?.code);
    expect(new Set(city.regions.map((r) => r.code)).size).toBe(13);
  });

  it("gives every county one team of 14 seats with the posts of TEAM_POSTS, in order", () => {
    const counties = city.regions.filter((r) => r.level === "county").map((r) => r.code);
    expect(city.teams.map((t) => t.regionCode).sort()).toEqual([...counties].sort());
    expect(TEAM_POSTS).toHaveLength(14);
    const cadres = new Map(city.cadres.map((c) => [c.id, c]));
    for (const team of city.teams) {
      expect(team.seats.map((s) => s.postCode)).toEqual([...TEAM_POSTS]);
      const holders = team.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : []));
      expect(new Set(holders).size).toBe(holders.length);
      for (const seat of team.seats) {
        if (!seat.cadreId) continue;
        const holder = cadres.get(seat.cadreId);
        expect(holder, seat.cadreId).toBeDefined();
        expect(holder?.reserve).toBe(false);
        expect(holder?.currentRegion).toBe(team.regionCode);
        expect(holder?.currentPost).toBe(seat.postCode);
      }
    }
    // Nobody holds seats in two teams.
    const allHolders = city.teams.flatMap((t) => t.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])));
    expect(new Set(allHolders).size).toBe(allHolders.length);
  });

  it("has about 150 reserves and some vacancies", () => {
    const reserves = city.cadres.filter((c) => c.reserve);
    expect(reserves.length).toBeGreaterThanOrEqual(130);
    expect(reserves.length).toBeLessThanOrEqual(170);
    const vacancies = city.teams.flatMap((t) => t.seats.filter((s) => s.cadreId === null));
    expect(vacancies.length).toBeGreaterThan(0);
    expect(vacancies.length).toBeLessThan(city.teams.length * TEAM_POSTS.length * 0.25);
  });

  it("has cadres past 10 years in post and past 10 years in the locality (R4, R5)", () => {
    expect(city.cadres.filter((c) => c.yearsInPost >= 10).length).toBeGreaterThan(0);
    expect(city.cadres.filter((c) => c.yearsInLocality >= 10).length).toBeGreaterThan(0);
    for (const c of city.cadres) {
      expect(c.yearsInPost).toBeGreaterThanOrEqual(0);
      expect(c.yearsInLocality).toBeGreaterThanOrEqual(0);
    }
  });

  it("has kin links between existing cadres, at least one pair inside a team (R2)", () => {
    const ids = new Set(city.cadres.map((c) => c.id));
    expect(city.kin.length).toBeGreaterThan(0);
    for (const k of city.kin) {
      expect(ids.has(k.cadreId)).toBe(true);
      expect(ids.has(k.kinId)).toBe(true);
      // The database stores each pair once with the smaller id first.
      expect(k.cadreId < k.kinId).toBe(true);
    }
    const inOneTeam = city.kin.filter((k) =>
      city.teams.some((t) => {
        const members = new Set(t.seats.map((s) => s.cadreId));
        return members.has(k.cadreId) && members.has(k.kinId);
      }),
    );
    expect(inOneTeam.length).toBeGreaterThanOrEqual(1);
  });

  it("assesses every cadre, with integer stens 1–10 for all 16 factors", () => {
    const assessed = new Set(city.assessments.map((a) => a.cadreId));
    for (const c of city.cadres) expect(assessed.has(c.id), c.id).toBe(true);
    expect(new Set(city.assessments.map((a) => a.id)).size).toBe(city.assessments.length);
    for (const a of city.assessments) {
      expect(Object.keys(a.stens).sort()).toEqual([...FACTOR_CODES].sort());
      for (const value of Object.values(a.stens)) {
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(1);
        expect(value).toBeLessThanOrEqual(10);
      }
    }
    // Stens spread over the scale, not stuck in the middle.
    const all = city.assessments.flatMap((a) => Object.values(a.stens));
    expect(new Set(all).size).toBe(10);
  });

  it("draws stens through the factor correlation matrix", () => {
    expect(city.assessments.length).toBeGreaterThan(300);
    // C (emotional stability) against O (apprehension): about −0.75 in the source data.
    expect(pearson(column("C"), column("O"))).toBeLessThan(-0.4);

    const strong: [string, string, number][] = [];
    FACTOR_CODES.forEach((a, i) => {
      FACTOR_CODES.forEach((b, j) => {
        const r = FACTOR_CORRELATION[i]?.[j] as number;
        if (j > i && Math.abs(r) >= 0.5) strong.push([a, b, r]);
      });
    });
    expect(strong.length).toBeGreaterThanOrEqual(5);
    for (const [a, b, r] of strong) {
      const sample = pearson(column(a), column(b));
      expect(Math.sign(sample), `${a}–${b}: matrix ${r}, sample ${sample.toFixed(3)}`).toBe(Math.sign(r));
      expect(Math.abs(sample), `${a}–${b}`).toBeGreaterThan(0.25);
    }

    // Overall, the sample matrix is near the source (n ≈ 400: standard error about 0.05 per pair).
    let total = 0;
    let pairs = 0;
    FACTOR_CODES.forEach((a, i) => {
      FACTOR_CODES.forEach((b, j) => {
        if (j <= i) return;
        total += Math.abs(pearson(column(a), column(b)) - (FACTOR_CORRELATION[i]?.[j] as number));
        pairs++;
      });
    });
    expect(total / pairs).toBeLessThan(0.1);
  });
});

describe("loadDemoCity through the API", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it("fills an empty database, and every count through the API matches the built city", async () => {
    expect(await isEmpty(t.db)).toBe(true);
    const loaded = await loadDemoCity(t.db, new Date("2026-07-01T00:00:00Z"), DEMO_SEED);
    expect(await isEmpty(t.db)).toBe(false);
    expect(loaded).toMatchObject({
      regions: city.regions.length,
      cadres: city.cadres.length,
      reserves: city.cadres.filter((c) => c.reserve).length,
      assessments: city.assessments.length,
      teams: city.teams.length,
    });

    const teams = (
      await walkPages<{ id: string; region: string; seats: { post: string; cadreId: string | null }[] }>(
        t,
        "/v1/teams",
        5,
      )
    ).items;
    expect(teams.map((x) => x.id).sort()).toEqual(city.teams.map((x) => x.id).sort());
    for (const team of city.teams) {
      const served = teams.find((x) => x.id === team.id);
      expect(served?.region).toBe(team.regionCode);
      expect(served?.seats.map((s) => [s.post, s.cadreId])).toEqual(
        team.seats.map((s) => [s.postCode, s.cadreId]),
      );
    }

    const reserves = (await walkPages<{ id: string; reserve: boolean }>(t, "/v1/cadres?reserve=true", 40))
      .items;
    expect(reserves.map((c) => c.id).sort()).toEqual(
      city.cadres
        .filter((c) => c.reserve)
        .map((c) => c.id)
        .sort(),
    );
    expect(reserves.every((c) => c.reserve)).toBe(true);

    const everyone = (
      await walkPages<{ id: string; assessment: { id: string } | null }>(t, "/v1/cadres", 200)
    ).items;
    expect(everyone).toHaveLength(city.cadres.length);
    // Each cadre's current assessment is their newest one in the built city.
    for (const cadre of everyone) {
      const newest = city.assessments
        .filter((a) => a.cadreId === cadre.id)
        .sort((a, b) => b.takenOn.localeCompare(a.takenOn))[0];
      expect(cadre.assessment?.id).toBe(newest?.id);
    }

    const regions = (await walkPages<{ code: string }>(t, "/v1/regions", 200)).items;
    expect(regions.map((r) => r.code).sort()).toEqual(city.regions.map((r) => r.code).sort());
    for (const post of new Set(TEAM_POSTS)) expect((await t.get(`/v1/post-types/${post}`)).status).toBe(200);
  });

  it("shows a kin link from both sides and the assessment history", async () => {
    const link = city.kin[0];
    if (!link) throw new Error("the demo city has no kin links");
    const a = await (await t.get(`/v1/cadres/${link.cadreId}`)).json();
    const b = await (await t.get(`/v1/cadres/${link.kinId}`)).json();
    expect(a.kin).toContainEqual({ cadreId: link.kinId, relation: link.relation });
    expect(b.kin).toContainEqual({ cadreId: link.cadreId, relation: link.relation });

    const twice = city.cadres.find((c) => city.assessments.filter((x) => x.cadreId === c.id).length === 2);
    if (!twice) throw new Error("no cadre with two assessments in the demo city");
    const history = await (await t.get(`/v1/cadres/${twice.id}/assessments`)).json();
    const expected = city.assessments
      .filter((x) => x.cadreId === twice.id)
      .sort((x, y) => y.takenOn.localeCompare(x.takenOn));
    expect(history.items.map((x: { id: string; stens: unknown }) => [x.id, x.stens])).toEqual(
      expected.map((x) => [x.id, x.stens]),
    );
  });
});
