/**
 * The process that test/node/crash.test.ts kills with SIGKILL. Modes:
 * - `import URL FILE [hang]`: imports a CSV (kind sten) with the re-rank job queued in the same
 *   transaction; with `hang`, stops inside that transaction after every row is written.
 * - `rerank URL [compute|apply]`: runs the queued jobs with the in-process runner (short lease);
 *   `compute` stops in the middle of the re-rank job's work, `apply` inside its final transaction
 *   after its writes (uncommitted). Without a stop it runs until no job is left, then exits.
 * Lines on stdout tell the parent where the child is ("in-transaction", "progress d t", "applying").
 */
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { migrateDb, openNodeDb } from "../../db/node";
import { systemClock } from "../../src/deps";
import { InProcessRunner } from "../../src/jobs/in-process";
import type { JobHandler } from "../../src/jobs/types";
import { importAssessments } from "../../src/services/imports";
import { rerankAfterImport, rerankHandler } from "../../src/services/rerank";

const [mode, url, arg, stop] = process.argv.slice(2);
const forever = () => new Promise<never>(() => setInterval(() => {}, 1_000));
const { db } = openNodeDb(url as string);
await migrateDb(db);
const services = { db, clock: systemClock, newId: () => crypto.randomUUID() };

if (mode === "import") {
  const hook = rerankAfterImport(services);
  const { summary } = await importAssessments(
    services,
    { format: "csv", bytes: new Uint8Array(readFileSync(arg as string)) },
    {
      kind: "sten",
      onImported: async (tx, batch) => {
        const id = await hook(tx, batch);
        if (stop === "hang") {
          process.stdout.write("in-transaction\n");
          await forever();
        }
        return id;
      },
    },
  );
  process.stdout.write(`imported ${summary.created} ${summary.jobId}\n`);
  process.exit(0);
}

const where = arg;
const handler: JobHandler = async (payload, ctx) => {
  const outcome = await rerankHandler(payload, {
    ...ctx,
    async progress(done, total) {
      process.stdout.write(`progress ${done} ${total}\n`);
      if (where === "compute" && done === 2) await forever();
      await ctx.progress(done, total);
    },
  });
  return {
    result: outcome.result,
    apply: async (tx) => {
      await outcome.apply?.(tx);
      if (where === "apply") {
        process.stdout.write("applying\n");
        await forever();
      }
    },
  };
};
const runner = new InProcessRunner(db, services, {
  handlers: { rerank: handler },
  leaseMs: 1_000,
  progressMs: 0,
  pollMs: 100,
  onRun: (run) => process.stdout.write(`ran ${run.id} ${run.status}\n`),
}).start();
// Until no job is queued or running: a job left running by a killed process is claimed once its lease passes.
const pending = async () =>
  Number(
    (
      await db.all<{ n: number }>(sql`select count(*) as n from jobs where status in ('queued', 'running')`)
    )[0]?.n,
  );
while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 100));
await runner.stop();
process.exit(0);
