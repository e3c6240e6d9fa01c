/**
 * Stale markers (issue 14, item 1): after each kind of write, the saved results that read what it
 * changed say so (`stale`), the others do not; the re-rank job the write queued clears the markers;
 * a re-rank that fails keeps the marker with its reason.
 *
 * Saved results used throughout, on the demo city:
 * - A: a suggestion for stored team T-XJ08 (default pool: reserve cadres), the request;
 * - B: a suggestion for an inline one-seat team of XJ02, pool "cadres now in XJ02";
 * - P: an exchange plan over T-XJ01, T-XJ03, T-XJ04 (default pool: reserve cadres);
 * - S08, S02: the stored scores of T-XJ08 and T-XJ02 (written by a re-rank of everything).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { FACTORS } from "../../scoring/factors";
import { InProcessRunner } from "../../src/jobs/in-process";
import { fixedClock, type TestApp, testApp } from "../support/app";

interface Reason {
  code: string;
  cadreId?: string;
  kinId?: string;
  relation?: string;
  teamId?: string;
  fields?: string[];
  error?: { code: string };
  message: { zh: string; en: string };
}
interface Marker {
  since: string;
  reasons: Reason[];
  omitted: number;
}
type Key = "A" | "B" | "P" | "S08" | "S02";
const KEYS: Key[] = ["A", "B", "P", "S08", "S02"];

let t: TestApp;
let ids = 0;
const ref = { A: "", B: "", P: "" };
/** A holder of T-XJ02 who is not a reserve cadre (in B's pool, not in A's or P's). */
let xj02Holder = "";
/** A reserve cadre of XJ05 (in A's and P's pools, not in B's). */
let xj05Reserve = "";

async function runJobs() {
  const runner = new InProcessRunner(
    t.db,
    { db: t.db, clock: fixedClock, newId: () => `st-${++ids}` },
    {
      pollMs: 60_000,
    },
  ).start();
  await runner.idle();
  await runner.stop();
}

async function json<T>(path: string): Promise<T> {
  const res = await t.get(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Every saved result's marker. */
async function markers(): Promise<Record<Key, Marker | null>> {
  const stale = (v: { stale: Marker | null }) => v.stale;
  const stored = (v: { stored: { stale: Marker | null } | null }) => {
    if (!v.stored) throw new Error("no stored score");
    return v.stored.stale;
  };
  return {
    A: stale(await json(`/v1/suggestions/${ref.A}`)),
    B: stale(await json(`/v1/suggestions/${ref.B}`)),
    P: stale(await json(`/v1/exchange-plans/${ref.P}`)),
    S08: stored(await json("/v1/teams/T-XJ08/score")),
    S02: stored(await json("/v1/teams/T-XJ02/score")),
  };
}

const codes = (m: Marker | null) => (m ? m.reasons.map((r) => r.code) : []);

/** The results in `affected` read stale with `code`; all others read current. */
async function expectStale(affected: Key[], code: string) {
  const m = await markers();
  for (const key of KEYS)
    if (affected.includes(key)) expect(codes(m[key]), `${key} should be stale`).toContain(code);
    else expect(m[key], `${key} should be current`).toBeNull();
  return m;
}

async function expectAllCurrent() {
  const m = await markers();
  for (const key of KEYS) expect(m[key], `${key} should be current`).toBeNull();
}

const queuedJobs = async () =>
  Number((await t.db.all<{ n: number }>(sql`select count(*) as n from jobs where status = 'queued'`))[0]?.n);

beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
  const a = await t.post("/v1/suggestions", { teamId: "T-XJ08", top: 3, seed: 42, robustnessSamples: 0 });
  expect(a.status).toBe(201);
  ref.A = ((await a.json()) as { id: string }).id;
  const b = await t.post("/v1/suggestions", {
    team: { region: "XJ02", seats: [{ post: "deputy-head" }] },
    pool: { region: "XJ02" },
    top: 2,
    seed: 1,
    robustnessSamples: 0,
  });
  expect(b.status).toBe(201);
  ref.B = ((await b.json()) as { id: string }).id;
  const p = await t.post("/v1/exchange-plans", {
    teamIds: ["T-XJ01", "T-XJ03", "T-XJ04"],
    seed: 3,
    budget: { iterations: 20_000 },
  });
  expect(p.status).toBe(202);
  ref.P = ((await p.json()) as { id: string }).id;
  // Stored team scores: a re-rank of everything scores every team.
  expect((await t.post("/v1/rerank", {})).status).toBe(202);
  const team02 = await json<{ seats: { cadreId: string | null }[] }>("/v1/teams/T-XJ02");
  for (const seat of team02.seats)
    if (seat.cadreId && !(await json<{ reserve: boolean }>(`/v1/cadres/${seat.cadreId}`)).reserve) {
      xj02Holder = seat.cadreId;
      break;
    }
  const reserves = await json<{ items: { id: string }[] }>("/v1/cadres?region=XJ05&reserve=true");
  xj05Reserve = reserves.items[0]?.id ?? "";
  expect(xj02Holder).not.toBe("");
  expect(xj05Reserve).not.toBe("");
}, 120_000);
afterAll(() => t.close());

// Each test starts from current results: whatever an earlier test wrote has been re-ranked.
beforeEach(async () => {
  await runJobs();
  await expectAllCurrent();
}, 120_000);

const patchCadre = async (id: string, body: unknown) => {
  const res = await t.patch(`/v1/cadres/${id}`, body);
  expect(res.status, await res.clone().text()).toBe(200);
};

describe("stale markers after each write", () => {
  it("the issue's kin case: #1's filled cadre gets a lineal kin link to a holder of T-XJ08", async () => {
    const a = await json<{ suggestions: { assignment: { cadreId: string; filled: boolean }[] }[] }>(
      `/v1/suggestions/${ref.A}`,
    );
    const filled = a.suggestions[0]?.assignment.find((x) => x.filled)?.cadreId as string;
    const holder = a.suggestions[0]?.assignment.find((x) => !x.filled)?.cadreId as string;
    const names = {
      filled: (await json<{ name: string }>(`/v1/cadres/${filled}`)).name,
      holder: (await json<{ name: string }>(`/v1/cadres/${holder}`)).name,
    };
    await patchCadre(filled, { kin: [{ cadreId: holder, relation: "lineal" }] });
    const m = await expectStale(["A"], "kin_added");
    const reason = m.A?.reasons.find((r) => r.code === "kin_added") as Reason;
    expect([reason.cadreId, reason.kinId].sort()).toEqual([filled, holder].sort());
    expect(reason.relation).toBe("lineal");
    // A person reads names: both cadres', the relation in Chinese.
    expect(reason.message.zh).toContain(names.filled);
    expect(reason.message.zh).toContain(names.holder);
    expect(reason.message.zh).toContain("直系血亲");
    expect(reason.message.en).toContain(names.holder);
    expect(m.A?.since).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The history says it of its newest version too.
    const history = await json<{ stale: Marker | null }>(`/v1/suggestions/${ref.A}/history`);
    expect(codes(history.stale)).toContain("kin_added");

    // The write queued the re-rank: it stores a version without the kin pair, and the marker clears.
    await runJobs();
    const after = await json<{
      version: number;
      stale: Marker | null;
      suggestions: { assignment: { cadreId: string }[] }[];
    }>(`/v1/suggestions/${ref.A}`);
    expect(after.stale).toBeNull();
    expect(after.version).toBeGreaterThan(1);
    for (const s of after.suggestions) expect(s.assignment.map((x) => x.cadreId)).not.toContain(filled);
  });

  it("a new assessment of a holder of T-XJ08", async () => {
    const stens = Object.fromEntries(FACTORS.map((f) => [f, 6]));
    const res = await t.post("/v1/cadres/C0092/assessments", { takenOn: "2026-11-01", stens });
    expect(res.status).toBe(201);
    const m = await expectStale(["A", "S08"], "assessment_added");
    expect(m.A?.reasons.find((r) => r.code === "assessment_added")?.cadreId).toBe("C0092");
  });

  it("an assessment edited, then deleted", async () => {
    const list = await json<{ items: { id: string; takenOn: string }[] }>("/v1/cadres/C0093/assessments");
    const first = list.items[0] as { id: string };
    const stens = Object.fromEntries(FACTORS.map((f) => [f, 7]));
    const res = await t.patch(`/v1/cadres/C0093/assessments/${first.id}`, { stens });
    expect(res.status).toBe(200);
    await expectStale(["A", "S08"], "assessment_edited");
    await runJobs();
    await expectAllCurrent();
    // A second assessment to delete, so that the holder keeps one.
    const added = await t.post("/v1/cadres/C0093/assessments", { takenOn: "2020-01-01", stens });
    const addedId = ((await added.json()) as { id: string }).id;
    await runJobs();
    expect((await t.del(`/v1/cadres/C0093/assessments/${addedId}`)).status).toBe(204);
    await expectStale(["A", "S08"], "assessment_deleted");
  });

  it("a cadre edit (a holder's years in the locality), named by field", async () => {
    const cadre = await json<{ yearsInLocality: number }>("/v1/cadres/C0094");
    await patchCadre("C0094", { yearsInLocality: cadre.yearsInLocality + 0.5 });
    const m = await expectStale(["A", "S08"], "cadre_edited");
    const reason = m.A?.reasons.find((r) => r.code === "cadre_edited") as Reason;
    expect(reason.fields).toEqual(["yearsInLocality"]);
    expect(reason.message.zh).toContain("在当地任职年限");
  });

  it("a write scoring does not read (a cadre's name, a team's name) marks nothing", async () => {
    await patchCadre("C0094", { name: "改名测试" });
    expect((await t.patch("/v1/teams/T-XJ08", { name: "浔江测试班子" })).status).toBe(200);
    await expectAllCurrent();
  });

  it("a reserve cadre's preferences: the exchange plan only (suggestions do not read them)", async () => {
    await patchCadre(xj05Reserve, { preferences: [{ region: "XJ03", post: "deputy-head" }] });
    await expectStale(["P"], "preferences_changed");
  });

  it("a post-type edit: a new profile version, every result", async () => {
    const post = await json<{ idealProfile: Record<string, { min: number; max: number; weight: number }> }>(
      "/v1/post-types/deputy-head",
    );
    const [factor, range] = Object.entries(post.idealProfile)[0] as [string, { weight: number }];
    const res = await t.patch("/v1/post-types/deputy-head", {
      idealProfile: { ...post.idealProfile, [factor]: { ...range, weight: range.weight + 0.5 } },
    });
    expect(res.status).toBe(200);
    const m = await expectStale(KEYS, "profile_changed");
    expect(m.S08?.reasons.find((r) => r.code === "profile_changed")?.message.en).toContain("deputy-head");
  });

  it("a scoring-profile change: every result", async () => {
    const res = await t.post("/v1/scoring-profiles", { weights: { fit: 0.41 }, note: "fit weight up" });
    expect(res.status).toBe(201);
    await expectStale(KEYS, "profile_changed");
  });

  it("a seat edit of T-XJ08: its suggestion and its score, nothing else", async () => {
    const res = await t.patch("/v1/teams/T-XJ08/seats/10", { cadreId: null });
    expect(res.status).toBe(200);
    const m = await expectStale(["A", "S08"], "seat_changed");
    expect(m.S08?.reasons[0]?.message.zh).toContain("第11个职位");
  });

  it("a team edit (seats replaced) of T-XJ03: the exchange plan over it", async () => {
    const team = await json<{ seats: { post: string; cadreId: string | null }[] }>("/v1/teams/T-XJ03");
    const seats = team.seats.map((s) => ({ post: s.post, cadreId: s.cadreId }));
    const held = seats.filter((s) => s.cadreId !== null);
    (held[held.length - 1] as { cadreId: string | null }).cadreId = null;
    expect((await t.patch("/v1/teams/T-XJ03", { seats })).status).toBe(200);
    await expectStale(["P"], "seat_changed");
  });

  it("an import of a non-reserve XJ02 holder's assessment: B and T-XJ02's score", async () => {
    const csv = [
      `cadreId,takenOn,${FACTORS.join(",")}`,
      `${xj02Holder},2026-10-01,${FACTORS.map(() => 8).join(",")}`,
    ].join("\n");
    const res = await t.post("/v1/imports?kind=sten", csv, { "content-type": "text/csv" });
    expect(res.status).toBe(201);
    await expectStale(["B", "S02"], "assessment_added");
  });

  it("a placement: accepting A's #1 fills T-XJ08's seats", async () => {
    const res = await t.post(`/v1/suggestions/${ref.A}/accept`, { rank: 1 });
    expect(res.status, await res.clone().text()).toBe(201);
    const m = await markers();
    expect(codes(m.A)).toContain("seat_changed");
    expect(codes(m.S08)).toContain("seat_changed");
    expect(m.S02).toBeNull();
    // T-XJ08 has no vacancy left: A cannot be re-ranked, and says so.
    await runJobs();
    const failed = (await markers()).A?.reasons.find((r) => r.code === "rerank_failed");
    expect(failed?.message.en).toContain("no vacant seat");
    // Vacated again, A can be re-ranked: current.
    expect((await t.patch("/v1/teams/T-XJ08/seats/11", { cadreId: null })).status).toBe(200);
  });

  it("a write by a script on the database itself (no service involved)", async () => {
    await t.db.run(sql`update cadres set years_in_post = years_in_post + 0.25 where id = 'C0095'`);
    await expectStale(["A", "S08"], "cadre_edited");
  });

  it("the import command line (npm run import) in another process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "banzi-stale-"));
    try {
      const file = join(dir, "stens.csv");
      writeFileSync(
        file,
        [`cadreId,takenOn,${FACTORS.join(",")}`, `C0096,2026-10-02,${FACTORS.map(() => 4).join(",")}`].join(
          "\n",
        ),
      );
      await promisify(execFile)(
        "npx",
        ["tsx", "db/import-cli.ts", file, "--url", t.url, "--kind", "sten", "--no-rerank"],
        {
          timeout: 90_000,
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expectStale(["A", "S08"], "assessment_added");
  }, 120_000);
});

describe("the re-rank the write queued", () => {
  it("clears the markers and queues nothing more (its own writes mark nothing)", async () => {
    await patchCadre("C0097", { education: "doctorate" });
    expect(await queuedJobs()).toBe(1);
    await runJobs();
    await expectAllCurrent();
    expect(await queuedJobs()).toBe(0);
  });

  it("that fails for a saved request keeps the marker and adds its reason; a later success clears it", async () => {
    const cadre = await json<{ yearsInPost: number }>("/v1/cadres/C0098");
    // Ten years in one post: the holder must leave (R4, hard), so the stored team cannot be completed.
    await patchCadre("C0098", { yearsInPost: 10.5 });
    await runJobs();
    const m = await markers();
    expect(codes(m.A)).toEqual(expect.arrayContaining(["cadre_edited", "rerank_failed"]));
    const failed = m.A?.reasons.find((r) => r.code === "rerank_failed") as Reason;
    expect(failed.error?.code).toBe("validation_failed");
    expect(failed.message.en).toContain("(R4)");
    expect(failed.message.zh).toContain("重新计算未能完成");
    // The team's stored score is re-scored (an infeasible team still has a score): current.
    expect(m.S08).toBeNull();
    await patchCadre("C0098", { yearsInPost: cadre.yearsInPost });
    await runJobs();
    expect((await markers()).A).toBeNull();
  });
});

describe("announcing the queued re-rank", () => {
  it("tells the job runner after a write, since the trigger that queued the job could not", async () => {
    const told: string[] = [];
    const own = await testApp({ jobs: { notify: (id) => void told.push(id) } });
    try {
      await loadDemoCity(own.db, fixedClock.now());
      const waiting = await own.db.all<{ id: string }>(
        sql`select id from jobs where status = 'queued' and kind = 'rerank'`,
      );
      expect(waiting).toHaveLength(1);
      expect((await own.get("/v1/cadres/C0001")).status).toBe(200);
      expect(told).toEqual([]);
      expect((await own.patch("/v1/cadres/C0001", { yearsInPost: 1.5 })).status).toBe(200);
      expect(told).toEqual([waiting[0]?.id]);
    } finally {
      own.close();
    }
  });
});
