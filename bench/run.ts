/**
 * `npm run bench`: prints the benchmark tables. Figures are medians of timed rounds (evaluator) or
 * autocannon averages and percentiles over a fixed duration (HTTP, loopback only); the machine is
 * shared and noisy, so compare ratios measured in the same run rather than absolute numbers.
 *
 * Options: `--only evaluator|suggest|exchange|http`, `--seconds N` (HTTP duration per case, default 5).
 */
import { parseArgs } from "node:util";
import { benchEvaluator } from "./evaluator";
import { benchExchange } from "./exchange";
import { BATCH_PROCESSES, benchHttp } from "./http";
import { benchImport } from "./import";
import { benchRerank } from "./rerank";
import { benchSuggest } from "./suggest";

const { values } = parseArgs({ options: { only: { type: "string" }, seconds: { type: "string" } } });
const seconds = Number(values.seconds ?? 5);
const fmt = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (!values.only || values.only === "evaluator") {
  console.log("\nTeam evaluation on one core (tables precomputed; 1,000-candidate pool)\n");
  console.table(
    benchEvaluator().map((r) => ({
      case: r.what,
      "per second": fmt(r.perSecond),
      "ns per op": fmt(r.nsPerOp),
    })),
  );
  console.log("Targets: ≥ 600,000 full evaluations/s for 9 seats; ≥ 1,500,000 delta replacements/s.");
}

if (!values.only || values.only === "suggest") {
  console.log(
    "\nSuggestions (instances drawn through the real correlation matrix; gaps to the proven optimum or the best long run)\n",
  );
  console.table(
    benchSuggest({ instances: 10 }).map((r) => ({
      case: r.case,
      budget: r.budget,
      "median ms": fmt(r.medianMs, 1),
      "p95 ms": fmt(r.p95Ms, 1),
      "prepare ms": fmt(r.prepareMs, 1),
      "#1 = reference": `${r.top1AtReference}/${r.instances}`,
      "proven optimal": r.proven,
      "max gap": fmt(r.maxGap, 4),
      reference: r.reference,
    })),
  );
  console.log("Targets: (a) median ≤ 50 ms and #1 = exact optimum where known; (b) median ≤ 300 ms.");
}

if (!values.only || values.only === "exchange") {
  console.log(
    "\nExchange plans: 129 movable cadres into the 12 teams of a demo city (first feasible plan, final plan; exact-linear plan by HiGHS, re-scored in full)\n",
  );
  console.table(
    (await benchExchange({ instances: 3 })).map((r) => ({
      instance: r.instance,
      objective: r.objective,
      "vacancies/pool": `${r.vacancies}/${r.pool}`,
      "first feasible ms": r.firstFeasibleMs === null ? "-" : fmt(r.firstFeasibleMs, 0),
      "final ms": fmt(r.finalMs, 0),
      final: fmt(r.final, 4),
      "exact-linear re-scored": r.linearRescored === null ? r.linearStatus : fmt(r.linearRescored, 4),
      "HiGHS ms": fmt(r.linearMs, 0),
      better: r.linearRescored === null || r.final > r.linearRescored ? "yes" : "no",
      "1st/top-3 choice": `${fmt(100 * r.firstChoiceShare)} % / ${fmt(100 * r.top3Share)} %`,
    })),
  );
  console.log("Targets: first feasible ≤ 1 s; final ≤ 5 s and better than the exact-linear plan re-scored.");
}

if (!values.only || values.only === "http") {
  console.log(`\nHTTP on 127.0.0.1 (autocannon, ${seconds} s per case; server in a child process)\n`);
  const rows = await benchHttp(seconds);
  const echo = rows[0]?.requestsPerSecond ?? 1;
  const echoCpu = rows[0]?.cpuMicrosPerRequest ?? 1;
  const single = (r: (typeof rows)[number]) =>
    r.teamsPerSecond === 0 || r.teamsPerSecond === r.requestsPerSecond;
  console.table(
    rows.map((r) => ({
      case: r.what,
      "requests/s": fmt(r.requestsPerSecond),
      "× echo": fmt(r.requestsPerSecond / echo, 2),
      "server CPU µs/req": fmt(r.cpuMicrosPerRequest),
      // Requests/s the server's CPU time allows, relative to the echo's (less noisy than × echo).
      "× echo by CPU": single(r) ? fmt(echoCpu / r.cpuMicrosPerRequest, 2) : "",
      "teams/s": r.teamsPerSecond ? fmt(r.teamsPerSecond) : "",
      // Teams per second of the server's CPU time (batches of 1,000).
      "teams/s by CPU": single(r) ? "" : fmt((1000 * 1e6) / r.cpuMicrosPerRequest),
      "p50 ms": r.p50ms,
      "p99 ms": r.p99ms,
      errors: r.errors,
    })),
  );
  console.log("Targets: one team ≥ 0.6 × echo requests/s with p99 ≤ 10 ms; batches ≥ 100,000 teams/s.");
  console.log(
    "“No scoring”: the request body parsed and banzi's own answer to it (computed once) sent back —\n" +
      "what one team could reach if scoring cost nothing, on bare Hono and behind banzi's middleware.",
  );
  console.log(
    "“by CPU”: from the server processes' CPU time per request (the load generator shares the machine's cores);\n" +
      `for ${BATCH_PROCESSES} server processes it is per core: their summed CPU time.`,
  );
}

if (!values.only || values.only === "import") {
  console.log(
    "\nImport of a round of test results (CSV, 10,000 assessments, embedded file database; medians of 3)\n",
  );
  console.table(
    (await benchImport()).map((r) => ({
      case: r.case,
      rows: fmt(r.rows),
      "median ms": fmt(r.medianMs, 1),
      "rows/s": fmt(r.rowsPerSecond),
    })),
  );
  console.log("Target: import (validation and commit) ≤ 3 s.");
}

if (!values.only || values.only === "rerank") {
  console.log(
    "\nRe-ranking after an import (embedded file database; end to end as the job runner runs it)\n",
  );
  console.table((await benchRerank()).map((r) => ({ case: r.case, ms: fmt(r.ms, 1), detail: r.detail })));
  console.log("Targets: re-rank job ≤ 2 s; its result identical to a full recomputation.");
}
