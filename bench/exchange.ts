/**
 * Benchmark of exchange plans (issue 4, "Must show" (c)): an exchange of 129 movable cadres into the
 * 12 county teams (14 seats each) of a demo city drawn through the real factor correlation matrix
 * (`buildDemoCity`, a pure function of its seed). Reads the wall clock (`performance.now()`), which
 * nothing in `scoring/` may do.
 *
 * The round: holders who must leave under R4 (10 years in the post) and those due for exchange
 * under R5 (10 years in the county) give up their seats, as do volunteers drawn until every team has
 * 3–4 vacancies (R11 lets at most ⌊14/3⌋ = 4 of a team be moved in; the two leading principals are
 * never both vacated); empty seats are vacancies too. The pool is those holders plus reserve cadres
 * (with their ranked preferences) up to 129.
 *
 * Cities whose round has no feasible plan at all (HiGHS proves the linear model, which holds every
 * hard rule, infeasible) are skipped. Per instance and objective it prints the time and iteration of the first feasible plan, the final
 * objective and time, and the objective of the plan that solves the LINEAR part exactly (HiGHS MIP
 * over fits, health, seat skills and seat penalties plus the preference bonus, with R2, R10 and R11
 * as linear constraints; `exchange-linear.ts`) when that plan is re-scored with the full objective.
 */
import loadHighs from "highs";
import { buildDemoCity, type DemoCity } from "../db/seed/demo-city";
import { defaultScoringProfile } from "../scoring/default-profile";
import { createRng } from "../scoring/random";
import { describePlan, exchange } from "../scoring/search/exchange";
import { linearModel, planFromSolution } from "../scoring/search/exchange-linear";
import { prepareExchange } from "../scoring/search/exchange-space";
import { exchangeReasons } from "../scoring/search/exchange-starts";
import type { ExchangeObjective, ExchangeProblem, PostChoice } from "../scoring/search/exchange-types";
import type { Budget, SearchSeat } from "../scoring/search/types";
import type { Member } from "../scoring/types";

const AS_OF_YEAR = 2026;
const MOVABLE = 129;

function memberOf(city: DemoCity, id: string): Member {
  const c = city.cadres.find((x) => x.id === id);
  const a = city.assessments.find((x) => x.cadreId === id);
  if (!c || !a) throw new Error(`demo city lacks ${id}`);
  return {
    id,
    stens: a.stens,
    birthRegion: c.birthRegion,
    growthRegion: c.growthRegion,
    currentRegion: c.currentRegion,
    currentPost: c.currentPost,
    age: AS_OF_YEAR - c.birthYear,
    gender: c.gender,
    education: c.education,
    rank: c.rank,
    skills: c.skills,
    yearsInPost: c.yearsInPost,
    yearsInLocality: c.yearsInLocality,
    serviceYears: c.serviceYears,
    grassrootsYears: c.grassrootsYears,
    kin: city.kin.flatMap((k) => (k.cadreId === id ? [k.kinId] : k.kinId === id ? [k.cadreId] : [])),
  };
}

/** An exchange round over the demo city of `seed` (see the file's comment). */
export function exchangeInstance(seed: number, movable = MOVABLE): ExchangeProblem {
  const city = buildDemoCity(seed);
  const profile = defaultScoringProfile(AS_OF_YEAR);
  const rng = createRng(seed * 7 + 1);
  const leaving = new Set<string>();
  for (const team of city.teams) {
    const seats = team.seats.map((seat, s) => ({ ...seat, s }));
    const vacant = () => seats.filter((x) => !x.cadreId || leaving.has(x.cadreId)).length;
    const leaderLeaves = () => seats.some((x, s) => s < 2 && x.cadreId && leaving.has(x.cadreId));
    // Must-move (R4) and due (R5) holders first, then volunteers until 3–4 vacancies.
    for (const seat of seats) {
      if (!seat.cadreId) continue;
      const m = memberOf(city, seat.cadreId);
      const due =
        (m.yearsInPost ?? 0) >= profile.ruleParams.postYears ||
        (m.yearsInLocality ?? 0) >= profile.ruleParams.localityYears;
      if (due && vacant() < 4 && !(seat.s < 2 && leaderLeaves())) leaving.add(seat.cadreId);
    }
    const target = 3 + rng.int(2);
    for (let tries = 0; vacant() < target && tries < 50; tries++) {
      const seat = seats[rng.int(seats.length)];
      if (!seat?.cadreId || leaving.has(seat.cadreId) || (seat.s < 2 && leaderLeaves())) continue;
      leaving.add(seat.cadreId);
    }
  }
  // Holders who stay must not already break a hard rule that no vacancy can cure: those who break
  // a seat rule (R1, R4, R12) or are kin of another holder leave; a team short of locals (R10)
  // frees a seat of a non-local holder that a local may take.
  for (let round = 0; round < 10; round++) {
    const problem = build(city, profile, leaving, movable);
    const reasons = exchangeReasons(prepareExchange(problem, { r11: "hard", preferenceWeight: 0.01 }));
    if (reasons.length === 0) return problem;
    for (const reason of reasons) {
      const team = problem.teams.find((t) => t.id === reason.teamId);
      if (!team) continue;
      if (reason.rule === "R10") {
        const seat = team.seats.find(
          (x, s) =>
            s >= 2 &&
            x.locked &&
            !profile.posts[x.post]?.avoidance &&
            x.locked.birthRegion !== team.region &&
            x.locked.growthRegion !== team.region,
        );
        if (seat?.locked) leaving.add(seat.locked.id);
      } else if (reason.memberIds.length > 0) leaving.add(reason.memberIds.at(-1) as string);
    }
  }
  throw new Error(`exchange instance ${seed}: could not make a feasible round`);
}

function build(city: DemoCity, profile: ExchangeProblem["profile"], leaving: Set<string>, movable: number) {
  const teams = city.teams.map((team) => ({
    id: team.id,
    region: team.regionCode,
    seats: team.seats.map(
      (seat): SearchSeat => ({
        post: seat.postCode,
        locked: seat.cadreId && !leaving.has(seat.cadreId) ? memberOf(city, seat.cadreId) : null,
      }),
    ),
  }));
  const reserves = city.cadres.filter((c) => c.reserve).map((c) => c.id);
  const ids = [...leaving, ...reserves].slice(0, Math.max(movable, leaving.size));
  const pool = ids.map((id) => memberOf(city, id));
  const preferences: Record<string, PostChoice[]> = {};
  for (const c of city.cadres)
    if (c.preferences.length > 0)
      preferences[c.id] = c.preferences.map((p) => ({ region: p.region, post: p.post }));
  return { profile, teams, pool, preferences };
}

export interface ExchangeRow {
  instance: number;
  objective: ExchangeObjective;
  vacancies: number;
  pool: number;
  firstFeasibleMs: number | null;
  firstFeasibleIteration: number | null;
  finalMs: number;
  iterations: number;
  final: number;
  linearMs: number;
  linearRescored: number | null;
  linearStatus: string;
  firstChoiceShare: number;
  top3Share: number;
}

type Highs = Awaited<ReturnType<typeof loadHighs>>;

/** The exact-linear plan (HiGHS) re-scored in full: its objective, or null when it breaks a rule. */
function exactLinear(highs: Highs, problem: ExchangeProblem, objective: ExchangeObjective) {
  const start = performance.now();
  const space = prepareExchange(problem, { r11: "hard", preferenceWeight: 0.01 });
  const model = linearModel(space);
  const solution = highs.solve(model.lp, { output_flag: false, time_limit: 60 });
  const ms = performance.now() - start;
  if (solution.Status !== "Optimal") return { ms, value: null, status: solution.Status };
  const columns = solution.Columns as Record<string, { Primal: number }>;
  const plan = planFromSolution(space, model, (x) => columns[x]?.Primal ?? 0);
  const described = plan ? describePlan(space, { objective }, plan) : null;
  return { ms, value: described?.objectiveValue ?? null, status: described ? "optimal" : "breaks a rule" };
}

/**
 * The budget of a plan: what an `exchange-plan` job uses when the request names none
 * (`EXCHANGE_JOB_BUDGET` in `src/services/exchange-plans.ts`): 1,000,000 iterations, but at most 4 s
 * of search, so that the plan is final within 5 s even on a loaded machine.
 */
const BUDGET: Budget = { iterations: 1_000_000, milliseconds: 4_000 };

/** Runs the benchmark over `instances` demo cities (seeds 1…), both objectives. */
export async function benchExchange({
  instances = 3,
  budget = BUDGET,
}: {
  instances?: number;
  budget?: Budget;
} = {}): Promise<ExchangeRow[]> {
  const highs = await loadHighs();
  const clock = () => performance.now();
  const rows: ExchangeRow[] = [];
  // An unmeasured run first, so that the timings are of compiled code.
  exchange(exchangeInstance(1000), { budget: { iterations: 100_000 } });
  // Cities whose round has no feasible plan at all (HiGHS proves it) are skipped.
  for (let i = 1, taken = 0; taken < instances && i <= 4 * instances; i++) {
    const problem = exchangeInstance(i);
    if (exactLinear(highs, problem, "sum").status === "Infeasible") continue;
    taken++;
    for (const objective of ["sum", "maxmin"] as const) {
      const linear = exactLinear(highs, problem, objective);
      const start = performance.now();
      const outcome = exchange(problem, { objective, seed: i, budget, clock });
      const finalMs = performance.now() - start;
      rows.push({
        instance: i,
        objective,
        vacancies: outcome.moves.length,
        pool: problem.pool.length,
        firstFeasibleMs: outcome.firstFeasible?.ms ?? null,
        firstFeasibleIteration: outcome.firstFeasible?.iteration ?? null,
        finalMs,
        iterations: outcome.evaluated,
        final: outcome.objectiveValue,
        linearMs: linear.ms,
        linearRescored: linear.value,
        linearStatus: linear.status,
        firstChoiceShare: outcome.preferences.firstShare,
        top3Share: outcome.preferences.top3Share,
      });
    }
  }
  return rows;
}
