/**
 * Evaluator throughput: full evaluations of a 9-seat and a 15-seat team with the per-candidate tables
 * precomputed, and delta evaluations (replace one member, swap two), on one core.
 */

import { TEAM_POSTS } from "../db/seed/demo-city";
import { defaultScoringProfile } from "../scoring/default-profile";
import { Evaluator, TeamState } from "../scoring/evaluate";
import { prepare } from "../scoring/prepare";
import { createRng } from "../scoring/random";
import { randomPool } from "../test/scoring/fixtures";

export interface Row {
  what: string;
  perSecond: number;
  nsPerOp: number;
}

const NINE = TEAM_POSTS.slice(0, 9);
const FIFTEEN = [...TEAM_POSTS, "deputy-head"];

/** Runs `op` in rounds until `ms` have passed; returns operations per second (median of rounds). */
function measure(op: (i: number) => number, ms = 1500): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += op(i);
  const rates: number[] = [];
  const end = performance.now() + ms;
  let i = 0;
  while (performance.now() < end) {
    const start = performance.now();
    for (let k = 0; k < 20_000; k++) sink += op(i++);
    rates.push(20_000 / ((performance.now() - start) / 1000));
  }
  if (sink === Number.POSITIVE_INFINITY) console.log("");
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

export function benchEvaluator(): Row[] {
  const profile = defaultScoringProfile(2026);
  const rows: Row[] = [];
  for (const posts of [NINE, FIFTEEN]) {
    const pool = randomPool(7, 1000);
    const prep = prepare({ profile, region: "R01", seats: posts, candidates: pool });
    const rng = createRng(3);
    // 256 random full teams (distinct members), evaluated round-robin.
    const teams = Array.from({ length: 256 }, () => {
      const chosen = new Set<number>();
      while (chosen.size < posts.length) chosen.add(rng.int(pool.length));
      return Int32Array.from(chosen);
    });
    const evaluator = new Evaluator(prep);
    const full = measure((i) => evaluator.evaluate(teams[i & 255] as Int32Array).score);
    rows.push({ what: `full evaluation, ${posts.length} seats`, perSecond: full, nsPerOp: 1e9 / full });

    const state = new TeamState(prep, teams[0] as Int32Array);
    const outside = Int32Array.from({ length: 4096 }, () => {
      let c = rng.int(pool.length);
      while (state.seatOfCandidate(c) >= 0) c = rng.int(pool.length);
      return c;
    });
    const seats = Int32Array.from({ length: 4096 }, () => rng.int(posts.length));
    const replace = measure(
      (i) => state.tryReplace(seats[i & 4095] as number, outside[i & 4095] as number).score,
    );
    rows.push({
      what: `delta: replace one, ${posts.length} seats`,
      perSecond: replace,
      nsPerOp: 1e9 / replace,
    });
    const swap = measure((i) => {
      const a = seats[i & 4095] as number;
      return state.trySwap(a, (a + 1 + (i % (posts.length - 1))) % posts.length).score;
    });
    rows.push({ what: `delta: swap two, ${posts.length} seats`, perSecond: swap, nsPerOp: 1e9 / swap });
  }
  return rows;
}
