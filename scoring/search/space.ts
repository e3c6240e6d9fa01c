/**
 * The search space of one suggestion request, built once: the prepared tables (`prepare.ts`), the
 * vacancies, each vacancy's eligible candidates, and the part of the score that is a sum over seats.
 *
 * The score decomposes (see `compose()` in `evaluate.ts`; complete teams only, n = all seats):
 *   score = max(0, raw − P), raw = (w_fit·fit + w_bal·balance + w_sk·skills + w_st·structure) / Σw,
 *   P = Σ seat penalties + team-rule penalties (capping P at 1 changes nothing: raw ≤ 1, so
 *   raw − min(1, P) and raw − P are both ≤ 0 once P ≥ 1, and the score is clamped at 0).
 * fit, health (a part of balance: a mean over the n members) and seat skills (a part of skills)
 * are sums of per-(candidate, seat) terms, so with the seat penalties they form `lin(c, s)`, the
 * LINEAR part. Everything else — diversity, temperament coverage, conflict pairs, the leading pair,
 * team skills, structure and team rules — is the NON-LINEAR part, bounded in `bound.ts`.
 */
import { Evaluator } from "../evaluate";
import { type Prepared, prepare } from "../prepare";
import type { Member } from "../types";
import type { SuggestProblem } from "./types";

/** Weights that turn per-seat and per-team quantities into score units. */
export interface Coefficients {
  /** Per seat: score per unit of fit in that seat (w_fit/Σw · seatWeight/Σ seatWeights). */
  fit: Float64Array;
  /** Score per unit of one member's health (w_bal/Σw · b_health/Σb / n). */
  health: number;
  /** Per seat: score per unit of seat-skill coverage (0 when the post requires no skill). */
  seatSkill: Float64Array;
  /** Score of the parts that are constant for complete teams (seat skills when no post needs any…). */
  constant: number;
  /** Score per unit of diversity, coverage, conflict and leading pair (balance parts). */
  diversity: number;
  coverage: number;
  conflict: number;
  leadingPair: number;
  /** Score per unit of team-skill coverage; per unit of structure. */
  teamSkills: number;
  structure: number;
}

export interface SearchSpace {
  readonly problem: SuggestProblem;
  readonly prep: Prepared;
  readonly evaluator: Evaluator;
  readonly nSeats: number;
  readonly nCandidates: number;
  /** Candidate per seat for locked seats, −1 for vacancies. */
  readonly base: Int32Array;
  /** Vacant seat indices, ascending. */
  readonly open: Int32Array;
  /** Rank of each candidate's id in code-unit order (ties by index): the deterministic tie-break. */
  readonly idRank: Int32Array;
  /** Linear score part of candidate c in seat s at `c * nSeats + s`. */
  readonly lin: Float64Array;
  /** Per seat: eligible candidates, best `lin` first (empty for locked seats). */
  readonly eligible: readonly Int32Array[];
  /** Per seat: the eligible candidates who may count as local (R10), best first. */
  readonly eligibleLocal: readonly Int32Array[];
  /** Per seat: the eligible candidates who would not be moved there (R11), best first. */
  readonly eligibleStay: readonly Int32Array[];
  /** Per seat: the eligible candidates who are both local and not moved, best first. */
  readonly eligibleLocalStay: readonly Int32Array[];
  /** Moves R11 allows in the complete team (⌊n · share⌋). */
  readonly movesAllowed: number;
  /** 1 when a candidate counts towards R10 (local, or origin unknown — as the evaluator counts). */
  readonly localish: Uint8Array;
  /**
   * Per vacancy: the other vacancies of the same post. Such seats are interchangeable — every table
   * of `prepare` is the same for them — so a team is one team whichever of them a member holds.
   */
  readonly twins: readonly Int32Array[];
  readonly coef: Coefficients;
  /** Locals that R10 requires in the complete team (0 when R10 is off). */
  readonly localsNeeded: number;
  readonly kinHard: boolean;
}

/** Code-unit order (not locale order): the same on every runtime. */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the search space. The candidates are the locked members (seat order) then the pool (a pool
 * member with a locked member's id, or a repeated id, is skipped). Throws a RangeError for an
 * unknown post or a member locked in two seats.
 *
 * @example
 * ```ts
 * const space = prepareSearch({ profile, region: "R01", seats: [{ post: "county-head" }], pool });
 * space.eligible[0]; // candidates who may hold seat 0, best linear part first
 * ```
 */
export function prepareSearch(problem: SuggestProblem): SearchSpace {
  const { profile, region, seats, pool } = problem;
  const candidates: Member[] = [];
  const seen = new Map<string, number>();
  const base = new Int32Array(seats.length).fill(-1);
  seats.forEach((seat, s) => {
    if (!seat.locked) return;
    if (seen.has(seat.locked.id))
      throw new RangeError(
        `seat ${s}: member '${seat.locked.id}' is already locked in seat ${seen.get(seat.locked.id)}`,
      );
    seen.set(seat.locked.id, candidates.length);
    base[s] = candidates.length;
    candidates.push(seat.locked);
  });
  const nLocked = candidates.length;
  for (const member of pool) {
    if (seen.has(member.id)) continue;
    seen.set(member.id, candidates.length);
    candidates.push(member);
  }
  const prep = prepare({ profile, region, seats: seats.map((s) => s.post), candidates });
  const nSeats = prep.nSeats;
  const nCandidates = prep.nCandidates;
  const open = Int32Array.from([...base].flatMap((c, s) => (c < 0 ? [s] : [])));

  const order = Array.from({ length: nCandidates }, (_, i) => i).sort(
    (a, b) => compareIds((candidates[a] as Member).id, (candidates[b] as Member).id) || a - b,
  );
  const idRank = new Int32Array(nCandidates);
  order.forEach((c, rank) => {
    idRank[c] = rank;
  });

  const coef = coefficients(prep);
  const lin = new Float64Array(nCandidates * nSeats);
  for (let c = 0; c < nCandidates; c++)
    for (let s = 0; s < nSeats; s++) {
      const at = c * nSeats + s;
      lin[at] =
        (coef.fit[s] as number) * (prep.fit[at] as number) +
        coef.health * (prep.health[c] as number) +
        (coef.seatSkill[s] as number) * (prep.seatSkill[at] as number) -
        (prep.seatPenalty[at] as number);
    }

  const localish = Uint8Array.from(prep.local, (l) => (l === 0 ? 0 : 1));
  const kinHard = profile.rules.R2.mode === "hard";
  // Kin of a locked member can never join when R2 is hard.
  const barred = new Uint8Array(nCandidates);
  if (kinHard) for (let c = 0; c < nLocked; c++) for (const k of prep.kin[c] as Int32Array) barred[k] = 1;
  const byLin = (s: number) => (a: number, b: number) =>
    (lin[b * nSeats + s] as number) - (lin[a * nSeats + s] as number) ||
    (idRank[a] as number) - (idRank[b] as number);
  const eligible: Int32Array[] = [];
  const eligibleLocal: Int32Array[] = [];
  const eligibleStay: Int32Array[] = [];
  const eligibleLocalStay: Int32Array[] = [];
  for (let s = 0; s < nSeats; s++) {
    const list: number[] = [];
    if (base[s] === -1)
      for (let c = nLocked; c < nCandidates; c++)
        if (!barred[c] && prep.seatHard[c * nSeats + s] === 0) list.push(c);
    list.sort(byLin(s));
    eligible.push(Int32Array.from(list));
    eligibleLocal.push(Int32Array.from(list.filter((c) => localish[c])));
    eligibleStay.push(Int32Array.from(list.filter((c) => !prep.moved[c * nSeats + s])));
    eligibleLocalStay.push(Int32Array.from(list.filter((c) => localish[c] && !prep.moved[c * nSeats + s])));
  }
  const twins = Array.from({ length: nSeats }, (_, s) =>
    Int32Array.from(
      base[s] === -1 ? [...open].filter((t) => t !== s && seats[t]?.post === seats[s]?.post) : [],
    ),
  );
  const localsNeeded = profile.rules.R10.mode === "off" ? 0 : Math.ceil(nSeats / 3);
  return {
    problem,
    prep,
    evaluator: new Evaluator(prep),
    nSeats,
    nCandidates,
    base,
    open,
    idRank,
    lin,
    eligible,
    eligibleLocal,
    eligibleStay,
    eligibleLocalStay,
    movesAllowed: Math.floor(nSeats * profile.ruleParams.maxMovedShare + 1e-9),
    localish,
    twins,
    coef,
    localsNeeded,
    kinHard,
  };
}

/** The score coefficients, mirroring `compose()` in `evaluate.ts` for complete teams. */
function coefficients(prep: Prepared): Coefficients {
  const { weights, balance } = prep.problem.profile;
  const total = weights.fit + weights.balance + weights.skills + weights.structure;
  const b = balance.weights;
  const balanceSum =
    b.diversity + b.coverage + b.health + b.conflict + (prep.leadingSeats ? b.leadingPair : 0);
  const perBalance = weights.balance / total / balanceSum;
  let seatWeights = 0;
  let skillSeats = 0;
  for (let s = 0; s < prep.nSeats; s++) {
    seatWeights += prep.seatWeight[s] as number;
    skillSeats += prep.seatNeedsSkills[s] as number;
  }
  const fitUnit = seatWeights > 0 ? weights.fit / total / seatWeights : 0;
  const seatSkillUnit = skillSeats > 0 ? (0.5 * weights.skills) / total / skillSeats : 0;
  let constant = skillSeats > 0 ? 0 : (0.5 * weights.skills) / total;
  if (prep.nTeamSkills === 0) constant += (0.5 * weights.skills) / total;
  if (prep.nTemperaments === 0) constant += perBalance * b.coverage;
  return {
    fit: Float64Array.from(prep.seatWeight, (w) => fitUnit * w),
    health: prep.nSeats > 0 ? (perBalance * b.health) / prep.nSeats : 0,
    seatSkill: Float64Array.from(prep.seatNeedsSkills, (needs) => (needs ? seatSkillUnit : 0)),
    constant,
    diversity: perBalance * b.diversity,
    coverage: prep.nTemperaments > 0 ? perBalance * b.coverage : 0,
    conflict: perBalance * b.conflict,
    leadingPair: prep.leadingSeats ? perBalance * b.leadingPair : 0,
    teamSkills: prep.nTeamSkills > 0 ? (0.5 * weights.skills) / total : 0,
    structure: weights.structure / total,
  };
}
