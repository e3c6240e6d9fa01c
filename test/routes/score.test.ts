/**
 * `POST /v1/score` and `GET /v1/teams/{id}/score` over HTTP: inline members, stored cadres, batches,
 * the shape of the answer, hard rules making a team infeasible (still scored, the rule named in both
 * languages, members named by id and never by name), and bad input answered with a 4xx
 * problem+json that names the field while the database stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";
import { createCadre, FACTOR_CODES, GOOD_STENS, type Stens, stens } from "./fixtures";

interface Text {
  zh: string;
  en: string;
}
interface Violation {
  rule: string;
  severity: "hard" | "soft";
  seat?: number;
  post?: string;
  memberIds: string[];
  penalty: number;
  message: Text;
}
interface SeatScore {
  seat: number;
  post: string;
  memberId: string | null;
  fit: number | null;
  postName?: Text;
  costliest?: { factor: string; sten: number; min: number; max: number; share: number; name: Text }[];
  derived?: Record<string, number> | null;
}
interface TeamScore {
  score: number;
  feasible: boolean;
  profileVersion: number;
  components: Record<"fit" | "balance" | "skills" | "structure" | "penalty", number>;
  violations: Violation[];
  seats: SeatScore[];
  balance?: Record<string, unknown>;
  skills?: { team: number; seats: number; missing: string[] };
  structure?: Record<string, number | null>;
  vacancies?: number;
  summary?: Text;
  teamId?: string;
}
interface Batch {
  profileVersion: number;
  results: TeamScore[];
}
interface StoredTeam {
  id: string;
  region: string;
  seats: { post: string; cadreId: string | null }[];
}

const GOOD: Stens = GOOD_STENS;

/**
 * A small team of XJ01 that breaks no hard rule: the two avoidance posts are held by outsiders and
 * one local (the deputy head) keeps R10's ⌈3/3⌉ = 1 local. Every member is moved in (no current
 * post), which R11 counts as soft only.
 */
function baseTeam() {
  return {
    region: "XJ01",
    seats: [
      {
        post: "party-secretary",
        member: { id: "m-a", stens: GOOD, birthRegion: "XJ02", growthRegion: "XJ02", age: 50 },
      },
      {
        post: "county-head",
        member: { id: "m-b", stens: stens(6), birthRegion: "XJ03", growthRegion: "XJ03", age: 47 },
      },
      {
        post: "deputy-head",
        member: {
          id: "m-c",
          stens: stens(6, { B: 8, Q1: 8 }),
          birthRegion: "XJ01",
          growthRegion: "XJ01",
          age: 41,
          gender: "female",
          education: "master",
          skills: [{ skill: "economy", level: 4 }],
        },
      },
    ],
  };
}

/** A deterministic generator for varied teams (no Math.random in tests). */
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const randomStens = (next: () => number): Stens =>
  Object.fromEntries(FACTOR_CODES.map((f) => [f, 1 + Math.floor(next() * 10)])) as Stens;

let t: TestApp;
let storedTeams: StoredTeam[];
let countsBefore: Record<string, number>;

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
  // A cadre without any assessment cannot be scored.
  await createCadre(t, { id: "no-test", birthRegion: "XJ01", growthRegion: "XJ01", name: "未测评" });
  const res = await t.get("/v1/teams?limit=100");
  expect(res.status).toBe(200);
  storedTeams = ((await res.json()) as { items: StoredTeam[] }).items;
  expect(storedTeams.map((s) => s.id)).toEqual(
    Array.from({ length: 12 }, (_, i) => `T-XJ${String(i + 1).padStart(2, "0")}`),
  );
  // The first scoring profile version is written on first use: take it before counting rows.
  expect((await t.get("/v1/scoring-profiles/current")).status).toBe(200);
  countsBefore = await rowCounts(t.db);
});
afterAll(() => t.close());

async function score(body: unknown): Promise<TeamScore> {
  const res = await t.post("/v1/score", body);
  if (res.status !== 200) throw new Error(`score: ${res.status} ${await res.text()}`);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return res.json();
}

async function scoreBatch(body: unknown): Promise<Batch> {
  const res = await t.post("/v1/score", body);
  if (res.status !== 200) throw new Error(`batch: ${res.status} ${await res.text()}`);
  return res.json();
}

const isText = (x: unknown) =>
  typeof x === "object" &&
  x !== null &&
  typeof (x as Text).zh === "string" &&
  (x as Text).zh.length > 0 &&
  typeof (x as Text).en === "string" &&
  (x as Text).en.length > 0;

/** The common part of a full and a summary answer, with types and ranges. */
function expectScoreCore(s: TeamScore) {
  expect(typeof s.score).toBe("number");
  expect(s.score).toBeGreaterThanOrEqual(0);
  expect(s.score).toBeLessThanOrEqual(1);
  expect(typeof s.feasible).toBe("boolean");
  for (const key of ["fit", "balance", "skills", "structure", "penalty"] as const) {
    expect(typeof s.components[key], key).toBe("number");
    expect(Number.isFinite(s.components[key]), key).toBe(true);
  }
  for (const key of ["fit", "balance", "skills", "structure"] as const) {
    expect(s.components[key], key).toBeGreaterThanOrEqual(0);
    expect(s.components[key], key).toBeLessThanOrEqual(1);
  }
  expect(s.feasible).toBe(!s.violations.some((v) => v.severity === "hard"));
  for (const v of s.violations) {
    expect(v.rule).toMatch(/^(R\d+|KO)$/);
    expect(["hard", "soft"]).toContain(v.severity);
    expect(Array.isArray(v.memberIds)).toBe(true);
    expect(typeof v.penalty).toBe("number");
    expect(isText(v.message)).toBe(true);
    expect(v.message.zh).toContain(`(${v.rule})`);
    expect(v.message.en).toContain(`(${v.rule})`);
    for (const id of v.memberIds) {
      expect(v.message.zh).toContain(id);
      expect(v.message.en).toContain(id);
    }
  }
  s.seats.forEach((seat, i) => {
    expect(seat.seat).toBe(i);
    expect(typeof seat.post).toBe("string");
    if (seat.memberId === null) expect(seat.fit).toBeNull();
    else {
      expect(typeof seat.memberId).toBe("string");
      expect(seat.fit).toBeGreaterThanOrEqual(0);
      expect(seat.fit).toBeLessThanOrEqual(1);
    }
  });
}

/** Everything a full answer adds: explanations per seat, balance, skills, structure, summary. */
function expectFullScore(s: TeamScore) {
  expectScoreCore(s);
  expect(Number.isInteger(s.profileVersion)).toBe(true);
  expect(s.balance).toMatchObject({
    diversity: expect.any(Number),
    coverage: expect.any(Number),
    health: expect.any(Number),
    conflict: expect.any(Number),
    temperaments: expect.any(Array),
    conflictPairs: expect.any(Array),
  });
  expect(s.skills).toMatchObject({
    team: expect.any(Number),
    seats: expect.any(Number),
    missing: expect.any(Array),
  });
  expect(s.structure).toHaveProperty("score");
  expect(s.structure).toHaveProperty("averageAge");
  expect(Number.isInteger(s.vacancies)).toBe(true);
  expect(s.vacancies).toBe(s.seats.filter((seat) => seat.memberId === null).length);
  expect(isText(s.summary)).toBe(true);
  for (const seat of s.seats) {
    expect(isText(seat.postName)).toBe(true);
    expect(Array.isArray(seat.costliest)).toBe(true);
    for (const c of seat.costliest ?? []) {
      expect(FACTOR_CODES).toContain(c.factor);
      expect(isText(c.name)).toBe(true);
      expect(c.sten < c.min || c.sten > c.max).toBe(true);
    }
    if (seat.memberId === null) expect(seat.derived).toBeNull();
    else
      expect(Object.keys(seat.derived ?? {}).sort()).toEqual(
        ["X1", "X2", "X3", "X4", "Y1", "Y2", "Y3", "Y3Sten", "Y4"].sort(),
      );
  }
}

describe("POST /v1/score: one team of inline members", () => {
  it("scores the team with its parts, per-seat explanations and a bilingual summary", async () => {
    const s = await score(baseTeam());
    expectFullScore(s);
    expect(s.feasible).toBe(true);
    expect(s.profileVersion).toBe(1);
    expect(s.vacancies).toBe(0);
    expect(s.seats.map((seat) => [seat.post, seat.memberId])).toEqual([
      ["party-secretary", "m-a"],
      ["county-head", "m-b"],
      ["deputy-head", "m-c"],
    ]);
    // GOOD lies inside every range of the template the party secretary's profile starts from.
    expect(s.seats[0]?.fit).toBe(1);
    expect(s.seats[0]?.costliest).toEqual([]);
    // Derived factors of a member are the Chinese manual's formulas (one spot-check: all stens 6).
    expect(s.seats[1]?.derived).toMatchObject({ Y1: 6 + 6 + (11 - 6) + (11 - 6), Y4: 6 + 6 + 6 + (11 - 6) });
    expect(s.structure).toMatchObject({ women: 1, under45: 1, averageAge: (50 + 47 + 41) / 3 });
  });

  it("gives vacant seats (no holder, or cadreId null) no fit and counts them", async () => {
    const team = baseTeam();
    const s = await score({
      ...team,
      seats: [...team.seats, { post: "court-president" }, { post: "chief-procurator", cadreId: null }],
    });
    expectFullScore(s);
    expect(s.vacancies).toBe(2);
    expect(s.seats.slice(3).map((seat) => [seat.memberId, seat.fit, seat.derived])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
  });

  it("names a member by seat when no id is given (seat-N)", async () => {
    const s = await score({ region: "XJ01", seats: [{ post: "deputy-head", member: { stens: GOOD } }] });
    expect(s.seats[0]?.memberId).toBe("seat-0");
  });

  it("the listing order of the seats does not change the score", async () => {
    const team = baseTeam();
    const a = await score(team);
    const b = await score({ ...team, seats: [...team.seats].reverse() });
    expect(b.score).toBeCloseTo(a.score, 12);
    expect(b.feasible).toBe(a.feasible);
  });

  it("two members marked kin (inline `kin`) make the team infeasible with R2 named in zh and en", async () => {
    const team = baseTeam();
    const ok = await score(team);
    const seats = team.seats.map((s) =>
      s.member.id === "m-a" ? { ...s, member: { ...s.member, kin: ["m-c"] } } : s,
    );
    const s = await score({ ...team, seats });
    expectFullScore(s);
    expect(s.feasible).toBe(false);
    const r2 = s.violations.filter((v) => v.rule === "R2");
    expect(r2).toHaveLength(1);
    expect(r2[0]).toMatchObject({ severity: "hard", memberIds: ["m-a", "m-c"] });
    expect(r2[0]?.message.zh).toMatch(/m-a.*m-c/);
    expect(r2[0]?.message.zh).toMatch(/亲属/);
    expect(r2[0]?.message.en).toMatch(/m-a.*m-c/);
    expect(r2[0]?.message.en).toMatch(/kin/i);
    // Infeasible, but still scored: the score is the same evaluation with the penalty.
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(ok.score);
    expect(s.summary?.zh).toMatch(/不可行/);
    expect(s.summary?.en).toMatch(/infeasible/);
  });

  it("R2 holds whichever of the two names the other (a later seat naming an earlier one)", async () => {
    const team = baseTeam();
    for (const [from, to] of [
      ["m-c", "m-a"],
      ["m-b", "m-a"],
      ["m-c", "m-b"],
    ]) {
      const seats = team.seats.map((s) =>
        s.member.id === from ? { ...s, member: { ...s.member, kin: [to] } } : s,
      );
      const s = await score({ ...team, seats });
      const r2 = s.violations.filter((v) => v.rule === "R2");
      expect(r2, `${from} → ${to}`).toHaveLength(1);
      expect(r2[0]?.severity).toBe("hard");
      expect(s.feasible, `${from} names ${to} as kin`).toBe(false);
    }
  });

  it("an inline member naming a stored cadre as kin breaks R2", async () => {
    const s = await score({
      region: "XJ01",
      seats: [
        { post: "party-secretary", cadreId: "C0001" },
        { post: "deputy-head", member: { id: "relative", stens: GOOD, birthRegion: "XJ01", kin: ["C0001"] } },
      ],
    });
    expect(s.violations.filter((v) => v.rule === "R2")).toMatchObject([
      { severity: "hard", memberIds: ["C0001", "relative"] },
    ]);
    expect(s.feasible).toBe(false);
  });

  it("an avoidance post held by someone born in the team's region breaks R1 (hard, seat and member named)", async () => {
    const team = baseTeam();
    const seats = team.seats.map((s) =>
      s.post === "county-head" ? { ...s, member: { ...s.member, birthRegion: "XJ01" } } : s,
    );
    const s = await score({ ...team, seats });
    expect(s.feasible).toBe(false);
    const r1 = s.violations.find((v) => v.rule === "R1");
    expect(r1).toMatchObject({ severity: "hard", seat: 1, post: "county-head", memberIds: ["m-b"] });
    expect(r1?.message.zh).toContain("m-b");
    expect(r1?.message.zh).toContain("XJ01");
    expect(r1?.message.zh).toContain("县长");
    expect(r1?.message.en).toContain("m-b");
    expect(r1?.message.en).toContain("XJ01");
    expect(r1?.message.en).toContain("County Head");
  });

  it("a soft rule (R5: 10 years in the locality) deducts but keeps the team feasible", async () => {
    const team = baseTeam();
    const seats = team.seats.map((s) =>
      s.post === "deputy-head"
        ? { ...s, member: { ...s.member, currentRegion: "XJ01", yearsInLocality: 10 } }
        : s,
    );
    const s = await score({ ...team, seats });
    expect(s.feasible).toBe(true);
    expect(s.violations.find((v) => v.rule === "R5")).toMatchObject({ severity: "soft", memberIds: ["m-c"] });
    const justUnder = await score({
      ...team,
      seats: team.seats.map((x) =>
        x.post === "deputy-head"
          ? { ...x, member: { ...x.member, currentRegion: "XJ01", yearsInLocality: 9.9 } }
          : x,
      ),
    });
    expect(justUnder.violations.some((v) => v.rule === "R5")).toBe(false);
  });

  it('`detail: "summary"` on one team gives the compact shape', async () => {
    const res = await t.post("/v1/score", { ...baseTeam(), detail: "summary" });
    expect(res.status).toBe(200);
    const s = (await res.json()) as TeamScore;
    expectScoreCore(s);
    expect(s).not.toHaveProperty("balance");
    expect(s).not.toHaveProperty("summary");
    expect(s.score).toBe((await score(baseTeam())).score);
  });
});

describe("stored cadres and stored teams", () => {
  it("GET /v1/teams/{id}/score equals POST /v1/score with the same cadre ids, for every demo team", async () => {
    for (const team of storedTeams) {
      const res = await t.get(`/v1/teams/${team.id}/score`);
      expect(res.status, team.id).toBe(200);
      const stored = (await res.json()) as TeamScore;
      expect(stored.teamId).toBe(team.id);
      expectFullScore(stored);
      const posted = await score({
        region: team.region,
        seats: team.seats.map((s) => (s.cadreId ? { post: s.post, cadreId: s.cadreId } : { post: s.post })),
      });
      // No re-rank has stored a score of the team yet.
      expect((stored as TeamScore & { stored: unknown }).stored).toBeNull();
      const { teamId: _teamId, stored: _stored, ...rest } = stored as TeamScore & { stored: unknown };
      expect(posted, team.id).toEqual(rest);
      expect(stored.seats.map((s) => s.memberId)).toEqual(team.seats.map((s) => s.cadreId));
    }
  });

  it("a team with a vacancy reports it, and that seat has fit null", async () => {
    const team = storedTeams.find((x) => x.seats.some((s) => s.cadreId === null));
    if (!team) throw new Error("the demo city has no team with a vacancy");
    const s = (await (await t.get(`/v1/teams/${team.id}/score`)).json()) as TeamScore;
    expect(s.vacancies).toBeGreaterThanOrEqual(1);
    const vacant = team.seats.findIndex((x) => x.cadreId === null);
    expect(s.seats[vacant]).toMatchObject({ memberId: null, fit: null, derived: null, costliest: [] });
  });

  it("404 for an unknown team", async () => {
    const res = await t.get("/v1/teams/T-NOPE/score");
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ status: 404, code: "not_found" });
  });

  it("violations name members by id and never by name", async () => {
    let checked = 0;
    for (const team of storedTeams) {
      const body = await (await t.get(`/v1/teams/${team.id}/score`)).text();
      for (const seat of team.seats) {
        if (!seat.cadreId) continue;
        const cadre = (await (await t.get(`/v1/cadres/${seat.cadreId}`)).json()) as { name: string };
        expect(cadre.name.length).toBeGreaterThan(1);
        expect(body.includes(cadre.name), `${team.id}: ${cadre.name}`).toBe(false);
        checked++;
      }
      const s = JSON.parse(body) as TeamScore;
      for (const v of s.violations)
        for (const id of v.memberIds) {
          expect(v.message.zh).toContain(id);
          expect(v.message.en).toContain(id);
        }
    }
    expect(checked).toBeGreaterThan(100);
    // A team with a hard violation: its rule and member are named in both languages.
    const infeasible = [];
    for (const team of storedTeams) {
      const s = (await (await t.get(`/v1/teams/${team.id}/score`)).json()) as TeamScore;
      if (!s.feasible) infeasible.push(s);
    }
    expect(infeasible.length).toBeGreaterThan(0);
    for (const s of infeasible) expect(s.violations.some((v) => v.severity === "hard")).toBe(true);
  });

  it("an inline member and a stored cadre can share a team", async () => {
    const s = await score({
      region: "XJ01",
      seats: [
        { post: "party-secretary", cadreId: "C0001" },
        { post: "deputy-head", member: { id: "guest", stens: GOOD, birthRegion: "XJ01" } },
      ],
    });
    expect(s.seats.map((x) => x.memberId)).toEqual(["C0001", "guest"]);
  });
});

describe("POST /v1/score: many teams", () => {
  /**
   * Varied 9-seat teams: inline members with and without facts (some teams leave the ids to the
   * default seat-N, so ids and kin repeat across the batch), stored cadres and vacancies.
   */
  function manyTeams(count: number) {
    const next = lcg(20_261_125);
    const regions = ["XJ01", "XJ02", "XJ03"];
    const posts = [
      "party-secretary",
      "county-head",
      "deputy-secretary",
      "discipline-secretary",
      "organization-head",
      "propaganda-head",
      "executive-deputy-head",
      "deputy-head",
      "court-president",
    ];
    const skills = ["economy", "law", "finance", "party-building", "agriculture", "emergency"];
    const educations = ["associate", "bachelor", "master"] as const;
    const cadres = storedTeams.flatMap((x) => x.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])));
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
    return Array.from({ length: count }, (_, i) => {
      const region = regions[i % regions.length] as string;
      const defaultIds = i % 7 === 0;
      const idOf = (k: number) => (defaultIds ? `seat-${k}` : `b${i}-${k}`);
      return {
        region,
        seats: posts.map((post, k) => {
          const roll = next();
          if (k === 8 && roll < 0.15) return { post };
          if (k === 8 && roll < 0.4) return { post, cadreId: cadres[i % cadres.length] as string };
          const facts = next() < 0.6;
          return {
            post,
            member: {
              ...(defaultIds ? {} : { id: idOf(k) }),
              stens: randomStens(next),
              birthRegion: pick(regions),
              growthRegion: pick(regions),
              ...(facts
                ? {
                    age: 35 + Math.floor(next() * 20),
                    gender: next() < 0.25 ? ("female" as const) : ("male" as const),
                    education: pick(educations),
                    currentRegion: pick(regions),
                    currentPost: pick(posts),
                    yearsInPost: Math.round(next() * 120) / 10,
                    yearsInLocality: Math.round(next() * 140) / 10,
                    skills: [{ skill: pick(skills), level: 1 + Math.floor(next() * 5) }],
                  }
                : {}),
              ...(k === 2 && next() < 0.1 ? { kin: [idOf(0)] } : {}),
            },
          };
        }),
      };
    });
  }

  it("answers 1,000 teams with 1,000 results in order, each the single-team score", async () => {
    const teams = manyTeams(1000);
    const batch = await scoreBatch({ teams });
    expect(batch.profileVersion).toBe(1);
    expect(batch.results).toHaveLength(1000);
    for (let i = 0; i < teams.length; i++) {
      const result = batch.results[i] as TeamScore;
      expectScoreCore(result);
      expect(result.seats.map((s) => s.memberId)).toEqual(
        (teams[i]?.seats ?? []).map((s, k) =>
          s.member ? (s.member.id ?? `seat-${k}`) : (s.cadreId ?? null),
        ),
      );
      // Scored in a compute thread (≥ 200 teams), still with `completable` (null: no vacancy).
      expect(result).toHaveProperty("completable");
      // Summary by default: no per-seat explanations.
      expect(result).not.toHaveProperty("balance");
      expect(result).not.toHaveProperty("summary");
      expect(result.seats[0]).not.toHaveProperty("costliest");
    }
    const feasible = batch.results.filter((r) => r.feasible).length;
    expect(feasible).toBeGreaterThan(0);
    expect(feasible).toBeLessThan(1000);
    for (let i = 0; i < teams.length; i++) {
      const single = await score(teams[i]);
      expect(batch.results[i]?.score, `team ${i}`).toBe(single.score);
      expect(batch.results[i]?.feasible, `team ${i}`).toBe(single.feasible);
      expect(batch.results[i]?.violations, `team ${i}`).toEqual(single.violations);
    }
  });

  it('`detail: "full"` gives each team the single-team answer', async () => {
    const teams = manyTeams(20);
    const full = await scoreBatch({ teams, detail: "full" });
    const summary = await scoreBatch({ teams, detail: "summary" });
    expect(full.results).toHaveLength(20);
    for (let i = 0; i < teams.length; i++) {
      const result = full.results[i] as TeamScore;
      expectFullScore(result);
      expect(result).toEqual(await score(teams[i]));
      expect(summary.results[i]?.score).toBe(result.score);
      expect(summary.results[i]?.components).toEqual(result.components);
      expect(summary.results[i]?.seats).toEqual(
        result.seats.map((s) => ({ seat: s.seat, post: s.post, memberId: s.memberId, fit: s.fit })),
      );
    }
  });

  it('`detail: "scores"` gives the summary\'s numbers and the rules broken, without texts or seats', async () => {
    const teams = manyTeams(200);
    const summary = await scoreBatch({ teams, detail: "summary" });
    const scores = await scoreBatch({ teams, detail: "scores" });
    expect(scores.results).toHaveLength(200);
    let broken = 0;
    for (let i = 0; i < teams.length; i++) {
      const full = summary.results[i] as TeamScore;
      const brief = scores.results[i] as TeamScore;
      expect(Object.keys(brief).sort()).toEqual([
        "completable",
        "components",
        "feasible",
        "profileVersion",
        "score",
        "violations",
      ]);
      expect(brief.score).toBe(full.score);
      expect(brief.feasible).toBe(full.feasible);
      expect(brief.components).toEqual(full.components);
      expect(brief.violations).toEqual(
        full.violations.map((v) => ({
          rule: v.rule,
          severity: v.severity,
          ...(v.seat === undefined ? {} : { seat: v.seat }),
        })),
      );
      broken += brief.violations.length;
    }
    expect(broken).toBeGreaterThan(0);
    // One team asks for it too.
    expect(await score({ ...teams[0], detail: "scores" })).toEqual(scores.results[0]);
  });

  it("a batch of one is a batch", async () => {
    const batch = await scoreBatch({ teams: [baseTeam()] });
    expect(batch.results).toHaveLength(1);
    expect(batch.results[0]?.score).toBe((await score(baseTeam())).score);
  });
});

describe("POST /v1/score: alternatives of one county (the compact batch form)", () => {
  const posts = [
    "party-secretary",
    "county-head",
    "discipline-secretary",
    "organization-head",
    "deputy-head",
  ];
  /** Alternative teams of distinct stored cadres (some seats vacant), reproducible from the seed. */
  function alternatives(count: number, seed: number) {
    const next = lcg(seed);
    const cadres = storedTeams.flatMap((x) => x.seats.flatMap((s) => (s.cadreId ? [s.cadreId] : [])));
    return Array.from({ length: count }, () => {
      const chosen = new Set<string>();
      while (chosen.size < posts.length) chosen.add(cadres[Math.floor(next() * cadres.length)] as string);
      return [...chosen].map((id) => (next() < 0.08 ? null : id));
    });
  }
  const asTeams = (region: string, teams: (string | null)[][]) =>
    teams.map((ids) => ({
      region,
      seats: ids.map((cadreId, s) =>
        cadreId ? { post: posts[s] as string, cadreId } : { post: posts[s] as string },
      ),
    }));

  for (const detail of ["summary", "scores", "full"] as const)
    it(`gives the same answer as \`teams\` with one object per seat (${detail})`, async () => {
      const teams = alternatives(detail === "full" ? 40 : 400, 7);
      const compact = await scoreBatch({ region: "XJ04", posts, alternatives: teams, detail });
      const long = await scoreBatch({ teams: asTeams("XJ04", teams), detail });
      expect(compact.results).toHaveLength(teams.length);
      expect(compact).toEqual(long);
      // The rules do break in these random teams, so the comparison covers violations too.
      expect(compact.results.some((r) => r.violations.length > 0)).toBe(true);
    });

  it("summary is the default", async () => {
    const teams = alternatives(3, 8);
    const batch = await scoreBatch({ region: "XJ04", posts, alternatives: teams });
    expect(batch.results[0]?.seats.map((s) => s.memberId)).toEqual(teams[0]);
    expect(batch.results[0]).not.toHaveProperty("summary");
  });

  const bad: { name: string; body: Record<string, unknown>; field: string; code: string; count?: number }[] =
    [
      {
        name: "an alternative with fewer ids than posts",
        body: { region: "XJ04", posts, alternatives: [["C0001"], posts.map(() => null)] },
        field: "alternatives.0",
        code: "custom",
      },
      {
        name: "an unknown cadre",
        body: { region: "XJ04", posts, alternatives: [[null, null, "C9999", null, null]] },
        field: "alternatives.0.2",
        code: "unknown_reference",
      },
      {
        name: "a cadre without an assessment",
        body: { region: "XJ04", posts, alternatives: [[null, "no-test", null, null, null]] },
        field: "alternatives.0.1",
        code: "no_assessment",
      },
      {
        name: "one cadre in two seats",
        body: {
          region: "XJ04",
          posts,
          alternatives: [
            [null, null, null, null, null],
            ["C0001", "C0001", null, null, null],
          ],
        },
        field: "alternatives.1.1",
        code: "duplicate",
      },
      {
        name: "an unknown post (named once for all alternatives)",
        body: {
          region: "XJ04",
          posts: ["mayor", ...posts.slice(1)],
          alternatives: [posts.map(() => null), posts.map(() => null)],
        },
        field: "posts.0",
        code: "unknown_reference",
        count: 1,
      },
      {
        name: "an unknown region (named once)",
        body: { region: "XJ99", posts, alternatives: [posts.map(() => null), posts.map(() => null)] },
        field: "region",
        code: "unknown_reference",
        count: 1,
      },
      {
        name: "a bad cadre id",
        body: { region: "XJ04", posts, alternatives: [[" C1", null, null, null, null]] },
        field: "alternatives.0.0",
        code: "invalid_format",
      },
      {
        name: "teams and alternatives together",
        body: { region: "XJ04", posts, alternatives: [posts.map(() => null)], teams: [] },
        field: "teams",
        code: "unknown_field",
      },
      {
        name: "10,001 alternatives",
        body: {
          region: "XJ04",
          posts,
          alternatives: Array.from({ length: 10_001 }, () => posts.map(() => null)),
        },
        field: "alternatives",
        code: "too_big",
      },
    ];
  for (const c of bad)
    it(`${c.name} → 422 ${c.field}`, async () => {
      const res = await t.post("/v1/score", c.body);
      expect(res.status, await res.clone().text()).toBe(422);
      const body = await problem(res);
      expect(body.field).toBe(c.field);
      expect(body.errors?.find((e) => e.field === c.field)?.code).toBe(c.code);
      if (c.count !== undefined) expect(body.errors).toHaveLength(c.count);
    });

  it("scores a cadre's new data after it changes (the kept tables of the county start again)", async () => {
    const app = await testApp();
    try {
      await loadDemoCity(app.db, fixedClock.now());
      const team = (await (await app.get("/v1/teams/T-XJ04")).json()) as StoredTeam;
      const body = {
        region: team.region,
        posts: team.seats.map((s) => s.post),
        alternatives: [team.seats.map((s) => s.cadreId)],
      };
      const scoreIt = async () => {
        const res = await app.post("/v1/score", body);
        expect(res.status).toBe(200);
        return ((await res.json()) as Batch).results[0] as TeamScore;
      };
      const before = await scoreIt();
      // The party secretary (an avoidance post) is not from the county yet; now they were born there.
      const secretary = team.seats.find((s) => s.post === "party-secretary")?.cadreId as string;
      const r1 = (s: TeamScore) =>
        s.violations.some((v) => v.rule === "R1" && v.memberIds.includes(secretary));
      expect(r1(before)).toBe(false);
      expect((await app.patch(`/v1/cadres/${secretary}`, { birthRegion: team.region })).status).toBe(200);
      const after = await scoreIt();
      expect(r1(after)).toBe(true);
      expect(after.feasible).toBe(false);
      // The same as the stored team's own score, which prepares its tables afresh.
      const own = (await (await app.get(`/v1/teams/${team.id}/score`)).json()) as TeamScore;
      expect(after.score).toBe(own.score);
      expect(after.violations).toEqual(own.violations);
    } finally {
      app.close();
    }
  });

  it("a scorer may not name stored cadres this way either (403)", async () => {
    const res = await t
      .as("scorer")
      .post("/v1/score", { region: "XJ04", posts, alternatives: alternatives(2, 9) });
    expect(res.status).toBe(403);
    expect((await problem(res)).field).toBe("alternatives");
  });
});

describe("POST /v1/score: bad input is a 4xx problem naming what is wrong, and changes nothing", () => {
  const inline = (s: Record<string, unknown>) => ({
    region: "XJ01",
    seats: [{ post: "deputy-head", member: { id: "x", stens: s } }],
  });
  const fifteen = Object.fromEntries(Object.entries(stens(5)).filter(([f]) => f !== "Q4"));
  const vacantTeam = { region: "XJ01", seats: [{ post: "county-head" }] };

  interface Case {
    name: string;
    body: unknown;
    status: number;
    code: string;
    /** The offending field, exactly (every error's field must mention it when `among` is set). */
    field: string;
    errorCode?: string;
  }
  const cases: Case[] = [
    {
      name: "a region that does not exist",
      body: { ...inline(stens(5)), region: "NOWHERE" },
      status: 422,
      code: "validation_failed",
      field: "region",
      errorCode: "unknown_reference",
    },
    {
      name: "a region that does not exist in one team of a batch",
      body: { teams: [inline(stens(5)), { ...inline(stens(5)), region: "NOWHERE" }] },
      status: 422,
      code: "validation_failed",
      field: "teams.1.region",
      errorCode: "unknown_reference",
    },
    {
      name: "a sten of 11",
      body: inline(stens(5, { C: 11 })),
      status: 422,
      code: "validation_failed",
      field: "seats.0.member.stens.C",
    },
    {
      name: "a sten of 0",
      body: inline(stens(5, { E: 0 })),
      status: 422,
      code: "validation_failed",
      field: "seats.0.member.stens.E",
    },
    {
      name: "a fractional sten",
      body: inline(stens(5, { G: 5.5 })),
      status: 422,
      code: "validation_failed",
      field: "seats.0.member.stens.G",
    },
    {
      name: "a missing factor",
      body: inline(fifteen),
      status: 422,
      code: "validation_failed",
      field: "seats.0.member.stens.Q4",
    },
    {
      name: "a sten of 11 in a batch",
      body: { teams: [vacantTeam, inline(stens(5, { Q1: 11 }))] },
      status: 422,
      code: "validation_failed",
      field: "teams.1.seats.0.member.stens.Q1",
    },
    {
      name: "a missing factor in a batch",
      body: { teams: [inline(fifteen)] },
      status: 422,
      code: "validation_failed",
      field: "teams.0.seats.0.member.stens.Q4",
    },
    {
      name: "an unknown post",
      body: { region: "XJ01", seats: [{ post: "county-head" }, { post: "mayor", member: { stens: GOOD } }] },
      status: 422,
      code: "validation_failed",
      field: "seats.1.post",
      errorCode: "unknown_reference",
    },
    {
      name: "an unknown post in a batch",
      body: { teams: [vacantTeam, vacantTeam, { region: "XJ01", seats: [{ post: "mayor" }] }] },
      status: 422,
      code: "validation_failed",
      field: "teams.2.seats.0.post",
      errorCode: "unknown_reference",
    },
    {
      name: "a cadre id that does not exist",
      body: { region: "XJ01", seats: [{ post: "county-head" }, { post: "deputy-head", cadreId: "C9999" }] },
      status: 422,
      code: "validation_failed",
      field: "seats.1.cadreId",
      errorCode: "unknown_reference",
    },
    {
      name: "a cadre with no assessment",
      body: { region: "XJ01", seats: [{ post: "deputy-head", cadreId: "no-test" }] },
      status: 422,
      code: "validation_failed",
      field: "seats.0.cadreId",
      errorCode: "no_assessment",
    },
    {
      name: "the same cadre in two seats",
      body: {
        region: "XJ01",
        seats: [
          { post: "county-head", cadreId: "C0002" },
          { post: "deputy-head", cadreId: "C0002" },
        ],
      },
      status: 422,
      code: "validation_failed",
      field: "seats.1.cadreId",
      errorCode: "duplicate",
    },
    {
      name: "the same inline member id in two seats",
      body: {
        region: "XJ01",
        seats: [
          { post: "county-head", member: { id: "twin", stens: GOOD } },
          { post: "deputy-head", member: { id: "twin", stens: GOOD } },
        ],
      },
      status: 422,
      code: "validation_failed",
      field: "seats.1.member.id",
      errorCode: "duplicate",
    },
    {
      name: "both a cadre id and a member in one seat",
      body: { region: "XJ01", seats: [{ post: "deputy-head", cadreId: "C0002", member: { stens: GOOD } }] },
      status: 422,
      code: "validation_failed",
      field: "seats.0.member",
    },
    {
      name: "0 seats",
      body: { region: "XJ01", seats: [] },
      status: 422,
      code: "validation_failed",
      field: "seats",
    },
    {
      name: "no seats at all",
      body: { region: "XJ01" },
      status: 422,
      code: "validation_failed",
      field: "seats",
    },
    { name: "0 teams", body: { teams: [] }, status: 422, code: "validation_failed", field: "teams" },
    {
      name: "10,001 teams",
      body: { teams: Array.from({ length: 10_001 }, () => vacantTeam) },
      status: 422,
      code: "validation_failed",
      field: "teams",
    },
    {
      name: "an unknown field on the team",
      body: { ...baseTeam(), colour: "red" },
      status: 422,
      code: "validation_failed",
      field: "colour",
      errorCode: "unknown_field",
    },
    {
      name: "an unknown field on a member",
      body: { region: "XJ01", seats: [{ post: "deputy-head", member: { stens: GOOD, salary: 1 } }] },
      status: 422,
      code: "validation_failed",
      field: "seats.0.member.salary",
      errorCode: "unknown_field",
    },
    {
      name: "an unknown field on a batch",
      body: { teams: [vacantTeam], detail: "summary", page: 2 },
      status: 422,
      code: "validation_failed",
      field: "page",
      errorCode: "unknown_field",
    },
    {
      name: "an unknown detail",
      body: { teams: [vacantTeam], detail: "everything" },
      status: 422,
      code: "validation_failed",
      field: "detail",
    },
    {
      name: "a bad fact (age 7)",
      body: { region: "XJ01", seats: [{ post: "deputy-head", member: { stens: GOOD, age: 7 } }] },
      status: 422,
      code: "validation_failed",
      field: "seats.0.member.age",
    },
    {
      name: "a seat without a post",
      body: { region: "XJ01", seats: [{ cadreId: "C0002" }] },
      status: 422,
      code: "validation_failed",
      field: "seats.0.post",
    },
    {
      name: "a team without a region",
      body: { seats: [{ post: "county-head" }] },
      status: 422,
      code: "validation_failed",
      field: "region",
    },
    {
      name: "malformed JSON",
      body: '{"region": "XJ01", "seats": [',
      status: 400,
      code: "malformed_json",
      field: "(body)",
    },
    { name: "a JSON array", body: [vacantTeam], status: 422, code: "validation_failed", field: "(body)" },
  ];

  for (const c of cases)
    it(`${c.name} → ${c.status} ${c.field}`, async () => {
      const res = await t.post("/v1/score", c.body);
      expect(res.status, await res.clone().text()).toBe(c.status);
      const body = await problem(res);
      expect(body).toMatchObject({ status: c.status, code: c.code, field: c.field });
      if (c.status === 422) {
        expect(body.detail).toContain(c.field);
        expect(body.errors?.map((e) => e.field)).toContain(c.field);
        if (c.errorCode) expect(body.errors?.find((e) => e.field === c.field)?.code).toBe(c.errorCode);
      }
    });

  it("needs JSON", async () => {
    const res = await t.send("POST", "/v1/score", "region=XJ01", { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect((await problem(res)).code).toBe("unsupported_media_type");
  });

  it("reports every bad seat, not only the first", async () => {
    const res = await t.post("/v1/score", {
      region: "XJ01",
      seats: [
        { post: "mayor" },
        { post: "deputy-head", cadreId: "C9999" },
        { post: "deputy-head", cadreId: "no-test" },
      ],
    });
    const body = await problem(res);
    expect(body.errors?.map((e) => [e.field, e.code])).toEqual([
      ["seats.0.post", "unknown_reference"],
      ["seats.1.cadreId", "unknown_reference"],
      ["seats.2.cadreId", "no_assessment"],
    ]);
  });

  it("leaves the database as it was (scoring writes nothing)", async () => {
    expect(await rowCounts(t.db)).toEqual(countsBefore);
  });
});

describe("POST /v1/score: the team's region", () => {
  it("is found as soon as it is stored (known regions are cached, unknown ones looked up again)", async () => {
    const app = await testApp();
    try {
      await loadDemoCity(app.db, fixedClock.now());
      const team = (region: string) => ({
        region,
        seats: [{ post: "deputy-head", member: { id: "x", stens: GOOD_STENS } }],
      });
      expect((await app.post("/v1/score", team("XJ01"))).status).toBe(200);
      const refused = await app.post("/v1/score", team("XJ13"));
      expect(refused.status).toBe(422);
      expect((await problem(refused)).errors?.[0]).toMatchObject({
        field: "region",
        code: "unknown_reference",
      });
      const created = await app.post("/v1/regions", {
        code: "XJ13",
        name: "新设县",
        level: "county",
        parent: "XJ",
      });
      expect(created.status).toBe(201);
      expect((await app.post("/v1/score", team("XJ13"))).status).toBe(200);
    } finally {
      app.close();
    }
  });
});
