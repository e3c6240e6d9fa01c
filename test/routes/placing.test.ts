/**
 * Placing as the system of record (issue 14 items 2–3, issue 15's identical placements): accept and
 * carry-out re-check the team on today's data (409 `now_infeasible`, nothing written), report the
 * score then and now, split their refusals into distinct codes, set the placed cadre's record, vacate
 * the seats they leave in current teams only, name teams and regions by name, and never store the
 * same placement twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { InProcessRunner } from "../../src/jobs/in-process";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";

let t: TestApp;
let jobIds = 0;
beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
});
afterAll(() => t.close());

/** The fixed clock's day: placements default to it. */
const TODAY = "2026-11-25";

interface Suggestion {
  rank: number;
  score: number;
  assignment: { seat: number; post: string; cadreId: string | null; filled: boolean }[];
}
interface SuggestionResult {
  id: string;
  status: string;
  profileVersion: number;
  suggestions: Suggestion[];
}
interface Team {
  id: string;
  name: string | null;
  kind: string;
  region: string;
  seats: { position: number; post: string; cadreId: string | null; locked: boolean }[];
  version: number;
}
interface Cadre {
  id: string;
  name: string;
  currentRegion: string | null;
  currentPost: string | null;
  rank: string;
  reserve: boolean;
  yearsInPost: number;
  yearsInLocality: number;
  lastPromotion: string | null;
  kin: { cadreId: string; relation: string }[];
}
interface Carried {
  rank?: number;
  scoreThen?: number;
  scoreNow?: number;
  profileVersionThen?: number;
  profileVersionNow?: number;
  teams: {
    teamId: string | null;
    team: string;
    scoreThen: number;
    scoreNow: number;
    profileVersionNow: number;
  }[];
  appliedTeams: string[];
  vacated: {
    teamId: string;
    teamName: string | null;
    regionName: string;
    position: number;
    cadreId: string;
  }[];
  placements: {
    id: string;
    cadreId: string;
    teamId: string | null;
    post: string;
    teamScore: number;
    profileVersion: number;
  }[];
  records: {
    cadreId: string;
    updated: boolean;
    promoted: boolean;
    after: { region: string; post: string };
  }[];
  message: { zh: string; en: string };
}
type Problem = Awaited<ReturnType<typeof problem>> & Record<string, unknown>;

const json = async <T>(res: Response, status: number): Promise<T> => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};
const getTeam = async (id: string) => json<Team>(await t.get(`/v1/teams/${id}`), 200);
const getCadre = async (id: string) => json<Cadre>(await t.get(`/v1/cadres/${id}`), 200);
const regionName = async (code: string) =>
  (await json<{ name: string }>(await t.get(`/v1/regions/${code}`), 200)).name;

/** The seats of a suggestion as `POST /v1/score` takes them. */
const seatsOf = (s: Suggestion) => s.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId }));
/** The score `POST /v1/score` gives these seats now (today's data, the current profile). */
async function scoreNow(region: string, seats: { post: string; cadreId: string | null }[]) {
  return json<{ score: number; feasible: boolean; profileVersion: number }>(
    await t.post("/v1/score", { region, detail: "summary", seats }),
    200,
  );
}

async function suggest(body: Record<string, unknown>): Promise<SuggestionResult> {
  return json<SuggestionResult>(await t.post("/v1/suggestions", { robustnessSamples: 0, ...body }), 201);
}

/** Demo teams a test has taken (each test places into teams no other test touched). */
const taken = new Set(["T-XJ07", "T-XJ08"]);

/**
 * Suggestions for a demo team nobody else uses, with at least one vacancy filled: holders who must
 * leave (R4, as the 422 names them) are vacated, as the page does.
 */
async function suggestSomewhere(seed: number, top = 1) {
  // From the last county down: the first ones are left to the exchange plans below.
  for (let i = 12; i >= 1; i--) {
    const teamId = `T-XJ${String(i).padStart(2, "0")}`;
    if (taken.has(teamId)) continue;
    let vacate: number[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await t.post("/v1/suggestions", { teamId, top, seed, vacate, robustnessSamples: 0 });
      if (res.status === 422) {
        const errors = ((await res.json()) as { errors?: { field: string; code: string }[] }).errors ?? [];
        vacate = errors.flatMap((e) => {
          const seat = /^teamId \(seat (\d+)\)/.exec(e.field)?.[1];
          return e.code.startsWith("locked_breaks") && seat ? [Number(seat)] : [];
        });
        if (vacate.length === 0) break;
        continue;
      }
      const result = (await res.json()) as SuggestionResult;
      if (res.status === 201 && result.suggestions.length >= top) {
        taken.add(teamId);
        const team = await getTeam(teamId);
        return { result, team, chosen: result.suggestions[0] as Suggestion };
      }
      break;
    }
  }
  throw new Error("no demo team left to suggest for");
}

/** Everything a refused placing must leave as it was. */
async function snapshot(teamIds: string[], cadreIds: string[]) {
  return {
    counts: await rowCounts(t.db),
    teams: await Promise.all(teamIds.map(getTeam)),
    cadres: await Promise.all(cadreIds.map(getCadre)),
  };
}

describe("accept re-checks the team on today's data", () => {
  it("refuses #1 for T-XJ08 once its filled cadre is kin of a holder: 409 now_infeasible naming R2 and both people, nothing written", async () => {
    const result = await suggest({ teamId: "T-XJ08", top: 3, seed: 42 });
    const first = result.suggestions[0] as Suggestion;
    const filled = first.assignment.find((a) => a.filled && a.cadreId) as { cadreId: string; seat: number };
    const holder = first.assignment.find((a) => !a.filled && a.cadreId) as { cadreId: string };
    await json(
      await t.patch(`/v1/cadres/${filled.cadreId}`, {
        kin: [{ cadreId: holder.cadreId, relation: "lineal" }],
      }),
      200,
    );
    const team = await getTeam("T-XJ08");
    const before = await snapshot(["T-XJ08"], [filled.cadreId, holder.cadreId]);

    const res = await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 });
    expect(res.status).toBe(409);
    const p = (await problem(res)) as Problem;
    expect(p.code).toBe("now_infeasible");
    const violations = p.violations as {
      rule: string;
      members: { id: string; name: string }[];
      message: { zh: string };
    }[];
    const r2 = violations.find((v) => v.rule === "R2");
    expect(r2?.members.map((m) => m.id).sort()).toEqual([filled.cadreId, holder.cadreId].sort());
    const names = await Promise.all(
      [filled.cadreId, holder.cadreId].map(async (id) => (await getCadre(id)).name),
    );
    expect(r2?.members.map((m) => m.name).sort()).toEqual([...names].sort());
    // Said in Chinese and English, naming the rule, the team by its name, and the people.
    const message = p.message as { zh: string; en: string };
    expect(message.zh).toContain("R2 亲属回避");
    expect(message.zh).toContain(team.name as string);
    for (const name of names) expect(message.zh).toContain(name);
    expect(p.detail).toContain("kin avoidance");
    expect(p.detail).toContain(team.name as string);
    expect(p.team).toMatchObject({ id: "T-XJ08", name: team.name, regionName: await regionName("XJ08") });

    // No seat changed, no placement stored, no record touched.
    expect(await snapshot(["T-XJ08"], [filled.cadreId, holder.cadreId])).toEqual(before);
    const score = await json<{ feasible: boolean }>(await t.get("/v1/teams/T-XJ08/score"), 200);
    expect(score.feasible).toBe(true);
  });

  it("reports the score then and now, scored with the newest profile, not the one the result was computed with", async () => {
    const { result, team, chosen } = await suggestSomewhere(5);
    const profile = await json<{ version: number; weights: { fit: number } }>(
      await t.get("/v1/scoring-profiles/current"),
      200,
    );
    const edited = await json<{ version: number }>(
      await t.post("/v1/scoring-profiles", {
        weights: { fit: profile.weights.fit / 2 },
        note: "test: fit counts less",
      }),
      201,
    );
    expect(edited.version).toBe(profile.version + 1);
    const expected = await scoreNow(team.region, seatsOf(chosen));
    expect(expected.profileVersion).toBe(edited.version);
    expect(Math.abs(expected.score - chosen.score)).toBeGreaterThan(1e-6);

    const done = await json<Carried>(await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 }), 201);
    expect(done.scoreThen).toBeCloseTo(chosen.score, 12);
    expect(done.scoreNow).toBeCloseTo(expected.score, 12);
    expect(done.profileVersionThen).toBe(result.profileVersion);
    expect(done.profileVersionNow).toBe(edited.version);
    expect(done.teams).toEqual([
      expect.objectContaining({ teamId: team.id, scoreThen: done.scoreThen, scoreNow: done.scoreNow }),
    ]);
    // The placements record the prediction made when placing: today's score, today's profile.
    for (const p of done.placements) {
      expect(p.teamScore).toBeCloseTo(expected.score, 12);
      expect(p.profileVersion).toBe(edited.version);
    }
    expect(done.message.zh).toContain(team.name as string);
  });

  it("refuses a team changed since with 409 team_changed naming the team by name; nothing written", async () => {
    const { result, team, chosen } = await suggestSomewhere(6);
    const kept = chosen.assignment.find((a) => !a.filled && a.cadreId) as { seat: number };
    await json(await t.patch(`/v1/teams/${team.id}/seats/${kept.seat}`, { cadreId: null }), 200);
    const before = await snapshot([team.id], []);
    const p = await problem(await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 }));
    expect(p).toMatchObject({ status: 409, code: "team_changed", field: "apply" });
    expect(p.detail).toContain(`${team.name} (${team.id})`);
    expect(await snapshot([team.id], [])).toEqual(before);
  });
});

describe("accepting once", () => {
  it("replays the first answer for the same Idempotency-Key; any other repeat is 409 already_accepted naming the rank and the team", async () => {
    const { result, team } = await suggestSomewhere(7, 2);
    const key = { "idempotency-key": "accept-xj12-1" };
    const first = await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 }, key);
    expect(first.status).toBe(201);
    const body = await first.text();
    const counts = await rowCounts(t.db);

    const replay = await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(body);

    for (const [rank, headers] of [
      [1, {}],
      [2, {}],
      [1, { "idempotency-key": "accept-xj12-2" }],
    ] as const) {
      const p = (await problem(
        await t.post(`/v1/suggestions/${result.id}/accept`, { rank }, headers),
      )) as Problem;
      expect(p).toMatchObject({ status: 409, code: "already_accepted", field: "id", acceptedRank: 1 });
      expect(p.placements).toEqual((JSON.parse(body) as Carried).placements.map((x) => x.id));
      expect(p.detail).toContain(`${team.name} (${team.id})`);
    }
    expect(await rowCounts(t.db)).toEqual(counts);
  });
});

describe("a placement sets the placed cadre's record", () => {
  it("after C0243 is placed as 常务副县长 of T-XJ07, GET /v1/cadres/C0243 reads the new post", async () => {
    const before = await getCadre("C0243");
    expect(before).toMatchObject({ currentRegion: "XJ04", currentPost: null, reserve: true });
    const team = await getTeam("T-XJ07");
    const seat = team.seats.find((s) => s.post === "executive-deputy-head") as Team["seats"][number];
    const result = await suggest({
      teamId: "T-XJ07",
      vacate: [seat.position],
      pool: { include: ["C0243"], skills: ["no-such-skill"] },
      top: 1,
      seed: 1,
    });
    expect(result.suggestions[0]?.assignment[seat.position]).toMatchObject({
      cadreId: "C0243",
      filled: true,
    });
    const done = await json<Carried>(await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 }), 201);

    const post = await json<{ minRank: string | null }>(
      await t.get("/v1/post-types/executive-deputy-head"),
      200,
    );
    const ranks = ["deputy-section", "section", "deputy-division", "division", "deputy-bureau"];
    const promoted = post.minRank !== null && ranks.indexOf(before.rank) < ranks.indexOf(post.minRank);
    // The demo data make this a promotion (正科 → a post starting at 副处): the rank follows the post.
    expect(promoted).toBe(true);
    const after = await getCadre("C0243");
    expect(after).toMatchObject({
      currentRegion: "XJ07",
      currentPost: "executive-deputy-head",
      reserve: false,
      yearsInPost: 0,
      yearsInLocality: 0,
      rank: promoted ? post.minRank : before.rank,
      lastPromotion: promoted ? TODAY : before.lastPromotion,
    });
    expect(done.records).toEqual([
      expect.objectContaining({
        cadreId: "C0243",
        updated: true,
        promoted,
        after: expect.objectContaining({ region: "XJ07", regionName: await regionName("XJ07") }),
      }),
    ]);
    expect(done.message.zh).toContain(`${await regionName("XJ04")} → ${await regionName("XJ07")}`);
  });

  it("a manual placement sets the record too, unless the cadre has a later placement", async () => {
    const cadreId = "C0280";
    const placements = await json<{ items: unknown[] }>(
      await t.get(`/v1/placements?cadreId=${cadreId}`),
      200,
    );
    expect(placements.items).toEqual([]);
    const before = await getCadre(cadreId);
    const later = await json<{ record: { updated: boolean } }>(
      await t.post("/v1/placements", {
        cadreId,
        region: "XJ05",
        post: "deputy-head",
        placedOn: "2025-11-25",
      }),
      201,
    );
    expect(later.record.updated).toBe(true);
    const placed = await getCadre(cadreId);
    expect(placed).toMatchObject({ currentRegion: "XJ05", currentPost: "deputy-head", reserve: false });
    // A year ago, counted to today in whole tenths (365 days of 365.2425: 0.99… → 0.9).
    expect(placed.yearsInPost).toBe(0.9);
    expect(placed.yearsInLocality).toBe(before.currentRegion === "XJ05" ? before.yearsInLocality : 0.9);

    const older = await json<{ record: { updated: boolean; note: { en: string } }; message: { zh: string } }>(
      await t.post("/v1/placements", {
        cadreId,
        region: "XJ06",
        post: "deputy-head",
        placedOn: "2020-01-01",
      }),
      201,
    );
    expect(older.record.updated).toBe(false);
    expect(older.record.note.en).toContain("2025-11-25");
    expect(older.message.zh).toContain((await getTeam("T-XJ06")).name as string);
    expect(await getCadre(cadreId)).toEqual(placed);
  });
});

describe("the seats a placed cadre leaves", () => {
  it("are vacated in current teams only: a scenario saved from the same suggestion keeps its seats", async () => {
    const { result, team: xj09, chosen } = await suggestSomewhere(8);
    // The page's 采纳为保存方案: the suggestion saved as a scenario (its id made by the server).
    const scenario = await json<Team>(
      await t.post("/v1/teams", {
        region: xj09.region,
        name: `${xj09.name} 方案1`,
        kind: "scenario",
        seats: seatsOf(chosen),
      }),
      201,
    );
    const done = await json<Carried>(await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1 }), 201);
    expect(done.appliedTeams).toEqual([xj09.id]);
    expect(done.vacated.map((v) => v.teamId)).not.toContain(scenario.id);
    expect(await getTeam(scenario.id)).toEqual(scenario);
    for (const v of done.vacated) {
      const left = await getTeam(v.teamId);
      expect(left.kind).toBe("current");
      expect(v.teamName).toBe(left.name);
      expect(left.seats[v.position]?.cadreId).toBeNull();
    }
  });
});

describe("identical placements", () => {
  it("are stored once: the same cadre, team, post and date again is 409 duplicate, whatever the source", async () => {
    const body = { cadreId: "C0260", region: "XJ03", post: "deputy-head", placedOn: "2024-05-06" };
    const first = await json<{ id: string }>(await t.post("/v1/placements", body), 201);
    const counts = await rowCounts(t.db);
    const again = (await problem(await t.post("/v1/placements", body))) as Problem;
    expect(again).toMatchObject({ status: 409, code: "duplicate", placementId: first.id });
    expect(again.detail).toContain((await getTeam("T-XJ03")).name as string);
    expect(await rowCounts(t.db)).toEqual(counts);
    // Another date is another placement.
    await json(await t.post("/v1/placements", { ...body, placedOn: "2024-05-07" }), 201);
  });

  it("an accepted placement entered again by hand is a duplicate too", async () => {
    const placed = await json<{
      items: { cadreId: string; teamId: string; region: string; post: string; placedOn: string }[];
    }>(await t.get("/v1/placements?teamId=T-XJ07"), 200);
    const p = placed.items.find((x) => x.cadreId === "C0243") as (typeof placed.items)[number];
    const res = await t.post("/v1/placements", {
      cadreId: p.cadreId,
      region: p.region,
      post: p.post,
      placedOn: p.placedOn,
      teamId: p.teamId,
    });
    expect((await problem(res)).code).toBe("duplicate");
  });
});

describe("carrying out an exchange plan", () => {
  async function plan(teamIds: string[], seed: number) {
    const res = await t.post("/v1/exchange-plans", { teamIds, seed, budget: { iterations: 20_000 } });
    // Teams where nobody must move and no seat is vacant have nothing to plan.
    if (res.status === 422) return undefined;
    const queued = await json<{ id: string }>(res, 202);
    const runner = new InProcessRunner(
      t.db,
      { db: t.db, clock: fixedClock, newId: () => `job-${++jobIds}` },
      { pollMs: 60_000 },
    ).start();
    await runner.idle();
    await runner.stop();
    const view = await json<{
      plan: {
        status: string;
        teams: { teamId: string; region: string; memberIds: string[]; score: number; moved: number }[];
        moves: { memberId: string; moved: boolean; to: { teamId: string; seat: number; post: string } }[];
      };
    }>(await t.get(`/v1/exchange-plans/${queued.id}`), 200);
    return { id: queued.id, plan: view.plan };
  }

  /** A plan of `teamId` and the first partner team with which it moves someone. */
  async function planWith(teamId: string, seed: number) {
    for (let i = 1; i <= 12; i++) {
      const partner = `T-XJ${String(i).padStart(2, "0")}`;
      if (partner === teamId || taken.has(partner)) continue;
      const made = await plan([teamId, partner], seed);
      if (made && made.plan.status !== "infeasible" && made.plan.moves.length > 0)
        return { ...made, partner };
    }
    throw new Error(`no partner team for ${teamId}`);
  }

  it("counts as moved in only the people the plan moves, once placements have set the records", async () => {
    // T-XJ07 holds C0243, placed above: their record now says so, so they are no newcomer.
    const { plan: made } = await planWith("T-XJ07", 4);
    for (const team of made.teams)
      expect(team.moved, team.teamId).toBe(
        made.moves.filter((m) => m.to.teamId === team.teamId && m.moved).length,
      );
  });

  it("refuses a plan whose team now breaks a hard rule (409 now_infeasible), and reports then and now otherwise", async () => {
    const first = [...Array(12).keys()]
      .map((i) => `T-XJ${String(i + 1).padStart(2, "0")}`)
      .find((x) => !taken.has(x));
    const { id, plan: made, partner } = await planWith(first as string, 9);
    taken.add(first as string);
    taken.add(partner);
    const move = made.moves[0] as (typeof made.moves)[number];
    const team = made.teams.find((x) => x.teamId === move.to.teamId) as (typeof made.teams)[number];
    const holder = team.memberIds.find(
      (m) => m !== move.memberId && !made.moves.some((x) => x.memberId === m),
    ) as string;
    const kinBefore = (await getCadre(move.memberId)).kin;
    await json(
      await t.patch(`/v1/cadres/${move.memberId}`, {
        kin: [...kinBefore, { cadreId: holder, relation: "spouse" }],
      }),
      200,
    );
    const before = await snapshot(
      made.teams.map((x) => x.teamId),
      [move.memberId],
    );
    const p = (await problem(await t.post(`/v1/exchange-plans/${id}/carry-out`, {}))) as Problem;
    expect(p).toMatchObject({ status: 409, code: "now_infeasible", field: "id" });
    const violations = p.violations as { rule: string; members: { id: string }[] }[];
    expect(
      violations
        .find((v) => v.rule === "R2")
        ?.members.map((m) => m.id)
        .sort(),
    ).toEqual([move.memberId, holder].sort());
    expect(
      await snapshot(
        made.teams.map((x) => x.teamId),
        [move.memberId],
      ),
    ).toEqual(before);

    // Without the link the plan is carried out, each team scored then and now.
    await json(await t.patch(`/v1/cadres/${move.memberId}`, { kin: kinBefore }), 200);
    const expected = new Map<string, number>();
    for (const x of made.teams) {
      const stored = await getTeam(x.teamId);
      expected.set(
        x.teamId,
        (
          await scoreNow(
            x.region,
            x.memberIds.map((cadreId, i) => ({ post: stored.seats[i]?.post as string, cadreId })),
          )
        ).score,
      );
    }
    const done = await json<Carried>(await t.post(`/v1/exchange-plans/${id}/carry-out`, {}), 201);
    for (const r of done.teams) {
      const x = made.teams.find((y) => y.teamId === r.teamId) as (typeof made.teams)[number];
      expect(r.scoreThen).toBeCloseTo(x.score, 12);
      expect(r.scoreNow).toBeCloseTo(expected.get(x.teamId) as number, 12);
      expect(r.team).toContain((await getTeam(x.teamId)).name as string);
    }
    // Who moved: every move's cadre now reads the post it moved to.
    for (const m of made.moves) {
      const cadre = await getCadre(m.memberId);
      expect(cadre.currentPost, m.memberId).toBe(m.to.post);
    }
    expect(done.records.map((r) => r.cadreId).sort()).toEqual(made.moves.map((m) => m.memberId).sort());
    const again = await problem(await t.post(`/v1/exchange-plans/${id}/carry-out`, {}));
    expect(again).toMatchObject({ status: 409, code: "already_accepted" });
  });
});
