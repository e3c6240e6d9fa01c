/**
 * Prepared tables kept per team layout (region and the post of each seat) over a growing set of
 * candidates, so that teams of the same people scored again — screening alternatives for a county,
 * request after request — skip the per-candidate and per-seat work of {@link prepare}. The seat
 * rules' codes and violations of each candidate-in-seat are kept with the tables too.
 *
 * Pure and unaware of time or storage: the owner decides how long the tables are valid and starts a
 * new instance when the scoring profile or any member's data changes (members are matched by
 * object identity, so a reloaded member is a new candidate).
 */
import { type Prepared, prepare } from "./prepare";
import type { Member, ScoringProfile, Violation } from "./types";

/** A seat rule broken, without texts (the `scores` answer). */
export interface RuleCode {
  rule: Violation["rule"];
  severity: Violation["severity"];
  seat?: number;
}

/** One layout's tables and what has been worked out from them. */
export interface LayoutEntry {
  prep: Prepared;
  /** Candidate index of each member. */
  index: Map<Member, number>;
  /** Seat-rule codes and violations per candidate-in-seat (`c * nSeats + seat`), filled on demand. */
  seatCodes: Map<number, RuleCode[]>;
  seatViolations: Map<number, Violation[]>;
}

export interface LayoutTablesLimits {
  /** Candidates of one layout at most (beyond, the caller prepares per call). */
  candidates: number;
  /** Bytes of kernel caches (8 · n² per layout) kept at most; the least recently used go first. */
  kernelBytes: number;
}

/** Layouts remembered as asked for at most (then forgotten all at once). */
const MAX_ASKED = 10_000;

/** The key of a layout: the region and the post of each seat (the grouping of scoreTeamsSummary too). */
export function layoutKey(region: string, posts: Iterable<string>): string {
  let key = region;
  for (const post of posts) key += `\u0000${post}`;
  return key;
}

const DEFAULT_LIMITS: LayoutTablesLimits = { candidates: 1500, kernelBytes: 64 * 2 ** 20 };

export class LayoutTables {
  private readonly layouts = new Map<string, LayoutEntry>();
  /** Layouts asked for, kept or not (a second ask makes tables however few pairs it fills). */
  private readonly asked = new Set<string>();
  private kernelBytes = 0;

  constructor(
    readonly profile: ScoringProfile,
    private readonly limits: LayoutTablesLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * Tables of `region` with seats `posts` covering every member given: the kept ones, or new ones
   * over the kept candidates and the new members. New tables cover every candidate in every seat:
   * they are made when the caller fills at least half of those pairs (`usedPairs`: the filled seats
   * it will score) or asked for the layout before — a few teams asked for once are cheaper prepared
   * for their own pairs. Undefined when no kept tables serve and none are made (or they would exceed
   * the limits). Throws a RangeError for an unknown post (as {@link prepare}).
   */
  tablesFor(
    region: string,
    posts: readonly string[],
    members: readonly Member[],
    usedPairs = Number.POSITIVE_INFINITY,
  ): LayoutEntry | undefined {
    const key = layoutKey(region, posts);
    const kept = this.layouts.get(key);
    const added: Member[] = [];
    const seen = new Set<Member>();
    for (const m of members)
      if (!kept?.index.has(m) && !seen.has(m)) {
        seen.add(m);
        added.push(m);
      }
    if (kept && added.length === 0) {
      // Most recently used last.
      this.layouts.delete(key);
      this.layouts.set(key, kept);
      return kept;
    }
    const candidates = kept ? [...kept.prep.problem.candidates, ...added] : added;
    const askedBefore = kept !== undefined || this.asked.has(key);
    if (!askedBefore) {
      if (this.asked.size >= MAX_ASKED) this.asked.clear();
      this.asked.add(key);
    }
    const worth = askedBefore || 2 * usedPairs >= candidates.length * posts.length;
    if (!worth || candidates.length > this.limits.candidates) return undefined;
    const prep = prepare({ profile: this.profile, region, seats: posts, candidates });
    const entry: LayoutEntry = {
      prep,
      index: new Map(candidates.map((m, c) => [m, c])),
      seatCodes: new Map(),
      seatViolations: new Map(),
    };
    if (kept) this.forget(key, kept);
    const bytes = kernelBytesOf(prep);
    for (const [oldest, old] of this.layouts) {
      if (this.kernelBytes + bytes <= this.limits.kernelBytes) break;
      this.forget(oldest, old);
    }
    this.layouts.set(key, entry);
    this.kernelBytes += bytes;
    return entry;
  }

  private forget(key: string, entry: LayoutEntry): void {
    this.layouts.delete(key);
    this.kernelBytes -= kernelBytesOf(entry.prep);
  }
}

const kernelBytesOf = (prep: Prepared) => (prep.kernelCache ? prep.kernelCache.byteLength : 0);
