import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./problem";

/**
 * Rejects bodies over `maxSize` bytes with 413. A declared Content-Length is checked from the header
 * alone: Hono's own middleware reads `c.req.raw.body`, which on Node makes the server build a full
 * Request for every call (about 60 µs); streamed bodies without a length still go through it.
 */
export function limitBody(maxSize: (path: string) => number): MiddlewareHandler {
  const streamed = new Map<number, MiddlewareHandler>();
  const tooLarge = (size: number) =>
    new ApiError("payload_too_large", `The request body is larger than ${size} bytes.`);
  // Not async: the common case hands back next()'s promise without wrapping it in another.
  return (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const size = maxSize(c.req.path);
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number.parseInt(length, 10) > size) return Promise.reject(tooLarge(size));
      return next();
    }
    let limiter = streamed.get(size);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize: size,
        onError: () => {
          throw tooLarge(size);
        },
      });
      streamed.set(size, limiter);
    }
    return limiter(c, next);
  };
}
