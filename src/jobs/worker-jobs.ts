/**
 * Jobs in the worker runtime: a queued job is announced on a Cloudflare Queue (`JOBS`, declared in
 * wrangler.toml) and run by this worker's queue consumer; a cron trigger sweeps up what no message
 * announced (a failed send, a job whose isolate was evicted mid-run: its lease passes, it is
 * claimed again). Both run a job exactly as the Node runner does (`runner.ts`): one atomic claim,
 * then one write transaction for its effects and its success.
 */
import type { Db } from "../../db/client";
import { claimAndRun, defaultRunnerOptions, type RunnerOptions, type RunStatus } from "./runner";
import type { JobNotifier } from "./types";

/** The producer side of a Queue binding (the part used here). */
export interface JobQueue {
  send(body: { jobId: string }): Promise<void>;
}

/** Announces queued jobs on the `JOBS` queue. */
export function queueNotifier(queue: JobQueue): JobNotifier {
  return { notify: (jobId) => queue.send({ jobId }) };
}

/** The consumer side: what a message batch gives (the part used here). */
export interface JobMessage {
  body: unknown;
  ack(): void;
  retry(): void;
}

const services = () => ({ clock: { now: () => new Date() }, newId: () => crypto.randomUUID() });
const options = (extra: Partial<RunnerOptions> = {}): RunnerOptions => ({
  ...defaultRunnerOptions,
  // Leases shorter than on Node: a worker invocation lives for seconds, not hours.
  leaseMs: 30_000,
  runner: `worker-${crypto.randomUUID()}`,
  ...extra,
});

/**
 * Runs the jobs a batch of messages names. A message is acknowledged once its job has ended (or is
 * not claimable: already run, or held by a live runner); it is retried if the database failed.
 */
export async function consumeJobMessages(
  db: Db,
  messages: readonly JobMessage[],
  extra?: Partial<RunnerOptions>,
): Promise<{ id: string; status: RunStatus | "not_claimable" }[]> {
  const ran: { id: string; status: RunStatus | "not_claimable" }[] = [];
  for (const message of messages) {
    const id = (message.body as { jobId?: unknown } | null)?.jobId;
    if (typeof id !== "string") {
      message.ack();
      continue;
    }
    try {
      const run = await claimAndRun(db, services(), options(extra), id);
      ran.push(run ?? { id, status: "not_claimable" });
      message.ack();
    } catch {
      message.retry();
    }
  }
  return ran;
}

/** The cron trigger's sweep: runs claimable jobs, oldest first, until none is left or time is up. */
export async function sweepJobs(
  db: Db,
  { maxMs = 20_000, ...extra }: Partial<RunnerOptions> & { maxMs?: number } = {},
): Promise<{ id: string; status: RunStatus }[]> {
  const started = Date.now();
  const ran: { id: string; status: RunStatus }[] = [];
  while (Date.now() - started < maxMs) {
    const run = await claimAndRun(db, services(), options(extra));
    if (!run) break;
    ran.push(run);
  }
  return ran;
}
