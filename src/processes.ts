/**
 * Several server processes on one port (`BANZI_PROCESSES`), with node:cluster: the primary accepts
 * connections and hands them to its processes in turn. The primary prepares the database once
 * (migrations, the demo city, the first token) and then forks; it replaces a process that dies after
 * it had started listening, gives up when they keep dying, and stops them all on SIGTERM or SIGINT.
 *
 * What the processes must agree on lives in the database: the member and profile caches check its
 * data versions on every request, tokens are verified again within CREDENTIAL_TTL_MS, and jobs are
 * claimed atomically. Rate-limit buckets are kept per process.
 */
import cluster, { type Worker } from "node:cluster";

/** A running server process, as `src/node.ts` starts one. */
export interface ServerProcess {
  url: string;
  close(): Promise<void>;
}

/** What a server process tells the primary. */
interface Listening {
  type: "banzi:listening";
  url: string;
}

const isListening = (message: unknown): message is Listening =>
  typeof message === "object" &&
  message !== null &&
  (message as { type?: unknown }).type === "banzi:listening" &&
  typeof (message as { url?: unknown }).url === "string";

/** More than this many replacements within a minute means something is wrong: everything stops. */
const MAX_RESTARTS_PER_MINUTE = 5;
/** A process still running this long after SIGTERM is killed. */
const STOP_GRACE_MS = 30_000;

export interface PrimaryOptions {
  /** Run once before any process is forked (migrations, demo data, tokens). */
  prepare(): Promise<void>;
  /** Called once every process listens. */
  onListening(url: string): void;
}

/**
 * The primary: prepares, forks `count` processes (each told its slot, 1…count, in
 * BANZI_PROCESS_SLOT) and supervises them until a signal stops them all. Resolves when every
 * process has exited; the exit code is 0 after a signal and 1 when the start failed or processes
 * kept dying.
 */
export async function runPrimary(count: number, options: PrimaryOptions): Promise<number> {
  await options.prepare();
  const slots = new Map<Worker, number>();
  const exits: number[] = [];
  let listening = 0;
  let stopping = false;
  let exitCode = 0;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (slots.size === 0) finish(exitCode);
    for (const worker of slots.keys()) worker.process.kill("SIGTERM");
    setTimeout(() => {
      for (const worker of slots.keys()) worker.process.kill("SIGKILL");
    }, STOP_GRACE_MS).unref();
  };

  const fork = (slot: number, replacing: boolean) => {
    const worker = cluster.fork({ BANZI_PROCESS_SLOT: String(slot) });
    slots.set(worker, slot);
    let started = false;
    worker.on("message", (message: unknown) => {
      if (!isListening(message) || started) return;
      started = true;
      if (replacing) console.log(`banzi: process ${slot} is listening again`);
      else if (++listening === count) options.onListening(message.url);
    });
    worker.on("exit", (code, signal) => {
      slots.delete(worker);
      if (stopping) {
        if (slots.size === 0) finish(exitCode);
        return;
      }
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!started) {
        console.error(`banzi: could not start: process ${slot} exited (${how}) before it listened`);
        stopAll(1);
        return;
      }
      const now = performance.now();
      exits.push(now);
      while ((exits[0] as number) < now - 60_000) exits.shift();
      if (exits.length > MAX_RESTARTS_PER_MINUTE) {
        console.error(
          `banzi: server processes exited ${exits.length} times within a minute (last: process ${slot}, ${how}); stopping`,
        );
        stopAll(1);
        return;
      }
      console.error(`banzi: process ${slot} exited (${how}); starting another`);
      fork(slot, true);
    });
  };

  for (let slot = 1; slot <= count; slot++) fork(slot, false);
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));
  return done;
}

/**
 * A server process (the only one, or one of the primary's): serves, tells a primary its address,
 * and closes cleanly (the audit queue written, jobs stopped) on SIGTERM, SIGINT, or when its
 * primary goes away. A second signal during the close changes nothing (a terminal's Ctrl-C reaches
 * every process, and the primary then sends SIGTERM too).
 */
export async function runServerProcess(serve: () => Promise<ServerProcess>): Promise<ServerProcess> {
  const server = await serve();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
  process.send?.({ type: "banzi:listening", url: server.url } satisfies Listening);
  return server;
}
