/**
 * Kept layout tables change nothing in the answer: batches scored through {@link LayoutTables} —
 * first building the tables, then reusing them, then growing them with new members, across
 * regions and layouts, and past the limits — equal batches scored with fresh tables per call.
 */
import { describe, expect, it } from "vitest";
import { defaultScoringProfile } from "../../scoring/default-profile";
import { LayoutTables } from "../../scoring/layout-tables";
import { createRng } from "../../scoring/random";
import { scoreTeamsSummary } from "../../scoring/score-team";
import type { Member, Team } from "../../scoring/types";
import { NINE_POSTS, REGIONS, randomPool } from "./fixtures";

const profile = defaultScoringProfile(2026);

/** `count` teams of distinct members drawn from `pool` (a seat sometimes vacant), in `regions`. */
function draw(pool: Member[], count: number, seed: number, posts: readonly string[] = NINE_POSTS): Team[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const chosen = new Set<Member>();
    while (chosen.size < posts.length) chosen.add(rng.pick(pool));
    const members = [...chosen];
    return {
      region: rng.pick(REGIONS),
      seats: posts.map((post, i) => ({ post, member: rng.next() < 0.05 ? null : (members[i] as Member) })),
    };
  });
}

describe("LayoutTables", () => {
  for (const detail of ["scores", "summary"] as const)
    it(`gives the same ${detail} answers as fresh tables, when built, reused and grown`, () => {
      const pool = randomPool(11, 120);
      const tables = new LayoutTables(profile);
      const first = draw(pool.slice(0, 60), 300, 1);
      const again = draw(pool.slice(0, 60), 300, 2);
      // New members join the kept candidates; a shorter layout is a layout of its own.
      const grown = [...draw(pool, 300, 3), ...draw(pool, 50, 4, NINE_POSTS.slice(0, 5))];
      let broken = 0;
      for (const teams of [first, again, grown, first]) {
        const kept = scoreTeamsSummary(teams, profile, detail, tables);
        const fresh = scoreTeamsSummary(teams, profile, detail);
        expect(kept).toEqual(fresh);
        broken += kept.filter((r) => r.violations.length > 0).length;
      }
      expect(broken).toBeGreaterThan(100);
    });

  it("keeps a layout's tables between calls and grows them only for new members", () => {
    const pool = randomPool(12, 40);
    const tables = new LayoutTables(profile);
    const a = tables.tablesFor("R01", NINE_POSTS, pool.slice(0, 20));
    expect(a?.prep.nCandidates).toBe(20);
    expect(tables.tablesFor("R01", NINE_POSTS, pool.slice(5, 15))).toBe(a);
    const b = tables.tablesFor("R01", NINE_POSTS, pool.slice(15, 30));
    expect(b?.prep.nCandidates).toBe(30);
    // The kept candidates keep their indexes.
    for (const m of pool.slice(0, 20)) expect(b?.index.get(m)).toBe(a?.index.get(m));
    expect(tables.tablesFor("R02", NINE_POSTS, pool.slice(0, 5))?.prep.nCandidates).toBe(5);
  });

  it("makes tables for a call that fills half of their candidate-in-seat pairs, or a layout asked for before", () => {
    const pool = randomPool(15, 40);
    const tables = new LayoutTables(profile);
    // 20 candidates × 9 seats = 180 pairs: scoring 89 filled seats is too few for a first ask…
    expect(tables.tablesFor("R01", NINE_POSTS, pool.slice(0, 20), 89)).toBeUndefined();
    expect(tables.tablesFor("R02", NINE_POSTS, pool.slice(0, 20), 90)?.prep.nCandidates).toBe(20);
    // …but a layout asked for again gets its tables, and kept tables serve and grow for any call.
    const made = tables.tablesFor("R01", NINE_POSTS, pool.slice(0, 20), 1);
    expect(made?.prep.nCandidates).toBe(20);
    expect(tables.tablesFor("R01", NINE_POSTS, pool.slice(0, 3), 1)).toBe(made);
    expect(tables.tablesFor("R01", NINE_POSTS, pool.slice(0, 21), 1)?.prep.nCandidates).toBe(21);
    expect(tables.tablesFor("R03", NINE_POSTS, pool.slice(0, 2), 1)).toBeUndefined();
  });

  it("declines beyond its candidate limit, and then scoring prepares per call with the same answer", () => {
    const pool = randomPool(13, 60);
    const tables = new LayoutTables(profile, { candidates: 30, kernelBytes: 2 ** 20 });
    expect(tables.tablesFor("R01", NINE_POSTS, pool)).toBeUndefined();
    const teams = draw(pool, 100, 5);
    expect(scoreTeamsSummary(teams, profile, "scores", tables)).toEqual(
      scoreTeamsSummary(teams, profile, "scores"),
    );
  });

  it("drops the least recently used layouts to stay within its memory bound", () => {
    const pool = randomPool(14, 40);
    // Each layout of 40 candidates keeps a 40 × 40 kernel cache of 12,800 bytes: room for two.
    const tables = new LayoutTables(profile, { candidates: 100, kernelBytes: 2 * 12_800 });
    const r1 = tables.tablesFor("R01", NINE_POSTS, pool);
    const r2 = tables.tablesFor("R02", NINE_POSTS, pool);
    expect(tables.tablesFor("R01", NINE_POSTS, pool)).toBe(r1);
    tables.tablesFor("R03", NINE_POSTS, pool);
    // R02 was the least recently used: rebuilt on its next use; R01 was kept.
    expect(tables.tablesFor("R01", NINE_POSTS, pool)).toBe(r1);
    expect(tables.tablesFor("R02", NINE_POSTS, pool)).not.toBe(r2);
  });
});

describe("scoreTeamsSummary over many layouts", () => {
  it("gives each team of a batch spread over 56 interleaved layouts the answer it gets alone", () => {
    const pool = randomPool(14, 80);
    // 4 regions × 7 seat counts × 2 seat orders: more layouts than a batch compares seat by seat.
    const layouts = REGIONS.flatMap((region) =>
      [3, 4, 5, 6, 7, 8, 9].flatMap((n) => [
        { region, posts: NINE_POSTS.slice(0, n) },
        { region, posts: NINE_POSTS.slice(0, n).reverse() },
      ]),
    );
    expect(layouts.length).toBe(56);
    const rng = createRng(15);
    const teams: Team[] = Array.from({ length: 400 }, () => {
      const { region, posts } = rng.pick(layouts);
      const chosen = new Set<Member>();
      while (chosen.size < posts.length) chosen.add(rng.pick(pool));
      const members = [...chosen];
      return { region, seats: posts.map((post, i) => ({ post, member: members[i] as Member })) };
    });
    for (const detail of ["scores", "summary"] as const) {
      const batch = scoreTeamsSummary(teams, profile, detail, new LayoutTables(profile));
      teams.forEach((team, t) => {
        expect(batch[t]).toEqual(scoreTeamsSummary([team], profile, detail)[0]);
      });
    }
  });
});
