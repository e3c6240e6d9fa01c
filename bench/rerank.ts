/**
 * Benchmarks of issue 5 on the embedded file database (`file:`, as `npm start` runs): re-ranking 500
 * saved suggestion requests over 10,000 cadres after 1,000 of them got a new assessment, end to end
 * (the job as the runner runs it: reading, deciding, re-searching, writing the new versions and
 * diffs in one transaction) — and whether the result is identical to recomputing every request
 * from scratch. The data are synthetic: 50 counties, 10,000 cadres (half reserve), stens drawn
 * through the real factor correlation matrix; each request fills 2–3 vacancies of a county team
 * from that county's reserve cadres (about 100), top 5.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, writeTransaction } from "../db/client";
import { migrateDb, openNodeDb } from "../db/node";
import { factorColumns } from "../db/queries/assessments";
import { assessments, cadreSkills, cadres, regions } from "../db/schema";
import { insertDefaultPostTypes } from "../db/seed/load";
import { FACTORS, type FactorRecord } from "../scoring/factors";
import { sampleStenProfile } from "../scoring/profiles";
import { createRng } from "../scoring/random";
import { systemClock } from "../src/deps";
import { claimAndRun, defaultRunnerOptions } from "../src/jobs/runner";
import { importAssessments } from "../src/services/imports";
import { type RerankReport, rankingOf, rerankAfterImport } from "../src/services/rerank";
import { sameRanking } from "../src/services/rerank-diff";
import { currentProfile } from "../src/services/scoring-profiles";
import {
  createSuggestions,
  prepareSuggestions,
  type SuggestionInput,
  type SuggestionResult,
  solveSuggestions,
} from "../src/services/suggestions";

export const COUNTIES = Array.from({ length: 50 }, (_, i) => `B${String(i + 1).padStart(2, "0")}`);
const RANKS = ["section", "deputy-division", "division"] as const;
const EDUCATIONS = ["associate", "bachelor", "master", "doctorate"] as const;
const SKILLS = ["party-building", "economy", "finance", "law", "discipline", "propaganda", "agriculture"];

const services = (db: Db) => ({ db, clock: systemClock, newId: () => crypto.randomUUID() });

export const cadreId = (i: number) => `K${String(i).padStart(5, "0")}`;

/** A new embedded database with the counties, post types and n cadres, each with one assessment. */
export async function seededDb(path: string, n: number) {
  const { db, client } = openNodeDb(`file:${path}`);
  await migrateDb(db);
  const rng = createRng(20_261_125);
  const now = "2026-01-15T00:00:00.000Z";
  await writeTransaction(db, async (tx) => {
    await insertDefaultPostTypes(tx, now);
    await tx
      .insert(regions)
      .values({ code: "BC", name: "基准市", level: "city", createdAt: now, updatedAt: now });
    await tx.insert(regions).values(
      COUNTIES.map((code) => ({
        code,
        name: `${code}县`,
        level: "county" as const,
        parentCode: "BC",
        createdAt: now,
        updatedAt: now,
      })),
    );
    for (let start = 0; start < n; start += 400) {
      const ids = Array.from({ length: Math.min(400, n - start) }, (_, k) => start + k);
      await tx.insert(cadres).values(
        ids.map((i) => ({
          id: cadreId(i),
          name: `干部${i}`,
          gender: rng.next() < 0.3 ? ("female" as const) : ("male" as const),
          birthYear: 1970 + rng.int(20),
          education: rng.pick(EDUCATIONS),
          birthRegion: rng.pick(COUNTIES),
          growthRegion: rng.pick(COUNTIES),
          currentRegion: COUNTIES[i % COUNTIES.length] as string,
          rank: rng.pick(RANKS),
          reserve: Math.floor(i / COUNTIES.length) % 2 === 0,
          yearsInPost: Math.round(rng.next() * 80) / 10,
          yearsInLocality: Math.round(rng.next() * 90) / 10,
          serviceYears: 5 + rng.int(25),
          grassrootsYears: rng.int(12),
          createdAt: now,
          updatedAt: now,
        })),
      );
      await tx
        .insert(cadreSkills)
        .values(ids.map((i) => ({ cadreId: cadreId(i), skill: rng.pick(SKILLS), level: 1 + rng.int(5) })));
      await tx.insert(assessments).values(
        ids.map((i) => ({
          id: `A${i}`,
          cadreId: cadreId(i),
          instrument: "16PF-187",
          takenOn: "2025-06-01",
          norm: null,
          ...factorColumns(sampleStenProfile(rng, { C: 0.8, G: 0.8 }) as FactorRecord, null),
          createdAt: now,
        })),
      );
    }
  });
  return { db, client };
}

/** A CSV (kind sten) of one new assessment for each of `ids`, stens from a seeded generator. */
export function csvFor(ids: readonly string[], takenOn: string, seed: number): Uint8Array {
  const rng = createRng(seed);
  const lines = ids.map((id) => {
    const stens = sampleStenProfile(rng, { C: 0.8, G: 0.8 }) as FactorRecord;
    return `${id},${takenOn},${FACTORS.map((f) => stens[f]).join(",")}`;
  });
  return new TextEncoder().encode([`cadreId,takenOn,${FACTORS.join(",")}`, ...lines].join("\n"));
}

const SEATS: string[][] = [
  ["deputy-head", "propaganda-head"],
  ["deputy-head", "deputy-head"],
  ["executive-deputy-head", "organization-head"],
  ["propaganda-head", "deputy-head", "deputy-head"],
  ["deputy-head", "executive-deputy-head"],
];

export interface RerankBenchRow {
  case: string;
  ms: number;
  detail: string;
}

/** Builds the data, then times the re-rank job after an import of 1,000 changed cadres. */
export async function benchRerank(options: { cadres?: number; requests?: number; changed?: number } = {}) {
  const nCadres = options.cadres ?? 10_000;
  const nRequests = options.requests ?? 500;
  const nChanged = options.changed ?? 1_000;
  const dir = mkdtempSync(join(tmpdir(), "banzi-bench-rerank-"));
  const rows: RerankBenchRow[] = [];
  try {
    const path = join(dir, "bench.db");
    const seeded = await seededDb(path, nCadres);
    let started = performance.now();
    for (let r = 0; r < nRequests; r++) {
      const county = COUNTIES[r % COUNTIES.length] as string;
      const seats = SEATS[Math.floor(r / COUNTIES.length) % SEATS.length] as string[];
      await createSuggestions(services(seeded.db), {
        team: { region: county, seats: seats.map((post) => ({ post })) },
        pool: { region: county, reserve: true },
        top: 5,
        seed: r,
        robustnessSamples: 0,
      });
    }
    rows.push({
      case: `setup: ${nRequests} saved requests`,
      ms: performance.now() - started,
      detail: "not part of the target",
    });
    seeded.client.close();

    const { db, client } = openNodeDb(`file:${path}`);
    try {
      // 1,000 cadres spread over every county get a new assessment (an import queues the job).
      const rng = createRng(7);
      const changed = new Set<string>();
      while (changed.size < nChanged) changed.add(cadreId(rng.int(nCadres)));
      const s = services(db);
      const { summary } = await importAssessments(
        s,
        { format: "csv", bytes: csvFor([...changed].sort(), "2026-11-20", 11) },
        { kind: "sten", onImported: rerankAfterImport(s) },
      );
      const jobId = summary.jobId as string;

      started = performance.now();
      const run = await claimAndRun(db, s, { ...defaultRunnerOptions, runner: "bench" }, jobId);
      const jobMs = performance.now() - started;
      const [job] = await db.query.jobs.findMany({ where: (j, { eq }) => eq(j.id, jobId) });
      const report = job?.result as RerankReport;
      const r = report.requests;
      rows.push({
        case: `re-rank job: ${nRequests} requests, ${nCadres.toLocaleString("en-US")} cadres, ${nChanged} changed`,
        ms: jobMs,
        detail: `${run?.status}; ${r.not_involved} not involved, ${r.cannot_enter} cannot enter (bound), ${r.researched} re-searched, ${r.changed} new versions`,
      });

      // The reference: every request recomputed from scratch on the new data.
      started = performance.now();
      const profile = await currentProfile(s);
      const saved = await db.query.suggestionRequests.findMany({ orderBy: (q, { asc }) => asc(q.id) });
      let identical = 0;
      for (const request of saved) {
        const scratch = rankingOf(
          0,
          solveSuggestions(await prepareSuggestions(s, request.request as SuggestionInput, profile)),
        );
        const versions = await db.query.suggestionResults.findMany({
          where: (v, { eq }) => eq(v.requestId, request.id),
          orderBy: (v, { desc }) => desc(v.version),
          limit: 1,
        });
        const latest = versions[0];
        if (latest && sameRanking(rankingOf(latest.version, latest.results as SuggestionResult), scratch))
          identical++;
      }
      rows.push({
        case: "full recomputation of every request (reference)",
        ms: performance.now() - started,
        detail: `identical to the re-rank: ${identical === saved.length ? "yes" : "NO"} (${identical}/${saved.length})`,
      });
    } finally {
      client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
