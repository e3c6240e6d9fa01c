/**
 * Crash safety (issue 5): a child process is killed with SIGKILL in the middle of an import and in
 * the middle of a re-rank job (while computing, and inside its final transaction). After each kill
 * the database is consistent — the import wholly absent (then wholly present once re-run), the job
 * still resumable with nothing of it applied — and the resumed job ends with exactly what an
 * uninterrupted run on a copy of the same database gives.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { migrateDb, openNodeDb } from "../../db/node";
import { loadDemoCity } from "../../db/seed/load";
import { FACTORS } from "../../scoring/factors";
import { createSuggestions } from "../../src/services/suggestions";
import { fixedClock } from "../support/app";
import { rowCounts } from "../support/db";

const dir = mkdtempSync(join(tmpdir(), "banzi-crash-"));
const path = join(dir, "banzi.db");
const url = `file:${path}`;
const csvPath = join(dir, "round.csv");

function child(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "test/node/crash-child.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the child; kills it with SIGKILL at the first stdout line matching `killAt`. */
function run(
  args: string[],
  killAt?: RegExp,
): Promise<{ killed: boolean; code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const c = child(args);
    let out = "";
    let err = "";
    let killed = false;
    c.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (killAt && !killed && out.split("\n").some((line) => killAt.test(line))) {
        killed = true;
        c.kill("SIGKILL");
      }
    });
    c.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    c.on("error", reject);
    c.on("exit", (code) => resolve({ killed, code, out, err }));
  });
}

/** A checksum of a table's rows (in key order), to say "byte for byte unchanged". */
async function checksum(db: Db, table: string, order: string): Promise<string> {
  const rows = await db.all(sql.raw(`select * from "${table}" order by ${order}`));
  const bytes = new TextEncoder().encode(JSON.stringify(rows));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Buffer.from(digest).toString("hex");
}

async function withDb<T>(dbUrl: string, work: (db: Db) => Promise<T>): Promise<T> {
  const { db, client } = openNodeDb(dbUrl);
  try {
    return await work(db);
  } finally {
    client.close();
  }
}

/**
 * The import's re-rank job. The change log's catch-up re-rank (queued by a trigger on the demo
 * load's and the import's writes; claimed after it) runs too, but is not what these steps kill.
 */
const jobRows = (db: Db) =>
  db.all<{ id: string; status: string; attempts: number; result: string | null }>(
    sql`select id, status, attempts, result from jobs where payload <> '{"scope":"changes"}' order by id`,
  );

/** What a re-rank wrote, without its times: rankings, diffs, team scores. */
async function rerankOutput(db: Db) {
  const results = await db.all<{ request_id: string; version: number; results: string }>(
    sql`select request_id, version, results from suggestion_results order by request_id, version`,
  );
  const diffs = await db.all(
    sql`select request_id, version, from_version, diff from suggestion_diffs order by request_id, version`,
  );
  const teams = await db.all(
    sql`select team_id, version, score, feasible, summary, diff from team_scores order by team_id, version`,
  );
  return {
    results: results.map((r) => {
      const { createdAt: _, ...rest } = JSON.parse(r.results) as Record<string, unknown>;
      return { request: r.request_id, version: r.version, rest };
    }),
    diffs,
    teams,
  };
}

beforeAll(async () => {
  await withDb(url, async (db) => {
    await migrateDb(db);
    await loadDemoCity(db, fixedClock.now());
    let n = 0;
    const services = { db, clock: fixedClock, newId: () => `req-${++n}` };
    for (let i = 2; i <= 12; i++) {
      await createSuggestions(services, {
        teamId: `T-XJ${String(i).padStart(2, "0")}`,
        vacate: [8],
        top: 3,
        robustnessSamples: 0,
      }).catch(() => undefined);
    }
    const cadres = await db.all<{ id: string }>(sql`select id from cadres order by id`);
    // One new assessment for every cadre: stens from a fixed formula.
    const lines = cadres.map(
      ({ id }, i) => `${id},2026-11-20,${FACTORS.map((_, f) => 1 + ((i * 7 + f * 3) % 10)).join(",")}`,
    );
    writeFileSync(csvPath, [`cadreId,takenOn,${FACTORS.join(",")}`, ...lines].join("\n"));
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SIGKILL in the middle of an import and of a re-rank job", () => {
  it("leaves the import wholly absent, then wholly present; the job finishes with what an uninterrupted run gives", async () => {
    const before = await withDb(url, async (db) => ({
      counts: await rowCounts(db),
      assessments: await checksum(db, "assessments", "id"),
    }));

    // 1. Killed inside the import's write transaction, after all its rows were written.
    const hung = await run(["import", url, csvPath, "hang"], /^in-transaction$/);
    expect(hung.killed).toBe(true);
    await withDb(url, async (db) => {
      expect(await rowCounts(db)).toEqual(before.counts);
      expect(await checksum(db, "assessments", "id")).toBe(before.assessments);
    });

    // 2. The same import again, uninterrupted: every row, the batch and its queued re-rank job.
    const imported = await run(["import", url, csvPath]);
    expect(imported.code, imported.err).toBe(0);
    const cadres = before.counts.cadres as number;
    await withDb(url, async (db) => {
      const counts = await rowCounts(db);
      expect(counts.assessments).toBe((before.counts.assessments as number) + cadres);
      expect(counts.import_batches).toBe(1);
      expect((await jobRows(db)).map((j) => j.status)).toEqual(["queued"]);
    });
    const reference = join(dir, "reference.db");
    // The file is in WAL mode: committed pages may still be in banzi.db-wal until a checkpoint.
    await withDb(url, (db) => db.run(sql`pragma wal_checkpoint(TRUNCATE)`));
    copyFileSync(path, reference);

    // 3. Killed while the job computes, then inside its final transaction (its writes uncommitted).
    const computing = await run(["rerank", url, "compute"], /^progress 2 /);
    expect(computing.killed).toBe(true);
    const applying = await run(["rerank", url, "apply"], /^applying$/);
    expect(applying.killed).toBe(true);
    const untouched = await withDb(url, async (db) => {
      const [job] = await jobRows(db);
      expect(job).toMatchObject({ status: "running", attempts: 2, result: null });
      const counts = await rowCounts(db);
      expect(counts.suggestion_diffs).toBe(0);
      expect(counts.team_scores).toBe(0);
      return counts.suggestion_results;
    });
    expect(untouched).toBe(before.counts.suggestion_results);

    // 4. Restarted: the job is resumed (claimed again once the dead runner's lease passed) and finishes.
    const resumed = await run(["rerank", url]);
    expect(resumed.code, resumed.err).toBe(0);
    const afterCrash = await withDb(url, async (db) => ({
      jobs: await jobRows(db),
      output: await rerankOutput(db),
    }));
    expect(afterCrash.jobs).toMatchObject([{ status: "succeeded", attempts: 3 }]);

    // 5. The same job uninterrupted on the copy taken before it started: the same result and writes.
    const straight = await run(["rerank", `file:${reference}`]);
    expect(straight.code, straight.err).toBe(0);
    const clean = await withDb(`file:${reference}`, async (db) => ({
      jobs: await jobRows(db),
      output: await rerankOutput(db),
    }));
    expect(clean.jobs).toMatchObject([{ status: "succeeded", attempts: 1 }]);
    expect(afterCrash.jobs[0]?.result).toBe(clean.jobs[0]?.result);
    expect(afterCrash.output).toEqual(clean.output);
    expect(clean.output.diffs.length).toBeGreaterThan(0);
    expect(clean.output.teams.length).toBeGreaterThan(0);
  }, 180_000);
});
