/**
 * `npm run rerank -- [--cadres ID,ID…] [--url DATABASE_URL] [--queue-only]`: re-ranks the saved
 * suggestion requests and stored teams — those the given cadres can affect, or all of them (e.g.
 * after a scoring-profile edit) — as a job, with a progress bar. Migrates first. With
 * `--queue-only` the job is only queued, for a running server to run. Prints the job's summary in
 * Chinese and English; `GET /v1/jobs/{id}/report` has every diff.
 *
 * Exit codes: 0 done (or queued), 1 the job failed, 2 bad arguments.
 */
import { parseArgs } from "node:util";
import { systemClock } from "../src/deps";
import { NodeEnvSchema, parseEnv } from "../src/env";
import { runJobHere } from "../src/jobs/cli";
import { type RerankReport, startRerank } from "../src/services/rerank";
import { migrateDb, openNodeDb } from "./node";

const USAGE = "usage: npm run rerank -- [--cadres ID,ID…] [--url DATABASE_URL] [--queue-only]";

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: { cadres: { type: "string" }, url: { type: "string" }, "queue-only": { type: "boolean" } },
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  console.error(`banzi: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
const cadreIds = values.cadres
  ?.split(",")
  .map((c) => c.trim())
  .filter(Boolean);
if (values.cadres !== undefined && !cadreIds?.length) {
  console.error(`banzi: --cadres needs at least one id\n${USAGE}`);
  process.exit(2);
}

const env = parseEnv(NodeEnvSchema, { ...process.env, ...(values.url ? { DATABASE_URL: values.url } : {}) });
const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
try {
  await migrateDb(db);
  const services = { db, clock: systemClock, newId: () => crypto.randomUUID() };
  const jobId = await startRerank(services, { cadreIds, reason: "npm run rerank" });
  if (values["queue-only"]) {
    console.log(`banzi: re-rank queued as job ${jobId}; a running server will run it`);
  } else {
    const job = await runJobHere(services, jobId, `re-rank ${jobId.slice(0, 8)}`);
    if (!job)
      console.log(
        `banzi: job ${jobId} is being run by a server on the same database; see GET /v1/jobs/${jobId}`,
      );
    else {
      if (job.status !== "succeeded") {
        console.error(`banzi: re-rank job ${jobId} ${job.status}: ${job.error ?? ""}`);
        process.exitCode = 1;
      } else {
        const report = job.result as RerankReport;
        console.log(report.summary.zh);
        console.log(report.summary.en);
        console.table({ requests: report.requests, teams: report.teams });
        for (const c of report.changes.slice(0, 20))
          console.log(`  ${c.requestId} v${c.fromVersion}→v${c.toVersion}: ${c.summary.en}`);
        if (report.changes.length > 20)
          console.log(`  … and ${report.changes.length - 20} more (GET /v1/jobs/${jobId}/report)`);
      }
    }
  }
} finally {
  client.close();
}
