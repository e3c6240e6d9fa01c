import type { MiddlewareHandler } from "hono";
import type { RequestDeadline } from "../deps";
import { ApiError } from "../lib/problem";

/** How a piece of work meets its deadline. */
export interface RunOptions {
  /**
   * Wait for the work to settle after the deadline instead of failing at once (writes): the
   * deadline then only aborts `deadline.signal`, which cancels the work's compute and makes
   * `deadline.check()` — run before a write transaction begins and before it commits — refuse to
   * write. So a write is either committed and answered with its success, or not committed and
   * answered 503; never a 503 over a commit.
   */
  settle?: boolean;
}

/** Runs work under a deadline: past it, the work's signal is aborted and (see `settle`) the run fails with 503. */
export interface Deadline {
  run<T>(work: (deadline: RequestDeadline) => Promise<T>, options?: RunOptions): Promise<T>;
}

interface Pending {
  at: number;
  expire: () => void;
  prev: Pending | undefined;
  next: Pending | undefined;
  linked: boolean;
}

/**
 * A deadline of `ms` for each piece of work. At the deadline the work's `signal` is aborted (with
 * the 503 problem as its reason): compute tasks given that signal stop at their next budget check,
 * and `check()` throws from then on. Without `settle` the run also fails at once with the 503 (a
 * read that hangs is answered on time); with it, the run waits for the work, whose own outcome —
 * success, or the 503 thrown by a cancelled compute or a refused write — is the answer.
 *
 * Where timers belong to the process (Node: a timer is an object with `unref`), one timer serves
 * every request: all deadlines are `ms` after their start, so they expire in the order the work
 * began, and a linked list in that order needs one timer, armed for its first entry, instead of a
 * `setTimeout` and `clearTimeout` per request. Where a timer belongs to the request that set it
 * (workerd: timers are numbers and die with their request), each run has its own. `timers` forces
 * one way (tests).
 *
 * @example
 * ```ts
 * const deadline = deadlines(30_000);
 * await deadline.run(({ signal }) => next(), { settle: true });
 * ```
 */
export function deadlines(ms: number, timers: "auto" | "shared" | "own" = "auto"): Deadline {
  const expired = () =>
    new ApiError(
      "unavailable",
      `The request took longer than ${ms} ms; nothing was changed. Try a smaller one.`,
      {
        headers: { "retry-after": "1" },
      },
    );
  let shared: boolean | undefined = timers === "auto" ? undefined : timers === "shared";
  let first: Pending | undefined;
  let last: Pending | undefined;
  let timer: { unref(): unknown } | undefined;

  const unlink = (p: Pending) => {
    if (!p.linked) return;
    p.linked = false;
    if (p.prev) p.prev.next = p.next;
    else first = p.next;
    if (p.next) p.next.prev = p.prev;
    else last = p.prev;
    p.prev = p.next = undefined;
  };
  const arm = (delay: number) => {
    timer = setTimeout(sweep, Math.max(1, Math.ceil(delay))) as unknown as { unref(): unknown };
    timer.unref();
  };
  function sweep() {
    timer = undefined;
    const now = performance.now();
    while (first && first.at <= now) {
      const p = first;
      unlink(p);
      p.expire();
    }
    if (first) arm(first.at - now);
  }

  /** The work's deadline; `expire()` aborts it (once) and then fails the run unless it settles. */
  const begin = (settle: boolean, reject: (error: unknown) => void) => {
    const controller = new AbortController();
    const at = performance.now() + ms;
    const expire = () => {
      if (!controller.signal.aborted) controller.abort(expired());
      if (!settle) reject(controller.signal.reason);
    };
    const deadline: RequestDeadline = {
      signal: controller.signal,
      check: () => {
        // By the clock too: CPU-bound work may reach a write before the timer could run.
        if (!controller.signal.aborted && performance.now() >= at) controller.abort(expired());
        if (controller.signal.aborted) throw controller.signal.reason;
      },
    };
    return { at, expire, deadline };
  };

  const own = <T>(work: (deadline: RequestDeadline) => Promise<T>, settle: boolean): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const { expire, deadline } = begin(settle, reject);
      let running: Promise<T>;
      try {
        running = work(deadline);
      } catch (error) {
        reject(error);
        return;
      }
      const handle = setTimeout(expire, ms);
      running.then(resolve, reject).finally(() => clearTimeout(handle));
    });

  return {
    run<T>(work: (deadline: RequestDeadline) => Promise<T>, options: RunOptions = {}): Promise<T> {
      const settle = options.settle === true;
      if (shared === undefined) {
        const probe: unknown = setTimeout(() => {}, 0);
        shared = typeof (probe as { unref?: unknown } | undefined)?.unref === "function";
        clearTimeout(probe as ReturnType<typeof setTimeout>);
      }
      if (!shared) return own(work, settle);
      return new Promise<T>((resolve, reject) => {
        const { at, expire, deadline } = begin(settle, reject);
        const p: Pending = { at, expire, prev: last, next: undefined, linked: true };
        if (last) last.next = p;
        else first = p;
        last = p;
        if (!timer) arm(ms);
        let running: Promise<T>;
        try {
          running = work(deadline);
        } catch (error) {
          unlink(p);
          throw error;
        }
        running.then(
          (value) => {
            unlink(p);
            resolve(value);
          },
          (error: unknown) => {
            unlink(p);
            reject(error);
          },
        );
      });
    },
  };
}

/**
 * Answers 503 when a request takes longer than `ms` (see {@link deadlines}; reads only: it neither
 * hands the deadline to services nor waits for writes).
 *
 * @example
 * ```ts
 * app.use("/v1/*", requestTimeout(30_000));
 * ```
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  const deadline = deadlines(ms);
  return (_c, next) => deadline.run(() => next());
}
