/**
 * The fuzz test's request generators (test/security/fuzz.test.ts): values from each operation's
 * own schemas (mostly valid, reaching their bounds), hostile strings, and the hostile shapes of
 * issue 15 — JSON nested thousands of levels deep, bodies that are not UTF-8, lone surrogate
 * escapes, empty PATCHes, forged cursors, 15 KB path segments and stale `If-Match` tags.
 */
import fc from "fast-check";
import type { Role } from "../../src/auth/roles";

export type Schema = Record<string, unknown>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
}
export interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; required?: boolean; schema?: Schema }[];
  bodies: { type: string; schema: Schema }[];
}
export type Tokens = Record<Role, { token: string }>;

const LONG_SEGMENT = "x".repeat(15 * 1024);

/** Cursors no list issued: text where a list sorts by row id, numbers where by text, other shapes. */
const FORGED_CURSORS = ["WyJ6enoiXQ", "WzEuNV0", "WzFd", "W10", "_w", "eyJhIjoxfQ", "Wy0xXQ", "W251bGxd"];

const utf8 = new TextEncoder();

/**
 * A JSON body made hostile: a value nested 65 to 5,000 levels deep inside it, bytes that are not
 * UTF-8, a lone surrogate escape in a string, or `{}` (an empty PATCH).
 */
function hostileBody(
  valid: fc.Arbitrary<unknown>,
): fc.Arbitrary<{ type: string; text: string | Uint8Array<ArrayBuffer> }> {
  const json = (text: string | Uint8Array<ArrayBuffer>) => ({ type: "application/json", text });
  const inside = (value: unknown, extra: string) => {
    const text = JSON.stringify(value ?? {});
    return text.startsWith("{") && text !== "{}" ? `{${extra},${text.slice(1)}` : `{${extra}}`;
  };
  return fc.oneof(
    fc
      .tuple(valid, fc.integer({ min: 65, max: 5_000 }), fc.constantFrom("[", '{"a":'))
      .map(([v, depth, open]) => {
        const close = open === "[" ? "]" : "}";
        return json(inside(v, `"notes":${open.repeat(depth)}1${close.repeat(depth)}`));
      }),
    fc.tuple(valid, fc.constantFrom(0xff, 0xc3, 0xed, 0x80)).map(([v, byte]) => {
      const text = utf8.encode(inside(v, '"name":"a'));
      const at = text.indexOf(0x61, 1); // the "a" of the planted name
      const bytes = new Uint8Array([...text.slice(0, at), byte, ...text.slice(at)]);
      return json(bytes);
    }),
    fc
      .tuple(valid, fc.constantFrom("\\ud800", "\\udfff", "\\ud83d x", "a\\uDBFF"))
      .map(([v, lone]) => json(inside(v, `"name":"${lone}"`))),
    fc.constantFrom(json("{}"), json(" { } "), json("")),
  );
}

const HOSTILE_STRINGS = [
  "",
  " ",
  "' OR 1=1 --",
  "'; DROP TABLE cadres; --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00",
  "\u0000",
  "\uFEFF",
  "😀".repeat(50),
  "a".repeat(5000),
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  "9007199254740993",
  "__proto__",
  "constructor",
  '{"$ne":null}',
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);

function resolve(doc: OpenApiDoc, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref === "string") return resolve(doc, doc.components.schemas[ref.split("/").pop() ?? ""] ?? {});
  return schema;
}

/** Values from a JSON Schema (OpenAPI 3.1): valid most of the time, reaching its bounds. */
function fromSchema(doc: OpenApiDoc, raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  if (depth > 6) return fc.constant(null);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  for (const key of ["anyOf", "oneOf"] as const)
    if (Array.isArray(schema[key]))
      return fc.oneof(...(schema[key] as Schema[]).map((s) => fromSchema(doc, s, depth + 1)));
  if (Array.isArray(schema.allOf)) return fromSchema(doc, (schema.allOf as Schema[])[0] ?? {}, depth + 1);
  const type = schema.type;
  if (Array.isArray(type))
    return fc.oneof(...(type as string[]).map((ty) => fromSchema(doc, { ...schema, type: ty }, depth + 1)));
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = typeof schema.minimum === "number" ? schema.minimum : -1000;
      const max = typeof schema.maximum === "number" ? schema.maximum : 1000;
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max: Math.min(max, min + 1000) }));
    }
    case "number": {
      const min = typeof schema.minimum === "number" ? schema.minimum : -1e6;
      const max = typeof schema.maximum === "number" ? schema.maximum : 1e6;
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case "string": {
      if (schema.format === "date") return fc.constantFrom("2026-04-18", "1999-12-31", "2026-02-30");
      if (schema.format === "date-time")
        return fc.constantFrom("2026-11-25T08:00:00Z", "2026-11-25T08:00:00.000+08:00");
      const maxLength = Math.min(typeof schema.maxLength === "number" ? schema.maxLength : 30, 30);
      const minLength = Math.min(typeof schema.minLength === "number" ? schema.minLength : 0, maxLength);
      if (typeof schema.pattern === "string")
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= minLength && s.length <= Math.max(maxLength, minLength));
      return fc.string({ minLength, maxLength });
    }
    case "array": {
      const minLength = typeof schema.minItems === "number" ? schema.minItems : 0;
      const items = schema.items ? fromSchema(doc, schema.items as Schema, depth + 1) : fc.jsonValue();
      return fc.array(items, { minLength, maxLength: Math.max(minLength, 3) });
    }
    default: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const keys = Object.keys(properties);
      if (keys.length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      const required = (schema.required ?? []) as string[];
      return fc.record(
        Object.fromEntries(keys.map((k) => [k, fromSchema(doc, properties[k] ?? {}, depth + 1)])),
        {
          requiredKeys: required.filter((k) => keys.includes(k)),
        },
      );
    }
  }
}

/** Every operation of the OpenAPI document. */
export function operations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      const content = ((op.requestBody as Schema | undefined)?.content ?? {}) as Record<
        string,
        { schema: Schema }
      >;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []) as Operation["parameters"],
        bodies: Object.entries(content).map(([type, media]) => ({ type, schema: media.schema })),
      });
    }
  return ops;
}

export interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

/**
 * Requests for one operation: from its schemas (valid most of the time), with hostile strings in
 * paths, queries, bodies and headers, and the hostile shapes of issue 15 (see {@link hostileBody}).
 */
export function requests(doc: OpenApiDoc, tokens: Tokens, op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const segment = (p: Operation["parameters"][number]) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("fz-1", "fz-team", "CT01", "county-head", "1", "fa-1") },
      { weight: 2, arbitrary: fromSchema(doc, p.schema ?? { type: "string" }).map(String) },
      { weight: 2, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.constant(LONG_SEGMENT) },
    );
  const path = fc.tuple(...pathParams.map(segment)).map((values) => {
    let out = op.path;
    pathParams.forEach((p, i) => {
      out = out.replace(`{${p.name}}`, encodeURIComponent(String(values[i])));
    });
    return out;
  });
  const query = fc
    .tuple(
      fc.subarray(queryParams),
      fc.array(fc.tuple(hostileString, hostileString), { maxLength: 2 }),
      fc.boolean(),
      fc.option(fc.constantFrom(...FORGED_CURSORS), { freq: 4 }),
    )
    .chain(([chosen, extra, hostileValues, cursor]) =>
      fc
        .tuple(
          ...chosen.map((p) => (hostileValues ? hostileString : fromSchema(doc, p.schema ?? {}).map(String))),
        )
        .map((values) => {
          const params = new URLSearchParams();
          for (const [i, p] of chosen.entries()) params.append(p.name, String(values[i]));
          for (const [k, v] of extra) params.append(k, v);
          if (cursor !== null) params.set("cursor", cursor);
          const text = params.toString();
          return text ? `?${text}` : "";
        }),
    );
  const declared = op.bodies[0];
  const body: fc.Arbitrary<{ type?: string; text?: string | Uint8Array<ArrayBuffer> }> =
    op.method === "GET"
      ? fc.constant({}) // fetch forbids a body on GET
      : op.method === "DELETE"
        ? fc.oneof(
            fc.constant({}),
            hostileString.map((text) => ({ type: "application/json", text })),
          )
        : fc.oneof(
            {
              weight: 5,
              arbitrary: declared
                ? fromSchema(doc, declared.schema).map((v) => ({
                    type: declared.type,
                    text: declared.type.includes("json") ? JSON.stringify(v) : String(v),
                  }))
                : fc.constant({}),
            },
            {
              weight: 2,
              arbitrary: fc
                .jsonValue({ maxDepth: 3 })
                .map((v) => ({ type: "application/json", text: JSON.stringify(v) })),
            },
            { weight: 1, arbitrary: hostileString.map((text) => ({ type: "application/json", text })) },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom("{", '{"a":', "[1,2", '"\\ud800"', "{}{}")
                .map((text) => ({ type: "application/json", text })),
            },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom(
                  "text/csv",
                  "text/plain",
                  "application/xml",
                  "multipart/form-data",
                  "application/x-www-form-urlencoded",
                  "",
                )
                .map((type) => ({ type, text: "a,b\n1,2" })),
            },
            { weight: 1, arbitrary: fc.constant({}) },
            {
              weight: 3,
              arbitrary: declared?.type.includes("json")
                ? hostileBody(fromSchema(doc, declared.schema))
                : hostileBody(fc.jsonValue({ maxDepth: 2 })),
            },
          );
  const headers = fc.record(
    {
      authorization: fc.oneof(
        {
          weight: 8,
          arbitrary: fc
            .constantFrom(...(["admin", "admin", "admin", "admin", "staff", "scorer", "auditor"] as const))
            .map((r) => `Bearer ${tokens[r].token}`),
        },
        { weight: 1, arbitrary: hostileString.map((s) => `Bearer ${s}`) },
        { weight: 1, arbitrary: hostileString },
      ),
      "if-match": fc.oneof(fc.constantFrom('"v1"', '"v2"', '"v3"', "*", 'W/"v1"'), hostileString),
      "idempotency-key": hostileString,
      "x-csrf-token": hostileString,
      cookie: hostileString.map((s) => `banzi_session=${encodeURIComponent(s)}`),
      accept: fc.constantFrom("*/*", "text/html", "application/xml"),
    },
    { requiredKeys: ["authorization"] },
  );
  return fc.tuple(path, query, body, headers).map(([p, q, b, h]) => {
    const all: Record<string, string> = { ...h };
    if (b.type) all["content-type"] = b.type;
    // Header values must be ByteStrings; the rest of a hostile value is for bodies and paths.
    for (const [k, v] of Object.entries(all)) all[k] = v.replace(/[^\x20-\x7e]/g, "?");
    return { path: p + q, headers: all, ...(b.text === undefined ? {} : { body: b.text }) };
  });
}
