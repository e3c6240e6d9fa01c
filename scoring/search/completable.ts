/**
 * Can a team with vacancies still be completed without breaking a hard rule? `feasible` answers for
 * the members who are there; this answers for the team it could become, with the argument the
 * suggestion search makes before searching (`infeasibility` in `reasons.ts`): present members who
 * already break a hard rule (their seat rules, kin among them), vacancies no candidate of the pool
 * may hold, too few distinct candidates (Hall's condition), and R10 (⌈n/3⌉ locals of the complete
 * team) and R11 when hard and out of reach even with the best choice for them.
 *
 * With a pool, candidates are that pool. Without one the answer holds for ANY pool: each vacancy
 * gets two stand-ins who break no rule the facts allow — one local, one from elsewhere, both
 * already holding that very post in the region (so not moved, R11) and with no other fact known (so
 * R4–R7 and R12 cannot apply) — but a local still may not hold an avoidance post (R1). So `false`
 * without a pool means nobody could complete the team; `true` means no such reason was found, not
 * that a feasible completion exists (e.g. kin among the candidates is not examined).
 */
import { FACTORS, type FactorCode, type FactorRecord } from "../factors";
import type { Member, PostProfile, ScoringProfile, Team } from "../types";
import { infeasibility } from "./reasons";
import { prepareSearch } from "./space";
import type { Reason } from "./types";

/** Whether a team with vacancies can be completed, and why not. */
export interface Completability {
  /** False when a reason below rules out every completion. */
  value: boolean;
  /** `given`: the candidates passed in; `any`: whoever might exist (see the module comment). */
  pool: "given" | "any";
  reasons: Reason[];
}

/** Stens in the middle of a post's ideal ranges (5.5 rounded where a factor has none): no knock-out. */
function middleStens(post: PostProfile): FactorRecord {
  return Object.fromEntries(
    FACTORS.map((f: FactorCode) => {
      const range = post.idealProfile[f];
      return [f, range ? Math.round((range.min + range.max) / 2) : 6];
    }),
  ) as FactorRecord;
}

/** The stand-ins of the "any pool" argument: a local and an outsider per vacancy, both staying. */
function standIns(team: Team, profile: ScoringProfile): Member[] {
  const out: Member[] = [];
  team.seats.forEach((seat, s) => {
    if (seat.member) return;
    const post = profile.posts[seat.post];
    if (!post) throw new RangeError(`seat ${s}: unknown post '${seat.post}'`);
    const stens = middleStens(post);
    for (const local of [true, false]) {
      const origin = local ? team.region : `\u0000elsewhere-${team.region}`;
      out.push({
        id: `\u0000${local ? "local" : "outsider"}-for-seat-${s}`,
        stens,
        birthRegion: origin,
        growthRegion: origin,
        currentRegion: team.region,
        currentPost: seat.post,
      });
    }
  });
  return out;
}

/**
 * Whether `team` can be completed (null when it has no vacancy: then `feasible` says it all).
 * `pool` are the candidates for its vacancies (e.g. the default pool of a suggestion for it; the
 * team's own members are left out of it); without one, the answer holds for any pool. Throws a
 * RangeError for an unknown post, a member in two seats or a leading post listed twice.
 *
 * @example
 * ```ts
 * const c = completability(team, profile); // { value: false, pool: "any", reasons: [{ rule: "R10", … }] }
 * ```
 */
export function completability(
  team: Team,
  profile: ScoringProfile,
  pool?: readonly Member[],
): Completability | null {
  if (team.seats.every((seat) => seat.member)) return null;
  const space = prepareSearch({
    profile,
    region: team.region,
    seats: team.seats.map((seat) => ({ post: seat.post, locked: seat.member })),
    pool: pool ?? standIns(team, profile),
  });
  const reasons = infeasibility(space);
  return { value: reasons.length === 0, pool: pool ? "given" : "any", reasons };
}
