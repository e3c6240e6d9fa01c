/**
 * What every request body must be before a route's schema sees it: JSON bodies valid UTF-8 with
 * no lone surrogate escapes and nested at most {@link MAX_JSON_DEPTH} levels; a PATCH with a body
 * that changes something. Each refusal is a 422 naming the field, never a 500 further in (SQLite's
 * JSON functions fail on 1,000 levels, recursive code overflows its stack on a few thousand) and
 * never a silent U+FFFD in stored text.
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { ApiError, invalid } from "./problem";

/** Deeper than any body a route declares (a score batch is about 6 levels); free-form fields included. */
export const MAX_JSON_DEPTH = 64;

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;
const EMPTY_OBJECT = /^\s*\{\s*\}\s*$/;
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A problem a JSON text has before it is parsed. */
export interface JsonTextProblem {
  field: string;
  code: "too_deep" | "lone_surrogate";
  message: string;
}

interface Frame {
  array: boolean;
  /** The element's index (arrays). */
  index: number;
  /** Where the current member's key is in the text (objects); -1 before the first. */
  keyStart: number;
  keyEnd: number;
  expectKey: boolean;
}

function keyText(text: string, frame: Frame): string {
  if (frame.array) return String(frame.index);
  if (frame.keyStart < 0) return "?";
  const raw = text.slice(frame.keyStart, frame.keyEnd);
  let key = raw;
  if (raw.includes("\\"))
    try {
      key = JSON.parse(`"${raw}"`) as string;
    } catch {
      // an invalid escape: JSON.parse refuses the whole body later
    }
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}

/** The dotted path of the open containers (at most 6 segments: enough to find the field). */
function pathOf(text: string, stack: Frame[]): string {
  const parts = stack.slice(0, 6).map((f) => keyText(text, f));
  if (stack.length > 6) parts.push("…");
  return parts.length === 0 ? "(body)" : parts.join(".");
}

const hex4 = (text: string, at: number) => {
  const s = text.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(s) ? Number.parseInt(s, 16) : -1;
};

/**
 * Scans a JSON text once, without parsing it, for nesting deeper than `maxDepth` and for `\u`
 * escapes of lone UTF-16 surrogates (which JSON.parse accepts and would store as broken text).
 * Invalid JSON is left for JSON.parse to refuse.
 *
 * @example
 * ```ts
 * scanJsonText('{"notes":[[[1]]]}', 2); // { field: "notes.0", code: "too_deep", … }
 * scanJsonText('{"name":"\\ud800"}');  // { field: "name", code: "lone_surrogate", … }
 * ```
 */
export function scanJsonText(text: string, maxDepth = MAX_JSON_DEPTH): JsonTextProblem | undefined {
  const stack: Frame[] = [];
  const n = text.length;
  const lone = (): JsonTextProblem => {
    const top = stack[stack.length - 1];
    const path = top && !top.array && top.expectKey ? pathOf(text, stack.slice(0, -1)) : pathOf(text, stack);
    return {
      field: path,
      code: "lone_surrogate",
      message: "a \\u escape of a lone UTF-16 surrogate is not text",
    };
  };
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      const start = i + 1;
      for (i = start; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x22) break;
        if (c !== 0x5c) continue;
        if (text.charCodeAt(i + 1) !== 0x75) {
          i++;
          continue;
        }
        const unit = hex4(text, i + 2);
        if (unit >= 0xdc00 && unit <= 0xdfff) return lone();
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low =
            text.charCodeAt(i + 6) === 0x5c && text.charCodeAt(i + 7) === 0x75 ? hex4(text, i + 8) : -1;
          if (low < 0xdc00 || low > 0xdfff) return lone();
          i += 11;
        } else i += 5;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        top.keyStart = start;
        top.keyEnd = i;
        top.expectKey = false;
      }
    } else if (ch === 0x7b || ch === 0x5b) {
      if (stack.length >= maxDepth)
        return {
          field: pathOf(text, stack),
          code: "too_deep",
          message: `nested deeper than ${maxDepth} levels`,
        };
      stack.push({ array: ch === 0x5b, index: 0, keyStart: -1, keyEnd: -1, expectKey: ch === 0x7b });
    } else if (ch === 0x7d || ch === 0x5d) stack.pop();
    else if (ch === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
    }
  }
  return undefined;
}

const bodyProblem = (field: string, code: string, message: string) =>
  new ApiError("validation_failed", `${field}: ${message}`, { errors: [{ field, code, message }] });

/**
 * Checks the body of a POST, PUT, PATCH or DELETE before its route parses it (see the module
 * comment). The decoded text is left in Hono's body cache, so the route's `c.req.json()` parses it
 * without reading or decoding the body again.
 */
export function checkBodies(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    // No route takes this method here: the answer is a 404 or 405 whatever the body.
    if (!matchedRoutes(c).some((r) => r.method !== "ALL")) return next();
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const json = JSON_MEDIA.test(mediaType);
    if (!json) {
      if (method === "PATCH" && (c.req.raw.body === null || (await c.req.arrayBuffer()).byteLength === 0))
        throw bodyProblem("(body)", "required", "a PATCH needs a JSON body naming what to change");
      return next();
    }
    const bytes = await c.req.arrayBuffer();
    let text: string;
    try {
      text = fatalUtf8.decode(bytes);
    } catch {
      throw bodyProblem("(body)", "invalid_utf8", "the body is not valid UTF-8");
    }
    // Hono's json() and text() read this cache; the body stream has been consumed.
    (c.req as unknown as { bodyCache: Record<string, Promise<unknown>> }).bodyCache.text =
      Promise.resolve(text);
    if (method === "PATCH" && (text.trim() === "" || EMPTY_OBJECT.test(text)))
      throw bodyProblem("(body)", "empty_patch", "a PATCH must name at least one field to change");
    const problem = scanJsonText(text);
    if (problem) throw invalid(problem.field, problem.message, problem.code);
    return next();
  };
}
