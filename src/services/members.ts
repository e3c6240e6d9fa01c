import { sql } from "drizzle-orm";
import { cacheScope, type Db, type DbOrTx } from "../../db/client";
import { stensAsChars, stensFromChars } from "../../db/queries/assessments";
import type { Member } from "../../scoring/types";

/** A stored cadre as scoring sees them, or why they cannot be scored. */
export type MemberLookup = { ok: true; member: Member } | { ok: false; reason: "unknown" | "no_assessment" };

/** Ids per statement: SQLite's bound-parameter limit is far above it. */
const CHUNK = 500;
/** Separates list items inside one column (ASCII unit separator: never in an id or a skill code). */
const SEP = "\u001f";

/**
 * One row per cadre with everything scoring reads, in few columns: the libSQL client builds every
 * value of every row with `Object.defineProperty`, which made the former one-query-per-table load
 * cost ~200 µs per cadre. The current assessment's 16 stens come as one string of 16 characters
 * (`char(48 + sten)`: '1'…':'), skills and kin as separator-joined lists (ordered aggregates,
 * SQLite ≥ 3.44).
 */
const memberQuery = (ids: readonly string[]) => sql`
  select c.id, c.birth_region, c.growth_region, c.current_region, c.current_post, c.birth_year,
    c.gender, c.education, c.rank, c.years_in_post, c.years_in_locality, c.service_years,
    c.grassroots_years,
    (select ${stensAsChars("a")}
       from assessments a where a.cadre_id = c.id
       order by a.taken_on desc, a.created_at desc, a.id desc limit 1) as stens,
    (select group_concat(s.skill || '=' || s.level, ${SEP} order by s.skill)
       from cadre_skills s where s.cadre_id = c.id) as skills,
    (select group_concat(k.other, ${SEP} order by k.other) from (
       select kin_id as other from kin_links where cadre_id = c.id
       union select cadre_id from kin_links where kin_id = c.id) k) as kin
  from cadres c where c.id in (${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`;

type MemberRow = [
  id: string,
  birthRegion: string,
  growthRegion: string,
  currentRegion: string | null,
  currentPost: string | null,
  birthYear: number,
  gender: Member["gender"],
  education: Member["education"],
  rank: Member["rank"],
  yearsInPost: number,
  yearsInLocality: number,
  serviceYears: number | null,
  grassrootsYears: number | null,
  stens: string | null,
  skills: string | null,
  kin: string | null,
];

function toLookup(row: MemberRow, asOfYear: number): MemberLookup {
  // libSQL rows are array-like (indexed, with a length) but not iterable.
  const stens = row[13];
  if (stens === null) return { ok: false, reason: "no_assessment" };
  const skills = row[14];
  const kin = row[15];
  return {
    ok: true,
    member: {
      id: row[0],
      stens: stensFromChars(stens),
      birthRegion: row[1],
      growthRegion: row[2],
      currentRegion: row[3],
      currentPost: row[4],
      age: asOfYear - row[5],
      gender: row[6],
      education: row[7],
      rank: row[8],
      skills: skills
        ? skills.split(SEP).map((pair) => {
            const at = pair.lastIndexOf("=");
            return { skill: pair.slice(0, at), level: Number(pair.slice(at + 1)) };
          })
        : [],
      yearsInPost: row[9],
      yearsInLocality: row[10],
      serviceYears: row[11],
      grassrootsYears: row[12],
      kin: kin ? kin.split(SEP) : [],
    },
  };
}

/**
 * Loads cadres as scoring members (current stens, facts for the rules, skills, kin), one query per
 * 500 ids. Ages are counted to `asOfYear`. Reads through `db` as given (inside a transaction, its
 * own uncommitted writes are seen); {@link loadMembersCached} is the shared-cache variant.
 */
export async function loadMembers(
  db: DbOrTx,
  ids: readonly string[],
  asOfYear: number,
): Promise<Map<string, MemberLookup>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, MemberLookup>(unique.map((id) => [id, { ok: false, reason: "unknown" }]));
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = (await db.values(memberQuery(unique.slice(i, i + CHUNK)))) as MemberRow[];
    for (const row of rows) found.set(row[0], toLookup(row, asOfYear));
  }
  return found;
}

/** Members loaded at one data version (see migration 0006) and one as-of year. */
interface MemberCache {
  version: number;
  asOfYear: number;
  members: Map<string, MemberLookup>;
}

/** Beyond this many cached cadres the cache starts again (bounded memory). */
const CACHE_LIMIT = 50_000;
const caches = new WeakMap<object, MemberCache>();

/** The counter every write to cadres, skills, kin, preferences or assessments moves (triggers). */
export async function memberDataVersion(db: DbOrTx): Promise<number> {
  const row = (await db.values(sql`select version from member_data_version where id = 1`))[0];
  return Number(row?.[0] ?? 0);
}

/**
 * The data version of the members {@link loadMembersCached} last answered with (undefined before
 * its first call): tables built from those members are valid while it stays the same.
 */
export function cachedMembersVersion(db: Db): number | undefined {
  return caches.get(cacheScope(db))?.version;
}

/**
 * {@link loadMembers} through a per-database cache that is valid while the data version (moved by
 * triggers on every write, from any process) stays the same: one tiny read per call instead of
 * reloading every cadre. For reads outside transactions; members are shared, so callers must not
 * mutate them. A write racing the load makes the next call see a newer version and reload.
 */
export async function loadMembersCached(
  db: Db,
  ids: readonly string[],
  asOfYear: number,
): Promise<Map<string, MemberLookup>> {
  const version = await memberDataVersion(db);
  const scope = cacheScope(db);
  let cache = caches.get(scope);
  if (
    !cache ||
    cache.version !== version ||
    cache.asOfYear !== asOfYear ||
    cache.members.size > CACHE_LIMIT
  ) {
    cache = { version, asOfYear, members: new Map() };
    caches.set(scope, cache);
  }
  const members = cache.members;
  const missing = ids.filter((id) => !members.has(id));
  if (missing.length)
    for (const [id, lookup] of await loadMembers(db, missing, asOfYear)) members.set(id, lookup);
  const found = new Map<string, MemberLookup>();
  for (const id of ids) found.set(id, members.get(id) as MemberLookup);
  return found;
}
