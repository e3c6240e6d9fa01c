/**
 * `npm run import -- FILE [--dry-run] [--url URL] [--match-by name,birthYear] [--kind sten|raw]
 * [--norm CODE] [--key IDEMPOTENCY_KEY]`: imports a round of 16PF results from a CSV file (UTF-8,
 * with or without BOM, or GB18030, as Excel saves it) or a JSON file (`{ "rows": [...] }`) with the
 * same service as `POST /v1/imports`. Migrates first. Problems are printed one per line with the
 * file's line and column; nothing is written unless the whole file is valid.
 *
 * Exit codes: 0 imported (or already imported, or a clean dry run), 1 problems in the file or a
 * conflict, 2 bad arguments or an unreadable file.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { systemClock } from "../src/deps";
import { NodeEnvSchema, parseEnv } from "../src/env";
import { runJobHere } from "../src/jobs/cli";
import { ApiError } from "../src/lib/problem";
import { type ImportIssue, type ImportSource, importAssessments } from "../src/services/imports";
import { type RerankReport, rerankAfterImport } from "../src/services/rerank";
import type { Db } from "./client";
import { migrateDb, openNodeDb } from "./node";

const USAGE =
  "usage: npm run import -- FILE [--dry-run] [--url DATABASE_URL] [--match-by name,birthYear] " +
  "[--kind sten|raw] [--norm CODE] [--key IDEMPOTENCY_KEY] [--no-rerank]";

function usage(message: string): never {
  console.error(`banzi: ${message}\n${USAGE}`);
  process.exit(2);
}

const options = {
  "dry-run": { type: "boolean" },
  url: { type: "string" },
  "match-by": { type: "string" },
  kind: { type: "string" },
  norm: { type: "string" },
  key: { type: "string" },
  "no-rerank": { type: "boolean" },
} as const;

function parseCommandLine() {
  try {
    return parseArgs({ allowPositionals: true, options, strict: true });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
}

function readSource(file: string): ImportSource {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    return usage(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!/\.json$/i.test(file)) return { format: "csv", bytes };
  let body: { rows?: unknown };
  try {
    body = JSON.parse(new TextDecoder().decode(bytes)) as { rows?: unknown };
  } catch (error) {
    return usage(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(body?.rows)) return usage(`${file}: a JSON import is { "rows": [ … ] }`);
  return { format: "json", rows: body.rows };
}

const { values, positionals } = parseCommandLine();
const [file, ...extra] = positionals;
if (!file || extra.length) usage("give exactly one file");
if (values.kind !== undefined && values.kind !== "sten" && values.kind !== "raw")
  usage("--kind is sten or raw");

const source = readSource(file);

/** Runs the import's re-rank job here, with a progress bar (unless a server on the same file took it first). */
async function runRerank(
  services: { db: Db; clock: typeof systemClock; newId: () => string },
  jobId: string,
) {
  const job = await runJobHere(services, jobId, "re-rank");
  if (!job)
    return console.log(`banzi: re-rank job ${jobId} is being run by a server; see GET /v1/jobs/${jobId}`);
  if (job.status === "succeeded") console.log(`banzi: ${(job.result as RerankReport).summary.en}`);
  else
    console.error(
      `banzi: re-rank job ${jobId} ${job.status}: ${job.error ?? ""} (npm run rerank repeats it)`,
    );
}

const where = (issue: ImportIssue) =>
  `line ${issue.line}${issue.column === undefined ? "" : `, ${issue.column}`}: ${issue.message} [${issue.code}]`;

const env = parseEnv(NodeEnvSchema, { ...process.env, ...(values.url ? { DATABASE_URL: values.url } : {}) });
const { db, client } = openNodeDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
try {
  await migrateDb(db);
  const services = { db, clock: systemClock, newId: () => crypto.randomUUID() };
  const { status, summary } = await importAssessments(services, source, {
    // The re-rank job over the changed cadres is queued in the import's own transaction.
    onImported: rerankAfterImport(services),
    dryRun: values["dry-run"],
    idempotencyKey: values.key,
    matchBy: values["match-by"]?.split(",").map((k) => k.trim()),
    kind: values.kind as "sten" | "raw" | undefined,
    norm: values.norm,
  });
  for (const issue of summary.errors) console.error(where(issue));
  if (summary.errorCount > summary.errors.length)
    console.error(`… and ${summary.errorCount - summary.errors.length} more`);
  const counts = `${summary.rows} rows, ${summary.skipped} already stored, encoding ${summary.encoding ?? "-"}`;
  if (summary.dryRun) {
    console.log(
      summary.errorCount
        ? `banzi: dry run of ${file}: ${summary.errorCount} problem(s); nothing would be imported (${counts})`
        : `banzi: dry run of ${file}: valid; would create ${summary.created} assessment(s) of ${summary.cadreIds.length} cadre(s) (${counts})`,
    );
    if (summary.errorCount) process.exitCode = 1;
  } else if (status === 200) {
    console.log(
      `banzi: ${file} was already imported as ${summary.id} at ${summary.createdAt}; nothing new written`,
    );
  } else {
    console.log(
      `banzi: imported ${summary.created} assessment(s) of ${summary.cadreIds.length} cadre(s) from ${file} ` +
        `as ${summary.id} (${counts})`,
    );
    if (summary.jobId && !values["no-rerank"]) await runRerank(services, summary.jobId);
    else if (summary.jobId)
      console.log(`banzi: re-rank queued as job ${summary.jobId}; a running server will run it`);
  }
} catch (error) {
  if (!(error instanceof ApiError)) throw error;
  for (const issue of (error.errors ?? []) as ImportIssue[])
    console.error(issue.line === undefined ? `${issue.field}: ${issue.message}` : where(issue));
  console.error(`banzi: ${error.message.split(". ")[0]}.`);
  process.exitCode = 1;
} finally {
  client.close();
}
