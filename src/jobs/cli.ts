/**
 * Running a job from a command (`npm run import`, `npm run rerank`) instead of waiting for a
 * server: claimed like any runner would (a server on the same database may take it first), with a
 * progress bar on the terminal.
 */
import type { Db } from "../../db/client";
import type { Clock } from "../deps";
import { progressBar } from "./progress-bar";
import { claimAndRun, defaultRunnerOptions } from "./runner";
import { getJob, type JobView } from "./view";

/** The job as it ended here, or null when another runner (a server) has it. */
export async function runJobHere(
  services: { db: Db; clock: Clock; newId: () => string },
  jobId: string,
  label: string,
): Promise<JobView | null> {
  const bar = progressBar(label);
  const run = await claimAndRun(
    services.db,
    services,
    {
      ...defaultRunnerOptions,
      runner: `cli-${services.newId()}`,
      onProgress: (_id, done, total) => bar.update(done, total),
    },
    jobId,
  );
  bar.end();
  return run ? getJob(services.db, jobId) : null;
}
