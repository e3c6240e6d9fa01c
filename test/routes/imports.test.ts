/**
 * POST /v1/imports and GET /v1/imports/{id}, and `npm run import`: validation first (every problem by
 * line and column), atomic writes, idempotency by key and by content, encodings and header languages.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { loadDemoCity } from "../../db/seed/load";
import { problem, type TestApp, testApp } from "../support/app";
import { rowCounts, tempDb } from "../support/db";
import { createCadre, FACTOR_CODES, seedRegions } from "./fixtures";

const run = promisify(execFile);
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/imports/${name}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...utf8(p)] : p)));

/** The published cut-offs, copied here so raw → sten is checked against the text, not the code. */
const DESIGN_CUTOFFS: Record<string, number[]> = {
  A: [1, 3, 5, 6, 8, 11, 13, 14, 16],
  B: [3, 4, 5, 6, 7, 8, 9, 10, 11],
  C: [5, 7, 9, 11, 13, 16, 18, 20, 22],
  F: [3, 4, 6, 7, 9, 12, 14, 16, 18],
  G: [5, 7, 9, 10, 12, 14, 16, 17, 18],
  Q4: [2, 4, 6, 8, 11, 14, 16, 19, 21],
};
const expectedSten = (factor: string, raw: number) =>
  1 + (DESIGN_CUTOFFS[factor] ?? []).filter((upper) => upper < raw).length;

const CADRES = [
  { id: "C0001", name: "张伟", birthYear: 1978 },
  { id: "C0002", name: "李娜", birthYear: 1982 },
  { id: "C0003", name: "王芳", birthYear: 1985 },
  { id: "C0004", name: "刘洋", birthYear: 1980 },
  { id: "C0005", name: "陈静", birthYear: 1980 },
  { id: "C0006", name: "陈静", birthYear: 1980 },
];

/** A fresh app whose database holds the six cadres above. */
async function appWithCadres(): Promise<TestApp> {
  const t = await testApp();
  await seedRegions(t);
  for (const c of CADRES) await createCadre(t, c);
  return t;
}

function postImport(
  t: TestApp,
  body: Uint8Array | string,
  { query = "", type = "text/csv", key }: { query?: string; type?: string; key?: string } = {},
) {
  return t.app.request(`/v1/imports${query}`, {
    method: "POST",
    headers: { "content-type": type, ...t.bearer("admin"), ...(key ? { "idempotency-key": key } : {}) },
    body: body as BodyInit,
  });
}

/** Row counts of every table and a checksum of every row of the tables an import touches. */
async function snapshot(db: Db) {
  const checksums: Record<string, string> = {};
  for (const table of ["assessments", "import_batches", "cadres"]) {
    const rows = await db.all(sql.raw(`select * from "${table}" order by 1`));
    checksums[table] = createHash("sha256").update(JSON.stringify(rows)).digest("hex");
  }
  return { counts: await rowCounts(db), checksums };
}

/** What the imports stored, without generated ids and times: comparable across databases. */
async function importedAssessments(db: Db) {
  return db.all(
    sql.raw(
      "select cadre_id, instrument, taken_on, norm, " +
        FACTOR_CODES.map((f) => `sten_${f.toLowerCase()}, raw_${f.toLowerCase()}`).join(", ") +
        " from assessments where import_batch_id is not null order by cadre_id, taken_on",
    ),
  );
}

const FACTOR_HEADER = "A,B,C,E,F,G,H,I,L,M,N,O,Q1,Q2,Q3,Q4";
const fives = (overrides: Record<string, string> = {}) =>
  FACTOR_CODES.map((f) => overrides[f] ?? "5").join(",");

interface Summary {
  id: string | null;
  dryRun: boolean;
  replayed: boolean;
  encoding: string | null;
  rows: number;
  created: number;
  skipped: number;
  cadreIds: string[];
  ignoredColumns: string[];
  errorCount: number;
  errors: { line: number; column?: string; code: string; message: string; field: string }[];
}
const codesByLine = (errors: Summary["errors"]) =>
  errors.map((e) => ({ line: e.line, column: e.column, code: e.code }));

describe("a malformed file", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWithCadres();
    expect((await postImport(t, fixture("round-zh.csv"))).status).toBe(201); // something to keep intact
  });
  afterAll(() => t.close());

  // Line 3: a name that is neither UTF-8 nor GB18030; 4: a sten of 12; 5: an unknown cadre; 6: an
  // empty factor; 7: line 2 again; 8: the last line cut off mid-row (no final line break).
  const malformed = concat(
    `干部编号,姓名,测评日期,分数类型,${FACTOR_HEADER}\r\n`,
    `C0001,张伟,2026-10-08,标准分,${fives()}\r\n`,
    "C0002,",
    [0xff, 0xfe, 0xfd],
    `,2026-10-08,标准分,${fives()}\r\n`,
    `C0003,王芳,2026-10-08,标准分,${fives({ A: "12" })}\r\n`,
    `C9999,无名,2026-10-08,标准分,${fives()}\r\n`,
    `C0004,刘洋,2026-10-08,标准分,${fives({ B: "" })}\r\n`,
    `C0001,张伟,2026-10-08,标准分,${fives()}\r\n`,
    "C0005,陈静,2026-10-08,标准分,5,5,5",
  );
  const expected = [
    { line: 3, column: "姓名", code: "bad_encoding" },
    { line: 4, column: "A", code: "sten_out_of_range" },
    { line: 5, column: "干部编号", code: "unknown_cadre" },
    { line: 6, column: "B", code: "missing_factor" },
    { line: 7, column: undefined, code: "duplicate_row" },
    { line: 8, column: undefined, code: "truncated_row" },
  ];

  it("is rejected with every problem listed by line, and the database is unchanged", async () => {
    const before = await snapshot(t.db);
    const res = await postImport(t, malformed);
    expect(res.status).toBe(422);
    const body = (await problem(res)) as unknown as {
      code: string;
      detail: string;
      errors: Summary["errors"];
    };
    expect(body.code).toBe("validation_failed");
    expect(codesByLine(body.errors)).toEqual(expected);
    expect(body.errors[1]).toMatchObject({ field: "line 4, A", message: "a sten is 1–10, got 12" });
    expect(body.errors[4]?.message).toContain("line 2");
    expect(body.detail).toMatch(/^6 problems in the import; nothing was written/);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("gets the same list from a dry run, which writes nothing", async () => {
    const before = await snapshot(t.db);
    const res = await postImport(t, malformed, { query: "?dryRun=true" });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as Summary;
    expect(summary).toMatchObject({ id: null, dryRun: true, rows: 7, created: 0, errorCount: 6 });
    expect(codesByLine(summary.errors)).toEqual(expected);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("reports a quote left open at the end (a cut-off file) on the line it began", async () => {
    const cut = `干部编号,测评日期,分数类型,${FACTOR_HEADER}\nC0004,2026-10-08,sten,${fives()}\nC0005,"2026-10-`;
    const res = await postImport(t, cut, { query: "?dryRun=true" });
    expect(codesByLine(((await res.json()) as Summary).errors)).toEqual([
      { line: 3, column: undefined, code: "unterminated_quote" },
    ]);
  });

  it("reports problems of the header once, on line 1, and still checks the rows", async () => {
    const noQ4 = FACTOR_HEADER.replace(",Q4", "");
    const csv = `cadreId,takenOn,${noQ4},A\nC0004,2026-13-01,${fives().split(",").slice(0, 15).join(",")},5\n`;
    const summary = (await (await postImport(t, csv, { query: "?dryRun=true" })).json()) as Summary;
    expect(codesByLine(summary.errors)).toEqual([
      { line: 1, column: "A", code: "duplicate_column" },
      { line: 1, column: "Q4", code: "missing_column" },
      { line: 1, column: "kind", code: "missing_column" },
      { line: 2, column: "takenOn", code: "bad_date" },
    ]);
  });

  it("checks raw scores against the norm, dates, kinds and norms", async () => {
    const csv = [
      `cadreId,takenOn,kind,norm,${FACTOR_HEADER}`,
      `C0004,2026-10-08,raw,,${fives({ B: "14" })}`, // B's raw maximum is 13
      `C0005,2027-01-01,sten,,${fives()}`, // after the (fixed) clock's today
      `C0006,2026-10-08,both,,${fives()}`,
      `C0004,2026-10-09,raw,no-such-norm,${fives()}`,
      `C0005,2026-10-09,sten,,${fives({ C: "5.5" })}`,
    ].join("\n");
    const summary = (await (await postImport(t, csv, { query: "?dryRun=true" })).json()) as Summary;
    expect(codesByLine(summary.errors)).toEqual([
      { line: 2, column: "B", code: "raw_out_of_range" },
      { line: 3, column: "takenOn", code: "bad_date" },
      { line: 4, column: "kind", code: "bad_kind" },
      { line: 5, column: "norm", code: "unknown_norm" },
      { line: 6, column: "C", code: "not_integer" },
    ]);
  });

  it("refuses a second assessment of a cadre on a stored date with other scores, and skips an identical one", async () => {
    const stored = readFileSync(new URL("../fixtures/imports/round-en.csv", import.meta.url), "utf8");
    const [header, first] = stored.split("\r\n");
    const changed = (first as string).replace("sten,6,", "sten,7,");
    const conflict = await postImport(t, `${header}\n${changed}\n`);
    expect(conflict.status).toBe(422);
    const body = (await problem(conflict)) as unknown as { errors: Summary["errors"] };
    expect(codesByLine(body.errors)).toEqual([{ line: 2, column: undefined, code: "conflicts_stored" }]);

    const before = await snapshot(t.db);
    const same = await postImport(t, `${header}\n${first}\n`, { query: "?dryRun=true" });
    expect(await same.json()).toMatchObject({ rows: 1, created: 0, skipped: 1, errors: [] });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("answers 415 for a body that is neither CSV nor JSON", async () => {
    const res = await postImport(t, "x", { type: "application/xml" });
    expect(res.status).toBe(415);
    expect((await problem(res)).code).toBe("unsupported_media_type");
  });
});

describe("a valid round", () => {
  let t: TestApp;
  let first: Summary;
  beforeAll(async () => {
    t = await appWithCadres();
  });
  afterAll(() => t.close());

  it("is imported in one batch: 201 with the changed cadres, history kept", async () => {
    const before = await rowCounts(t.db);
    const res = await postImport(t, fixture("round-zh.csv"));
    expect(res.status).toBe(201);
    first = (await res.json()) as Summary;
    expect(first).toMatchObject({
      dryRun: false,
      replayed: false,
      encoding: "utf-8",
      rows: 3,
      created: 3,
      skipped: 0,
      cadreIds: ["C0001", "C0002", "C0003"],
      ignoredColumns: ["备注"],
      errors: [],
    });
    expect(first.id).toEqual(expect.any(String));
    const after = await rowCounts(t.db);
    expect(after.assessments).toBe((before.assessments ?? 0) + 3);
    expect(after.import_batches).toBe((before.import_batches ?? 0) + 1);

    const list = await (await t.get("/v1/cadres/C0003/assessments")).json();
    expect(list.items[0]).toMatchObject({ takenOn: "2026-09-01", importBatchId: first.id, raw: null });
  });

  it("converts raw scores through the named norm (checked against the published norm table)", async () => {
    const { items } = await (await t.get("/v1/cadres/C0002/assessments")).json();
    const [assessment] = items as {
      norm: string;
      raw: Record<string, number>;
      stens: Record<string, number>;
    }[];
    expect(assessment?.norm).toBe("cn-16pf-187");
    expect(assessment?.raw).toMatchObject({ A: 16, B: 3, C: 23, F: 9, G: 10, Q4: 11 });
    for (const [factor, raw] of Object.entries({ A: 16, B: 3, C: 23, F: 9, G: 10, Q4: 11 }))
      expect(assessment?.stens[factor], factor).toBe(expectedSten(factor, raw));
    expect(assessment?.stens).toMatchObject({ A: 9, B: 1, C: 10, F: 5, G: 4, Q4: 5 });
  });

  it("creates nothing the second time: the same answer (replayed), the same database", async () => {
    const before = await snapshot(t.db);
    const res = await postImport(t, fixture("round-zh.csv"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...first, replayed: true });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("shows the stored summary at GET /v1/imports/{id}", async () => {
    const res = await t.get(`/v1/imports/${first.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(first);
    expect((await t.get("/v1/imports/nope")).status).toBe(404);
  });

  it("writes nothing on a clean dry run, yet says what it would create", async () => {
    const before = await snapshot(t.db);
    const csv = `cadreId,takenOn,kind,${FACTOR_HEADER}\nC0004,2026-10-08,sten,${fives()}\n`;
    const res = await postImport(t, csv, { query: "?dryRun=true" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: null,
      dryRun: true,
      created: 1,
      cadreIds: ["C0004"],
      errors: [],
    });
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("Idempotency-Key", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWithCadres();
  });
  afterAll(() => t.close());
  const round = (date: string) => `cadreId,takenOn,kind,${FACTOR_HEADER}\nC0004,${date},sten,${fives()}\n`;

  it("returns the first result for the same key and body, 409 for the same key with another body", async () => {
    const created = await postImport(t, round("2026-10-01"), { key: "round-7" });
    expect(created.status).toBe(201);
    const summary = (await created.json()) as Summary;

    const before = await snapshot(t.db);
    const again = await postImport(t, round("2026-10-01"), { key: "round-7" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...summary, replayed: true });

    const other = await postImport(t, round("2026-10-02"), { key: "round-7" });
    expect(other.status).toBe(409);
    expect(await problem(other)).toMatchObject({ code: "conflict", field: "header.idempotency-key" });

    // The same bytes under a new key are still the same import.
    const sameBytes = await postImport(t, round("2026-10-01"), { key: "round-7-retry" });
    expect(sameBytes.status).toBe(200);
    expect(((await sameBytes.json()) as Summary).id).toBe(summary.id);
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("encodings, header languages and JSON give the same assessments", () => {
  const zh = fixture("round-zh.csv");
  const variants: [string, Uint8Array | string, string, string | null][] = [
    ["UTF-8, Chinese headers", zh, "text/csv", "utf-8"],
    ["UTF-8 with BOM", concat([0xef, 0xbb, 0xbf], new TextDecoder().decode(zh)), "text/csv", "utf-8-bom"],
    ["GB18030 (made with iconv)", fixture("round-zh.gb18030.csv"), "text/csv", "gb18030"],
    ["English headers", fixture("round-en.csv"), "text/csv; charset=utf-8", "utf-8"],
    [
      "JSON (nested stens and raw)",
      JSON.stringify({
        rows: [
          {
            cadreId: "C0001",
            takenOn: "2026-09-01",
            stens: factors([6, 7, 5, 4, 6, 8, 5, 3, 4, 5, 6, 3, 7, 5, 8, 3]),
          },
          {
            cadreId: "C0002",
            takenOn: "2026-09-01",
            raw: factors([16, 3, 23, 2, 9, 10, 19, 17, 3, 20, 14, 2, 15, 5, 18, 11]),
          },
          {
            cadreId: "C0003",
            takenOn: "2026/9/1",
            stens: factors([5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
          },
        ],
      }),
      "application/json",
      null,
    ],
  ];
  const results: { name: string; stored: unknown[]; summary: Summary }[] = [];

  beforeAll(async () => {
    for (const [name, body, type] of variants) {
      const t = await appWithCadres();
      const res = await postImport(t, body, { type });
      const summary = (await res.json()) as Summary;
      expect(res.status, `${name}: ${JSON.stringify(summary)}`).toBe(201);
      results.push({ name, stored: await importedAssessments(t.db), summary });
      t.close();
    }
  });

  it.each(variants.map(([name, , , encoding]) => [name, encoding] as const))("%s", (name, encoding) => {
    const result = results.find((r) => r.name === name);
    const reference = results[0];
    expect(result?.summary).toMatchObject({ created: 3, cadreIds: ["C0001", "C0002", "C0003"], encoding });
    expect(result?.stored).toHaveLength(3);
    expect(result?.stored).toEqual(reference?.stored);
  });
});

/** Values in A … Q4 order as a factor record. */
function factors(values: number[]): Record<string, number> {
  return Object.fromEntries(FACTOR_CODES.map((f, i) => [f, values[i] as number]));
}

describe("JSON rows", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWithCadres();
  });
  afterAll(() => t.close());

  it("reports problems by 1-based row and key, with a dotted field", async () => {
    const rows = [
      {
        cadreId: "C0004",
        takenOn: "2026-10-08",
        kind: "sten",
        ...Object.fromEntries(FACTOR_CODES.map((f) => [f, 5])),
      },
      {
        cadreId: "C0005",
        takenOn: "2026-10-08",
        kind: "sten",
        ...Object.fromEntries(FACTOR_CODES.map((f) => [f, 11])),
      },
    ];
    const { Q4: _drop, ...withoutQ4 } = rows[0] as Record<string, unknown>;
    const res = await postImport(t, JSON.stringify({ rows: [rows[0], rows[1], withoutQ4] }), {
      type: "application/json",
      query: "?dryRun=true",
    });
    const summary = (await res.json()) as Summary;
    expect(summary.errors.filter((e) => e.line === 2)).toHaveLength(16);
    expect(summary.errors[0]).toMatchObject({
      line: 2,
      column: "A",
      code: "sten_out_of_range",
      field: "rows.1.A",
    });
    expect(summary.errors.at(-1)).toMatchObject({
      line: 3,
      column: "Q4",
      code: "missing_factor",
      field: "rows.2.Q4",
    });
  });

  it("rejects a body that is not { rows: [objects] } with the usual 422", async () => {
    const res = await postImport(t, JSON.stringify({ rows: [1] }), { type: "application/json" });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors?.[0]?.field).toBe("rows.0");
  });
});

describe("matching by a natural key (?matchBy=name,birthYear)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWithCadres();
  });
  afterAll(() => t.close());

  it("finds a cadre by a unique name and birth year; an ambiguous or unknown one is an error", async () => {
    const csv = [
      `姓名,出生年份,测评日期,分数类型,${FACTOR_HEADER}`,
      `张 伟,1978,2026-10-08,标准分,${fives()}`, // a space pads two-character names in Chinese tables
      `陈静,1980,2026-10-08,标准分,${fives()}`,
      `张伟,1979,2026-10-08,标准分,${fives()}`,
    ].join("\r\n");
    const dry = (await (
      await postImport(t, csv, { query: "?dryRun=true&matchBy=name,birthYear" })
    ).json()) as Summary;
    expect(codesByLine(dry.errors)).toEqual([
      { line: 3, column: "姓名", code: "ambiguous_cadre" },
      { line: 4, column: "姓名", code: "unknown_cadre" },
    ]);
    expect(dry.errors[0]?.message).toContain("C0005, C0006");

    const ok = await postImport(t, csv.split("\r\n").slice(0, 2).join("\r\n"), {
      query: "?matchBy=name,birthYear",
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({
      created: 1,
      cadreIds: ["C0001"],
      matchBy: ["name", "birthYear"],
    });
  });

  it("checks a name given beside an id against the cadre", async () => {
    const csv = `cadreId,name,takenOn,kind,${FACTOR_HEADER}\nC0002,张伟,2026-10-08,sten,${fives()}\n`;
    const dry = (await (await postImport(t, csv, { query: "?dryRun=true" })).json()) as Summary;
    expect(codesByLine(dry.errors)).toEqual([{ line: 2, column: "name", code: "cadre_mismatch" }]);
  });

  it("refuses an unknown matchBy", async () => {
    const res = await postImport(t, "a", { query: "?matchBy=gender" });
    expect(res.status).toBe(422);
    expect((await problem(res)).field).toBe("query.matchBy");
  });
});

describe("npm run import", () => {
  let database: Awaited<ReturnType<typeof tempDb>>;
  beforeAll(async () => {
    database = await tempDb();
    await loadDemoCity(database.db, new Date("2026-06-30T00:00:00Z"));
  });
  afterAll(() => database.close());
  const cli = (...args: string[]) =>
    run("npx", ["tsx", "db/import-cli.ts", ...args, "--url", database.url], { timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("imports a file, reports errors by line with a non-zero exit, and replays the same file", async () => {
    const dir = dirname(database.path);
    const good = join(dir, "round.csv");
    const bad = join(dir, "bad.csv");
    const header = `干部编号,测评日期,分数类型,${FACTOR_HEADER}`;
    writeFileSync(
      good,
      `${header}\r\nC0001,2025/9/1,标准分,${fives()}\r\nC0002,2025/9/1,标准分,${fives()}\r\n`,
    );
    writeFileSync(
      bad,
      `${header}\r\nC0003,2025/9/1,标准分,${fives()}\r\nC0004,2025/9/1,标准分,${fives({ A: "12" })}\r\nC9999,2025/9/1,标准分,${fives()}\r\n`,
    );

    const before = await snapshot(database.db);
    const rejected = await cli(bad);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain("line 3, A: a sten is 1–10, got 12 [sten_out_of_range]");
    expect(rejected.stderr).toContain("line 4, 干部编号: no cadre with id 'C9999' [unknown_cadre]");
    expect(await snapshot(database.db)).toEqual(before);

    const dry = await cli(good, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would create 2 assessment(s) of 2 cadre(s)");
    expect(await snapshot(database.db)).toEqual(before);

    const imported = await cli(good);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 2 assessment\(s\) of 2 cadre\(s\)/);
    const after = await rowCounts(database.db);
    expect(after.assessments).toBe((before.counts.assessments ?? 0) + 2);

    const again = await cli(good);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("was already imported");
    expect(await rowCounts(database.db)).toEqual(after);
  });
});
