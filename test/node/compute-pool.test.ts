/**
 * The compute pool (src/compute/pool.ts): tasks run in worker threads that load the TypeScript
 * task code themselves, give exactly what the same task gives inline, report progress, and stop
 * when cancelled — the caller's promise rejects with the signal's reason, and the thread is free
 * for the next task. Also the pool's size setting.
 */
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { inlineCompute } from "../../src/compute";
import { ComputePool } from "../../src/compute/pool";
import { NodeEnvSchema, parseEnv } from "../../src/env";
import { computeThreads } from "../../src/node";
import { currentProfile } from "../../src/services/scoring-profiles";
import { prepareSuggestions, type SuggestionInput } from "../../src/services/suggestions";
import { fixedClock } from "../support/app";
import { tempDb } from "../support/db";

let database: Awaited<ReturnType<typeof tempDb>>;
let pool: ComputePool;

beforeAll(async () => {
  database = await tempDb();
  await loadDemoCity(database.db, fixedClock.now());
  pool = new ComputePool({ threads: 1 });
}, 120_000);

afterAll(async () => {
  await pool?.close();
  database?.close();
});

async function prepared(input: SuggestionInput) {
  const services = { db: database.db, clock: fixedClock, newId: () => "id" };
  return prepareSuggestions(services, input, await currentProfile(services));
}

const vacated = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe("the compute pool", () => {
  it("gives what the same task gives inline, for a seed and an iteration budget", async () => {
    const input = { teamId: "T-XJ03", vacate: vacated, seed: 7, budget: { iterations: 30_000 }, top: 3 };
    const shares: number[] = [];
    const threaded = await pool.run(
      "suggest",
      { prepared: await prepared(input) },
      { onProgress: (share) => shares.push(share) },
    );
    const inline = await inlineCompute.run("suggest", { prepared: await prepared(input) });
    expect(threaded).toEqual(inline);
    expect(threaded.suggestions.length).toBe(3);
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it("stops a cancelled search: the caller gets the signal's reason, and the thread takes the next task", async () => {
    const long = await prepared({ teamId: "T-XJ03", vacate: vacated, budget: { milliseconds: 20_000 } });
    const stop = new AbortController();
    const reason = new Error("cancelled by the test");
    const running = pool.run("suggest", { prepared: long }, { signal: stop.signal });
    // Cancelled once the thread has started on it (progress reported), well inside its 20 s budget.
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort(reason);
    await expect(running).rejects.toBe(reason);
    // The one thread is free again: a short task is answered, which it could not be while the
    // cancelled search still held the thread for the rest of its 20 s.
    const next = await pool.run("suggest", {
      prepared: await prepared({ teamId: "T-XJ03", vacate: vacated, budget: { iterations: 2_000 } }),
    });
    expect(next.suggestions.length).toBeGreaterThan(0);
  }, 60_000);

  it("takes its size from BANZI_COMPUTE_THREADS, by default one less than the cores", () => {
    const parse = (value?: string) =>
      parseEnv(NodeEnvSchema, value === undefined ? {} : { BANZI_COMPUTE_THREADS: value });
    expect(computeThreads(parse())).toBe(Math.max(1, availableParallelism() - 1));
    expect(computeThreads(parse("3"))).toBe(3);
    for (const bad of ["0", "65", "two"])
      expect(() => parse(bad)).toThrow(/BANZI_COMPUTE_THREADS: must be auto or a whole number from 1 to 64/);
  });
});
