/**
 * Expected values shared by the Node and workerd tests, written out here rather than imported from
 * the code under test (no Node-only imports: the worker project loads this file too).
 */

/** Hono's `secureHeaders()` with its defaults (no CSP, no COEP), as the app sent them before it set them itself. */
export const SECURITY_HEADERS = {
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

/** A valid sten profile for requests whose content does not matter. */
export const SAMPLE_STENS = {
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
