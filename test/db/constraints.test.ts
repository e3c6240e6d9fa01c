/**
 * The database itself refuses what the API refuses: CHECKs and foreign keys hold for any writer
 * (imports, scripts, a future bug), not only for requests that pass the zod schemas.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { MIGRATIONS_FOLDER, migrateDb } from "../../db/node";
import { rowCounts, tempDb } from "../support/db";

const FACTOR_COLUMNS = ["a", "b", "c", "e", "f", "g", "h", "i", "l", "m", "n", "o", "q1", "q2", "q3", "q4"];
const NOW = "2026-11-25T08:00:00.000Z";

let database: Awaited<ReturnType<typeof tempDb>>;
let db: Db;
beforeAll(async () => {
  database = await tempDb();
  db = database.db;
});
afterAll(() => database.close());

/** Every message on an error and its causes (drizzle wraps the driver's error). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++)
    parts.push(
      `${String((e as { code?: unknown }).code ?? "")} ${String((e as { message?: unknown }).message ?? "")}`,
    );
  return parts.join(" | ");
}

/** Runs a statement that must fail with the given constraint, and checks it wrote nothing. */
async function rejects(statement: SQL, constraint: RegExp): Promise<void> {
  const before = await rowCounts(db);
  let failure: unknown;
  try {
    await db.run(statement);
  } catch (error) {
    failure = error;
  }
  expect(failure, "the database accepted the row").toBeDefined();
  expect(messages(failure)).toMatch(constraint);
  expect(await rowCounts(db)).toEqual(before);
}

const CHECK = /CHECK constraint failed|SQLITE_CONSTRAINT_CHECK/i;
const FOREIGN_KEY = /FOREIGN KEY constraint failed|SQLITE_CONSTRAINT_FOREIGNKEY/i;
const UNIQUE = /UNIQUE constraint failed|PRIMARY KEY|SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)/i;

function insertAssessment(
  id: string,
  cadreId: string,
  stens: Record<string, number> = {},
  raw: Record<string, number> = {},
) {
  const stenValues = FACTOR_COLUMNS.map((f) => stens[f] ?? 5);
  const rawValues = FACTOR_COLUMNS.map((f) => raw[f] ?? null);
  return sql`insert into assessments (id, cadre_id, instrument, taken_on, created_at, ${sql.raw(
    [...FACTOR_COLUMNS.map((f) => `sten_${f}`), ...FACTOR_COLUMNS.map((f) => `raw_${f}`)].join(", "),
  )}) values (${id}, ${cadreId}, '16pf-cn-187', '2026-04-18', ${NOW}, ${sql.join(
    [...stenValues, ...rawValues].map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

const insertCadre = (id: string, overrides: { gender?: string; birthYear?: number; region?: string } = {}) =>
  sql`insert into cadres (id, name, gender, birth_year, education, birth_region, growth_region, rank, created_at, updated_at)
      values (${id}, ${`干部${id}`}, ${overrides.gender ?? "male"}, ${overrides.birthYear ?? 1975}, 'bachelor',
              ${overrides.region ?? "R"}, ${overrides.region ?? "R"}, 'division', ${NOW}, ${NOW})`;

describe("migrations", () => {
  it("are idempotent: running them again changes neither the schema nor the data", async () => {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    const schema = async () =>
      db.all<{ type: string; name: string; sql: string | null }>(
        sql`select type, name, sql from sqlite_master where name not like 'sqlite_%' order by type, name`,
      );
    const applied = async () =>
      Number((await db.all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`))[0]?.n);

    const before = await schema();
    expect(before.some((o) => o.name === "assessments")).toBe(true);
    expect(await applied()).toBe(journal.entries.length);
    await db.run(
      sql`insert into regions (code, name, level, created_at, updated_at) values ('M', 'M', 'city', ${NOW}, ${NOW})`,
    );
    const counts = await rowCounts(db);

    await migrateDb(db);
    await migrateDb(db);

    expect(await schema()).toEqual(before);
    expect(await applied()).toBe(journal.entries.length);
    expect(await rowCounts(db)).toEqual(counts);
    await db.run(sql`delete from regions where code = 'M'`);
  });
});

describe("constraints enforced by the database", () => {
  beforeAll(async () => {
    await db.run(
      sql`insert into regions (code, name, level, created_at, updated_at) values ('R', '市', 'city', ${NOW}, ${NOW})`,
    );
    for (const id of ["a", "b", "c"]) await db.run(insertCadre(id));
    // Valid rows of every kind, written the same way as the refused ones below: so the refusals are
    // about the values, not about the statements.
    await db.run(insertAssessment("ok-1", "a", { a: 1, q4: 10 }, { a: 0, b: 13 }));
    await db.run(sql`insert into kin_links (cadre_id, kin_id, relation) values ('a', 'b', 'spouse')`);
    await db.run(sql`insert into cadre_skills (cadre_id, skill, level) values ('a', 'law', 5)`);
    await db.run(
      sql`insert into post_types (code, name, name_en, created_at, updated_at) values ('p', 'p', 'p', ${NOW}, ${NOW})`,
    );
    await db.run(
      sql`insert into teams (id, region_code, created_at, updated_at) values ('t', 'R', ${NOW}, ${NOW})`,
    );
    await db.run(sql`insert into seats (team_id, position, post_code, cadre_id) values ('t', 0, 'p', 'b')`);
    // Vacancies (NULL) do not collide with each other.
    await db.run(sql`insert into seats (team_id, position, post_code, cadre_id) values ('t', 1, 'p', null)`);
    await db.run(sql`insert into seats (team_id, position, post_code, cadre_id) values ('t', 2, 'p', null)`);
    expect(await rowCounts(db)).toMatchObject({
      assessments: 1,
      kin_links: 1,
      cadre_skills: 1,
      cadres: 3,
      seats: 3,
    });
  });

  it("refuses a sten of 11 or 0 in any factor", async () => {
    await rejects(insertAssessment("bad-1", "a", { c: 11 }), CHECK);
    await rejects(insertAssessment("bad-2", "a", { q4: 11 }), CHECK);
    await rejects(insertAssessment("bad-3", "a", { a: 0 }), CHECK);
    await rejects(insertAssessment("bad-4", "a", { m: -3 }), CHECK);
    await rejects(sql`update assessments set sten_o = 11 where id = 'ok-1'`, CHECK);
  });

  it("refuses a negative raw score", async () => {
    await rejects(insertAssessment("bad-raw", "a", {}, { b: -1 }), CHECK);
  });

  it("refuses a kin link stored the wrong way round or to oneself", async () => {
    await rejects(sql`insert into kin_links (cadre_id, kin_id, relation) values ('b', 'a', 'lineal')`, CHECK);
    await rejects(sql`insert into kin_links (cadre_id, kin_id, relation) values ('a', 'a', 'lineal')`, CHECK);
    // The pair a–b exists already: a second link of the same pair is refused.
    await rejects(
      sql`insert into kin_links (cadre_id, kin_id, relation) values ('a', 'b', 'lineal')`,
      UNIQUE,
    );
  });

  it("refuses an unknown kin relation", async () => {
    await rejects(sql`insert into kin_links (cadre_id, kin_id, relation) values ('a', 'c', 'friend')`, CHECK);
  });

  it("refuses a skill level outside 1–5", async () => {
    await rejects(sql`insert into cadre_skills (cadre_id, skill, level) values ('a', 'economy', 6)`, CHECK);
    await rejects(sql`insert into cadre_skills (cadre_id, skill, level) values ('a', 'economy', 0)`, CHECK);
  });

  it("refuses an unknown gender, education or rank and an implausible birth year", async () => {
    await rejects(insertCadre("x1", { gender: "unknown" }), CHECK);
    await rejects(sql`update cadres set education = 'kindergarten' where id = 'a'`, CHECK);
    await rejects(sql`update cadres set rank = 'emperor' where id = 'a'`, CHECK);
    await rejects(insertCadre("x2", { birthYear: 1850 }), CHECK);
  });

  it("refuses a county without a parent", async () => {
    await rejects(
      sql`insert into regions (code, name, level, created_at, updated_at) values ('K', '县', 'county', ${NOW}, ${NOW})`,
      CHECK,
    );
  });

  it("refuses an assessment of an unknown cadre and a cadre from an unknown region", async () => {
    await rejects(insertAssessment("orphan", "nobody"), FOREIGN_KEY);
    await rejects(insertCadre("x3", { region: "NOWHERE" }), FOREIGN_KEY);
    await rejects(
      sql`insert into kin_links (cadre_id, kin_id, relation) values ('a', 'zzz', 'spouse')`,
      FOREIGN_KEY,
    );
  });

  it("refuses to delete a region, a post type or a seated cadre still referred to", async () => {
    await rejects(sql`delete from regions where code = 'R'`, FOREIGN_KEY);
    await rejects(sql`delete from post_types where code = 'p'`, FOREIGN_KEY);
    await rejects(sql`delete from cadres where id = 'b'`, FOREIGN_KEY);
  });

  it("deletes a cadre's assessments, skills and kin links with the cadre", async () => {
    await db.run(insertCadre("gone"));
    await db.run(insertAssessment("gone-1", "gone"));
    await db.run(insertAssessment("gone-2", "gone", { c: 9 }));
    await db.run(sql`insert into cadre_skills (cadre_id, skill, level) values ('gone', 'law', 2)`);
    await db.run(sql`insert into kin_links (cadre_id, kin_id, relation) values ('c', 'gone', 'lineal')`);
    const before = await rowCounts(db);
    await db.run(sql`delete from cadres where id = 'gone'`);
    const after = await rowCounts(db);
    expect(after.assessments).toBe((before.assessments as number) - 2);
    expect(after.cadre_skills).toBe((before.cadre_skills as number) - 1);
    expect(after.kin_links).toBe((before.kin_links as number) - 1);
  });

  it("refuses one cadre in two seats of one team, and a seat of an unknown post type", async () => {
    await rejects(
      sql`insert into seats (team_id, position, post_code, cadre_id) values ('t', 3, 'p', 'b')`,
      UNIQUE,
    );
    await rejects(
      sql`insert into seats (team_id, position, post_code, cadre_id) values ('t', 4, 'nope', null)`,
      FOREIGN_KEY,
    );
  });
});
