import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

/**
 * On the worker the staff page comes from `[assets]` in wrangler.toml (./public), which Cloudflare
 * serves before the app is reached; the API behind it is the app. Since vitest-pool-workers 0.13 the
 * worker's `fetch` in tests does not pass through the asset layer, so the page is read through the
 * ASSETS binding that wrangler.toml declares — the files the platform would serve.
 */
const ASSETS = (env as unknown as { ASSETS: { fetch(url: string): Promise<Response> } }).ASSETS;

describe("the staff page on the worker", () => {
  it("has index.html and the page's modules among its assets", async () => {
    const page = await ASSETS.fetch("http://banzi.test/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("banzi");
    const modules = [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1] as string);
    expect(modules.length).toBeGreaterThan(0);
    for (const src of modules) {
      const module = await ASSETS.fetch(new URL(src, "http://banzi.test/").href);
      expect(module.status, src).toBe(200);
      expect(module.headers.get("content-type"), src).toMatch(/javascript/);
    }
  });

  it("leaves the API to the app, which asks for a token", async () => {
    const api = await exports.default.fetch("http://banzi.test/v1/teams");
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toMatch(/problem\+json/);
  });
});
