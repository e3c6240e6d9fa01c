import { sampleStenProfile } from "../../scoring/profiles";
import { createRng, type Rng } from "../../scoring/random";
import type { Member, Team } from "../../scoring/types";

/** The posts of a 9-seat county team (a subset of the shipped defaults). */
export const NINE_POSTS = [
  "party-secretary",
  "county-head",
  "discipline-secretary",
  "organization-head",
  "political-legal-secretary",
  "propaganda-head",
  "executive-deputy-head",
  "deputy-head",
  "deputy-head",
] as const;

export const REGIONS = ["R01", "R02", "R03", "R04"] as const;
const SKILLS = ["party-building", "economy", "finance", "law", "discipline", "propaganda", "agriculture"];
const EDUCATIONS = ["associate", "bachelor", "master", "doctorate"] as const;
const RANKS = ["section", "deputy-division", "division"] as const;

/** A random but plausible member: correlated stens and random facts, reproducible from the rng. */
export function randomMember(rng: Rng, id: string): Member {
  return {
    id,
    stens: sampleStenProfile(rng, { C: 0.8, G: 0.8 }),
    birthRegion: rng.pick(REGIONS),
    growthRegion: rng.pick(REGIONS),
    currentRegion: rng.pick(REGIONS),
    currentPost: rng.pick(NINE_POSTS),
    age: 32 + rng.int(25),
    gender: rng.next() < 0.25 ? "female" : "male",
    education: rng.pick(EDUCATIONS),
    rank: rng.pick(RANKS),
    skills: [{ skill: rng.pick(SKILLS), level: 1 + rng.int(5) }],
    yearsInPost: Math.round(rng.next() * 120) / 10,
    yearsInLocality: Math.round(rng.next() * 140) / 10,
    serviceYears: 3 + rng.int(30),
    grassrootsYears: rng.int(12),
    kin: [],
  };
}

/** n random members; a few kin links among them. */
export function randomPool(seed: number, n: number): Member[] {
  const rng = createRng(seed);
  const pool = Array.from({ length: n }, (_, i) => randomMember(rng, `M${i}`));
  for (let k = 0; k < Math.max(1, n / 20); k++) {
    const a = pool[rng.int(n)] as Member;
    const b = pool[rng.int(n)] as Member;
    if (a !== b) {
      a.kin = [...(a.kin ?? []), b.id];
      b.kin = [...(b.kin ?? []), a.id];
    }
  }
  return pool;
}

/** A team of the given posts filled from the pool in order. */
export function teamFrom(pool: Member[], posts: readonly string[], region = "R01"): Team {
  return { region, seats: posts.map((post, i) => ({ post, member: pool[i] ?? null })) };
}
