/**
 * Static files on Node (src/lib/static-files.ts around @hono/node-server's serveStatic): compressed
 * as the browser accepts, revalidated by ETag, and nothing else touched.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { acceptedEncoding, compressedStatic } from "../../src/lib/static-files";

const dir = mkdtempSync(join(tmpdir(), "banzi-static-"));
// A script long enough to compress (and that compresses well), a small stylesheet, and an image.
const script = `export const numbers = [${Array.from({ length: 800 }, (_, i) => i).join(", ")}];\n`;
writeFileSync(join(dir, "app.js"), script);
writeFileSync(join(dir, "tiny.css"), "body{margin:0}\n");
const png = Buffer.alloc(4096, 7);
writeFileSync(join(dir, "picture.png"), png);

const app = new Hono();
app.use("*", compressedStatic(serveStatic({ root: dir })));
app.get("/v1/thing", (c) => c.json({ ok: true }));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe("compressedStatic", () => {
  it("sends brotli when accepted, gzip otherwise, and the same bytes either way", async () => {
    const br = await get("/app.js", { "accept-encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers.get("content-encoding")).toBe("br");
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(Buffer.byteLength(script) / 2);
    expect(Number(br.headers.get("content-length"))).toBe(brBytes.length);
    expect(brotliDecompressSync(brBytes).toString()).toBe(script);
    expect(br.headers.get("content-type")).toMatch(/javascript/);

    const gz = await get("/app.js", { "accept-encoding": "gzip" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(script);

    const plain = await get("/app.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(script);
    for (const res of [br, gz, plain]) expect(res.headers.get("vary")).toMatch(/accept-encoding/i);
  });

  it("leaves small files and images uncompressed", async () => {
    const css = await get("/tiny.css", { "accept-encoding": "br, gzip" });
    expect(css.headers.get("content-encoding")).toBeNull();
    expect(await css.text()).toBe("body{margin:0}\n");
    const image = await get("/picture.png", { "accept-encoding": "br, gzip" });
    expect(image.headers.get("content-encoding")).toBeNull();
    expect(Buffer.from(await image.arrayBuffer())).toEqual(png);
  });

  it("marks files no-cache with an ETag, and answers 304 without a body when it matches", async () => {
    const first = await get("/app.js", { "accept-encoding": "br" });
    expect(first.headers.get("cache-control")).toBe("no-cache");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]+"$/);
    // The ETag names the content, not the encoding: the same for every way of sending it.
    expect((await get("/app.js")).headers.get("etag")).toBe(etag);
    const again = await get("/app.js", { "if-none-match": etag, "accept-encoding": "br" });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await get("/app.js", { "if-none-match": `W/${etag}` })).status).toBe(304);
    expect((await get("/app.js", { "if-none-match": '"something-else"' })).status).toBe(200);
    // A changed file has a new ETag.
    writeFileSync(join(dir, "app.js"), `${script}// changed\n`);
    expect((await get("/app.js", { "if-none-match": etag })).status).toBe(200);
    writeFileSync(join(dir, "app.js"), script);
  });

  it("leaves what is not a static file alone (the API, a missing file)", async () => {
    const api = await get("/v1/thing", { "accept-encoding": "br" });
    expect(await api.json()).toEqual({ ok: true });
    expect(api.headers.get("etag")).toBeNull();
    expect(api.headers.get("content-encoding")).toBeNull();
    expect((await get("/missing.js")).status).toBe(404);
  });

  it("reads Accept-Encoding with its q-values", () => {
    expect(acceptedEncoding("gzip, br")).toBe("br");
    expect(acceptedEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(acceptedEncoding("identity")).toBeNull();
    expect(acceptedEncoding(undefined)).toBeNull();
    expect(acceptedEncoding("GZIP")).toBe("gzip");
  });
});
