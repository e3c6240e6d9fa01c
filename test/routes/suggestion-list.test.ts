/**
 * Where staff find saved suggestions and how a re-ranked one is accepted (issue 14): the list of
 * saved requests (`GET /v1/suggestions`, newest first, per team) with each newest ranking's stale
 * marker; and accepting a rank of a ranking the caller no longer sees — the request was re-ranked
 * after the `version` it names — is refused with 409 `ranking_changed`, nothing written.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { InProcessRunner } from "../../src/jobs/in-process";
import { fixedClock, type TestApp, testApp } from "../support/app";

interface Marker {
  reasons: { code: string }[];
}
interface Item {
  id: string;
  teamId: string | null;
  version: number;
  status: string;
  topScore: number | null;
  suggestions: number;
  stale: Marker | null;
}
interface Result {
  id: string;
  version: number;
  suggestions: { rank: number; score: number; assignment: { cadreId: string | null; filled: boolean }[] }[];
}

let t: TestApp;
let ids = 0;

async function runJobs() {
  const runner = new InProcessRunner(
    t.db,
    { db: t.db, clock: fixedClock, newId: () => `sl-${++ids}` },
    { pollMs: 60_000 },
  ).start();
  await runner.idle();
  await runner.stop();
}

async function json<T>(path: string): Promise<T> {
  const res = await t.get(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const suggest = async (teamId: string, seed: number) => {
  const res = await t.post("/v1/suggestions", { teamId, top: 3, seed, robustnessSamples: 0 });
  expect(res.status).toBe(201);
  return (await res.json()) as Result;
};

const count = async (table: string) =>
  Number((await t.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]?.n);

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
}, 120_000);
afterAll(() => t.close());

describe("GET /v1/suggestions", () => {
  it("lists a team's saved requests with their newest ranking in brief, and marks the one a write made stale", async () => {
    const a = await suggest("T-XJ08", 42);
    const b = await suggest("T-XJ07", 7);
    const page = await json<{ items: Item[]; nextCursor: string | null }>("/v1/suggestions?teamId=T-XJ08");
    expect(page.items.map((x) => x.id)).toEqual([a.id]);
    const item = page.items[0] as Item;
    expect(item).toMatchObject({ teamId: "T-XJ08", version: a.version, suggestions: a.suggestions.length });
    expect(item.topScore).toBe(a.suggestions[0]?.score ?? null);
    expect(item.stale).toBeNull();

    // A holder of T-XJ08 gets a new assessment: A reads stale in the list, B (T-XJ07) does not.
    const holder = a.suggestions[0]?.assignment.find((x) => !x.filled && x.cadreId)?.cadreId as string;
    const stens = Object.fromEntries(
      ["A", "B", "C", "E", "F", "G", "H", "I", "L", "M", "N", "O", "Q1", "Q2", "Q3", "Q4"].map((f) => [f, 6]),
    );
    const res = await t.post(`/v1/cadres/${holder}/assessments`, { takenOn: "2026-11-01", stens });
    expect(res.status, await res.clone().text()).toBe(201);
    const all = await json<{ items: Item[] }>("/v1/suggestions?limit=50");
    const byId = new Map(all.items.map((x) => [x.id, x]));
    expect(byId.get(a.id)?.stale?.reasons.map((r) => r.code)).toContain("assessment_added");
    expect(byId.get(b.id)?.stale).toBeNull();
    await runJobs();
  });

  it("pages newest first with a cursor, and refuses a forged cursor", async () => {
    const first = await json<{ items: Item[]; nextCursor: string | null }>("/v1/suggestions?limit=1");
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await json<{ items: Item[] }>(
      `/v1/suggestions?limit=1&cursor=${encodeURIComponent(first.nextCursor as string)}`,
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect((await t.get("/v1/suggestions?cursor=WyJ6enoiXQ")).status).toBe(422);
  });
});

describe("POST /v1/suggestions/{id}/accept with the version seen", () => {
  it("refuses a rank of a ranking re-ranked since with 409 ranking_changed, and writes nothing", async () => {
    const seen = await suggest("T-XJ07", 5);
    // A re-rank of everything stores a new version only when the ranking changes: force one by
    // changing what scoring reads for the #1's filled cadre (a new assessment far from any post).
    const filled = seen.suggestions[0]?.assignment.find((x) => x.filled)?.cadreId as string;
    const low = Object.fromEntries(
      ["A", "B", "C", "E", "F", "G", "H", "I", "L", "M", "N", "O", "Q1", "Q2", "Q3", "Q4"].map((f) => [f, 1]),
    );
    expect(
      (await t.post(`/v1/cadres/${filled}/assessments`, { takenOn: "2026-11-02", stens: low })).status,
    ).toBe(201);
    await runJobs();
    const now = await json<Result & { stale: Marker | null }>(`/v1/suggestions/${seen.id}`);
    expect(now.stale).toBeNull();
    expect(now.version).toBeGreaterThan(seen.version);

    const before = { placements: await count("placements"), seats: await json("/v1/teams/T-XJ07") };
    const refused = await t.post(`/v1/suggestions/${seen.id}/accept`, { rank: 1, version: seen.version });
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as { code: string; version: number; message: { zh: string } };
    expect(problem.code).toBe("ranking_changed");
    expect(problem.version).toBe(now.version);
    expect(problem.message.zh).toContain("重新排序");
    expect(await count("placements")).toBe(before.placements);
    expect(await json("/v1/teams/T-XJ07")).toEqual(before.seats);

    // Naming the current version accepts (the same rank of the ranking shown now).
    const accepted = await t.post(`/v1/suggestions/${seen.id}/accept`, { rank: 1, version: now.version });
    expect(accepted.status, await accepted.clone().text()).toBe(201);
  });
});
