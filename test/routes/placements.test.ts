import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoCity } from "../../db/seed/load";
import { InProcessRunner } from "../../src/jobs/in-process";
import { fixedClock, problem, type TestApp, testApp } from "../support/app";
import { rowCounts } from "../support/db";

let t: TestApp;
let jobIds = 0;
beforeAll(async () => {
  t = await testApp();
  await loadDemoCity(t.db, fixedClock.now());
});
afterAll(() => t.close());

interface Placement {
  id: string;
  cadreId: string;
  teamId: string | null;
  region: string;
  post: string;
  placedOn: string;
  source: string;
  sourceId: string | null;
  fit: number;
  teamScore: number;
  profileVersion: number;
}
interface Suggestion {
  rank: number;
  score: number;
  assignment: { seat: number; post: string; cadreId: string | null; filled: boolean }[];
}
interface Team {
  id: string;
  region: string;
  seats: { position: number; post: string; cadreId: string | null }[];
}

const json = async <T>(res: Response, status: number): Promise<T> => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};

/** Each seat's person–post fit, as `POST /v1/score` computes it for these seats. */
async function seatFits(region: string, seats: { post: string; cadreId: string | null }[]) {
  const scored = await json<{ seats: { fit: number | null }[]; score: number }>(
    await t.post("/v1/score", { region, detail: "summary", seats }),
    200,
  );
  return scored;
}

let acceptedOnce: Promise<{
  requestId: string;
  team: Team;
  chosen: Suggestion;
  placements: Placement[];
  teamAfter: Team;
}>;
/** Asks for suggestions for the first demo team (from T-XJ06) that can be filled, and accepts #1, once. */
function accepted() {
  acceptedOnce ??= (async () => {
    for (let i = 6; i <= 12; i++) {
      const teamId = `T-XJ${String(i).padStart(2, "0")}`;
      const res = await t.post("/v1/suggestions", { teamId, top: 2, seed: 3, robustnessSamples: 0 });
      if (res.status !== 201) continue;
      const result = (await res.json()) as { id: string; status: string; suggestions: Suggestion[] };
      if (result.status === "infeasible" || result.suggestions.length === 0) continue;
      const team = await json<Team>(await t.get(`/v1/teams/${teamId}`), 200);
      const done = await json<{ placements: Placement[]; appliedTeams: string[]; rank: number }>(
        await t.as("staff").post(`/v1/suggestions/${result.id}/accept`, { rank: 1, placedOn: "2024-03-01" }),
        201,
      );
      expect(done.appliedTeams).toEqual([teamId]);
      const teamAfter = await json<Team>(await t.get(`/v1/teams/${teamId}`), 200);
      return {
        requestId: result.id,
        team,
        chosen: result.suggestions[0] as Suggestion,
        placements: done.placements,
        teamAfter,
      };
    }
    throw new Error("no fillable demo team");
  })();
  return acceptedOnce;
}

/** Every demo cadre (id, birth region), read once. */
let cadreList: Promise<{ id: string; birthRegion: string }[]>;
function cadres() {
  cadreList ??= (async () => {
    const out: { id: string; birthRegion: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; birthRegion: string }[]; nextCursor: string | null } = await json(
        await t.get(`/v1/cadres?limit=200${cursor ? `&cursor=${cursor}` : ""}`),
        200,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  })();
  return cadreList;
}

describe("accepting a suggestion", () => {
  it("records a placement for each filled seat with the fit, score and profile version, and sets the seats", async () => {
    const { requestId, team, chosen, placements, teamAfter } = await accepted();
    const filled = chosen.assignment.filter((a) => a.filled);
    expect(placements.map((p) => p.cadreId).sort()).toEqual(filled.map((a) => a.cadreId).sort());
    const fits = await seatFits(
      team.region,
      chosen.assignment.map((a) => ({ post: a.post, cadreId: a.cadreId })),
    );
    expect(fits.score).toBeCloseTo(chosen.score, 9);
    for (const p of placements) {
      const a = filled.find((x) => x.cadreId === p.cadreId)!;
      expect(p).toMatchObject({
        teamId: team.id,
        region: team.region,
        post: a.post,
        placedOn: "2024-03-01",
        source: "suggestion",
        sourceId: requestId,
      });
      expect(p.teamScore).toBeCloseTo(chosen.score, 12);
      expect(p.fit).toBeCloseTo(fits.seats[a.seat]!.fit!, 12);
      expect(p.profileVersion).toBeGreaterThanOrEqual(1);
    }
    // The team now holds exactly the accepted assignment.
    expect(teamAfter.seats.map((s) => s.cadreId)).toEqual(chosen.assignment.map((a) => a.cadreId));

    const listed = await json<{ items: Placement[] }>(await t.get(`/v1/placements?teamId=${team.id}`), 200);
    expect(listed.items.map((p) => p.id).sort()).toEqual(placements.map((p) => p.id).sort());
  });

  it("refuses to accept the same request twice (409 already_accepted), and an unknown rank or request", async () => {
    const { requestId } = await accepted();
    const again = await t.post(`/v1/suggestions/${requestId}/accept`, { rank: 1 });
    expect(again.status).toBe(409);
    expect(await problem(again)).toMatchObject({ code: "already_accepted", field: "id" });
    const badRank = await problem(await t.post(`/v1/suggestions/${requestId}/accept`, { rank: 9 }));
    expect(badRank).toMatchObject({ status: 422, field: "rank" });
    expect((await t.post("/v1/suggestions/no-such/accept", { rank: 1 })).status).toBe(404);
  });

  it("records placements without touching any team for a team given inline", async () => {
    let result: { id: string; suggestions: Suggestion[] } | undefined;
    for (let i = 12; i >= 6 && !result; i--) {
      // A demo team's seats given inline (never stored as this request's team).
      const team = await json<Team>(await t.get(`/v1/teams/T-XJ${String(i).padStart(2, "0")}`), 200);
      if (team.seats.every((s) => s.cadreId)) continue;
      const res = await t.post("/v1/suggestions", {
        team: { region: team.region, seats: team.seats.map((s) => ({ post: s.post, cadreId: s.cadreId })) },
        top: 1,
        seed: 2,
        robustnessSamples: 0,
      });
      const body = (await res.json()) as { id: string; status: string; suggestions: Suggestion[] };
      if (res.status === 201 && body.suggestions.length > 0) result = body;
    }
    if (!result) throw new Error("no fillable demo team");
    const filled = result.suggestions[0]!.assignment.filter((a) => a.filled).length;
    const before = await rowCounts(t.db);
    const done = await json<{ placements: Placement[]; appliedTeams: string[] }>(
      await t.post(`/v1/suggestions/${result.id}/accept`, { rank: 1, apply: true }),
      201,
    );
    expect(done.appliedTeams).toEqual([]);
    expect(done.placements).toHaveLength(filled);
    expect(done.placements.every((p) => p.teamId === null && p.placedOn === "2026-11-25")).toBe(true);
    const after = await rowCounts(t.db);
    expect(after.placements).toBe((before.placements ?? 0) + filled);
    expect(after.seats).toBe(before.seats);
  });
});

describe("manual placements and outcomes", () => {
  it("computes the fit and team score now, and lists and reads the placement", async () => {
    const cadre = (await cadres())[40]!;
    const alone = await seatFits("XJ02", [{ post: "county-head", cadreId: cadre.id }]);
    // Scored in the region's current team with the cadre in its county-head seat — as the cadre's
    // record reads before the placement sets it.
    const team = await json<Team>(await t.get("/v1/teams/T-XJ02"), 200);
    const seats = team.seats.map((s) => ({
      post: s.post,
      cadreId: s.cadreId === cadre.id ? null : s.cadreId,
    }));
    const at = seats.findIndex((s) => s.post === "county-head");
    seats[at] = { post: "county-head", cadreId: cadre.id };
    const teamScore = (await seatFits("XJ02", seats)).score;
    const p = await json<Placement>(
      await t.post("/v1/placements", {
        cadreId: cadre.id,
        region: "XJ02",
        post: "county-head",
        placedOn: "2019-09-01",
      }),
      201,
    );
    expect(p.fit).toBeCloseTo(alone.seats[0]!.fit!, 12);
    expect(p).toMatchObject({ source: "manual", sourceId: null, teamId: "T-XJ02", placedOn: "2019-09-01" });
    expect(p.teamScore).toBeCloseTo(teamScore, 9);
    const read = await json<Placement & { outcomes: unknown[] }>(await t.get(`/v1/placements/${p.id}`), 200);
    expect(read).toMatchObject({ id: p.id, outcomes: [] });
    const byCadre = await json<{ items: Placement[] }>(
      await t.get(`/v1/placements?cadreId=${cadre.id}`),
      200,
    );
    expect(byCadre.items.map((x) => x.id)).toContain(p.id);
  });

  it("answers a placement for an unknown cadre, post or team with a 422 naming the field", async () => {
    const base = { cadreId: "C0001", region: "XJ02", post: "county-head", placedOn: "2020-01-01" };
    for (const [patch, field] of [
      [{ cadreId: "C9999" }, "cadreId"],
      [{ post: "no-such-post" }, "post"],
      [{ region: "NOPE" }, "region"],
      [{ teamId: "T-NOPE" }, "teamId"],
      [{ teamId: "T-XJ03" }, "teamId"],
      [{ placedOn: "2020-13-01" }, "placedOn"],
    ] as const) {
      const res = await t.post("/v1/placements", { ...base, ...patch });
      const p = await problem(res);
      expect(p.status, JSON.stringify(patch)).toBe(422);
      expect(p.field).toBe(field);
    }
    expect((await t.get("/v1/placements/no-such")).status).toBe(404);
  });

  it("records appraisals by English code or Chinese label, one per year", async () => {
    const cadre = (await cadres())[41]!;
    const p = await json<Placement>(
      await t.post("/v1/placements", {
        cadreId: cadre.id,
        region: "XJ02",
        post: "deputy-head",
        placedOn: "2022-05-01",
      }),
      201,
    ).catch(async () =>
      json<Placement>(
        await t.post("/v1/placements", {
          cadreId: cadre.id,
          region: "XJ02",
          post: "county-head",
          placedOn: "2022-05-01",
        }),
        201,
      ),
    );
    const first = await json<{ grade: string; label: { zh: string; en: string } }>(
      await t.post(`/v1/placements/${p.id}/outcomes`, { year: 2023, grade: "称职", notes: "适应良好" }),
      201,
    );
    expect(first).toMatchObject({ grade: "competent", label: { zh: "称职", en: "competent" } });
    await json(await t.post(`/v1/placements/${p.id}/outcomes`, { year: 2024, grade: "excellent" }), 201);

    const dup = await problem(await t.post(`/v1/placements/${p.id}/outcomes`, { year: 2023, grade: "优秀" }));
    expect(dup).toMatchObject({ status: 409, field: "year" });
    const bad = await problem(await t.post(`/v1/placements/${p.id}/outcomes`, { year: 2025, grade: "良好" }));
    expect(bad).toMatchObject({ status: 422, field: "grade" });
    expect(bad.detail).toContain("基本称职");
    expect(bad.detail).toContain("incompetent");
    const early = await problem(
      await t.post(`/v1/placements/${p.id}/outcomes`, { year: 2021, grade: "称职" }),
    );
    expect(early).toMatchObject({ status: 422, field: "year" });
    const future = await problem(
      await t.post(`/v1/placements/${p.id}/outcomes`, { year: 2027, grade: "称职" }),
    );
    expect(future).toMatchObject({ status: 422, field: "year" });
    expect((await t.post("/v1/placements/no-such/outcomes", { year: 2024, grade: "称职" })).status).toBe(404);

    const read = await json<{ outcomes: { year: number; grade: string; notes: unknown }[] }>(
      await t.get(`/v1/placements/${p.id}`),
      200,
    );
    expect(read.outcomes).toEqual([
      expect.objectContaining({ year: 2023, grade: "competent", notes: { text: "适应良好" } }),
      expect.objectContaining({ year: 2024, grade: "excellent", notes: null }),
    ]);
  });
});

describe("importing appraisals", () => {
  async function placed(index: number, placedOn: string) {
    const cadre = (await cadres())[index]!;
    return json<Placement>(
      await t.post("/v1/placements", { cadreId: cadre.id, region: "XJ04", post: "county-head", placedOn }),
      201,
    );
  }

  it("takes Chinese headers in UTF-8 with BOM; a bad row makes it write nothing, listing lines and columns", async () => {
    const a = await placed(50, "2021-06-01");
    const b = await placed(51, "2021-06-02");
    const good = `\uFEFF任职编号,干部编号,任职日期,年度,考核等次,备注\r\n${a.id},,,2024,优秀,\r\n,${b.cadreId},2021-06-02,2024,基本称职,"需要跟踪, 调整分工"\r\n`;
    const bad = `${good}${a.id},,,2025,良好,\r\nno-such,,,2024,称职,\r\n`;
    const before = await rowCounts(t.db);
    const res = await t.post("/v1/placements/outcomes/import", bad, { "content-type": "text/csv" });
    const p = await problem(res);
    expect(p.status).toBe(422);
    const errors = p.errors as unknown as { line: number; column?: string; code: string }[];
    expect(errors).toEqual([
      expect.objectContaining({ line: 4, column: "考核等次", code: "invalid_grade" }),
      expect.objectContaining({ line: 5, column: "任职编号", code: "unknown_placement" }),
    ]);
    expect(await rowCounts(t.db)).toEqual(before);

    const dry = await json<{ dryRun: boolean; created: number; errorCount: number }>(
      await t.post("/v1/placements/outcomes/import?dryRun=true", good, { "content-type": "text/csv" }),
      200,
    );
    expect(dry).toMatchObject({ dryRun: true, created: 2, errorCount: 0 });
    expect(await rowCounts(t.db)).toEqual(before);

    const done = await json<{ created: number; encoding: string }>(
      await t.post("/v1/placements/outcomes/import", good, { "content-type": "text/csv" }),
      201,
    );
    expect(done).toMatchObject({ created: 2, encoding: "utf-8-bom" });
    const readB = await json<{ outcomes: { grade: string; notes: unknown }[] }>(
      await t.get(`/v1/placements/${b.id}`),
      200,
    );
    expect(readB.outcomes).toEqual([
      expect.objectContaining({ grade: "basically-competent", notes: { text: "需要跟踪, 调整分工" } }),
    ]);
    // The same file again adds nothing; another grade for a stored year is refused.
    const again = await json<{ created: number; skipped: number }>(
      await t.post("/v1/placements/outcomes/import", good, { "content-type": "text/csv" }),
      201,
    );
    expect(again).toMatchObject({ created: 0, skipped: 2 });
    const conflicting = await problem(
      await t.post("/v1/placements/outcomes/import", `placementId,year,grade\n${a.id},2024,competent\n`, {
        "content-type": "text/csv",
      }),
    );
    expect(conflicting.errors?.[0]).toMatchObject({ code: "conflicts_stored" });
  });

  it("reads GB18030 (Excel's 'CSV (逗号分隔)') and JSON rows", async () => {
    // "干部编号,任职日期,年度,考核等次,备注\r\nC0003,2021-03-01,2025,优秀,表现突出\r\n", made with iconv -t GB18030.
    const hex =
      "b8c9b2bfb1e0bac52cc8ced6b0c8d5c6da2cc4eab6c82cbfbcbacbb5c8b4ce2cb1b8d7a20d0a43303030332c323032312d30332d30312c323032352cd3c5d0e32cb1edcfd6cdbbb3f60d0a";
    const bytes = Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
    const p = await json<Placement>(
      await t.post("/v1/placements", {
        cadreId: "C0003",
        region: "XJ04",
        post: "county-head",
        placedOn: "2021-03-01",
      }),
      201,
    );
    const res = await t.app.request("/v1/placements/outcomes/import", {
      method: "POST",
      headers: { ...t.bearer("staff"), "content-type": "text/csv" },
      body: bytes,
    });
    expect(await json(res, 201)).toMatchObject({ created: 1, encoding: "gb18030" });
    const read = await json<{ outcomes: { grade: string; notes: unknown }[] }>(
      await t.get(`/v1/placements/${p.id}`),
      200,
    );
    expect(read.outcomes).toEqual([
      expect.objectContaining({ grade: "excellent", notes: { text: "表现突出" } }),
    ]);

    const viaJson = await json<{ created: number }>(
      await t.post("/v1/placements/outcomes/import", {
        rows: [{ placementId: p.id, year: 2024, grade: "称职" }],
      }),
      201,
    );
    expect(viaJson.created).toBe(1);
    const badJson = await problem(
      await t.post("/v1/placements/outcomes/import", {
        rows: [{ placementId: p.id, year: "soon", grade: "称职" }],
      }),
    );
    expect(badJson.errors?.[0]).toMatchObject({ field: "rows.0.year", code: "bad_year" });
  });
});

describe("the follow-up list", () => {
  it("flags a low appraisal and a team that has become infeasible, with reasons in Chinese and English", async () => {
    const { team, placements } = await accepted();
    const low = placements[0]!;
    await json(await t.post(`/v1/placements/${low.id}/outcomes`, { year: 2025, grade: "不称职" }), 201);
    const list = await json<{
      items: {
        cadreId: string;
        flagged: boolean;
        reasons: { code: string; message: { zh: string; en: string } }[];
        latestOutcome: { grade: string } | null;
      }[];
      flaggedCount: number;
    }>(await t.get("/v1/follow-up?limit=200"), 200);
    const item = list.items.find((i) => i.cadreId === low.cadreId)!;
    expect(item.flagged).toBe(true);
    expect(item.latestOutcome?.grade).toBe("incompetent");
    expect(item.reasons[0]).toMatchObject({ code: "low-grade" });
    expect(item.reasons[0]!.message.zh).toContain("不称职");
    expect(item.reasons[0]!.message.en).toContain("incompetent");

    // Seat someone born in the county in an avoidance post (R1): the team is now infeasible.
    const posts = await json<{ items: { code: string; avoidance: boolean }[] }>(
      await t.get("/v1/post-types?limit=200"),
      200,
    );
    const avoided = new Set(posts.items.filter((p) => p.avoidance).map((p) => p.code));
    const current = await json<Team>(await t.get(`/v1/teams/${team.id}`), 200);
    const seat = current.seats.find((s) => avoided.has(s.post))!;
    const inTeam = new Set(current.seats.map((s) => s.cadreId));
    const local = (await cadres()).find((c) => c.birthRegion === team.region && !inTeam.has(c.id))!;
    await json(await t.patch(`/v1/teams/${team.id}/seats/${seat.position}`, { cadreId: local.id }), 200);
    const score = await json<{ feasible: boolean }>(await t.get(`/v1/teams/${team.id}/score`), 200);
    expect(score.feasible).toBe(false);

    const flagged = await json<typeof list>(await t.get("/v1/follow-up?flagged=true&limit=200"), 200);
    expect(flagged.items.every((i) => i.flagged)).toBe(true);
    for (const p of placements) {
      const entry = flagged.items.find((i) => i.cadreId === p.cadreId)!;
      const infeasible = entry.reasons.find((r) => r.code === "team-infeasible")!;
      expect(infeasible.message.en).toContain("R1");
      expect(infeasible.message.zh).toContain(team.id);
    }
    const fine = await json<typeof list>(await t.get("/v1/follow-up?flagged=false&limit=200"), 200);
    expect(fine.items.every((i) => !i.flagged && i.reasons.length === 0)).toBe(true);
  });
});

describe("the validity report", () => {
  it("finds the relation in a history where appraisals follow fit, overall and for the post type", async () => {
    const all = await cadres();
    const made: Placement[] = [];
    for (let i = 60; i < 160 && made.length < 40; i++) {
      const res = await t.post("/v1/placements", {
        cadreId: all[i]!.id,
        region: "XJ09",
        post: "organization-head",
        placedOn: `2020-01-${String(1 + (made.length % 28)).padStart(2, "0")}`,
      });
      if (res.status === 201) made.push((await res.json()) as Placement);
    }
    expect(made.length).toBe(40);
    // Grades by fit rank: the best quarter excellent, the worst basically competent.
    const byFit = [...made].sort((a, b) => a.fit - b.fit);
    const grade = (rank: number) => (rank < 10 ? "基本称职" : rank < 30 ? "称职" : "优秀");
    const csv = `placementId,year,grade\n${byFit.map((p, r) => `${p.id},2025,${grade(r)}`).join("\n")}\n`;
    await json(await t.post("/v1/placements/outcomes/import", csv, { "content-type": "text/csv" }), 201);

    const report = await json<{
      withOutcome: number;
      overall: { n: number; fitGrade: { verdict: string; rho: number; n: number } };
      byPostType: {
        post: string;
        n: number;
        fitGrade: { verdict: string; direction: string; ci: { low: number } };
        quartiles: { n: number; excellent: { share: number } }[];
        summary: { zh: string; en: string }[];
      }[];
    }>(await t.as("auditor").get("/v1/validity-report?postType=organization-head"), 200);
    const org = report.byPostType.find((b) => b.post === "organization-head")!;
    expect(org.n).toBeGreaterThanOrEqual(40);
    expect(org.fitGrade).toMatchObject({ verdict: "relation", direction: "positive" });
    expect(org.fitGrade.ci.low).toBeGreaterThan(0);
    expect(org.quartiles[3]!.excellent.share).toBeGreaterThan(org.quartiles[0]!.excellent.share);
    expect(org.summary[0]!.zh).toContain("正相关");
    expect(report.overall.n).toBe(org.n);
    expect(report.byPostType).toHaveLength(1);

    const everything = await json<typeof report>(await t.get("/v1/validity-report"), 200);
    expect(everything.overall.n).toBe(everything.withOutcome);
    expect(everything.byPostType.reduce((s, b) => s + b.n, 0)).toBe(everything.overall.n);
  });

  it("warns that a post type with few appraisals says nothing, and refuses an unknown post type", async () => {
    const report = await json<{
      byPostType: {
        post: string;
        n: number;
        fitGrade: { verdict: string };
        warnings: { code: string; message: { zh: string; en: string } }[];
      }[];
    }>(await t.get("/v1/validity-report"), 200);
    const small = report.byPostType.filter((b) => b.n < 10);
    for (const b of small) {
      expect(b.fitGrade.verdict).toBe("too-few");
      const w = b.warnings.find((x) => x.code === "small-sample" || x.code === "no-outcomes")!;
      expect(w.message.en).toMatch(/too few to say anything|nothing can be said/);
    }
    const bad = await problem(await t.get("/v1/validity-report?postType=no-such-post"));
    expect(bad).toMatchObject({ status: 422, field: "query.postType" });
  });
});

describe("a seated cadre leaves the seat they held", () => {
  /**
   * A one-seat stored team of the cadre's own county (so R10's one local is met), a suggestion
   * request whose pool is that cadre alone (a skill nobody has, plus include), and its #1.
   */
  async function suggestOnly(cadreId: string, teamId: string, region: string, lockedElsewhere = false) {
    await json(await t.post("/v1/teams", { id: teamId, region, seats: [{ post: "deputy-head" }] }), 201);
    const res = await t.post("/v1/suggestions", {
      teamId,
      top: 1,
      seed: 1,
      robustnessSamples: 0,
      pool: { skills: ["no-such-skill"], include: [cadreId] },
    });
    const result = (await res.json()) as { id: string; status: string; suggestions: Suggestion[] };
    return { ...result, lockedElsewhere };
  }

  it("accepting a suggestion empties the cadre's seat in another team, and says so", async () => {
    const list = await cadres();
    for (const other of ["T-XJ09", "T-XJ10", "T-XJ11", "T-XJ12"]) {
      const before = await json<Team>(await t.get(`/v1/teams/${other}`), 200);
      const seat =
        before.seats.find((s) => s.cadreId !== null && s.post === "deputy-head") ??
        before.seats.find((s) => s.cadreId);
      if (!seat?.cadreId) continue;
      const region = list.find((c) => c.id === seat.cadreId)?.birthRegion as string;
      const teamId = `T-MOVE-${other}`;
      const asked = await suggestOnly(seat.cadreId, teamId, region);
      if (asked.status === "infeasible" || asked.suggestions[0]?.assignment[0]?.cadreId !== seat.cadreId)
        continue;
      const done = await json<{
        vacated: { teamId: string; position: number; post: string; cadreId: string }[];
      }>(await t.post(`/v1/suggestions/${asked.id}/accept`, { rank: 1 }), 201);
      const beforeRegion = await json<{ name: string }>(await t.get(`/v1/regions/${before.region}`), 200);
      expect(done.vacated).toEqual([
        {
          teamId: other,
          teamName: (before as Team & { name: string }).name,
          region: before.region,
          regionName: beforeRegion.name,
          position: seat.position,
          post: seat.post,
          cadreId: seat.cadreId,
        },
      ]);
      const after = await json<Team>(await t.get(`/v1/teams/${other}`), 200);
      expect(after.seats.find((s) => s.position === seat.position)?.cadreId).toBeNull();
      // Nobody else moved, and the new team holds the cadre.
      expect(after.seats.filter((s) => s.position !== seat.position)).toEqual(
        before.seats.filter((s) => s.position !== seat.position),
      );
      const moved = await json<Team>(await t.get(`/v1/teams/${teamId}`), 200);
      expect(moved.seats[0]?.cadreId).toBe(seat.cadreId);
      return;
    }
    throw new Error("no seated demo cadre could be suggested alone");
  });

  it("a locked seat held elsewhere refuses the change (409) and changes nothing", async () => {
    const list = await cadres();
    for (const other of ["T-XJ05", "T-XJ06", "T-XJ07", "T-XJ08"]) {
      const before = await json<Team>(await t.get(`/v1/teams/${other}`), 200);
      const seat = before.seats.find((s) => s.cadreId !== null);
      if (!seat?.cadreId) continue;
      const region = list.find((c) => c.id === seat.cadreId)?.birthRegion as string;
      const teamId = `T-LOCK-${other}`;
      const asked = await suggestOnly(seat.cadreId, teamId, region, true);
      if (asked.status === "infeasible" || asked.suggestions[0]?.assignment[0]?.cadreId !== seat.cadreId)
        continue;
      const lock = await t.patch(`/v1/teams/${other}/seats/${seat.position}`, { locked: true });
      expect(lock.status).toBe(200);
      const lockedTeam = await json<Team>(await t.get(`/v1/teams/${other}`), 200);
      const counts = await rowCounts(t.db);
      const refused = await t.post(`/v1/suggestions/${asked.id}/accept`, { rank: 1 });
      expect(refused.status).toBe(409);
      expect(await problem(refused)).toMatchObject({ code: "seat_locked", field: "apply" });
      expect(await json<Team>(await t.get(`/v1/teams/${other}`), 200)).toEqual(lockedTeam);
      expect((await json<Team>(await t.get(`/v1/teams/${teamId}`), 200)).seats[0]?.cadreId).toBeNull();
      expect(await rowCounts(t.db)).toEqual(counts);
      return;
    }
    throw new Error("no seated demo cadre could be suggested alone");
  });
});

describe("carrying out an exchange plan", () => {
  it("records a placement per move, sets the seats, and refuses a second time", async () => {
    const queued = await json<{ id: string }>(
      await t.post("/v1/exchange-plans", {
        teamIds: ["T-XJ01", "T-XJ03"],
        seed: 4,
        budget: { iterations: 20_000 },
      }),
      202,
    );
    const runner = new InProcessRunner(
      t.db,
      { db: t.db, clock: fixedClock, newId: () => `job-${++jobIds}` },
      { pollMs: 60_000 },
    ).start();
    await runner.idle();
    await runner.stop();
    const view = await json<{
      plan: {
        status: string;
        teams: { teamId: string; memberIds: string[]; score: number }[];
        moves: { memberId: string; to: { teamId: string; seat: number; post: string } }[];
      };
    }>(await t.get(`/v1/exchange-plans/${queued.id}`), 200);
    expect(view.plan.status).not.toBe("infeasible");
    expect(view.plan.moves.length).toBeGreaterThan(0);
    const done = await json<{ placements: Placement[]; appliedTeams: string[] }>(
      await t.post(`/v1/exchange-plans/${queued.id}/carry-out`, { placedOn: "2025-01-15" }),
      201,
    );
    expect(done.placements).toHaveLength(view.plan.moves.length);
    for (const move of view.plan.moves) {
      const p = done.placements.find((x) => x.cadreId === move.memberId)!;
      const team = view.plan.teams.find((x) => x.teamId === move.to.teamId)!;
      expect(p).toMatchObject({
        source: "exchange-plan",
        sourceId: queued.id,
        teamId: team.teamId,
        post: move.to.post,
      });
      expect(p.teamScore).toBeCloseTo(team.score, 12);
    }
    for (const team of view.plan.teams) {
      const stored = await json<Team>(await t.get(`/v1/teams/${team.teamId}`), 200);
      expect(stored.seats.map((s) => s.cadreId)).toEqual(team.memberIds);
    }
    const again = await problem(await t.post(`/v1/exchange-plans/${queued.id}/carry-out`, {}));
    expect(again).toMatchObject({ status: 409, code: "already_accepted" });
    expect((await t.post("/v1/exchange-plans/no-such/carry-out", {})).status).toBe(404);
  });
});

describe("who may call, and the audit trail", () => {
  it("records who read which placement and whose follow-up entry", async () => {
    const { placements } = await accepted();
    const p = placements[0]!;
    expect((await t.as("staff").get(`/v1/placements/${p.id}`)).status).toBe(200);
    expect((await t.as("staff").get("/v1/follow-up?limit=200")).status).toBe(200);
    const events = await json<{
      items: { action: string; objectType: string; objectIds: string[]; actorId: string }[];
    }>(await t.as("auditor").get("/v1/audit-events?objectType=placement&limit=200"), 200);
    const reads = events.items.filter((e) => e.action === "read" && e.actorId === t.tokens.staff.id);
    expect(reads.some((e) => e.objectIds.includes(p.id))).toBe(true);
    expect(reads.some((e) => e.objectIds.includes(p.cadreId))).toBe(true);
  });

  it("gives placements to staff, not scorers; the report to auditors too", async () => {
    expect((await t.as("staff").get("/v1/placements")).status).toBe(200);
    expect((await t.as("scorer").get("/v1/placements")).status).toBe(403);
    expect((await t.as("auditor").get("/v1/follow-up")).status).toBe(403);
    expect((await t.as("auditor").get("/v1/validity-report")).status).toBe(200);
    expect((await t.as("scorer").get("/v1/validity-report")).status).toBe(403);
  });
});
