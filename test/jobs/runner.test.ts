import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import * as q from "../../db/queries/jobs";
import { enqueueJob } from "../../src/jobs/enqueue";
import { InProcessRunner } from "../../src/jobs/in-process";
import { claimAndRun, defaultRunnerOptions, type RunnerOptions, StaleJobError } from "../../src/jobs/runner";
import type { JobHandler } from "../../src/jobs/types";
import { ApiError } from "../../src/lib/problem";
import { tempDb } from "../support/db";

let database: Awaited<ReturnType<typeof tempDb>>;
let ids = 0;
/** A clock the test moves by hand. */
let at = Date.parse("2026-11-25T08:00:00.000Z");
const clock = { now: () => new Date(at) };
const services = { clock, newId: () => `j-${++ids}` };

beforeEach(async () => {
  database = await tempDb();
  await database.db.run(sql`create table effects (job text, n integer)`);
});
afterEach(() => database.close());

const effects = async () =>
  database.db.all<{ job: string; n: number }>(sql`select job, n from effects order by rowid`);

/** A handler that reports progress and, in `apply`, writes one row per unit of work. */
const counting: JobHandler = async (payload, ctx) => {
  const n = (payload as { n: number }).n;
  for (let i = 1; i <= n; i++) await ctx.progress(i, n);
  return {
    result: { counted: n },
    apply: async (tx) => {
      for (let i = 0; i < n; i++) await tx.run(sql`insert into effects values (${ctx.jobId}, ${i})`);
    },
  };
};

const options = (handlers: RunnerOptions["handlers"], runner = "r1"): RunnerOptions => ({
  ...defaultRunnerOptions,
  runner,
  leaseMs: 10_000,
  handlers,
});

describe("job runner", () => {
  it("runs a queued job, commits its effects with its success and stores result and progress", async () => {
    const id = await enqueueJob(database.db, { kind: "rerank", payload: { n: 3 } }, services);
    expect((await q.findJob(database.db, id))?.status).toBe("queued");
    const run = await claimAndRun(database.db, services, options({ rerank: counting }));
    expect(run).toEqual({ id, status: "succeeded" });
    const job = await q.findJob(database.db, id);
    expect(job).toMatchObject({
      status: "succeeded",
      done: 3,
      total: 3,
      result: { counted: 3 },
      attempts: 1,
    });
    expect(job?.leaseUntil).toBeNull();
    expect(await effects()).toHaveLength(3);
    expect(await claimAndRun(database.db, services, options({ rerank: counting }))).toBeUndefined();
  });

  it("never lets two runners run one job", async () => {
    await enqueueJob(database.db, { kind: "rerank", payload: { n: 1 } }, services);
    let calls = 0;
    const once: JobHandler = async (p, ctx) => {
      calls++;
      return counting(p, ctx);
    };
    const runs = await Promise.all(
      ["a", "b", "c", "d"].map((r) => claimAndRun(database.db, services, options({ rerank: once }, r))),
    );
    expect(calls).toBe(1);
    expect(runs.filter((r) => r?.status === "succeeded")).toHaveLength(1);
    expect(await effects()).toHaveLength(1);
  });

  it("marks a failing job failed with a safe error text and applies nothing", async () => {
    const id = await enqueueJob(database.db, { kind: "rerank", payload: {} }, services);
    const failing: JobHandler = async () => {
      throw new ApiError("validation_failed", "payload: bad");
    };
    expect(await claimAndRun(database.db, services, options({ rerank: failing }))).toEqual({
      id,
      status: "failed",
    });
    expect(await q.findJob(database.db, id)).toMatchObject({
      status: "failed",
      error: "validation_failed: payload: bad",
    });
    const leaky = await enqueueJob(database.db, { kind: "rerank", payload: {} }, services);
    const secret: JobHandler = async () => {
      throw Object.assign(new Error("SQL failed with params 张三, 1983"), { code: "SQLITE_CONSTRAINT" });
    };
    await claimAndRun(database.db, services, options({ rerank: secret }));
    const row = await q.findJob(database.db, leaky);
    expect(row?.error).toBe("internal: Error (SQLITE_CONSTRAINT)");
  });

  it("fails a kind it has no handler for instead of leaving it queued", async () => {
    const id = await enqueueJob(database.db, { kind: "exchange-plan", payload: {} }, services);
    await claimAndRun(database.db, services, options({}));
    expect(await q.findJob(database.db, id)).toMatchObject({ status: "failed" });
    expect((await q.findJob(database.db, id))?.error).toMatch(/^no_handler/);
  });

  it("a job queued in a rolled-back transaction does not exist", async () => {
    await expect(
      writeTransaction(database.db, async (tx) => {
        await enqueueJob(tx, { kind: "rerank", payload: {} }, services);
        throw new Error("the import failed");
      }),
    ).rejects.toThrow("the import failed");
    expect(await q.claimableJobIds(database.db, clock.now().toISOString(), 10)).toEqual([]);
  });

  it("resumes a job whose runner died once its lease has passed; a runner that lost its claim commits nothing", async () => {
    const id = await enqueueJob(database.db, { kind: "rerank", payload: { n: 2 } }, services);
    // Runner "dead" claims the job and stalls inside the handler (as if its process had frozen).
    let release!: () => void;
    const stalled: JobHandler = async (payload, ctx) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return counting(payload, ctx);
    };
    const first = claimAndRun(database.db, services, {
      ...options({ rerank: stalled }, "dead"),
      leaseMs: 1_000,
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(await q.findJob(database.db, id)).toMatchObject({ status: "running", runner: "dead" });
    // Before the lease passes nobody else may take it.
    expect(await claimAndRun(database.db, services, options({ rerank: counting }, "second"))).toBeUndefined();
    at += 5_000;
    expect(await claimAndRun(database.db, services, options({ rerank: counting }, "second"))).toEqual({
      id,
      status: "succeeded",
    });
    release();
    expect(await first).toEqual({ id, status: "lost" });
    const job = await q.findJob(database.db, id);
    expect(job).toMatchObject({ status: "succeeded", runner: "second", attempts: 2 });
    expect((await effects()).map((e) => e.job)).toEqual([id, id]);
  });

  it("gives up on a job that keeps killing its runner", async () => {
    const id = await enqueueJob(database.db, { kind: "rerank", payload: { n: 1 } }, services);
    await database.db.run(
      sql`update jobs set status = 'running', attempts = 5, lease_until = '2000-01-01T00:00:00.000Z' where id = ${id}`,
    );
    await claimAndRun(database.db, services, options({ rerank: counting }));
    const job = await q.findJob(database.db, id);
    expect(job?.status).toBe("failed");
    expect(job?.error).toMatch(/^gave_up/);
    expect(await effects()).toEqual([]);
  });

  it("queues a stale job again (its writes rolled back) and runs it on the new state", async () => {
    const id = await enqueueJob(database.db, { kind: "rerank", payload: { n: 1 } }, services);
    let calls = 0;
    const staleOnce: JobHandler = async (payload, ctx) => {
      calls++;
      const outcome = await counting(payload, ctx);
      return {
        result: outcome.result,
        apply: async (tx) => {
          await outcome.apply?.(tx);
          if (calls === 1) throw new StaleJobError("moved on");
        },
      };
    };
    expect(await claimAndRun(database.db, services, options({ rerank: staleOnce }))).toEqual({
      id,
      status: "queued",
    });
    expect(await effects()).toEqual([]);
    expect(await claimAndRun(database.db, services, options({ rerank: staleOnce }))).toEqual({
      id,
      status: "succeeded",
    });
    expect(await effects()).toHaveLength(1);
  });

  it("the in-process runner runs notified jobs, and on start those left behind", async () => {
    const left = await enqueueJob(database.db, { kind: "rerank", payload: { n: 2 } }, services);
    const runs: string[] = [];
    const runner = new InProcessRunner(database.db, services, {
      handlers: { rerank: counting },
      onRun: (r) => runs.push(`${r.id}:${r.status}`),
    }).start();
    await runner.idle();
    const notified = await enqueueJob(
      database.db,
      { kind: "rerank", payload: { n: 1 } },
      { ...services, jobs: runner },
    );
    await runner.idle();
    await runner.stop();
    expect(runs).toEqual([`${left}:succeeded`, `${notified}:succeeded`]);
    expect(await effects()).toHaveLength(3);
  });
});
