import type { MiddlewareHandler } from "hono";
import { ApiError } from "../lib/problem";

/** Runs work under a deadline: past it, the returned promise fails with a 503 `unavailable`. */
export interface Deadline {
  run<T>(work: () => Promise<T>): Promise<T>;
}

interface Pending {
  at: number;
  reject: (error: unknown) => void;
  prev: Pending | undefined;
  next: Pending | undefined;
  linked: boolean;
}

/**
 * A deadline of `ms` for each piece of work. The work itself is not cancelled (JavaScript cannot
 * stop a running promise); long searches and batches have their own budgets.
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
 * await deadline.run(() => next());
 * ```
 */
export function deadlines(ms: number, timers: "auto" | "shared" | "own" = "auto"): Deadline {
  const expired = () =>
    new ApiError("unavailable", `The request took longer than ${ms} ms; try a smaller one.`, {
      headers: { "retry-after": "1" },
    });
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
      p.reject(expired());
    }
    if (first) arm(first.at - now);
  }

  const own = <T>(work: () => Promise<T>): Promise<T> => {
    let running: Promise<T>;
    try {
      running = work();
    } catch (error) {
      return Promise.reject(error);
    }
    let handle: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      handle = setTimeout(() => reject(expired()), ms);
    });
    return Promise.race([running, late]).finally(() => clearTimeout(handle));
  };

  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      if (shared === undefined) {
        const probe: unknown = setTimeout(() => {}, 0);
        shared = typeof (probe as { unref?: unknown } | undefined)?.unref === "function";
        clearTimeout(probe as ReturnType<typeof setTimeout>);
      }
      if (!shared) return own(work);
      return new Promise<T>((resolve, reject) => {
        const p: Pending = { at: performance.now() + ms, reject, prev: last, next: undefined, linked: true };
        if (last) last.next = p;
        else first = p;
        last = p;
        if (!timer) arm(ms);
        let running: Promise<T>;
        try {
          running = work();
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
 * Answers 503 when a request takes longer than `ms` (see {@link deadlines}).
 *
 * @example
 * ```ts
 * app.use("/v1/*", requestTimeout(30_000));
 * ```
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  const deadline = deadlines(ms);
  return (_c, next) => deadline.run(next);
}
