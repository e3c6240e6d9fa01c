/**
 * "A score that means what it says" (issue 14, item 4) over HTTP, on the demo city: a vacancy never
 * raises a score, `completable` for teams with vacancies, the score adding up from its parts and
 * listed penalties at every `detail`, and a leading post listed twice refused with 422.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { fixedClock, type TestApp, testApp } from "../support/app";
import { FACTOR_CODES } from "./fixtures";

interface Text {
  zh: string;
  en: string;
}
interface Reason {
  rule: string;
  seat?: number;
  memberIds: string[];
  message: Text;
}
interface Completable {
  value: boolean;
  pool: "default" | "any";
  reasons: Reason[];
}
interface Answer {
  score: number;
  feasible: boolean;
  completable: Completable | null;
  components: Record<"fit" | "balance" | "skills" | "structure" | "penalty", number>;
  violations: { rule: string; severity: "hard" | "soft"; penalty?: number }[];
}
interface StoredTeam {
  id: string;
  region: string;
  seats: { post: string; cadreId: string | null }[];
}

let t: TestApp;
let teams: StoredTeam[];
const profile = defaultScoringProfile(fixedClock.now().getUTCFullYear());

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
  const res = await t.get("/v1/teams?limit=100");
  teams = ((await res.json()) as { items: StoredTeam[] }).items;
});
afterAll(() => t.close());

const team = (id: string) => {
  const found = teams.find((x) => x.id === id);
  if (!found) throw new Error(`no demo team ${id}`);
  return found;
};

async function post<T>(body: unknown): Promise<T> {
  const res = await t.post("/v1/score", body);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

describe("a vacancy never raises a score (demo city)", () => {
  it("emptying any one seat of T-XJ04 never raises its score (the issue saw 3 of 14 rise)", async () => {
    const t4 = team("T-XJ04");
    const ids = t4.seats.map((s) => s.cadreId);
    const filled = ids.flatMap((id, s) => (id ? [s] : []));
    expect(filled.length).toBeGreaterThanOrEqual(12);
    const alternatives = [ids, ...filled.map((s) => ids.map((id, i) => (i === s ? null : id)))];
    const { results } = await post<{ results: Answer[] }>({
      region: t4.region,
      posts: t4.seats.map((s) => s.post),
      alternatives,
      detail: "summary",
    });
    const [whole, ...emptied] = results as [Answer, ...Answer[]];
    emptied.forEach((answer, k) => {
      // The emptied member's own penalties are the only thing removing them may lift.
      const seat = filled[k] as number;
      const own = whole.violations
        .filter((v) => (v as { memberIds?: string[] }).memberIds?.includes(ids[seat] as string))
        .reduce((sum, v) => sum + (v.penalty ?? 0), 0);
      expect(answer.score, `seat ${seat}`).toBeLessThanOrEqual(whole.score + own + 1e-12);
      for (const part of ["fit", "balance", "skills", "structure"] as const)
        expect(answer.components[part], `seat ${seat} ${part}`).toBeLessThanOrEqual(whole.components[part]);
    });
  });

  it("four empty seats score 0, meet no structure target, and are completable by someone", async () => {
    const answer = await post<Answer>({
      region: "XJ01",
      seats: ["party-secretary", "county-head", "deputy-head", "deputy-head"].map((p) => ({ post: p })),
    });
    expect(answer.score).toBe(0);
    expect(answer.components).toMatchObject({ fit: 0, skills: 0, structure: 0 });
    expect(answer.feasible).toBe(true);
    // No holder is inline or stored, so the default pool is the stored one; it can fill them.
    expect(answer.completable).toMatchObject({ value: true, pool: "default", reasons: [] });
  });
});

describe("completable", () => {
  it("is null for a complete team", async () => {
    const full = teams.find((x) => x.seats.every((s) => s.cadreId));
    if (!full) throw new Error("no complete demo team");
    const answer = (await (await t.get(`/v1/teams/${full.id}/score`)).json()) as Answer;
    expect(answer.completable).toBeNull();
  });

  it("T-XJ06 with its vacancies reads feasible (members present) but not completable, with R10's reason", async () => {
    const t6 = team("T-XJ06");
    expect(t6.seats.filter((s) => !s.cadreId).length).toBe(3);
    const answer = (await (await t.get("/v1/teams/T-XJ06/score")).json()) as Answer;
    expect(answer.feasible).toBe(true);
    expect(answer.completable?.value).toBe(false);
    expect(answer.completable?.pool).toBe("default");
    const r10 = answer.completable?.reasons.find((r) => r.rule === "R10");
    expect(r10?.message.zh).toMatch(/本地干部至少 \d+ 人/);
    expect(r10?.message.en).toMatch(/needs at least \d+ local cadres/);
    // Suggestions prove the same: the request is infeasible with R10 among the reasons.
    const res = await t.post("/v1/suggestions", { teamId: "T-XJ06", top: 1, seed: 1 });
    const suggestion = (await res.json()) as { status: string; reasons?: { rule: string }[] };
    expect(suggestion.status).toBe("infeasible");
    expect(suggestion.reasons?.map((r) => r.rule)).toContain("R10");
  });

  it("with inline members it answers for any pool", async () => {
    const stens = Object.fromEntries(FACTOR_CODES.map((f) => [f, 6]));
    const answer = await post<Answer>({
      region: "XJ01",
      seats: [
        { post: "deputy-head", member: { id: "a", stens, birthRegion: "XJ01", growthRegion: "XJ01" } },
        { post: "deputy-head", member: { id: "b", stens, birthRegion: "XJ02", growthRegion: "XJ02" } },
        { post: "party-secretary" },
        { post: "discipline-secretary" },
      ],
    });
    expect(answer.feasible).toBe(true);
    expect(answer.completable).toMatchObject({ value: false, pool: "any", reasons: [{ rule: "R10" }] });
  });
});

describe("score = max(0, Σ weight·component − Σ penalty of the listed violations), at every detail", () => {
  const stensArb = fc.record(
    Object.fromEntries(FACTOR_CODES.map((f) => [f, fc.integer({ min: 1, max: 10 })])) as Record<
      string,
      fc.Arbitrary<number>
    >,
  );
  const regionArb = fc.constantFrom("XJ01", "XJ02", "XJ03");
  const memberArb = fc.record({
    stens: stensArb,
    birthRegion: regionArb,
    growthRegion: regionArb,
    currentRegion: regionArb,
    currentPost: fc.constantFrom("deputy-head", "county-head", "propaganda-head"),
    yearsInPost: fc.integer({ min: 0, max: 12 }),
    yearsInLocality: fc.integer({ min: 0, max: 14 }),
    age: fc.integer({ min: 30, max: 58 }),
  });
  const POSTS = ["party-secretary", "county-head", "organization-head", "deputy-head", "deputy-head"];
  const teamArb = fc.record({
    region: regionArb,
    seats: fc.tuple(...POSTS.map((p) => fc.option(memberArb, { freq: 5 }).map((m) => ({ post: p, m })))),
  });
  const BATCH = 150;

  it.each(["full", "summary", "scores"] as const)(
    "detail %s: a batch of random inline teams",
    async (detail) => {
      const drawn = fc.sample(teamArb, { numRuns: BATCH, seed: 14 });
      const body = {
        detail,
        teams: drawn.map((x) => ({
          region: x.region,
          seats: x.seats.map(({ post: p, m }, s) =>
            m ? { post: p, member: { id: `m${s}`, ...m } } : { post: p },
          ),
        })),
      };
      const { results } = await post<{ results: Answer[] }>(body);
      expect(results).toHaveLength(BATCH);
      const w = profile.weights;
      const total = w.fit + w.balance + w.skills + w.structure;
      let charged = 0;
      for (const r of results) {
        const penalty = r.violations.reduce(
          (sum, v) =>
            sum + (v.penalty ?? (v.severity === "soft" ? profile.rules[v.rule as "R5"].penalty : 0)),
          0,
        );
        if (penalty > 0) charged++;
        const c = r.components;
        const raw =
          (w.fit * c.fit + w.balance * c.balance + w.skills * c.skills + w.structure * c.structure) / total;
        expect(c.penalty).toBeCloseTo(Math.min(1, penalty), 12);
        expect(r.score).toBeCloseTo(Math.max(0, raw - penalty), 12);
        expect(r.feasible).toBe(r.violations.every((v) => v.severity !== "hard"));
      }
      expect(charged).toBeGreaterThan(BATCH / 4);
    },
  );
});

describe("a leading post listed twice is refused with 422 naming the seat", () => {
  it("POST /v1/score", async () => {
    const res = await t.post("/v1/score", {
      region: "XJ01",
      seats: [{ post: "party-secretary" }, { post: "county-head" }, { post: "party-secretary" }],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string; code: string; message: string }[] };
    expect(body.errors).toContainEqual(
      expect.objectContaining({
        field: "seats.2.post",
        code: "duplicate",
        message: expect.stringMatching(/seat 0/),
      }),
    );
  });

  it("POST /v1/teams and POST /v1/suggestions", async () => {
    const seats = [{ post: "county-head" }, { post: "deputy-head" }, { post: "county-head" }];
    const created = await t.post("/v1/teams", { region: "XJ01", seats });
    expect(created.status).toBe(422);
    expect(JSON.stringify(await created.json())).toContain("seats.2.post");
    const suggested = await t.post("/v1/suggestions", { team: { region: "XJ01", seats }, top: 1 });
    expect(suggested.status).toBe(422);
    expect(JSON.stringify(await suggested.json())).toContain("team.seats.2.post");
  });
});
