import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { postTypes } from "../../db/schema";
import { insertDefaultPostTypes } from "../../db/seed/load";
import { openWebDb } from "../../db/web";
import { createAssessment } from "../../src/services/assessments";
import { createCadre } from "../../src/services/cadres";
import { createRegion } from "../../src/services/regions";
import { snapshotPostTypes } from "../../src/services/scoring-profiles";
import { createSuggestions, getSuggestions } from "../../src/services/suggestions";
import worker from "../../src/worker";

/**
 * Stale markers against a libSQL server (the Hrana test server): the change log's triggers run on
 * the server, in the write's transaction; the cron sweep runs the re-rank they queued.
 */
const bindings = env as unknown as { DATABASE_URL: string };
let n = 0;
const services = () => ({
  db: openWebDb(bindings.DATABASE_URL),
  clock: { now: () => new Date() },
  newId: () => `ws-${Date.now()}-${++n}`,
});
const stens = (q4: number) => ({
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
  Q4: q4,
});
type Marker = { reasons: { code: string; cadreId?: string }[] } | null;

describe("stale markers on a libSQL server", () => {
  it("a new assessment marks a saved suggestion at once; the cron's re-rank clears it", async () => {
    const s = services();
    const [row] = await s.db.select({ n: count() }).from(postTypes).where(eq(postTypes.code, "deputy-head"));
    if ((row?.n ?? 0) === 0)
      await writeTransaction(s.db, (tx) => insertDefaultPostTypes(tx, new Date().toISOString()));
    await snapshotPostTypes(s, "worker stale test");
    await createRegion(s, { code: "SZ", name: "双洲市", level: "city" });
    await createRegion(s, { code: "SZ1", name: "一县", level: "county", parent: "SZ" });
    const ids = ["sz-0", "sz-1", "sz-2"];
    for (const [i, id] of ids.entries()) {
      await createCadre(s, {
        id,
        name: `后备${i}`,
        gender: i % 2 ? "female" : "male",
        birthYear: 1980 + i,
        education: "master",
        birthRegion: "SZ",
        growthRegion: "SZ",
        currentRegion: "SZ1",
        rank: "division",
        reserve: true,
      } as Parameters<typeof createCadre>[1]);
      await createAssessment(s, id, { takenOn: "2026-01-10", stens: stens(3 + i) });
    }
    const created = await createSuggestions(s, {
      team: { region: "SZ1", seats: [{ post: "deputy-head" }] },
      pool: { include: ids },
      top: 2,
      robustnessSamples: 0,
    });
    const stale = async () => ((await getSuggestions(services(), created.id)) as { stale: Marker }).stale;
    expect(await stale()).toBeNull();

    await createAssessment(s, "sz-1", { takenOn: "2026-06-10", stens: stens(9) });
    const marker = await stale();
    expect(marker?.reasons.map((r) => r.code)).toContain("assessment_added");
    expect(marker?.reasons[0]?.cadreId).toBe("sz-1");

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    expect(await stale()).toBeNull();
  });
});
