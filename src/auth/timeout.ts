import type { MiddlewareHandler } from "hono";
import { ApiError } from "../lib/problem";

/**
 * Answers 503 when a request takes longer than `ms`. The work itself is not cancelled (JavaScript
 * cannot stop a running promise); long searches and batches have their own budgets.
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  return async (_c, next) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ApiError("unavailable", `The request took longer than ${ms} ms; try a smaller one.`, {
              headers: { "retry-after": "1" },
            }),
          ),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
