/**
 * The Node runtime's job runner: runs jobs one at a time in the server's own process. It is told of
 * new jobs (`notify`), and also polls — for jobs queued by another process (`npm run import` on the
 * same file) and for jobs whose runner died (their lease passes; see `runner.ts`) — so jobs resume
 * after a restart without anyone asking.
 *
 * CPU: handlers read and write here and send their searches to the compute given in `services`
 * (on Node the thread pool of src/compute/pool.ts), so HTTP requests keep being served while a job
 * runs. `stop()` (shutdown) cancels the job in hand: its search ends at the next budget check and
 * the job is queued again, to be resumed by the next start.
 */
import type { Db } from "../../db/client";
import * as q from "../../db/queries/jobs";
import { JobInterrupted } from "./errors";
import {
  claimAndRun,
  defaultRunnerOptions,
  type RunnerOptions,
  type RunnerServices,
  type RunStatus,
} from "./runner";
import type { JobNotifier } from "./types";

export interface InProcessOptions extends Partial<RunnerOptions> {
  /** How often to look for work nobody announced (ms). */
  pollMs?: number;
  /** Called after each job ends (tests, the command line). */
  onRun?: (run: { id: string; status: RunStatus }) => void;
}

export class InProcessRunner implements JobNotifier {
  private readonly options: RunnerOptions;
  private readonly pollMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private interrupt = new AbortController();
  private readonly services: RunnerServices;

  constructor(
    private readonly db: Db,
    services: RunnerServices,
    private readonly extra: InProcessOptions = {},
  ) {
    const runner = this;
    this.services = {
      ...services,
      // Read per job: a runner started again after a stop has a fresh signal.
      get signal() {
        return runner.interrupt.signal;
      },
    };
    this.options = {
      ...defaultRunnerOptions,
      runner: `node-${services.newId()}`,
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "pollMs" && k !== "onRun")),
    } as RunnerOptions;
    this.pollMs = extra.pollMs ?? 2_000;
  }

  get runnerId(): string {
    return this.options.runner;
  }

  /** Starts polling and runs what is waiting now (queued jobs; interrupted ones once their lease passes). */
  start(): this {
    this.stopped = false;
    if (this.interrupt.signal.aborted) this.interrupt = new AbortController();
    this.timer = setInterval(() => this.kick(), this.pollMs);
    (this.timer as { unref?: () => void }).unref?.();
    this.kick();
    return this;
  }

  notify(_jobId: string): void {
    this.kick();
  }

  /** Runs claimable jobs until none is left; concurrent calls fold into the running drain. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const run = await claimAndRun(this.db, this.services, this.options);
        if (!run) return;
        this.extra.onRun?.(run);
      }
    } catch (error) {
      // A database hiccup (e.g. busy past its timeout): the next poll tries again.
      console.error(
        `banzi: job runner: ${(error as { name?: string })?.name ?? "Error"} while claiming or finishing a job`,
      );
    }
  }

  /** Resolves once no job is being run and none is claimable (interrupted jobs with live leases aside). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.running) await this.running;
      const waiting = await q.claimableJobIds(this.db, this.services.clock.now().toISOString(), 1);
      if (waiting.length === 0 && !this.running) return;
      if (!this.running) this.kick();
    }
  }

  /**
   * Stops claiming; waits for the job in hand (if any) to end. With `interrupt`, the job in hand is
   * cancelled and queued again (shutdown) instead of being run to its end.
   */
  async stop(options: { interrupt?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (options.interrupt) this.interrupt.abort(new JobInterrupted("the server is stopping"));
    await this.running;
  }
}
