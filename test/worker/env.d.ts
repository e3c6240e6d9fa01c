// Types `exports.default` of "cloudflare:workers" as the worker under test.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../../src/worker");
  }
}
