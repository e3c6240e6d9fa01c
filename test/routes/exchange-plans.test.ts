import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { InProcessRunner } from "../../src/jobs/in-process";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";

let t: TestApp;
let ids = 0;
beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
});
afterAll(() => t.close());

/** Runs every queued job to its end, as the server's runner would; `onProgress` sees every report. */
async function runJobs(onProgress?: (jobId: string, done: number, total: number) => void) {
  const runner = new InProcessRunner(
    t.db,
    { db: t.db, clock: fixedClock, newId: () => `ex-${++ids}` },
    { pollMs: 60_000, ...(onProgress ? { onProgress } : {}) },
  ).start();
  await runner.idle();
  await runner.stop();
}

interface View {
  id: string;
  status: string;
  progress: { done: number; total: number };
  plan: {
    status: string;
    teams: { teamId: string; memberIds: string[]; score: number }[];
    moves: { memberId: string; to: { teamId: string; seat: number } }[];
    preferences: { placed: number; first: number; firstShare: number };
    reasons?: { rule: string }[];
  } | null;
}

describe("POST /v1/exchange-plans", () => {
  it("queues a plan as a job and shows it when done", async () => {
    // T-XJ02 alone cannot meet R10 with its vacancies (an "infeasible" plan): these three can.
    const body = { teamIds: ["T-XJ01", "T-XJ03", "T-XJ04"], seed: 3, budget: { iterations: 20_000 } };
    const res = await t.post("/v1/exchange-plans", body);
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; jobId: string; status: string };
    expect(accepted.status).toBe("queued");
    expect(accepted.jobId).toBe(accepted.id);
    const queued = (await (await t.get(`/v1/exchange-plans/${accepted.id}`)).json()) as View;
    expect(queued.status).toBe("queued");
    expect(queued.plan).toBeNull();
    expect(queued.progress).toEqual({ done: 0, total: 1000 });
    await runJobs();
    const done = (await (await t.get(`/v1/exchange-plans/${accepted.id}`)).json()) as View;
    expect(done.status).toBe("succeeded");
    expect(done.progress).toEqual({ done: 1000, total: 1000 });
    const plan = done.plan;
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect(plan.status).toBe("budget");
    expect(plan.teams.map((x) => x.teamId)).toEqual(body.teamIds);
    // Each placed cadre holds exactly the seat the move names.
    for (const move of plan.moves) {
      const team = plan.teams.find((x) => x.teamId === move.to.teamId);
      expect(team?.memberIds[move.to.seat]).toBe(move.memberId);
    }
    expect(new Set(plan.moves.map((m) => m.memberId)).size).toBe(plan.moves.length);
    const job = (await (await t.get(`/v1/jobs/${accepted.id}`)).json()) as { kind: string; status: string };
    expect(job).toMatchObject({ kind: "exchange-plan", status: "succeeded" });
  });

  it("reports progress during the search, in thousandths of the budget", async () => {
    const body = {
      teamIds: ["T-XJ07", "T-XJ08", "T-XJ09"],
      seed: 2,
      budget: { iterations: 120_000 },
    };
    const { id } = (await (await t.post("/v1/exchange-plans", body)).json()) as { id: string };
    const reports: number[] = [];
    await runJobs((jobId, done, total) => {
      if (jobId !== id) return;
      expect(total).toBe(1000);
      reports.push(done);
    });
    const view = (await (await t.get(`/v1/exchange-plans/${id}`)).json()) as View;
    expect(view.status).toBe("succeeded");
    expect(view.plan?.status).toBe("budget");
    // 0 at the start, several between (one per slice of the search), 1000 at the end, never back.
    expect(reports[0]).toBe(0);
    expect(reports.at(-1)).toBe(1000);
    const between = reports.filter((d) => d > 0 && d < 1000);
    expect(between.length).toBeGreaterThanOrEqual(3);
    expect([...reports].sort((a, b) => a - b)).toEqual(reports);
  });

  it("takes a time budget: the plan comes within it (plus the preparation)", async () => {
    const body = { teamIds: ["T-XJ09", "T-XJ10"], seed: 4, budget: { milliseconds: 300 } };
    const { id } = (await (await t.post("/v1/exchange-plans", body)).json()) as { id: string };
    await runJobs();
    const view = (await (await t.get(`/v1/exchange-plans/${id}`)).json()) as View;
    expect(view.status).toBe("succeeded");
    const plan = view.plan as unknown as { status: string; evaluated: number };
    expect(["budget", "optimal"]).toContain(plan.status);
    expect(plan.evaluated).toBeGreaterThan(0);
  });

  it("gives the same plan for the same seed and budget", async () => {
    const body = {
      teamIds: ["T-XJ04", "T-XJ05"],
      objective: "maxmin",
      seed: 9,
      budget: { iterations: 10_000 },
    };
    const a = ((await (await t.post("/v1/exchange-plans", body)).json()) as { id: string }).id;
    const b = ((await (await t.post("/v1/exchange-plans", body)).json()) as { id: string }).id;
    await runJobs();
    const planOf = async (id: string) => {
      const view = (await (await t.get(`/v1/exchange-plans/${id}`)).json()) as View;
      const { ms: _ms, firstFeasible: _f, ...rest } = view.plan as unknown as Record<string, unknown>;
      return rest;
    };
    expect(await planOf(a)).toEqual(await planOf(b));
  });

  it.each([
    [{ teamIds: ["T-NOPE"] }, "teamIds.0"],
    [{ teamIds: ["T-XJ01", "T-XJ01"] }, "teamIds.1"],
    [{ teamIds: [] }, "teamIds"],
    [{ teamIds: ["T-XJ01"], objective: "mean" }, "objective"],
    [{ teamIds: ["T-XJ01"], volunteers: ["C9999"] }, "volunteers.0"],
    [{ teamIds: ["T-XJ01"], mustMove: false, pool: { exclude: [], region: "NOWHERE" } }, "pool"],
    [{ teamIds: ["T-XJ01"], budget: { iterations: 0 } }, "budget.iterations"],
    [{ teamIds: ["T-XJ01"], budget: { milliseconds: 600_000 } }, "budget.milliseconds"],
  ])("answers bad input %j with a 4xx problem naming %s", async (body, field) => {
    const res = await t.post("/v1/exchange-plans", body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const p = await problem(res);
    expect(p.field).toBe(field);
  });

  it("answers an unknown plan with 404", async () => {
    const res = await t.get("/v1/exchange-plans/no-such-plan");
    expect(res.status).toBe(404);
    await problem(res);
  });
});
