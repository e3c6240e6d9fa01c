import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import * as jobs from "../../db/queries/jobs";
import { postTypes } from "../../db/schema";
import { insertDefaultPostTypes } from "../../db/seed/load";
import { openWebDb } from "../../db/web";
import { enqueueJob } from "../../src/jobs/enqueue";
import { queueNotifier } from "../../src/jobs/worker-jobs";
import { createAssessment } from "../../src/services/assessments";
import { createCadre } from "../../src/services/cadres";
import { createRegion } from "../../src/services/regions";
import { startRerank } from "../../src/services/rerank";
import { snapshotPostTypes } from "../../src/services/scoring-profiles";
import { createSuggestions } from "../../src/services/suggestions";
import worker from "../../src/worker";

/**
 * Jobs in workerd against the libSQL (Hrana) test server: a re-rank job announced on the JOBS queue
 * (wrangler.toml) is run by the worker's queue consumer; one nobody announced by the cron trigger.
 */
const bindings = env as unknown as { DATABASE_URL: string; JOBS: { send(body: unknown): Promise<void> } };
const db = () => openWebDb(bindings.DATABASE_URL);
let n = 0;
const services = () => ({
  db: db(),
  clock: { now: () => new Date() },
  newId: () => `wj-${Date.now()}-${++n}`,
});

const stens = (shift: number) => ({
  A: 6,
  B: 7,
  C: 7,
  E: 5,
  F: 5,
  G: 7,
  H: 6,
  I: 4,
  L: 4,
  M: 5,
  N: 5,
  O: 3,
  Q1: 5,
  Q2: 5,
  Q3: 7,
  Q4: 3 + shift,
});

async function waitFor(id: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const job = await jobs.findJob(db(), id);
    if (job?.status === status) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  const job = await jobs.findJob(db(), id);
  throw new Error(`job ${id} did not reach ${status}: ${job?.status} ${job?.error ?? ""}`);
}

async function seed() {
  const s = services();
  // The shipped post types, unless another test file of this database loaded them already (one
  // of them adds a post type of its own).
  const [row] = await s.db.select({ n: count() }).from(postTypes).where(eq(postTypes.code, "deputy-head"));
  if ((row?.n ?? 0) === 0)
    await writeTransaction(s.db, (tx) => insertDefaultPostTypes(tx, new Date().toISOString()));
  await snapshotPostTypes(s, "worker job test");
  await createRegion(s, { code: "JQ", name: "九曲市", level: "city" });
  await createRegion(s, { code: "JQ1", name: "一县", level: "county", parent: "JQ" });
  const ids = Array.from({ length: 6 }, (_, i) => `jq-${i}`);
  for (const [i, id] of ids.entries()) {
    await createCadre(s, {
      id,
      name: `候选${i}`,
      gender: i % 2 ? "female" : "male",
      birthYear: 1978 + i,
      education: "master",
      birthRegion: "JQ",
      growthRegion: "JQ",
      currentRegion: "JQ1",
      rank: "division",
      reserve: true,
    } as Parameters<typeof createCadre>[1]);
    await createAssessment(s, id, { takenOn: "2026-01-10", stens: stens(i % 3) });
  }
  const result = await createSuggestions(s, {
    team: { region: "JQ1", seats: [{ post: "deputy-head" }, { post: "propaganda-head" }] },
    pool: { include: ids },
    top: 3,
    robustnessSamples: 0,
  });
  return { ids, requestId: result.id };
}

describe("jobs in the worker runtime", () => {
  it("runs a re-rank job through the JOBS queue consumer and another through the cron trigger", async () => {
    const { ids, requestId } = await seed();
    const s = services();
    // A changed cadre, announced on the queue: miniflare delivers the message to the consumer.
    await createAssessment(s, ids[1] as string, {
      takenOn: "2026-06-10",
      stens: { ...stens(0), C: 10, G: 10, Q3: 10 },
    });
    const viaQueue = await startRerank(
      { ...s, jobs: queueNotifier(bindings.JOBS) },
      { cadreIds: [ids[1] as string] },
    );
    const done = await waitFor(viaQueue, "succeeded");
    expect(done.attempts).toBe(1);
    expect(done.runner).toMatch(/^worker-/);
    expect(done.result).toMatchObject({ scope: "cadres", requests: { total: expect.any(Number) } });
    expect((done.result as { requests: { researched: number } }).requests.researched).toBeGreaterThanOrEqual(
      1,
    );

    // A job nobody announced: the scheduled handler sweeps it up.
    const silent = await enqueueJob(
      s.db,
      { kind: "rerank", payload: { scope: "all" } },
      { clock: s.clock, newId: s.newId },
    );
    expect((await jobs.findJob(db(), silent))?.status).toBe("queued");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    const swept = await jobs.findJob(db(), silent);
    expect(swept).toMatchObject({ status: "succeeded", attempts: 1 });
    const report = swept?.result as { requests: { total: number } } | undefined;
    expect(report?.requests.total).toBeGreaterThanOrEqual(1);
    expect(requestId).toBeTruthy();
  });
});
