import type { Context } from "hono";
import { ApiError } from "../../src/lib/problem";

/** Renders an ApiError as the app does, for middleware tested on a bare Hono app. */
export function renderErrorForTest(error: Error, c: Context): Response {
  const problem = error instanceof ApiError ? error : new ApiError("internal", "internal");
  return new Response(JSON.stringify(problem.toProblem(c.req.path)), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", ...problem.headers },
  });
}
