import { cacheScope, type Db } from "../../db/client";
import * as q from "../../db/queries/scoring-profiles";
import { defaultScoringProfile } from "../../scoring/default-profile";
import type { IdealProfile, Knockout } from "../../scoring/post-profiles";
import type { PostProfile, RuleId, RuleSetting, ScoringProfile } from "../../scoring/types";
import type { RequestServices } from "../deps";
import { notFound } from "../lib/problem";
import { constraintKind } from "../lib/sqlite-errors";

/** A profile as stored: everything but the year, which each request sets from the clock. */
export type StoredProfile = Omit<ScoringProfile, "asOfYear" | "version">;

/** The editable sections of a profile; each given section is merged into the current one. */
export type ProfilePatch = Partial<Pick<StoredProfile, "name">> & {
  [K in "weights" | "fit" | "balance" | "skills" | "structure" | "ruleParams"]?: Partial<StoredProfile[K]>;
} & { rules?: Partial<Record<RuleId, Partial<RuleSetting>>> };

/** How long a process trusts its cached profile before asking the database for a newer version. */
const CACHE_MS = 1000;
/**
 * The newest version per database, checked at most every CACHE_MS. The profile object handed out is
 * kept too (one per year), so that scoring's per-profile precomputations are reused between requests.
 */
const cache = new WeakMap<
  object,
  { version: number; body: StoredProfile; checkedAt: number; profile?: ScoringProfile }
>();

/** The cached profile object for `year`, made once per version and year. */
function cachedProfile(
  entry: { version: number; body: StoredProfile; profile?: ScoringProfile },
  year: number,
) {
  if (entry.profile?.asOfYear !== year) entry.profile = withYear(entry.version, entry.body, year);
  return entry.profile;
}

function toPostProfile(row: Awaited<ReturnType<typeof q.allPostTypeRows>>[number]): PostProfile {
  return {
    code: row.code,
    name: row.name,
    nameEn: row.nameEn,
    leading: row.leading,
    principal: row.principal,
    avoidance: row.avoidance,
    minRank: row.minRank,
    idealProfile: (row.idealProfile as IdealProfile | null) ?? {},
    knockouts: (row.knockouts as Knockout[]) ?? [],
    requiredSkills: row.requiredSkills ?? [],
  };
}

async function postsFromTable(db: Db): Promise<Record<string, PostProfile>> {
  const rows = await q.allPostTypeRows(db);
  return Object.fromEntries(rows.map((r) => [r.code, toPostProfile(r)]));
}

const withYear = (version: number, body: StoredProfile, asOfYear: number): ScoringProfile => ({
  ...body,
  version,
  asOfYear,
});

/**
 * Writes the next version; when another writer took that number first, retries on top of theirs.
 * `make` answers undefined when the latest version already is what it would write (then nothing is
 * written and that version is returned): two processes making version 1, or snapshotting the same
 * post types, at once store it once.
 */
async function writeVersion(
  services: RequestServices,
  make: (current: StoredProfile | undefined) => Promise<StoredProfile | undefined>,
  note: string,
): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const latest = await q.latestProfileRow(services.db);
    const body = await make(latest?.body as StoredProfile | undefined);
    if (!body && latest) return latest.version;
    if (!body) throw new Error("a scoring profile version needs a body");
    const version = (latest?.version ?? 0) + 1;
    try {
      await q.insertProfile(services.db, {
        version,
        name: body.name,
        note,
        body: body as unknown as Record<string, unknown>,
        createdAt: services.clock.now().toISOString(),
      });
      cache.set(cacheScope(services.db), { version, body, checkedAt: services.clock.now().getTime() });
      return version;
    } catch (error) {
      if (constraintKind(error) !== "unique") throw error;
    }
  }
  throw new Error("could not write a new scoring profile version: too many concurrent writers");
}

/** The current (newest) profile; the first call on a new database stores version 1 from the defaults and post types. */
export async function currentProfile(services: RequestServices): Promise<ScoringProfile> {
  const { db, clock } = services;
  const now = clock.now();
  const cached = cache.get(cacheScope(db));
  if (cached && now.getTime() - cached.checkedAt < CACHE_MS)
    return cachedProfile(cached, now.getUTCFullYear());
  const version = await q.latestProfileVersion(db);
  if (version !== undefined && cached?.version === version) {
    cached.checkedAt = now.getTime();
    return cachedProfile(cached, now.getUTCFullYear());
  }
  if (version === undefined) {
    await writeVersion(
      services,
      // Another process may have stored version 1 since: then there is nothing to write.
      async (current) =>
        current
          ? undefined
          : { ...stripYear(defaultScoringProfile(now.getUTCFullYear())), posts: await postsFromTable(db) },
      "initial version: shipped defaults and the stored post types",
    );
    return currentProfile(services);
  }
  const row = await q.profileRow(db, version);
  const body = row?.body as unknown as StoredProfile;
  const entry = { version, body, checkedAt: now.getTime() };
  cache.set(cacheScope(db), entry);
  return cachedProfile(entry, now.getUTCFullYear());
}

function stripYear(profile: ScoringProfile): StoredProfile {
  const { asOfYear: _year, version: _version, ...body } = profile;
  return body;
}

export async function getProfile(
  services: RequestServices,
  version: number,
): Promise<ScoringProfile & { note: string | null; createdAt: string }> {
  const row = await q.profileRow(services.db, version);
  if (!row) throw notFound("scoring profile", String(version), "version");
  return {
    ...withYear(row.version, row.body as unknown as StoredProfile, services.clock.now().getUTCFullYear()),
    note: row.note,
    createdAt: row.createdAt,
  };
}

export async function listProfiles(services: RequestServices) {
  await currentProfile(services);
  return q.listProfileVersions(services.db);
}

/** Stores a new version with the patch merged into the current one (each section one level deep). */
export async function editProfile(
  services: RequestServices,
  patch: ProfilePatch,
  note?: string,
): Promise<number> {
  await currentProfile(services);
  return writeVersion(
    services,
    async (current) => {
      const base = current as StoredProfile;
      const rules = { ...base.rules };
      for (const [id, setting] of Object.entries(patch.rules ?? {}))
        rules[id as keyof typeof rules] = { ...rules[id as keyof typeof rules], ...setting };
      return {
        ...base,
        name: patch.name ?? base.name,
        weights: { ...base.weights, ...patch.weights },
        fit: { ...base.fit, ...patch.fit },
        balance: { ...base.balance, ...patch.balance },
        skills: { ...base.skills, ...patch.skills },
        structure: { ...base.structure, ...patch.structure },
        ruleParams: { ...base.ruleParams, ...patch.ruleParams },
        rules,
      };
    },
    note ?? "edited through the API",
  );
}

/** After a post type changes: a new version whose post profiles are the stored post types. */
export async function snapshotPostTypes(services: RequestServices, note: string): Promise<number> {
  // On a database without a profile yet, the first version already takes the post types as they are.
  if ((await q.latestProfileVersion(services.db)) === undefined)
    return (await currentProfile(services)).version;
  // An edit that changes nothing scoring reads (e.g. a PATCH with the same values) makes no version,
  // nor does a snapshot another writer has just stored.
  return writeVersion(
    services,
    async (current) => {
      const posts = await postsFromTable(services.db);
      return current && JSON.stringify(current.posts) === JSON.stringify(posts)
        ? undefined
        : { ...(current as StoredProfile), posts };
    },
    note,
  );
}
