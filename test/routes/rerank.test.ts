import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { FACTORS, type FactorRecord } from "../../scoring/factors";
import { InProcessRunner } from "../../src/jobs/in-process";
import { rankingOf } from "../../src/services/rerank";
import { diffRankings, type Ranking, sameRanking, stenChange } from "../../src/services/rerank-diff";
import { currentProfile } from "../../src/services/scoring-profiles";
import {
  prepareSuggestions,
  type SuggestionInput,
  type SuggestionResult,
  solveSuggestions,
} from "../../src/services/suggestions";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";

let t: TestApp;
let ids = 0;
const services = () => ({ db: t.db, clock: fixedClock, newId: () => `rr-${++ids}` });

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
});
afterAll(() => t.close());

interface History {
  items: { version: number; jobId: string | null; diff: unknown; ranking: unknown[] }[];
}

/** Runs every queued job to its end, as the server's runner would. */
async function runJobs() {
  const runner = new InProcessRunner(t.db, services(), { pollMs: 60_000 }).start();
  await runner.idle();
  await runner.stop();
}

const csvOf = (rows: { cadreId: string; takenOn: string; stens: FactorRecord }[]) =>
  [
    `cadreId,takenOn,${FACTORS.join(",")}`,
    ...rows.map((r) => `${r.cadreId},${r.takenOn},${FACTORS.map((f) => r.stens[f]).join(",")}`),
  ].join("\n");

const importCsv = (csv: string) => t.post("/v1/imports?kind=sten", csv, { "content-type": "text/csv" });

async function currentStens(cadreId: string): Promise<FactorRecord> {
  const cadre = (await (await t.get(`/v1/cadres/${cadreId}`)).json()) as {
    assessment: { stens: FactorRecord };
  };
  return cadre.assessment.stens;
}

/** Recomputes a request from scratch on the current data: the reference the job must agree with. */
async function fromScratch(id: string): Promise<Ranking> {
  const s = { db: t.db, clock: fixedClock, newId: () => "scratch" };
  const [row] = (await t.db.query.suggestionRequests.findMany({ where: (r, { eq }) => eq(r.id, id) })) ?? [];
  const profile = await currentProfile(s);
  const solved = solveSuggestions(await prepareSuggestions(s, row?.request as SuggestionInput, profile));
  return rankingOf(0, solved);
}

async function storedVersions(id: string) {
  const rows = await t.db.query.suggestionResults.findMany({
    where: (r, { eq }) => eq(r.requestId, id),
    orderBy: (r, { asc }) => asc(r.version),
  });
  return rows.map((r) => ({ row: r, ranking: rankingOf(r.version, r.results as SuggestionResult) }));
}

/** Stens that suit most posts (the civil-service screening template's centres). */
const strong: FactorRecord = {
  A: 7,
  B: 9,
  C: 9,
  E: 6,
  F: 7,
  G: 9,
  H: 7,
  I: 4,
  L: 3,
  M: 5,
  N: 5,
  O: 2,
  Q1: 6,
  Q2: 4,
  Q3: 9,
  Q4: 2,
};

describe("re-ranking after an import", () => {
  const requests: string[] = [];
  let listed = new Set<string>();
  let reserve: string[] = [];

  it("stores saved requests to re-rank later", async () => {
    const res = await t.get("/v1/cadres?reserve=true&limit=200");
    reserve = ((await res.json()) as { items: { id: string }[] }).items.map((c) => c.id).sort();
    expect(reserve.length).toBeGreaterThan(50);
    const bodies: SuggestionInput[] = [];
    for (let i = 2; i <= 12; i++) {
      const teamId = `T-XJ${String(i).padStart(2, "0")}`;
      bodies.push({ teamId, vacate: [8], top: 3, robustnessSamples: 0 });
      bodies.push({
        teamId,
        vacate: [9, 10],
        top: 2,
        robustnessSamples: 0,
        pool: { exclude: reserve.slice(0, 60) },
      });
    }
    for (const body of bodies) {
      const r = await t.post("/v1/suggestions", body);
      if (r.status === 201) requests.push(((await r.json()) as SuggestionResult).id);
    }
    expect(requests.length).toBeGreaterThanOrEqual(8);
    listed = new Set(
      (await Promise.all(requests.map(storedVersions))).flatMap((v) =>
        v.flatMap((x) => x.ranking.suggestions.flatMap((s) => s.cadreIds as string[])),
      ),
    );
  });

  it("re-ranks exactly the requests a changed cadre can affect; the stored diffs match recomputing from scratch", async () => {
    // A reserve cadre listed nowhere, outside the half of the requests that exclude the first 60.
    const x = reserve.find((id, i) => i < 60 && !listed.has(id)) as string;
    const before = await currentStens(x);
    const res = await importCsv(csvOf([{ cadreId: x, takenOn: "2026-11-20", stens: strong }]));
    expect(res.status, await res.clone().text()).toBe(201);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(jobId).toBeTruthy();
    expect(((await (await t.get(`/v1/jobs/${jobId}`)).json()) as { status: string }).status).toBe("queued");
    await runJobs();
    const job = (await (await t.get(`/v1/jobs/${jobId}`)).json()) as {
      status: string;
      progress: { done: number; total: number };
      result: { requests: Record<string, number>; changes: { requestId: string }[] };
    };
    expect(job.status).toBe("succeeded");
    expect(job.progress.done).toBe(job.progress.total);

    const expectedStens = new Map([[x, stenChange(x, before, strong)]]);
    const truthChanged: string[] = [];
    const jobChanged: string[] = [];
    for (const id of requests) {
      const scratch = await fromScratch(id);
      const versions = await storedVersions(id);
      const first = versions[0]?.ranking as Ranking;
      const latest = versions[versions.length - 1];
      if (!sameRanking(first, scratch)) truthChanged.push(id);
      if (versions.length > 1) {
        jobChanged.push(id);
        expect(latest?.row.jobId).toBe(jobId);
      }
      // Whatever the job did or left alone, the current version is what a full recomputation gives.
      expect(sameRanking(latest?.ranking as Ranking, scratch)).toBe(true);
      if (versions.length > 1) {
        const history = (await (await t.get(`/v1/suggestions/${id}/history`)).json()) as History;
        const stored = history.items[0];
        expect(stored?.version).toBe(2);
        const expected = diffRankings(first, { ...scratch, version: 2 }, expectedStens);
        expect(stored?.diff).toEqual(JSON.parse(JSON.stringify(expected)));
      }
    }
    expect(jobChanged.sort()).toEqual(truthChanged.sort());
    // The change reached some requests and not others (those that exclude the cadre are not involved).
    expect(truthChanged.length).toBeGreaterThan(0);
    expect(truthChanged.length).toBeLessThan(requests.length);
    expect(job.result.requests.changed).toBe(truthChanged.length);
    expect(job.result.requests.not_involved).toBeGreaterThan(0);
    expect(job.result.changes.map((c) => c.requestId).sort()).toEqual(truthChanged.sort());

    const report = (await (await t.get(`/v1/jobs/${jobId}/report`)).json()) as {
      requests: {
        requestId: string;
        diff: { summary: { zh: string; en: string }; entrants: { cadreIds: string[] }[] };
      }[];
    };
    expect(report.requests.map((r) => r.requestId).sort()).toEqual(truthChanged.sort());
    for (const r of report.requests) {
      expect(r.diff.entrants.some((e) => e.cadreIds.includes(x))).toBe(true);
      expect(r.diff.summary.en).toContain(x);
      expect(r.diff.summary.zh).toContain("新进");
    }
  });

  it("leaves alone requests a changed candidate cannot enter (proved by the bound), and re-scores stored teams", async () => {
    const current = new Set(
      (await Promise.all(requests.map(storedVersions))).flatMap((v) =>
        v.flatMap((x) => x.ranking.suggestions.flatMap((s) => s.cadreIds as string[])),
      ),
    );
    const y = reserve.find((id, i) => i >= 60 && !current.has(id)) as string;
    const team = (await (await t.get("/v1/teams/T-XJ05")).json()) as { seats: { cadreId: string | null }[] };
    const holder = team.seats.find((s) => s.cadreId)?.cadreId as string;
    const weak = Object.fromEntries(FACTORS.map((f) => [f, 5])) as FactorRecord;
    const res = await importCsv(
      csvOf([
        { cadreId: y, takenOn: "2026-11-21", stens: weak },
        { cadreId: holder, takenOn: "2026-11-21", stens: strong },
      ]),
    );
    expect(res.status).toBe(201);
    const { jobId } = (await res.json()) as { jobId: string };
    await runJobs();
    const job = (await (await t.get(`/v1/jobs/${jobId}`)).json()) as {
      status: string;
      result: { requests: Record<string, number>; teams: { changed: number } };
    };
    expect(job.status).toBe("succeeded");
    expect(job.result.requests.cannot_enter).toBeGreaterThan(0);
    for (const id of requests) {
      const versions = await storedVersions(id);
      expect(sameRanking(versions[versions.length - 1]?.ranking as Ranking, await fromScratch(id))).toBe(
        true,
      );
    }
    // The holder's team is re-scored: its stored score is what scoring the team now gives.
    const report = (await (await t.get(`/v1/jobs/${jobId}/report`)).json()) as {
      teams: { teamId: string; version: number; score: number; diff: unknown }[];
    };
    const entry = report.teams.find((e) => e.teamId === "T-XJ05");
    const scored = (await (await t.get("/v1/teams/T-XJ05/score")).json()) as { score: number };
    expect(entry).toMatchObject({ version: 1, diff: null });
    expect(entry?.score).toBeCloseTo(scored.score, 12);
    expect(report.teams.every((e) => e.teamId === "T-XJ05")).toBe(true);

    // Changing the holder again gives version 2 with the score delta explained.
    const again = await importCsv(csvOf([{ cadreId: holder, takenOn: "2026-11-22", stens: weak }]));
    const second = ((await again.json()) as { jobId: string }).jobId;
    await runJobs();
    const next = (await (await t.get(`/v1/jobs/${second}/report`)).json()) as {
      teams: {
        teamId: string;
        version: number;
        score: number;
        diff: { scoreDelta: number; summary: { en: string } };
      }[];
    };
    const rescored = (await (await t.get("/v1/teams/T-XJ05/score")).json()) as { score: number };
    const v2 = next.teams.find((e) => e.teamId === "T-XJ05");
    expect(v2?.version).toBe(2);
    expect(v2?.diff.scoreDelta).toBeCloseTo(rescored.score - scored.score, 12);
    expect(v2?.diff.summary.en).toContain(`${holder}'s new assessment`);
  });

  it("POST /v1/rerank queues a job over everything; a re-rank that changes nothing stores no version", async () => {
    const res = await t.post("/v1/rerank", { reason: "check" });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(res.headers.get("location")).toBe(`/v1/jobs/${jobId}`);
    const counts = await Promise.all(requests.map(async (id) => (await storedVersions(id)).length));
    await runJobs();
    const job = (await (await t.get(`/v1/jobs/${jobId}`)).json()) as {
      status: string;
      result: { scope: string; requests: Record<string, number> };
    };
    expect(job).toMatchObject({ status: "succeeded", result: { scope: "all" } });
    expect(job.result.requests.researched).toBe(requests.length);
    expect(job.result.requests.changed).toBe(0);
    expect(await Promise.all(requests.map(async (id) => (await storedVersions(id)).length))).toEqual(counts);
  });

  it("rejects bad bodies and unknown jobs", async () => {
    const bad = await t.post("/v1/rerank", { cadreIds: ["bad id!"] });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).field).toBe("cadreIds.0");
    const extra = await t.post("/v1/rerank", { everything: true });
    expect((await problem(extra)).code).toBe("validation_failed");
    const missing = await t.get("/v1/jobs/nope");
    expect(missing.status).toBe(404);
    expect((await problem(missing)).code).toBe("not_found");
    expect((await t.get("/v1/jobs/nope/report")).status).toBe(404);
  });
});
