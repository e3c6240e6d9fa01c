/**
 * Compression and revalidation for the static files the Node entry serves (the page, ECharts,
 * Swagger UI): text files of 1 KiB or more go out brotli- or gzip-compressed when the browser
 * accepts it, and every file carries a strong `ETag` with `Cache-Control: no-cache` — the names are
 * not versioned (`/app/main.js`), so a browser keeps its copy but asks each time, and an unchanged
 * file costs a `304` with no body. Compressed bodies are kept in memory by content hash, so a file is
 * compressed once per change, not per request. (The worker's static assets are Cloudflare's job.)
 *
 * @example
 * app.use("*", compressedStatic(serveStatic({ root: "public" })));
 */
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context, MiddlewareHandler } from "hono";

/** Media types worth compressing (images other than SVG and fonts are compressed already). */
const COMPRESSIBLE = /^(?:text\/|application\/(?:javascript|json|xml|wasm)|image\/svg\+xml)/;
/** Below this, compression saves less than the header costs. */
const MIN_BYTES = 1024;
/** Compressed bodies kept (the page has a few dozen files; ECharts is the big one). */
const KEPT = 64;

type Encoding = "br" | "gzip";

/** The encodings the request accepts (`q=0` refuses), brotli first. */
export function acceptedEncoding(header: string | undefined): Encoding | null {
  const accepted = new Set<string>();
  for (const part of (header ?? "").split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) accepted.add(name.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return null;
}

/** Whether `If-None-Match` names `etag` (or `*`); weak validators match too, as RFC 9110 asks for GET. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}

function compress(body: Uint8Array<ArrayBuffer>, encoding: Encoding): Uint8Array<ArrayBuffer> {
  return encoding === "br"
    ? brotliCompressSync(body, {
        params: {
          // Quality 7 of 11: ECharts' 1.1 MB becomes 332 KB in about 0.3 s, once (quality 9 saves 1 %
          // more for three times the time; the first visitor waits for it).
          [constants.BROTLI_PARAM_QUALITY]: 7,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      })
    : gzipSync(body, { level: 9 });
}

/**
 * Wraps a static-file middleware (such as `serveStatic`): what it serves gets an ETag, `no-cache`,
 * `Vary: Accept-Encoding` and, for text, a compressed body; what it passes on (not a file) is left alone.
 */
export function compressedStatic(serve: MiddlewareHandler): MiddlewareHandler {
  const kept = new Map<string, Uint8Array<ArrayBuffer>>();
  const encoded = (key: string, body: Uint8Array<ArrayBuffer>, encoding: Encoding) => {
    let bytes = kept.get(key);
    if (!bytes) {
      bytes = compress(body, encoding);
      if (kept.size >= KEPT) kept.delete(kept.keys().next().value as string);
      kept.set(key, bytes);
    }
    return bytes;
  };
  return async (c: Context, next) => {
    const served = await serve(c, next);
    // serveStatic answers a file with its Response; anything else went on to the app.
    if (!(served instanceof Response) || served.status !== 200 || c.req.method !== "GET") return served;
    const body = new Uint8Array(await served.arrayBuffer());
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    const headers = new Headers(served.headers);
    headers.set("etag", etag);
    headers.set("cache-control", "no-cache");
    headers.set("vary", "accept-encoding");
    if (matches(c.req.header("if-none-match"), etag)) {
      headers.delete("content-length");
      headers.delete("content-type");
      return new Response(null, { status: 304, headers });
    }
    const type = headers.get("content-type") ?? "";
    const encoding =
      COMPRESSIBLE.test(type) && body.byteLength >= MIN_BYTES
        ? acceptedEncoding(c.req.header("accept-encoding"))
        : null;
    const bytes = encoding ? encoded(`${encoding}:${etag}`, body, encoding) : body;
    if (encoding) headers.set("content-encoding", encoding);
    headers.set("content-length", String(bytes.byteLength));
    return new Response(bytes, { status: 200, headers });
  };
}
