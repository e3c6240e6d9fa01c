/**
 * `npm run bench`: prints the benchmark tables. Figures are medians of timed rounds (evaluator) or
 * autocannon averages and percentiles over a fixed duration (HTTP, loopback only); the machine is
 * shared and noisy, so compare ratios measured in the same run rather than absolute numbers.
 *
 * Options: `--only evaluator|suggest|http`, `--seconds N` (HTTP duration per case, default 5).
 */
import { parseArgs } from "node:util";
import { benchEvaluator } from "./evaluator";
import { benchHttp } from "./http";
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

if (!values.only || values.only === "http") {
  console.log(`\nHTTP on 127.0.0.1 (autocannon, ${seconds} s per case; server in a child process)\n`);
  const rows = await benchHttp(seconds);
  const echo = rows[0]?.requestsPerSecond ?? 1;
  console.table(
    rows.map((r) => ({
      case: r.what,
      "requests/s": fmt(r.requestsPerSecond),
      "× echo": fmt(r.requestsPerSecond / echo, 2),
      "teams/s": r.teamsPerSecond ? fmt(r.teamsPerSecond) : "",
      "p50 ms": r.p50ms,
      "p99 ms": r.p99ms,
      errors: r.errors,
    })),
  );
  console.log("Targets: one team ≥ 0.6 × echo requests/s with p99 ≤ 10 ms; batches ≥ 100,000 teams/s.");
}
