import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "../../src/jobs/enqueue";
import { claimAndRun, defaultRunnerOptions } from "../../src/jobs/runner";
import type { JobHandler } from "../../src/jobs/types";
import { ApiError } from "../../src/lib/problem";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";

let t: TestApp;
let n = 0;
const services = () => ({ clock: fixedClock, newId: () => `job-${++n}` });
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

interface Job {
  id: string;
  kind: string;
  status: string;
  progress: { done: number; total: number };
  result?: unknown;
  error?: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

describe("GET /v1/jobs/{id}", () => {
  it("shows a queued job, then its progress and result once run", async () => {
    const id = await enqueueJob(t.db, { kind: "rerank", payload: { n: 4 }, total: 4 }, services());
    const queued = (await (await t.get(`/v1/jobs/${id}`)).json()) as Job;
    expect(queued).toEqual({
      id,
      kind: "rerank",
      status: "queued",
      progress: { done: 0, total: 4 },
      attempts: 0,
      createdAt: fixedClock.now().toISOString(),
      updatedAt: fixedClock.now().toISOString(),
    });
    const handler: JobHandler = async (payload, ctx) => {
      const total = (payload as { n: number }).n;
      for (let i = 1; i <= total; i++) await ctx.progress(i, total);
      return { result: { counted: total } };
    };
    await claimAndRun(
      t.db,
      services(),
      { ...defaultRunnerOptions, runner: "test", handlers: { rerank: handler } },
      id,
    );
    const done = (await (await t.get(`/v1/jobs/${id}`)).json()) as Job;
    expect(done).toMatchObject({
      status: "succeeded",
      progress: { done: 4, total: 4 },
      result: { counted: 4 },
      attempts: 1,
    });
    expect(done.error).toBeUndefined();
    const report = (await (await t.get(`/v1/jobs/${id}/report`)).json()) as {
      job: Job;
      requests: unknown[];
      teams: unknown[];
    };
    expect(report).toEqual({ job: done, requests: [], teams: [] });
  });

  it("shows why a job failed", async () => {
    const id = await enqueueJob(t.db, { kind: "rerank", payload: {} }, services());
    const failing: JobHandler = async () => {
      throw new ApiError("validation_failed", "pool: no assessed cadre matches the pool's filters");
    };
    await claimAndRun(
      t.db,
      services(),
      { ...defaultRunnerOptions, runner: "test", handlers: { rerank: failing } },
      id,
    );
    const job = (await (await t.get(`/v1/jobs/${id}`)).json()) as Job;
    expect(job).toMatchObject({
      status: "failed",
      error: "validation_failed: pool: no assessed cadre matches the pool's filters",
    });
    expect(job.result).toBeUndefined();
  });

  it("answers a malformed or unknown id as a problem naming the field", async () => {
    const bad = await t.get("/v1/jobs/no%20such");
    expect(bad.status).toBe(422);
    expect((await problem(bad)).field).toBe("path.id");
    const missing = await t.get("/v1/jobs/unknown-job");
    expect(missing.status).toBe(404);
    expect(await problem(missing)).toMatchObject({ code: "not_found", field: "id" });
  });
});
