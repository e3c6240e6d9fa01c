import { count } from "drizzle-orm";
import { FACTORS } from "../../scoring/factors";
import { DEFAULT_POST_PROFILES } from "../../scoring/post-profiles";
import { type Db, type Tx, writeTransaction } from "../client";
import { factorColumns } from "../queries/assessments";
import {
  assessments,
  cadrePreferences,
  cadreSkills,
  cadres,
  kinLinks,
  postTypes,
  regions,
  seats,
  teams,
} from "../schema";
import { buildDemoCity, DEMO_SEED } from "./demo-city";

/** Rows per INSERT: keeps every statement well under SQLite's bound-parameter limit. */
const CHUNK = 200;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** True when the database holds no regions, post types or cadres yet. */
export async function isEmpty(db: Db): Promise<boolean> {
  for (const table of [regions, postTypes, cadres]) {
    const [row] = await db.select({ n: count() }).from(table);
    if ((row?.n ?? 0) > 0) return false;
  }
  return true;
}

/** Inserts the default post types (岗位) with their profiles. */
export async function insertDefaultPostTypes(tx: Tx, now: string): Promise<void> {
  await tx
    .insert(postTypes)
    .values(
      DEFAULT_POST_PROFILES.map(({ source: _source, ...p }) => ({ ...p, createdAt: now, updatedAt: now })),
    );
}

/**
 * Loads the demo city (regions, post types, cadres with skills, kin and preferences, assessments,
 * teams) in one transaction: all of it or nothing. Returns how many rows of each kind it wrote.
 */
export async function loadDemoCity(db: Db, now: Date, seed = DEMO_SEED) {
  const city = buildDemoCity(seed);
  const at = now.toISOString();
  await writeTransaction(db, async (tx) => {
    await tx.insert(regions).values(city.regions.map((r) => ({ ...r, createdAt: at, updatedAt: at })));
    await insertDefaultPostTypes(tx, at);
    await insertChunked(city.cadres, (chunk) =>
      tx
        .insert(cadres)
        .values(
          chunk.map(({ skills: _s, preferences: _p, ...c }) => ({ ...c, createdAt: at, updatedAt: at })),
        ),
    );
    await insertChunked(
      city.cadres.flatMap((c) => c.skills.map((s) => ({ cadreId: c.id, ...s }))),
      (chunk) => tx.insert(cadreSkills).values(chunk),
    );
    await insertChunked(
      city.cadres.flatMap((c) =>
        c.preferences.map((p, i) => ({ cadreId: c.id, rank: i + 1, regionCode: p.region, postCode: p.post })),
      ),
      (chunk) => tx.insert(cadrePreferences).values(chunk),
    );
    if (city.kin.length) await tx.insert(kinLinks).values(city.kin);
    await insertChunked(city.assessments, (chunk) =>
      tx.insert(assessments).values(
        chunk.map((a) => ({
          id: a.id,
          cadreId: a.cadreId,
          instrument: "16pf-cn-187",
          takenOn: a.takenOn,
          norm: null,
          importBatchId: null,
          ...factorColumns(a.stens, null),
          createdAt: at,
        })),
      ),
    );
    await tx.insert(teams).values(
      city.teams.map((t) => ({
        id: t.id,
        regionCode: t.regionCode,
        name: t.name,
        kind: "current" as const,
        createdAt: at,
        updatedAt: at,
      })),
    );
    await insertChunked(
      city.teams.flatMap((t) =>
        t.seats.map((s, position) => ({ teamId: t.id, position, ...s, locked: false })),
      ),
      (chunk) => tx.insert(seats).values(chunk),
    );
  });
  return {
    regions: city.regions.length,
    postTypes: DEFAULT_POST_PROFILES.length,
    cadres: city.cadres.length,
    reserves: city.cadres.filter((c) => c.reserve).length,
    assessments: city.assessments.length,
    teams: city.teams.length,
    vacancies: city.teams.reduce((n, t) => n + t.seats.filter((s) => s.cadreId === null).length, 0),
    factors: FACTORS.length,
  };
}
