import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs } from "../../db/schema";
import { loadDemoCity } from "../../db/seed/load";
import { InProcessRunner } from "../../src/jobs/in-process";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
});
afterAll(() => t.close());

interface Result {
  id: string;
  status: string;
  method: string;
  poolSize: number;
  profileVersion: number;
  suggestions: {
    rank: number;
    score: number;
    assignment: { post: string; cadreId: string | null; filled: boolean }[];
    violations: unknown[];
  }[];
  reasons: { rule: string; message: { zh: string; en: string } }[];
  comparison: { scoreDelta: number; summary: { zh: string; en: string } } | null;
  robustness: { rank: number; stayShare: number; firstShare: number }[] | null;
}

const ask = async (body: unknown) => t.post("/v1/suggestions", body);

/** A stored team of the demo city whose holders break no hard rule (so its vacancies can be filled). */
async function fillableTeam(): Promise<string> {
  for (let i = 1; i <= 12; i++) {
    const id = `T-XJ${String(i).padStart(2, "0")}`;
    const res = await ask({ teamId: id, top: 3 });
    if (res.status === 201 && ((await res.json()) as Result).status !== "infeasible") return id;
  }
  throw new Error("no fillable team in the demo city");
}

describe("POST /v1/suggestions", () => {
  it("fills a stored team's vacancies with distinct feasible teams, stored and readable", async () => {
    const teamId = await fillableTeam();
    const res = await ask({ teamId, top: 3, seed: 5 });
    expect(res.status).toBe(201);
    const result = (await res.json()) as Result;
    expect(["optimal", "budget"]).toContain(result.status);
    expect(result.suggestions.length).toBeGreaterThan(0);
    expect(result.suggestions.length).toBeLessThanOrEqual(3);
    const team = (await (await t.get(`/v1/teams/${teamId}`)).json()) as {
      region: string;
      seats: { post: string; cadreId: string | null }[];
    };
    const keys = new Set<string>();
    for (const [i, s] of result.suggestions.entries()) {
      expect(s.rank).toBe(i + 1);
      if (i > 0) expect(s.score).toBeLessThanOrEqual(result.suggestions[i - 1]!.score);
      // Holders stay; every vacancy is filled by someone not already in the team.
      s.assignment.forEach((a, seat) => {
        if (team.seats[seat]?.cadreId)
          expect(a).toMatchObject({ cadreId: team.seats[seat]?.cadreId, filled: false });
        else expect(a.filled && a.cadreId).toBeTruthy();
      });
      keys.add(s.assignment.map((a) => a.cadreId).join("|"));
      // The suggestion scores as feasible, with the same score, through POST /v1/score.
      const scored = await t.post("/v1/score", {
        region: team.region,
        detail: "summary",
        seats: s.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId })),
      });
      const body = (await scored.json()) as { score: number; feasible: boolean };
      expect(body.feasible).toBe(true);
      expect(body.score).toBeCloseTo(s.score, 9);
    }
    expect(keys.size).toBe(result.suggestions.length);
    // Why #1 beats #2, and how solid each suggestion is under ±1 sten re-measurement.
    if (result.suggestions.length >= 2) {
      expect(result.comparison?.scoreDelta).toBeCloseTo(
        result.suggestions[0]!.score - result.suggestions[1]!.score,
        9,
      );
      expect(result.comparison?.summary.zh.length).toBeGreaterThan(0);
      expect(result.comparison?.summary.en).toContain("#1");
    }
    expect(result.robustness?.map((r) => r.rank)).toEqual(result.suggestions.map((s) => s.rank));
    for (const r of result.robustness ?? []) {
      expect(r.stayShare).toBeGreaterThanOrEqual(0);
      expect(r.stayShare).toBeLessThanOrEqual(1);
      expect(r.firstShare).toBeLessThanOrEqual(r.stayShare);
    }

    const stored = await t.get(`/v1/suggestions/${result.id}`);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual(result);
    const history = (await (await t.get(`/v1/suggestions/${result.id}/history`)).json()) as {
      items: { version: number }[];
    };
    expect(history.items.map((v) => v.version)).toEqual([1]);
  });

  it("replaces a holder who must leave (vacate), never suggesting them back", async () => {
    // T-XJ01's public-security chief has held the post 10.1 years (R4): locked, the team is refused.
    const refused = await ask({ teamId: "T-XJ01", top: 2 });
    expect(refused.status).toBe(422);
    const team = (await (await t.get("/v1/teams/T-XJ01")).json()) as {
      seats: { post: string; cadreId: string | null }[];
    };
    const seat = team.seats.findIndex((s) => s.post === "public-security-head");
    const holder = team.seats[seat]?.cadreId;
    const res = await ask({ teamId: "T-XJ01", top: 2, vacate: [seat] });
    expect(res.status).toBe(201);
    const result = (await res.json()) as Result;
    expect(result.suggestions.length).toBeGreaterThan(0);
    for (const s of result.suggestions) {
      expect(s.assignment[seat]).toMatchObject({ filled: true });
      expect(s.assignment.map((a) => a.cadreId)).not.toContain(holder);
    }
    const bad = await ask({ teamId: "T-XJ01", vacate: [39] });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).field).toBe("vacate.0");
  });

  it("gives the same answer for the same seed and budget", async () => {
    const teamId = await fillableTeam();
    const a = (await (
      await ask({ teamId, top: 4, seed: 9, budget: { iterations: 20_000 } })
    ).json()) as Result;
    const b = (await (
      await ask({ teamId, top: 4, seed: 9, budget: { iterations: 20_000 } })
    ).json()) as Result;
    expect(b.suggestions).toEqual(a.suggestions);
    expect(b.status).toBe(a.status);
  });

  it("takes an inline team and a pool with include and exclude", async () => {
    const res = await ask({
      team: { region: "XJ03", seats: [{ post: "deputy-head" }, { post: "propaganda-head" }] },
      pool: { region: "XJ05", include: ["C0160"], exclude: [] },
      top: 2,
    });
    expect(res.status).toBe(201);
    const result = (await res.json()) as Result;
    expect(result.poolSize).toBeGreaterThan(0);
    const excluded = result.suggestions[0]?.assignment[0]?.cadreId as string;
    if (excluded) {
      const again = (await (
        await ask({
          team: { region: "XJ03", seats: [{ post: "deputy-head" }, { post: "propaganda-head" }] },
          pool: { region: "XJ05", include: ["C0160"], exclude: [excluded] },
          top: 2,
        })
      ).json()) as Result;
      for (const s of again.suggestions) expect(s.assignment.map((a) => a.cadreId)).not.toContain(excluded);
    }
  });

  it("answers a well-formed request that cannot be satisfied with status infeasible and reasons", async () => {
    // Two avoidance posts and nothing else: R10 needs a local, and locals may not hold avoidance posts.
    const res = await ask({
      team: { region: "XJ04", seats: [{ post: "party-secretary" }, { post: "county-head" }] },
      top: 2,
    });
    expect(res.status).toBe(201);
    const result = (await res.json()) as Result;
    expect(result.status).toBe("infeasible");
    expect(result.suggestions).toEqual([]);
    expect(result.reasons.length).toBeGreaterThan(0);
    expect(result.reasons[0]?.message.zh.length).toBeGreaterThan(0);
  });

  it("rejects bad requests with problem+json naming the field, and stores nothing", async () => {
    const before = await rowCounts(t.db);
    const cases: [unknown, number, string][] = [
      [{ teamId: "T-XJ07", top: 0 }, 422, "top"],
      [{ teamId: "T-XJ07", top: 10_000 }, 422, "top"],
      [{ teamId: "T-NOPE" }, 404, "id"],
      [
        { team: { region: "XJ01", seats: [{ post: "deputy-head" }] }, pool: { region: "NOWHERE" } },
        422,
        "pool",
      ],
      [
        {
          team: { region: "XJ01", seats: [{ post: "deputy-head" }] },
          pool: { include: ["C9999"], region: "NOWHERE" },
        },
        422,
        "pool.include.0",
      ],
      [{ teamId: "T-XJ07", team: { region: "XJ01", seats: [{ post: "deputy-head" }] } }, 422, "teamId"],
      [{}, 422, "teamId"],
      [{ team: { region: "XJ01", seats: [{ post: "no-such-post" }] } }, 422, "team.seats.0.post"],
      [{ teamId: "T-XJ07", colour: "red" }, 422, "colour"],
    ];
    for (const [body, status, field] of cases) {
      const res = await ask(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect((await problem(res)).field).toBe(field);
    }
    // A locked seat whose holder breaks a hard rule (R1: an avoidance post in one's birth region).
    const holder = (await (await t.get("/v1/cadres/C0160")).json()) as { birthRegion: string };
    const locked = await ask({
      team: {
        region: holder.birthRegion,
        seats: [{ post: "party-secretary", cadreId: "C0160" }, { post: "deputy-head" }],
      },
    });
    expect(locked.status).toBe(422);
    expect((await problem(locked)).errors?.[0]?.code).toBe("locked_breaks_R1");
    expect(await rowCounts(t.db)).toEqual(before);
  });
});

/** Runs every queued job to its end, as the server's runner would. */
let runs = 0;
async function runJobs() {
  const runner = new InProcessRunner(
    t.db,
    { db: t.db, clock: fixedClock, newId: () => `run-${++runs}` },
    { pollMs: 60_000 },
  ).start();
  await runner.idle();
  await runner.stop();
}

interface Pending {
  id: string;
  jobId: string;
  status: string;
  progress: { done: number; total: number };
  error?: string;
}

describe("POST /v1/suggestions as a job", () => {
  it("queues with async: true, shows queued and running, then the same ranking as the direct answer", async () => {
    const teamId = await fillableTeam();
    const body = { teamId, top: 4, seed: 11, budget: { iterations: 25_000 }, robustnessSamples: 5 };
    const res = await ask({ ...body, async: true });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; jobId: string; status: string };
    expect(accepted).toEqual({ id: accepted.id, jobId: accepted.id, status: "queued" });
    const queued = (await (await t.get(`/v1/suggestions/${accepted.id}`)).json()) as Pending;
    expect(queued).toMatchObject({ id: accepted.id, jobId: accepted.id, status: "queued" });
    expect(queued.progress).toEqual({ done: 0, total: 1000 });
    // A runner holds it: the request shows running (as the job row says), never a ranking yet.
    await t.db.update(jobs).set({ status: "running" }).where(eq(jobs.id, accepted.id));
    const running = (await (await t.get(`/v1/suggestions/${accepted.id}`)).json()) as Pending;
    expect(running.status).toBe("running");
    expect((await t.get(`/v1/suggestions/${accepted.id}/history`)).status).toBe(404);
    await t.db.update(jobs).set({ status: "queued" }).where(eq(jobs.id, accepted.id));

    await runJobs();
    const stored = (await (await t.get(`/v1/suggestions/${accepted.id}`)).json()) as Result & {
      createdAt: string;
      version: number;
    };
    expect(stored.id).toBe(accepted.id);
    expect(["optimal", "budget"]).toContain(stored.status);
    const job = (await (await t.get(`/v1/jobs/${accepted.id}`)).json()) as { kind: string; status: string };
    expect(job).toMatchObject({ kind: "suggestion", status: "succeeded" });
    // The direct answer to the same request (same seed and iteration budget) is the same ranking.
    const direct = (await (await ask(body)).json()) as Result & { createdAt: string; version: number };
    const { id: _a, createdAt: _b, ...fromJob } = stored;
    const { id: _c, createdAt: _d, ...fromRequest } = direct;
    expect(fromJob).toEqual(fromRequest);
    const history = (await (await t.get(`/v1/suggestions/${accepted.id}/history`)).json()) as {
      items: { version: number }[];
    };
    expect(history.items.map((i) => i.version)).toEqual([1]);
  });

  it("keeps answering while the job searches: GET sees running, then the ranking", async () => {
    // Six vacancies from the reserve pool: a search long enough for several slices.
    const posts = [
      "deputy-head",
      "propaganda-head",
      "executive-deputy-head",
      "deputy-head",
      "court-president",
    ];
    const body = {
      team: { region: "XJ03", seats: [{ post: "organization-head" }, ...posts.map((post) => ({ post }))] },
      top: 5,
      seed: 3,
      budget: { iterations: 150_000 },
      robustnessSamples: 0,
      async: true,
    };
    const { id } = (await (await ask(body)).json()) as { id: string };
    const reports: number[] = [];
    const runner = new InProcessRunner(
      t.db,
      { db: t.db, clock: fixedClock, newId: () => `run-${++runs}` },
      { pollMs: 60_000, onProgress: (job, done) => (job === id ? reports.push(done) : undefined) },
    ).start();
    // The search runs in slices with a turn of the event loop between them: requests are served.
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const view = (await (await t.get(`/v1/suggestions/${id}`)).json()) as { status: string };
      seen.add(view.status);
      if (view.status !== "queued" && view.status !== "running") break;
      // Poll at a client's pace (a flood of reads would share the database with the job).
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await runner.idle();
    await runner.stop();
    expect(seen.has("running")).toBe(true);
    // Progress in thousandths of the budget: 0, some between (one per slice), 1000; never back.
    expect(reports[0]).toBe(0);
    expect(reports.at(-1)).toBe(1000);
    expect(reports.filter((d) => d > 0 && d < 1000).length).toBeGreaterThanOrEqual(2);
    expect([...reports].sort((a, b) => a - b)).toEqual(reports);
    const done = (await (await t.get(`/v1/suggestions/${id}`)).json()) as Result;
    expect(["optimal", "budget"]).toContain(done.status);
  });

  it("checks the request before queueing it: bad input is a 4xx at once, no job", async () => {
    const before = (await t.db.select().from(jobs)).length;
    const res = await ask({ teamId: "T-NOPE", async: true });
    expect(res.status).toBe(404);
    await problem(res);
    const empty = await ask({
      team: { region: "XJ01", seats: [{ post: "deputy-head" }] },
      pool: { region: "NOWHERE" },
      async: true,
    });
    expect(empty.status).toBe(422);
    expect((await problem(empty)).field).toBe("pool");
    expect((await t.db.select().from(jobs)).length).toBe(before);
  });

  it("shows a job that could not run as failed, with its error", async () => {
    const teamId = await fillableTeam();
    const { id } = (await (await ask({ teamId, async: true, robustnessSamples: 0 })).json()) as {
      id: string;
    };
    // The job meets a request it cannot resolve (as if the team were gone by the time it runs).
    await t.db
      .update(jobs)
      .set({ payload: { teamId: "T-GONE" } })
      .where(eq(jobs.id, id));
    await runJobs();
    const failed = (await (await t.get(`/v1/suggestions/${id}`)).json()) as Pending;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/T-GONE/);
  });

  it("runs a budget longer than a request should wait as a job without being asked", async () => {
    const teamId = await fillableTeam();
    for (const budget of [{ milliseconds: 2_500 }, { iterations: 2_000_000 }]) {
      const res = await ask({ teamId, budget });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const view = (await (await t.get(`/v1/suggestions/${id}`)).json()) as Pending;
      expect(view.status).toBe("queued");
    }
    // A short budget is answered at once.
    expect((await ask({ teamId, budget: { milliseconds: 200 }, robustnessSamples: 0 })).status).toBe(201);
  });
});
