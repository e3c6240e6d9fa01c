import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

/** The bootstrap admin token bound in vitest.config.ts. */
const ADMIN = { authorization: "Bearer worker-test-admin-token-0123456789abcdef" };

/** Hono's `secureHeaders()` defaults, as test/app/response-headers.test.ts records them for Node. */
const SECURITY = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

const headersOf = (res: Response) => Object.fromEntries(res.headers);

describe("response headers in workerd", () => {
  it("a JSON answer (under the request deadline) and a problem carry the request id and security headers", async () => {
    const stens = {
      A: 6,
      B: 8,
      C: 7,
      E: 6,
      F: 5,
      G: 7,
      H: 6,
      I: 4,
      L: 4,
      M: 5,
      N: 5,
      O: 3,
      Q1: 6,
      Q2: 5,
      Q3: 8,
      Q4: 3,
    };
    const derived = await exports.default.fetch("http://banzi.test/v1/psychometrics/derive", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json", "x-request-id": "worker-trace-1" },
      body: JSON.stringify({ stens }),
    });
    expect(derived.status).toBe(200);
    expect(headersOf(derived)).toEqual({
      ...SECURITY,
      "content-type": "application/json",
      "x-request-id": "worker-trace-1",
    });
    const missing = await exports.default.fetch("http://banzi.test/v1/nowhere", { headers: ADMIN });
    expect(missing.status).toBe(404);
    const { "x-request-id": id, ...rest } = headersOf(missing);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rest).toEqual({ ...SECURITY, "content-type": "application/problem+json" });
  });
});
