/**
 * Precomputation for fast team evaluation: everything that depends on one candidate, or on one
 * candidate in one seat, is computed once here, into typed arrays indexed by candidate (and seat).
 * A team is then an `Int32Array` of candidate indices, one per seat, and evaluating it touches only
 * these tables (see `evaluate.ts`).
 */
import { DERIVED_FIELDS, DERIVED_INDEX, deriveFromArray } from "./derived";
import { FACTORS, type FactorCode, stensIntoRow } from "./factors";
import { compiledIdeal, distance2Row, whitenRow } from "./fit";
import {
  isLocal,
  isMove,
  knowsOrigin,
  repeatedLeadingPostMessage,
  repeatedLeadingPosts,
  seatCharges,
} from "./rules";
import type { Member, PostProfile, ScoringProfile } from "./types";
import { EDUCATION_ORDER } from "./types";

const N = FACTORS.length;
/** Above this many candidates the pairwise kernel is computed on the fly instead of cached (memory). */
const KERNEL_CACHE_LIMIT = 2048;

/** What is being evaluated: a region's seats (post per seat) and the people who may fill them. */
export interface Problem {
  profile: ScoringProfile;
  region: string;
  /** Post code of each seat. */
  seats: readonly string[];
  candidates: readonly Member[];
  /**
   * When only given teams are scored (not searched): each team's candidate per seat (−1 vacant).
   * Per-seat tables are then filled for those pairs only, instead of every candidate × every seat.
   */
  assignments?: readonly Int32Array[];
}

export interface Prepared {
  readonly problem: Problem;
  readonly nSeats: number;
  readonly nCandidates: number;
  readonly posts: readonly PostProfile[];
  /** Candidate c in seat s at `c * nSeats + s`. */
  readonly fit: Float64Array;
  readonly seatPenalty: Float64Array;
  readonly seatHard: Uint16Array;
  /** Soft seat-rule violations (counted so that a clean team can skip building messages). */
  readonly seatSoft: Uint16Array;
  readonly seatSkill: Float64Array;
  readonly moved: Uint8Array;
  /** Per seat. */
  readonly seatWeight: Float64Array;
  readonly seatNeedsSkills: Uint8Array;
  /** Seats of 县委书记 and 县长 (leading principal posts), when both are in the team. */
  readonly leadingSeats: readonly [number, number] | null;
  /** Per candidate. */
  readonly white: Float64Array;
  readonly dominant: Uint8Array;
  readonly vigilant: Uint8Array;
  readonly weak: Uint8Array;
  readonly leaderE: Float64Array;
  readonly temperaments: Int32Array;
  readonly nTemperaments: number;
  readonly health: Float64Array;
  /** 1 local, 0 not local, 2 origin unknown (R10). */
  readonly local: Uint8Array;
  readonly teamSkills: Int32Array;
  readonly nTeamSkills: number;
  readonly age: Float64Array;
  readonly university: Int8Array;
  readonly woman: Int8Array;
  readonly kin: readonly Int32Array[];
  /** Pairwise kernel exp(−|w_a − w_b|² / (2h²)), cached lazily (NaN = not yet computed). */
  readonly kernelCache: Float64Array | null;
  readonly bandwidth2: number;
}

const derivedScratch = new Float64Array(DERIVED_FIELDS.length);
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Precomputes the tables for a problem. Throws a RangeError naming an unknown post or a leading
 * post listed twice (see `repeatedLeadingPosts`).
 */
export function prepare(problem: Problem): Prepared {
  const { profile, region, seats, candidates } = problem;
  const nSeats = seats.length;
  const nCandidates = candidates.length;
  const posts = seats.map((code, i) => {
    const post = profile.posts[code];
    if (!post) throw new RangeError(`seat ${i}: unknown post '${code}'`);
    return post;
  });
  const repeated = repeatedLeadingPosts(seats, profile)[0];
  if (repeated) throw new RangeError(repeatedLeadingPostMessage(repeated));

  // All tables are views on one buffer: allocating ~25 typed arrays separately costs more than
  // preparing a 9-seat team itself (each allocation is about a microsecond).
  const pairs = nCandidates * nSeats;
  // The search evaluates the same pairs again and again; scoring given teams meets each pair a few
  // times at most, and an n² cache would cost more to allocate than it saves.
  const kernelSize =
    !problem.assignments && nCandidates <= KERNEL_CACHE_LIMIT ? nCandidates * nCandidates : 0;
  const float64s = pairs * 3 + nSeats + nCandidates * (2 * N + 4) + kernelSize;
  const bytes = 8 * float64s + 4 * 2 * nCandidates + 2 * 2 * pairs + pairs + nSeats + 6 * nCandidates;
  const arena = new Arena(bytes + 64); // + alignment slack
  const fit = arena.f64(pairs);
  const seatPenalty = arena.f64(pairs);
  const seatSkill = arena.f64(pairs);
  const seatWeight = arena.f64(nSeats);
  const white = arena.f64(nCandidates * N);
  // Stens as rows of 16 numbers in factor order: read once, then used by index in every formula.
  const stenRows = arena.f64(nCandidates * N);
  const leaderE = arena.f64(nCandidates);
  const health = arena.f64(nCandidates);
  const age = arena.f64(nCandidates);
  const kernelCache = kernelSize ? arena.f64(kernelSize).fill(Number.NaN) : null;
  const temperaments = arena.i32(nCandidates);
  const teamSkills = arena.i32(nCandidates);
  const seatHard = arena.u16(pairs);
  const seatSoft = arena.u16(pairs);
  const moved = arena.u8(pairs);
  const seatNeedsSkills = arena.u8(nSeats);
  const dominant = arena.u8(nCandidates);
  const vigilant = arena.u8(nCandidates);
  const weak = arena.u8(nCandidates);
  const local = arena.u8(nCandidates);
  const university = arena.i8(nCandidates);
  const woman = arena.i8(nCandidates);
  posts.forEach((p, i) => {
    seatWeight[i] = p.leading ? profile.fit.leadingSeatWeight : 1;
    seatNeedsSkills[i] = p.requiredSkills.length > 0 ? 1 : 0;
  });
  const leading = posts.flatMap((p, i) => (p.leading && p.principal ? [i] : []));
  const leadingSeats = leading.length === 2 ? ([leading[0], leading[1]] as [number, number]) : null;

  const idealRows = posts.map((p) => compiledIdeal(p.idealProfile));
  const { balance, skills } = profile;
  const { teamSkillIndex, minima } = profileTables(profile);
  const universityLevel = EDUCATION_ORDER.indexOf("bachelor");

  let used: Uint8Array | undefined;
  if (problem.assignments) {
    used = new Uint8Array(nCandidates * nSeats);
    for (const team of problem.assignments)
      for (let seat = 0; seat < nSeats; seat++) {
        const c = team[seat] as number;
        if (c >= 0) used[c * nSeats + seat] = 1;
      }
  }
  candidates.forEach((member, c) => {
    const s = member.stens;
    stensIntoRow(s, stenRows, c * N);
    whitenRow(stenRows, c * N, white, c * N);
    dominant[c] = s.E >= balance.conflict.dominance ? 1 : 0;
    vigilant[c] = s.L >= balance.conflict.vigilance ? 1 : 0;
    weak[c] = (s.E <= balance.leadingPair.weak ? 1 : 0) | (s.H <= balance.leadingPair.weak ? 2 : 0);
    leaderE[c] = s.E;
    temperaments[c] = temperamentBits(stenRows, c * N, minima);
    deriveFromArray(stenRows, derivedScratch, c * N);
    const y1 = derivedScratch[DERIVED_INDEX.Y1] as number;
    const x1 = derivedScratch[DERIVED_INDEX.X1] as number;
    health[c] =
      0.5 * clamp01((y1 - balance.y1.low) / (balance.y1.high - balance.y1.low)) +
      0.5 * clamp01((balance.x1.high - x1) / (balance.x1.high - balance.x1.low));
    local[c] = isLocal(member, region) ? 1 : knowsOrigin(member) ? 0 : 2;
    let skillBits = 0;
    for (const { skill, level } of member.skills ?? []) {
      const k = teamSkillIndex.get(skill);
      if (k !== undefined && level >= skills.minLevel) skillBits |= 1 << k;
    }
    teamSkills[c] = skillBits;
    age[c] = member.age ?? Number.NaN;
    university[c] = member.education
      ? EDUCATION_ORDER.indexOf(member.education) >= universityLevel
        ? 1
        : 0
      : -1;
    woman[c] = member.gender ? (member.gender === "female" ? 1 : 0) : -1;

    for (let seat = 0; seat < nSeats; seat++) {
      if (used && !used[c * nSeats + seat]) continue;
      const post = posts[seat] as PostProfile;
      const at = c * nSeats + seat;
      fit[at] = Math.exp(-distance2Row(stenRows, c * N, idealRows[seat] as Float64Array) / profile.fit.scale);
      const charges = seatCharges(member, seat, post, region, profile);
      seatHard[at] = charges.hard;
      seatSoft[at] = charges.soft;
      seatPenalty[at] = charges.penalty;
      seatSkill[at] = seatSkillCoverage(member, post, skills.minLevel);
      moved[at] = isMove(member, post.code, region) ? 1 : 0;
    }
  });

  const kin = kinLists(candidates);

  return {
    problem,
    nSeats,
    nCandidates,
    posts,
    fit,
    seatPenalty,
    seatHard,
    seatSoft,
    seatSkill,
    moved,
    seatWeight,
    seatNeedsSkills,
    leadingSeats,
    white,
    dominant,
    vigilant,
    weak,
    leaderE,
    temperaments,
    nTemperaments: balance.temperaments.length,
    health,
    local,
    teamSkills,
    nTeamSkills: skills.teamRequired.length,
    age,
    university,
    woman,
    kin,
    kernelCache,
    bandwidth2: 2 * balance.kernelBandwidth * balance.kernelBandwidth,
  };
}

/** Each temperament's minima as [factor index, minimum] pairs, read once per problem. */
export function temperamentMinima(
  temperaments: ScoringProfile["balance"]["temperaments"],
): (readonly [number, number])[][] {
  return temperaments.map((t) =>
    Object.entries(t.minimum).map(([f, min]) => [FACTORS.indexOf(f as FactorCode), min as number] as const),
  );
}

/** Bit k set when the stens at `row[offset…]` (factor order) meet every minimum of temperament k. */
export function temperamentBits(
  row: ArrayLike<number>,
  offset: number,
  minima: (readonly [number, number])[][],
): number {
  let bits = 0;
  for (let k = 0; k < minima.length; k++) {
    const pairs = minima[k] as (readonly [number, number])[];
    let met = true;
    for (let j = 0; j < pairs.length && met; j++) {
      const [factor, min] = pairs[j] as readonly [number, number];
      met = (row[offset + factor] as number) >= min;
    }
    if (met) bits |= 1 << k;
  }
  return bits;
}

/** Typed-array views carved from one buffer, 8-byte aligned, largest element types first. */
class Arena {
  private readonly buffer: ArrayBuffer;
  private offset = 0;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  private take(bytes: number, align: number): number {
    this.offset = Math.ceil(this.offset / align) * align;
    const at = this.offset;
    this.offset += bytes;
    if (this.offset > this.buffer.byteLength) throw new RangeError("arena too small");
    return at;
  }

  f64(n: number) {
    return new Float64Array(this.buffer, this.take(8 * n, 8), n);
  }
  i32(n: number) {
    return new Int32Array(this.buffer, this.take(4 * n, 4), n);
  }
  u16(n: number) {
    return new Uint16Array(this.buffer, this.take(2 * n, 2), n);
  }
  u8(n: number) {
    return new Uint8Array(this.buffer, this.take(n, 1), n);
  }
  i8(n: number) {
    return new Int8Array(this.buffer, this.take(n, 1), n);
  }
}

/** What `prepare` reads from a profile on every call, computed once per profile object. */
interface ProfileTables {
  teamSkillIndex: Map<string, number>;
  minima: (readonly [number, number])[][];
}

const profileTableCache = new WeakMap<ScoringProfile, ProfileTables>();

function profileTables(profile: ScoringProfile): ProfileTables {
  let tables = profileTableCache.get(profile);
  if (!tables) {
    tables = {
      teamSkillIndex: new Map(profile.skills.teamRequired.map((skill, i) => [skill, i])),
      minima: temperamentMinima(profile.balance.temperaments),
    };
    profileTableCache.set(profile, tables);
  }
  return tables;
}

const NO_KIN = new Int32Array(0);

/**
 * Each candidate's kin as candidate indices. Ids may repeat across the teams of one batch (inline
 * members): a kin id names every candidate with that id, and only the one in the same team counts.
 * Kin is symmetric (R2 holds whichever of the two names the other), so each list gets both directions.
 */
function kinLists(candidates: readonly Member[]): Int32Array[] {
  const kin: Int32Array[] = new Array(candidates.length).fill(NO_KIN);
  if (!candidates.some((m) => m.kin && m.kin.length > 0)) return kin;
  const indexOf = new Map<string, number[]>();
  candidates.forEach((m, i) => {
    const list = indexOf.get(m.id);
    if (list) list.push(i);
    else indexOf.set(m.id, [i]);
  });
  const kinSets = candidates.map(() => new Set<number>());
  candidates.forEach((member, c) => {
    for (const id of member.kin ?? [])
      for (const k of indexOf.get(id) ?? []) {
        if (k === c) continue;
        kinSets[c]?.add(k);
        kinSets[k]?.add(c);
      }
  });
  return kinSets.map((set) => (set.size ? Int32Array.from(set) : NO_KIN));
}

/** Share of a post's required skills the member has, each counted up to `minLevel` (level/minLevel). */
export function seatSkillCoverage(member: Member, post: PostProfile, minLevel: number): number {
  if (post.requiredSkills.length === 0) return 1;
  let sum = 0;
  for (const required of post.requiredSkills) {
    const level = member.skills?.find((s) => s.skill === required)?.level ?? 0;
    sum += Math.min(1, level / minLevel);
  }
  return sum / post.requiredSkills.length;
}

/** Similarity of two candidates' profiles in (0, 1]: 1 for identical profiles. */
export function kernel(prep: Prepared, a: number, b: number): number {
  if (a === b) return 1;
  const cache = prep.kernelCache;
  const at = a * prep.nCandidates + b;
  if (cache) {
    const cached = cache[at] as number;
    if (!Number.isNaN(cached)) return cached;
  }
  const w = prep.white;
  let d2 = 0;
  for (let i = 0, ia = a * N, ib = b * N; i < N; i++, ia++, ib++) {
    const d = (w[ia] as number) - (w[ib] as number);
    d2 += d * d;
  }
  const k = Math.exp(-d2 / prep.bandwidth2);
  if (cache) {
    cache[at] = k;
    cache[b * prep.nCandidates + a] = k;
  }
  return k;
}
