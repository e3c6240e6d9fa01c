/**
 * The LINEAR part of an exchange plan as a mixed-integer program, for an exact solver (the bench
 * uses HiGHS): a binary x(p, v) per eligible pool member and vacancy, maximising the sum of each
 * pair's linear score part (fit, health, seat skills, minus soft seat penalties — `space.ts`) plus
 * its preference bonus, subject to
 *   - every vacancy filled once, every pool member placed at most once;
 *   - hard seat rules: only eligible pairs have a variable (kin of a locked member excluded when R2
 *     is hard);
 *   - R2 (hard) among pool members: two kin never in one team;
 *   - R10 (hard): per team, locals (origin unknown counting, as the evaluator counts) ≥ ⌈n/3⌉;
 *   - R11 (hard): per team, moved members ≤ ⌊n · share⌋, and not both leading principals moved.
 * What the program cannot see is the non-linear part of the score (diversity, coverage, conflict
 * pairs, the leading pair, team skills, structure): the plan it gives is re-scored in full to be
 * compared with the search's. Written in the CPLEX LP format that HiGHS reads.
 */
import type { ExchangeSpace } from "./exchange-space";

export interface LinearModel {
  /** The program in CPLEX LP format. */
  lp: string;
  /** Variable name → [pool member, vacancy]. */
  variables: Map<string, readonly [number, number]>;
}

const num = (x: number): string => (Math.abs(x) < 1e-15 ? "0" : x.toPrecision(15));

/** The program for a space (see the file's comment). */
export function linearModel(space: ExchangeSpace): LinearModel {
  const { nVacancies: n, eligible, weight, teams, teamVacancies, vSeat, offset } = space;
  const variables = new Map<string, readonly [number, number]>();
  const name = (p: number, v: number) => `x${p}_${v}`;
  const byPool = new Map<number, string[]>();
  const objective: string[] = [];
  for (let v = 0; v < n; v++)
    for (const p of eligible[v] as Int32Array) {
      const x = name(p, v);
      variables.set(x, [p, v]);
      objective.push(`${num(weight[p * n + v] as number)} ${x}`);
      const list = byPool.get(p);
      if (list) list.push(x);
      else byPool.set(p, [x]);
    }
  const rows: string[] = [];
  const sum = (terms: string[]) => terms.join(" + ").replaceAll("+ -", "- ");
  for (let v = 0; v < n; v++)
    rows.push(`fill${v}: ${sum(Array.from(eligible[v] as Int32Array, (p) => name(p, v)))} = 1`);
  for (const [p, list] of byPool) if (list.length > 1) rows.push(`once${p}: ${sum(list)} <= 1`);
  const { rules } = space.profile;
  teams.forEach((team, t) => {
    const vacancies = teamVacancies[t] as Int32Array;
    if (vacancies.length === 0) return;
    const base = offset[t] as number;
    const inTeam = (keep: (c: number, s: number) => boolean) => {
      const terms: string[] = [];
      for (const v of vacancies) {
        const s = vSeat[v] as number;
        for (const p of eligible[v] as Int32Array) if (keep(base + p, s)) terms.push(name(p, v));
      }
      return terms;
    };
    const lockedCount = (keep: (c: number, s: number) => boolean) =>
      Array.from(team.base).filter((c, s) => c >= 0 && keep(c, s)).length;
    const moved = (c: number, s: number) => team.prep.moved[c * team.nSeats + s] === 1;
    if (rules.R10.mode === "hard" && team.localsNeeded > 0) {
      const local = (c: number) => team.localish[c] === 1;
      const needed = team.localsNeeded - lockedCount(local);
      const terms = inTeam(local);
      if (needed > 0)
        rows.push(
          terms.length > 0 ? `r10_${t}: ${sum(terms)} >= ${needed}` : `r10_${t}: 0 x0_0 >= ${needed}`,
        );
    }
    if (rules.R11.mode === "hard") {
      const allowed = team.movesAllowed - lockedCount(moved);
      const terms = inTeam(moved);
      if (terms.length > 0) rows.push(`r11_${t}: ${sum(terms)} <= ${Math.max(0, allowed)}`);
      const leading = team.prep.leadingSeats;
      if (leading) {
        const lockedMovedLeaders = leading.filter(
          (s) => (team.base[s] as number) >= 0 && moved(team.base[s] as number, s),
        ).length;
        const terms = inTeam((c, s) => leading.includes(s) && moved(c, s));
        if (terms.length > 0) rows.push(`r11l_${t}: ${sum(terms)} <= ${Math.max(0, 1 - lockedMovedLeaders)}`);
      }
    }
    if (rules.R2.mode === "hard") {
      const seen = new Set<string>();
      for (let p = 0; p < space.nPool; p++)
        for (const k of team.prep.kin[base + p] as Int32Array) {
          const q = k - base;
          if (q <= p || q < 0) continue;
          const key = `${p}_${q}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const terms = inTeam((c) => c === base + p || c === base + q);
          if (terms.length > 1) rows.push(`kin${t}_${key}: ${sum(terms)} <= 1`);
        }
    }
  });
  const lp = [
    "Maximize",
    ` obj: ${objective.length > 0 ? sum(objective) : "0 x0_0"}`,
    "Subject To",
    ...rows.map((r) => ` ${r}`),
    "Binary",
    ` ${[...variables.keys()].join(" ")}`,
    "End",
  ].join("\n");
  return { lp, variables };
}

/**
 * The plan (pool member per vacancy) from a solution: `value(name)` gives each variable's value.
 * Null when some vacancy has no variable at 1.
 */
export function planFromSolution(
  space: ExchangeSpace,
  model: LinearModel,
  value: (name: string) => number,
): Int32Array | null {
  const assign = new Int32Array(space.nVacancies).fill(-1);
  for (const [x, [p, v]] of model.variables) if (value(x) > 0.5) assign[v] = p;
  return assign.includes(-1) ? null : assign;
}
