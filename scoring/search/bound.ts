/**
 * An ADMISSIBLE upper bound on the score of any feasible completion of a partial assignment
 * (`partial.ts`): it never underestimates, so pruning on it loses nothing.
 *
 * Why the bound is admissible (notation of `space.ts`: score = max(0, Σ_s lin(c_s, s) + NL − T),
 * NL the non-linear parts, T ≥ 0 the team-rule penalties; everything for complete teams):
 * - linear part: assigned seats contribute their exact `lin`; the open seats at most what
 *   `linear-bound.ts` gives (best available candidates per seat, all-different dropped except
 *   between two vacancies of one post, with R10's and R11's counts kept by a dynamic programme).
 * - diversity = exp(log det K / n): det K = det K_A · det S with S the Schur complement of the
 *   assigned members' block K_A; S is positive semi-definite with diagonal ≤ 1, so det S ≤ 1
 *   (Hadamard) and diversity ≤ exp(log det K_A / n). Near-singular K_A (a pivot < 1e-6) falls back
 *   to 1 rather than trusting a tiny pivot's rounding.
 * - coverage and team skills: what is covered now plus what the available candidates could add,
 *   and no more than `open × most bits one candidate has` more.
 * - conflict = 1 − p·(pairs): pairs among the assigned members only grow as members are added.
 * - leading pair: exact once both leading seats are assigned (they are branched first), else ≤ 1.
 * - structure: each of the four parts (average age, under 45, university share over the seats,
 *   women) bounded from above by filling every open seat with the most favourable kind of candidate
 *   that exists; the average-age part is 0 for certain once a placed member's age is unknown.
 * - penalties: seat penalties are inside `lin`; team penalties already certain (kin pairs when R2
 *   is soft; both leading seats filled by moved members when R11 is soft) only grow, so they are
 *   subtracted as a lower bound of T. R10, R11's share of moves and — while a leading seat is
 *   open — R11's leaders are charged with the linear part instead (never twice: `leaders`).
 * The caller adds a 1e-9 margin for rounding before pruning.
 */
import { leadingPairScore } from "../evaluate";
import { LinearBound, type Needs } from "./linear-bound";
import { F, type Partial } from "./partial";
import type { SearchSpace } from "./space";

const popcount = (x: number): number => {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** What the open seats' eligible candidates could bring at best (computed once, valid everywhere below). */
interface Potential {
  temperaments: number;
  skills: number;
  maxTemperaments: number;
  maxSkills: number;
  under45: boolean;
  ageKnown: boolean;
  university: boolean;
  woman: boolean;
}

export class Bounder {
  private readonly potential: Potential;
  readonly linear: LinearBound;
  private readonly table: Float64Array;
  private readonly needs: Needs = { R: 0, Q: 0, L: 0 };

  constructor(readonly space: SearchSpace) {
    this.potential = potentialOf(space);
    this.linear = new LinearBound(space);
    this.table = new Float64Array(this.linear.size);
  }

  /** The bound on the score of any feasible completion filling the open seats `rest`; −Infinity if none. */
  total(p: Partial, rest: ArrayLike<number>): number {
    const needs = this.linear.needs(p, rest.length, this.needs);
    if (!this.linear.table(p, rest, needs, this.table)) return Number.NEGATIVE_INFINITY;
    const linear = this.linear.combine(this.table, needs, 0, 0, 0);
    if (linear === Number.NEGATIVE_INFINITY) return linear;
    const nonLinear = this.nonLinear(p, rest);
    if (nonLinear === Number.NEGATIVE_INFINITY) return nonLinear;
    return Math.max(0, p.fixedLin + linear + nonLinear);
  }

  /**
   * Upper bound on (non-linear parts − certain team penalties) of any completion that fills the
   * open seats `rest`; −Infinity if none is feasible. `leaders: false` leaves out R11's "both
   * leaders moved" when the linear part already charged it (the child of a node that needed a
   * staying leader: see `exact.ts`).
   */
  nonLinear(p: Partial, rest: ArrayLike<number>, leaders = true): number {
    const { prep, coef, problem } = this.space;
    const { rules, balance, structure } = problem.profile;
    const open = rest.length;
    const n = prep.nSeats;
    const pot = this.potential;
    let penalty = 0;
    if (rules.R2.mode === "soft") penalty += rules.R2.penalty * p.get(F.kinPairs);
    const leading = prep.leadingSeats;
    if (leaders && rules.R11.mode !== "off" && leading) {
      // Both leaders placed and both moved (with a leading seat open, `linear` accounts for it).
      const a = p.team[leading[0]] as number;
      const b = p.team[leading[1]] as number;
      if (a >= 0 && b >= 0 && prep.moved[a * n + leading[0]] && prep.moved[b * n + leading[1]]) {
        if (rules.R11.mode === "hard") return Number.NEGATIVE_INFINITY;
        penalty += rules.R11.penalty;
      }
    }
    const diversity = n < 2 || p.get(F.degenerate) ? 1 : Math.exp(p.get(F.logDet) / n);
    const coverage = bitsBound(p.get(F.temperaments), pot.temperaments, pot.maxTemperaments, open);
    const dominant = p.get(F.dominant);
    const vigilant = p.get(F.vigilant);
    const pairs = (dominant * (dominant - 1) + vigilant * (vigilant - 1)) / 2;
    const conflict = Math.max(0, 1 - balance.conflict.penaltyPerPair * pairs);
    let leadingPair = 1;
    if (leading) {
      const a = p.team[leading[0]] as number;
      const b = p.team[leading[1]] as number;
      if (a >= 0 && b >= 0) leadingPair = leadingPairScore(prep, a, b);
    }
    const teamSkills = bitsBound(p.get(F.skills), pot.skills, pot.maxSkills, open);
    // Structure (R13), as compose() scores a complete team: four targets met only by members with
    // the fact known. Each part at most what filling every open seat with the most favourable
    // kind of available candidate gives; the average age at most 1 unless a placed member's age
    // (or every available candidate's) is unknown, which makes it 0.
    const ageUnknown = p.get(F.ageKnown) < p.depth || (open > 0 && !pot.ageKnown);
    const averageAge = ageUnknown ? 0 : 1;
    const under45 = p.get(F.under45) + (pot.under45 ? open : 0);
    const university = p.get(F.university) + (pot.university ? open : 0);
    const women = p.get(F.women) + (pot.woman ? open : 0);
    const structureBound =
      (averageAge +
        (structure.minUnder45 > 0 ? Math.min(1, under45 / structure.minUnder45) : 1) +
        (structure.minUniversityShare > 0 ? Math.min(1, university / n / structure.minUniversityShare) : 1) +
        (structure.minWomen > 0 ? Math.min(1, women / structure.minWomen) : 1)) /
      4;
    const nT = prep.nTemperaments;
    const nK = prep.nTeamSkills;
    return (
      coef.constant +
      coef.diversity * diversity +
      coef.coverage * (nT > 0 ? coverage / nT : 0) +
      coef.conflict * conflict +
      coef.leadingPair * leadingPair +
      coef.teamSkills * (nK > 0 ? teamSkills / nK : 0) +
      coef.structure * structureBound -
      penalty
    );
  }
}

/** Bits covered now, plus what `open` more candidates from `potential` could add. */
function bitsBound(covered: number, potential: number, maxPerCandidate: number, open: number): number {
  const now = popcount(covered);
  return Math.min(popcount(covered | potential), now + open * maxPerCandidate);
}

function potentialOf(space: SearchSpace): Potential {
  const { prep } = space;
  const pot: Potential = {
    temperaments: 0,
    skills: 0,
    maxTemperaments: 0,
    maxSkills: 0,
    under45: false,
    ageKnown: false,
    university: false,
    woman: false,
  };
  const seen = new Uint8Array(space.nCandidates);
  for (const s of space.open)
    for (const c of space.eligible[s] as Int32Array) {
      if (seen[c]) continue;
      seen[c] = 1;
      const t = prep.temperaments[c] as number;
      const k = prep.teamSkills[c] as number;
      pot.temperaments |= t;
      pot.skills |= k;
      pot.maxTemperaments = Math.max(pot.maxTemperaments, popcount(t));
      pot.maxSkills = Math.max(pot.maxSkills, popcount(k));
      const age = prep.age[c] as number;
      if (!Number.isNaN(age)) pot.ageKnown = true;
      if (age < 45) pot.under45 = true;
      if (prep.university[c] === 1) pot.university = true;
      if (prep.woman[c] === 1) pot.woman = true;
    }
  return pot;
}
