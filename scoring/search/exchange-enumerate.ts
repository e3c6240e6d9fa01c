/**
 * Every plan of a small exchange space, depth first over the vacancies team by team: a team is
 * scored (`Evaluator.evaluate`) once its last vacancy is filled, and a plan in which it breaks a
 * hard rule is cut there. Vacancies of the same post in one team are interchangeable, so only plans
 * with their members in id order are visited. The best plan by `planValue` wins; of equal values the
 * first visited (the order of the eligible lists: deterministic).
 */
import { Evaluator, emptyBreakdown } from "../evaluate";
import { candidateIn, type ExchangeSpace } from "./exchange-space";
import { HARD_WEIGHT, planValue } from "./exchange-state";
import type { ExchangeObjective } from "./exchange-types";
import type { Meter } from "./meter";

/** Product of the vacancies' eligible counts (an upper bound on the number of plans), capped. */
export function planSpaceSize(space: ExchangeSpace, cap = Number.MAX_SAFE_INTEGER): number {
  let size = 1;
  for (const list of space.eligible) {
    size *= list.length;
    if (size > cap) return cap;
  }
  return size;
}

export function enumeratePlans(
  space: ExchangeSpace,
  objective: ExchangeObjective,
  meter: Meter,
  found: () => void,
): { best: Int32Array | null; complete: boolean } {
  const { teams, nVacancies, vTeam, vSeat, eligible, poolRank, bonus } = space;
  const evaluators = teams.map((team) => new Evaluator(team.prep));
  const members = teams.map((team) => Int32Array.from(team.base));
  const values = new Float64Array(space.nTeams);
  const out = emptyBreakdown();
  const assign = new Int32Array(nVacancies).fill(-1);
  const used = new Uint8Array(space.nPool);
  const last = new Int32Array(space.nTeams).fill(-1);
  for (let v = 0; v < nVacancies; v++) last[vTeam[v] as number] = v;
  // Earlier vacancies of the same post in the same team (members in id order across them).
  const twinsBefore = Array.from({ length: nVacancies }, (_, v) => {
    const t = vTeam[v] as number;
    const post = teams[t]?.problem.seats[vSeat[v] as number]?.post;
    const before: number[] = [];
    for (let w = 0; w < v; w++)
      if (vTeam[w] === t && teams[t]?.problem.seats[vSeat[w] as number]?.post === post) before.push(w);
    return before;
  });
  let best: Int32Array | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  let aborted = false;

  const score = (t: number): boolean => {
    const b = (evaluators[t] as Evaluator).evaluate(members[t] as Int32Array, out);
    values[t] = b.score - HARD_WEIGHT * b.hard;
    return b.feasible;
  };
  for (let t = 0; t < space.nTeams; t++)
    if (last[t] === -1 && !score(t)) return { best: null, complete: true };

  const visit = (v: number, bonusSum: number): void => {
    if (aborted) return;
    if (v === nVacancies) {
      if (meter.tick()) aborted = true;
      found();
      const value = planValue(objective, values, bonusSum);
      if (value > bestValue + 1e-12) {
        bestValue = value;
        best = Int32Array.from(assign);
      }
      return;
    }
    const t = vTeam[v] as number;
    const s = vSeat[v] as number;
    const team = members[t] as Int32Array;
    for (const p of eligible[v] as Int32Array) {
      if (used[p]) continue;
      if (
        (twinsBefore[v] as number[]).some(
          (w) => (poolRank[assign[w] as number] as number) > (poolRank[p] as number),
        )
      )
        continue;
      used[p] = 1;
      assign[v] = p;
      team[s] = candidateIn(space, t, p);
      let ok = true;
      if (last[t] === v) {
        if (meter.tick()) aborted = true;
        ok = score(t);
      }
      if (ok && !aborted) visit(v + 1, bonusSum + (bonus[p * nVacancies + v] as number));
      team[s] = -1;
      assign[v] = -1;
      used[p] = 0;
      if (aborted) return;
    }
  };
  visit(0, 0);
  return { best, complete: !aborted };
}
