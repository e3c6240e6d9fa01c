import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SAMPLE_STENS, SECURITY_HEADERS } from "../support/expected";

/** The bootstrap admin token bound in vitest.config.ts. */
const ADMIN = { authorization: "Bearer worker-test-admin-token-0123456789abcdef" };

const headersOf = (res: Response) => Object.fromEntries(res.headers);

describe("response headers in workerd", () => {
  it("a JSON answer (under the request deadline) and a problem carry the request id and security headers", async () => {
    const derived = await exports.default.fetch("http://banzi.test/v1/psychometrics/derive", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json", "x-request-id": "worker-trace-1" },
      body: JSON.stringify({ stens: SAMPLE_STENS }),
    });
    expect(derived.status).toBe(200);
    expect(headersOf(derived)).toEqual({
      ...SECURITY_HEADERS,
      "content-type": "application/json",
      "x-request-id": "worker-trace-1",
    });
    const missing = await exports.default.fetch("http://banzi.test/v1/nowhere", { headers: ADMIN });
    expect(missing.status).toBe(404);
    const { "x-request-id": id, ...rest } = headersOf(missing);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rest).toEqual({ ...SECURITY_HEADERS, "content-type": "application/problem+json" });
  });
});
