/**
 * Benchmark of the suggestion search (issue 4, "Must show"): NOT part of the pure library — it
 * reads the wall clock (`performance.now()`, a global in Node and workerd) to time runs, which
 * nothing else in `scoring/` may do. Instances are generated here from the real factor correlation
 * matrix (`sampleStenProfile`) with plausible random facts, so that `scoring/` needs nothing from
 * `test/`, `src/` or `db/`.
 *
 * Rows: (a) 9 vacancies from 1,000 candidates, top-10, at 30,000 and 60,000 iterations and at a
 * 30 ms search budget — median and p95 time of the whole `suggest` call (`prepareMs`: the part of
 * it spent preparing the tables), how many runs proved their top-10 optimal, and the gap of #1 to
 * the exact optimum, proven by a long branch-and-bound run (or, where that does not finish, the
 * best of 20 long runs); (b) 15 vacancies from 3,000 candidates, top-10, at 30,000 and 100,000
 * iterations — the same figures, against a weaker reference (1,000,000 iterations, then one long
 * run). The machine is shared and noisy: compare rows of one run rather than absolute numbers.
 *
 * @example
 * ```ts
 * console.table(benchSuggest({ instances: 10 }));
 * ```
 */
import { defaultScoringProfile } from "../scoring/default-profile";
import { prepareSearch } from "../scoring/search/space";
import { suggest } from "../scoring/search/suggest";
import type { Budget, SuggestOutcome, SuggestProblem } from "../scoring/search/types";
import type { Member } from "../scoring/types";
import { randomPool } from "../test/scoring/fixtures";

const NINE = [
  "party-secretary",
  "county-head",
  "discipline-secretary",
  "organization-head",
  "political-legal-secretary",
  "propaganda-head",
  "executive-deputy-head",
  "deputy-head",
  "deputy-head",
];
const FIFTEEN = [
  ...NINE,
  "deputy-secretary",
  "court-president",
  "chief-procurator",
  "public-security-head",
  "deputy-head",
  "deputy-head",
];

/**
 * n candidates with correlated stens (leaders a little more stable and rule-minded) and random facts:
 * the same generator as the scoring tests' pool, so benchmark and tests share one notion of a pool.
 */
export function benchPool(seed: number, n: number): Member[] {
  return randomPool(seed, n);
}

export interface BenchRow {
  case: string;
  budget: string;
  instances: number;
  /** Median and 95th percentile of the whole `suggest` call. */
  medianMs: number;
  p95Ms: number;
  /** Median time of the preparation alone (`prepareSearch`: fits, rule checks, eligible lists). */
  prepareMs: number;
  /** Runs whose top-M was proven optimal within the budget. */
  proven: number;
  /** Instances whose #1 equals the reference (to 1e-12). */
  top1AtReference: number;
  meanGap: number;
  maxGap: number;
  reference: string;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function problemOf(seed: number, posts: readonly string[], n: number): SuggestProblem {
  return {
    profile: defaultScoringProfile(2026),
    region: "R01",
    seats: posts.map((post) => ({ post })),
    pool: benchPool(seed, n),
  };
}

/** Iterations of each of the long runs a reference falls back on. */
const LONG_RUN = 400_000;
const references = new Map<string, { score: number; exact: boolean }>();

/**
 * The reference #1 score: proven by branch and bound when it finishes within `iterations`, else
 * the best of that run and `runs` long runs with other seeds.
 */
function reference(key: string, problem: SuggestProblem, iterations: number, runs: number) {
  const known = references.get(key);
  if (known) return known;
  const proof = suggest(problem, { top: 1, budget: { iterations } });
  let result = { score: proof.suggestions[0]?.score ?? 0, exact: proof.status === "optimal" };
  for (let seed = 1; !result.exact && seed <= runs; seed++) {
    const run = suggest(problem, { top: 1, seed, budget: { iterations: LONG_RUN } });
    result = {
      score: Math.max(result.score, run.suggestions[0]?.score ?? 0),
      exact: run.status === "optimal",
    };
  }
  references.set(key, result);
  return result;
}

function row(
  name: string,
  posts: readonly string[],
  n: number,
  instances: number,
  budget: Budget,
  referenceIterations: number,
  referenceRuns: number,
): BenchRow {
  const times: number[] = [];
  const gaps: number[] = [];
  let proven = 0;
  const problems = Array.from({ length: instances }, (_, i) => problemOf(i + 1, posts, n));
  // References first, so that their garbage is not collected during a timed run.
  const refs = problems.map((p, i) =>
    reference(`${posts.length}:${n}:${i + 1}`, p, referenceIterations, referenceRuns),
  );
  const clock = () => performance.now();
  // Unmeasured runs first, so that the timings are of compiled code.
  for (let w = 0; w < 3; w++) suggest(problemOf(10_000 + w, posts, n), { top: 10, budget, clock });
  const prepares: number[] = [];
  problems.forEach((problem, i) => {
    const before = performance.now();
    prepareSearch(problem);
    prepares.push(performance.now() - before);
    const start = performance.now();
    const outcome: SuggestOutcome = suggest(problem, { top: 10, budget, clock });
    times.push(performance.now() - start);
    if (outcome.status === "optimal") proven++;
    gaps.push(Math.max(0, (refs[i]?.score ?? 0) - (outcome.suggestions[0]?.score ?? 0)));
  });
  const exactReferences = refs.filter((r) => r.exact).length;
  times.sort((a, b) => a - b);
  prepares.sort((a, b) => a - b);
  const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
  return {
    case: name,
    budget: Object.entries(budget)
      .map(([k, v]) => `${v} ${k}`)
      .join(", "),
    instances,
    medianMs: round(quantile(times, 0.5)),
    prepareMs: round(quantile(prepares, 0.5)),
    p95Ms: round(quantile(times, 0.95)),
    proven,
    top1AtReference: gaps.filter((g) => g <= 1e-12).length,
    meanGap: round(gaps.reduce((a, b) => a + b, 0) / instances, 5),
    maxGap: round(Math.max(...gaps), 5),
    reference:
      exactReferences === instances
        ? "exact optimum (branch and bound)"
        : `exact on ${exactReferences}, else best of ${referenceRuns} long runs`,
  };
}

/**
 * Runs the benchmark: `instances` per case (default 10 for (a), half that for (b)).
 * Deterministic instances and iteration budgets; the times are the machine's.
 */
export function benchSuggest({ instances = 10 }: { instances?: number } = {}): BenchRow[] {
  const big = Math.max(1, Math.ceil(instances / 2));
  return [
    row("(a) 9 vacancies from 1,000, top-10", NINE, 1000, instances, { iterations: 30_000 }, 20_000_000, 20),
    row("(a) 9 vacancies from 1,000, top-10", NINE, 1000, instances, { iterations: 60_000 }, 20_000_000, 20),
    row("(a) 9 vacancies from 1,000, top-10", NINE, 1000, instances, { milliseconds: 30 }, 20_000_000, 20),
    row("(b) 15 vacancies from 3,000, top-10", FIFTEEN, 3000, big, { iterations: 30_000 }, 1_000_000, 1),
    row("(b) 15 vacancies from 3,000, top-10", FIFTEEN, 3000, big, { iterations: 100_000 }, 1_000_000, 1),
  ];
}
