/**
 * Fast team evaluation over prepared tables (`prepare.ts`). A team is an `Int32Array` of candidate
 * indices, one per seat (−1 = vacant). Evaluation gathers counters (sums and counts) and composes
 * the score from them; `TeamState` keeps the counters and K⁻¹ of the diversity kernel so that
 * replacing one member or swapping two is evaluated without starting over, and composes the score
 * with the same function — which is why full and delta evaluation agree.
 */
import { kernel, type Prepared } from "./prepare";

/** A team's score and its parts, all in [0, 1] except the counts. */
export interface Breakdown {
  score: number;
  feasible: boolean;
  /** Hard rule violations (seat and team rules). */
  hard: number;
  /** Soft rule violations. */
  soft: number;
  fit: number;
  balance: number;
  skills: number;
  structure: number;
  /** Soft-rule penalty subtracted from the weighted parts (capped at 1). */
  penalty: number;
  diversity: number;
  coverage: number;
  health: number;
  conflict: number;
  /** null when the team has no leading pair of posts; 0 while one of its seats is vacant. */
  leadingPair: number | null;
  teamSkills: number;
  seatSkills: number;
  filled: number;
  /** Which team rules broke (each counted in `hard`/`soft` when its rule is not off): kin pairs (R2), */
  kinPairs: number;
  /** fewer locals than ⌈n/3⌉ (R10), */
  localShort: boolean;
  /** both leading principals moved (R11 a), */
  leadersMoved: boolean;
  /** more than the allowed share moved (R11 b). */
  overMoved: boolean;
}

/** Sums and counts from which a score is composed. */
class Counters {
  filled = 0;
  fitSum = 0;
  seatPenalty = 0;
  seatHard = 0;
  seatSoft = 0;
  seatSkillSum = 0;
  dominant = 0;
  vigilant = 0;
  healthSum = 0;
  local = 0;
  originUnknown = 0;
  moved = 0;
  ageSum = 0;
  ageKnown = 0;
  under45 = 0;
  university = 0;
  women = 0;
  kinPairs = 0;
  logDet = 0;
  temperaments: Int32Array;
  teamSkills: Int32Array;

  constructor(prep: Prepared) {
    this.temperaments = new Int32Array(prep.nTemperaments);
    this.teamSkills = new Int32Array(prep.nTeamSkills);
  }

  clear(): void {
    this.filled = this.fitSum = this.seatPenalty = this.seatHard = this.seatSoft = 0;
    this.seatSkillSum = this.dominant = this.vigilant = this.healthSum = 0;
    this.local = this.originUnknown = this.moved = this.ageSum = this.ageKnown = this.under45 = 0;
    this.university = this.women = 0;
    this.kinPairs = this.logDet = 0;
    this.temperaments.fill(0);
    this.teamSkills.fill(0);
  }

  copyFrom(other: Counters): void {
    this.filled = other.filled;
    this.fitSum = other.fitSum;
    this.seatPenalty = other.seatPenalty;
    this.seatHard = other.seatHard;
    this.seatSoft = other.seatSoft;
    this.seatSkillSum = other.seatSkillSum;
    this.dominant = other.dominant;
    this.vigilant = other.vigilant;
    this.healthSum = other.healthSum;
    this.local = other.local;
    this.originUnknown = other.originUnknown;
    this.moved = other.moved;
    this.ageSum = other.ageSum;
    this.ageKnown = other.ageKnown;
    this.under45 = other.under45;
    this.university = other.university;
    this.women = other.women;
    this.kinPairs = other.kinPairs;
    this.logDet = other.logDet;
    this.temperaments.set(other.temperaments);
    this.teamSkills.set(other.teamSkills);
  }
}

/** Adds (sign +1) or removes (−1) candidate c in seat s, except kin pairs and the kernel. */
function account(prep: Prepared, k: Counters, c: number, s: number, sign: 1 | -1): void {
  const at = c * prep.nSeats + s;
  k.filled += sign;
  k.fitSum += sign * (prep.seatWeight[s] as number) * (prep.fit[at] as number);
  k.seatPenalty += sign * (prep.seatPenalty[at] as number);
  k.seatHard += sign * (prep.seatHard[at] as number);
  k.seatSoft += sign * (prep.seatSoft[at] as number);
  if (prep.seatNeedsSkills[s]) k.seatSkillSum += sign * (prep.seatSkill[at] as number);
  k.dominant += sign * (prep.dominant[c] as number);
  k.vigilant += sign * (prep.vigilant[c] as number);
  k.healthSum += sign * (prep.health[c] as number);
  const local = prep.local[c] as number;
  if (local === 1) k.local += sign;
  else if (local === 2) k.originUnknown += sign;
  k.moved += sign * (prep.moved[at] as number);
  const age = prep.age[c] as number;
  if (!Number.isNaN(age)) {
    k.ageSum += sign * age;
    k.ageKnown += sign;
    if (age < 45) k.under45 += sign;
  }
  // −1 (unknown) counts as not met, like 0.
  if ((prep.university[c] as number) > 0) k.university += sign;
  if ((prep.woman[c] as number) > 0) k.women += sign;
  const bits = prep.temperaments[c] as number;
  for (let t = 0; bits >> t; t++)
    if ((bits >> t) & 1) k.temperaments[t] = (k.temperaments[t] as number) + sign;
  const skills = prep.teamSkills[c] as number;
  for (let t = 0; skills >> t; t++)
    if ((skills >> t) & 1) k.teamSkills[t] = (k.teamSkills[t] as number) + sign;
}

const MODE = { off: 0, soft: 1, hard: 2 } as const;

/** The profile's numbers flattened once per problem, so composing a score reads no nested objects. */
class Constants {
  readonly wFit: number;
  readonly wBalance: number;
  readonly wSkills: number;
  readonly wStructure: number;
  readonly wTotal: number;
  readonly bDiversity: number;
  readonly bCoverage: number;
  readonly bHealth: number;
  readonly bConflict: number;
  readonly bLeading: number;
  readonly conflictPerPair: number;
  readonly maxAverageAge: number;
  readonly minUnder45: number;
  readonly minUniversityShare: number;
  readonly minWomen: number;
  readonly r2Mode: number;
  readonly r2Penalty: number;
  readonly r10Mode: number;
  readonly r10Penalty: number;
  readonly r11Mode: number;
  readonly r11Penalty: number;
  readonly maxMovedShare: number;
  readonly weightSum: number;
  readonly skillSeats: number;

  constructor(prep: Prepared) {
    const { weights, balance, structure, rules, ruleParams } = prep.problem.profile;
    this.wFit = weights.fit;
    this.wBalance = weights.balance;
    this.wSkills = weights.skills;
    this.wStructure = weights.structure;
    this.wTotal = weights.fit + weights.balance + weights.skills + weights.structure;
    this.bDiversity = balance.weights.diversity;
    this.bCoverage = balance.weights.coverage;
    this.bHealth = balance.weights.health;
    this.bConflict = balance.weights.conflict;
    this.bLeading = balance.weights.leadingPair;
    this.conflictPerPair = balance.conflict.penaltyPerPair;
    this.maxAverageAge = structure.maxAverageAge;
    this.minUnder45 = structure.minUnder45;
    this.minUniversityShare = structure.minUniversityShare;
    this.minWomen = structure.minWomen;
    this.r2Mode = MODE[rules.R2.mode];
    this.r2Penalty = rules.R2.penalty;
    this.r10Mode = MODE[rules.R10.mode];
    this.r10Penalty = rules.R10.penalty;
    this.r11Mode = MODE[rules.R11.mode];
    this.r11Penalty = rules.R11.penalty;
    this.maxMovedShare = ruleParams.maxMovedShare;
    let weightSum = 0;
    let skillSeats = 0;
    for (let s = 0; s < prep.nSeats; s++) {
      weightSum += prep.seatWeight[s] as number;
      skillSeats += prep.seatNeedsSkills[s] as number;
    }
    this.weightSum = weightSum;
    this.skillSeats = skillSeats;
  }
}

/**
 * The score from counters; `team` gives the leading pair's members.
 *
 * A vacancy never raises a score (issue 14): a vacant seat is scored as the worst member it could
 * hold in every part, so removing a member can only lower each part — fit 0 (the fit sum is over
 * all seats), health 0 (the sum is divided by the seats), a clone of someone for diversity (a team
 * with a vacancy has diversity 0, as a team with two identical profiles does), dominant and
 * vigilant for the conflict pairs, the leading pair 0 while a leading seat is vacant, no
 * temperament and no skill; and a structure target (R13) is met only by people who are there:
 * the average age only when every seat is filled with a known age, university share over all
 * seats, women and under-45s counted among present members with known facts. Complete teams with
 * every fact known score as before. (The rule penalties are the exception: removing a member
 * removes that member's own violations; see `test/scoring/vacancies.test.ts`.)
 */
function compose(prep: Prepared, c: Constants, k: Counters, team: Int32Array, out: Breakdown): Breakdown {
  const n = k.filled;
  const seats = prep.nSeats;
  const vacancies = seats - n;
  const fit = c.weightSum > 0 ? k.fitSum / c.weightSum : 0;

  const diversity = vacancies > 0 ? 0 : n < 2 ? 1 : Math.exp(k.logDet / n);
  let covered = 0;
  const temperaments = k.temperaments;
  for (let t = 0; t < temperaments.length; t++) if ((temperaments[t] as number) > 0) covered++;
  const coverage = temperaments.length > 0 ? covered / temperaments.length : 1;
  const health = seats > 0 ? k.healthSum / seats : 0;
  const dominant = k.dominant + vacancies;
  const vigilant = k.vigilant + vacancies;
  const conflictPairs = (dominant * (dominant - 1) + vigilant * (vigilant - 1)) / 2;
  const conflict = Math.max(0, 1 - c.conflictPerPair * conflictPairs);
  let leadingPair: number | null = null;
  let leadersMoved = 0;
  const leading = prep.leadingSeats;
  if (leading) {
    const a = team[leading[0]] as number;
    const b = team[leading[1]] as number;
    leadingPair = 0;
    if (a >= 0 && b >= 0) {
      leadingPair = leadingPairScore(prep, a, b);
      leadersMoved =
        prep.moved[a * prep.nSeats + leading[0]] && prep.moved[b * prep.nSeats + leading[1]] ? 1 : 0;
    }
  }
  const leadingWeight = leadingPair === null ? 0 : c.bLeading;
  const balance =
    (c.bDiversity * diversity +
      c.bCoverage * coverage +
      c.bHealth * health +
      c.bConflict * conflict +
      leadingWeight * (leadingPair ?? 0)) /
    (c.bDiversity + c.bCoverage + c.bHealth + c.bConflict + leadingWeight);

  let teamCovered = 0;
  const teamSkillCounts = k.teamSkills;
  for (let t = 0; t < teamSkillCounts.length; t++) if ((teamSkillCounts[t] as number) > 0) teamCovered++;
  const teamSkills = teamSkillCounts.length > 0 ? teamCovered / teamSkillCounts.length : 1;
  const seatSkills = c.skillSeats > 0 ? k.seatSkillSum / c.skillSeats : 1;
  const skills = 0.5 * teamSkills + 0.5 * seatSkills;

  // R13's four targets, each met only by members who are there with the fact known.
  let averageAge = 0;
  if (seats > 0 && k.ageKnown === seats) {
    const average = k.ageSum / seats;
    averageAge = average <= c.maxAverageAge ? 1 : Math.max(0, 1 - (average - c.maxAverageAge) / 10);
  }
  const under45 = c.minUnder45 > 0 ? Math.min(1, k.under45 / c.minUnder45) : 1;
  const university =
    c.minUniversityShare > 0 ? (seats > 0 ? Math.min(1, k.university / seats / c.minUniversityShare) : 0) : 1;
  const women = c.minWomen > 0 ? Math.min(1, k.women / c.minWomen) : 1;
  const structure = (averageAge + under45 + university + women) / 4;

  // Team rules from counters: R2 kin pairs, R10 local share, R11 moves (both leaders; over a third).
  let hard = k.seatHard;
  let soft = k.seatSoft;
  let penalty = k.seatPenalty;
  const localShort = n > 0 && c.r10Mode !== 0 && k.local + k.originUnknown < Math.ceil(n / 3);
  const overMoved = c.r11Mode !== 0 && n > 0 && k.moved > n * c.maxMovedShare + 1e-9;
  if (k.kinPairs > 0 && c.r2Mode !== 0) {
    if (c.r2Mode === 2) hard += k.kinPairs;
    else {
      soft += k.kinPairs;
      penalty += c.r2Penalty * k.kinPairs;
    }
  }
  if (localShort) {
    if (c.r10Mode === 2) hard++;
    else {
      soft++;
      penalty += c.r10Penalty;
    }
  }
  if (c.r11Mode !== 0) {
    const r11 = leadersMoved + (overMoved ? 1 : 0);
    if (r11 > 0) {
      if (c.r11Mode === 2) hard += r11;
      else {
        soft += r11;
        penalty += c.r11Penalty * r11;
      }
    }
  }
  if (penalty > 1) penalty = 1;

  const raw =
    (c.wFit * fit + c.wBalance * balance + c.wSkills * skills + c.wStructure * structure) / c.wTotal;
  out.score = Math.min(1, Math.max(0, raw - penalty));
  out.feasible = hard === 0;
  out.hard = hard;
  out.soft = soft;
  out.fit = fit;
  out.balance = balance;
  out.skills = skills;
  out.structure = structure;
  out.penalty = penalty;
  out.diversity = diversity;
  out.coverage = coverage;
  out.health = health;
  out.conflict = conflict;
  out.leadingPair = leadingPair;
  out.teamSkills = teamSkills;
  out.seatSkills = seatSkills;
  out.filled = n;
  out.kinPairs = c.r2Mode !== 0 ? k.kinPairs : 0;
  out.localShort = localShort;
  out.leadersMoved = c.r11Mode !== 0 && leadersMoved === 1;
  out.overMoved = overMoved;
  return out;
}

/**
 * The leading pair (县委书记 + 县长) as a pair: not both dominant, not both weak, and complementary
 * (less alike scores higher): (1 − ½·bothDominant − ½·bothWeak) · (½ + ½·(1 − similarity)).
 */
export function leadingPairScore(prep: Prepared, a: number, c: number): number {
  const dominant = prep.problem.profile.balance.leadingPair.dominant;
  const bothDominant =
    (prep.leaderE[a] as number) >= dominant && (prep.leaderE[c] as number) >= dominant ? 1 : 0;
  const bothWeak = ((prep.weak[a] as number) & (prep.weak[c] as number)) !== 0 ? 1 : 0;
  return (1 - 0.5 * bothDominant - 0.5 * bothWeak) * (0.5 + 0.5 * (1 - kernel(prep, a, c)));
}

export function emptyBreakdown(): Breakdown {
  return {
    score: 0,
    feasible: true,
    hard: 0,
    soft: 0,
    fit: 0,
    balance: 0,
    skills: 0,
    structure: 0,
    penalty: 0,
    diversity: 0,
    coverage: 0,
    health: 0,
    conflict: 0,
    leadingPair: null,
    teamSkills: 0,
    seatSkills: 0,
    filled: 0,
    kinPairs: 0,
    localShort: false,
    leadersMoved: false,
    overMoved: false,
  };
}

/**
 * log det K of the members' kernel matrix by Cholesky, in `scratch` (n×n); −Infinity when K is
 * singular (two identical profiles). Optionally leaves K⁻¹ in `inverse`.
 */
function kernelLogDet(
  prep: Prepared,
  members: Int32Array,
  n: number,
  scratch: Float64Array,
  inverse?: Float64Array,
): number {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++)
      scratch[i * n + j] = kernel(prep, members[i] as number, members[j] as number);
  }
  let logDet = 0;
  for (let j = 0; j < n; j++) {
    let d = scratch[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (scratch[j * n + k] as number) ** 2;
    if (d <= 1e-12) return Number.NEGATIVE_INFINITY;
    const l = Math.sqrt(d);
    scratch[j * n + j] = l;
    logDet += 2 * Math.log(l);
    for (let i = j + 1; i < n; i++) {
      let s = scratch[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (scratch[i * n + k] as number) * (scratch[j * n + k] as number);
      scratch[i * n + j] = s / l;
    }
  }
  if (inverse) choleskyInverse(scratch, n, inverse);
  return logDet;
}

/** K⁻¹ = L⁻ᵀ L⁻¹ from the lower Cholesky factor L (row-major in `l`). */
function choleskyInverse(l: Float64Array, n: number, out: Float64Array): void {
  const linv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    linv[i * n + i] = 1 / (l[i * n + i] as number);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= (l[i * n + k] as number) * (linv[k * n + j] as number);
      linv[i * n + j] = s / (l[i * n + i] as number);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (linv[k * n + i] as number) * (linv[k * n + j] as number);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
}

/** A reusable evaluator: scratch space is allocated once per prepared problem. */
export class Evaluator {
  private readonly counters: Counters;
  private readonly members: Int32Array;
  private readonly scratch: Float64Array;
  private readonly stamp: Int32Array;
  private generation = 0;
  readonly constants: Constants;

  constructor(readonly prep: Prepared) {
    this.constants = new Constants(prep);
    this.counters = new Counters(prep);
    this.members = new Int32Array(prep.nSeats);
    this.scratch = new Float64Array(prep.nSeats * prep.nSeats);
    this.stamp = new Int32Array(prep.nCandidates);
  }

  /** Full evaluation of a team (−1 = vacant seat). A candidate may appear at most once. */
  evaluate(team: Int32Array, out: Breakdown = emptyBreakdown()): Breakdown {
    this.fill(team, this.counters, this.members);
    return compose(this.prep, this.constants, this.counters, team, out);
  }

  /** Builds counters from scratch; leaves the filled members in `members`. Returns their number. */
  fill(team: Int32Array, k: Counters, members: Int32Array, inverse?: Float64Array): number {
    const prep = this.prep;
    k.clear();
    const generation = ++this.generation;
    let n = 0;
    for (let s = 0; s < prep.nSeats; s++) {
      const c = team[s] as number;
      if (c < 0) continue;
      account(prep, k, c, s, 1);
      members[n++] = c;
      this.stamp[c] = generation;
    }
    for (let i = 0; i < n; i++) {
      const c = members[i] as number;
      for (const other of prep.kin[c] as Int32Array)
        if (other > c && this.stamp[other] === generation) k.kinPairs++;
    }
    k.logDet = n < 2 ? 0 : kernelLogDet(prep, members, n, this.scratch, inverse);
    return n;
  }

  /** @internal for TeamState */
  newCounters(): Counters {
    return new Counters(this.prep);
  }
}

/**
 * A full team (every seat filled) under local search: its counters and K⁻¹ are kept so that a
 * replacement is evaluated in O(n²) and a swap in O(1) plus the pair terms.
 */
export class TeamState {
  readonly team: Int32Array;
  private readonly k: Counters;
  private readonly trial: Counters;
  private readonly inverse: Float64Array;
  private readonly seatOf: Int32Array;
  private readonly out = emptyBreakdown();
  private readonly trialTeam: Int32Array;
  private readonly evaluator: Evaluator;
  private readonly n: number;
  private readonly trialKernel: Float64Array;
  current: Breakdown = emptyBreakdown();

  constructor(
    readonly prep: Prepared,
    team: Int32Array,
  ) {
    this.n = prep.nSeats;
    for (let s = 0; s < this.n; s++)
      if ((team[s] as number) < 0) throw new RangeError("TeamState needs every seat filled");
    this.team = Int32Array.from(team);
    this.trialTeam = Int32Array.from(team);
    this.evaluator = new Evaluator(prep);
    this.k = this.evaluator.newCounters();
    this.trial = this.evaluator.newCounters();
    this.inverse = new Float64Array(this.n * this.n);
    this.seatOf = new Int32Array(prep.nCandidates).fill(-1);
    this.trialKernel = new Float64Array(this.n);
    this.reset();
  }

  /** Recomputes everything from the team (after accepted moves, to shed rounding drift). */
  reset(): void {
    const members = new Int32Array(this.n);
    this.evaluator.fill(this.team, this.k, members, this.inverse);
    this.seatOf.fill(-1);
    for (let s = 0; s < this.n; s++) this.seatOf[this.team[s] as number] = s;
    this.current = compose(this.prep, this.evaluator.constants, this.k, this.team, emptyBreakdown());
  }

  /** Seat of a candidate in this team, or −1. */
  seatOfCandidate(c: number): number {
    return this.seatOf[c] as number;
  }

  /** Score if seat `s` were given to candidate `c` (who must not be in the team). */
  tryReplace(s: number, c: number): Breakdown {
    const prep = this.prep;
    const old = this.team[s] as number;
    const k = this.trial;
    k.copyFrom(this.k);
    account(prep, k, old, s, -1);
    account(prep, k, c, s, 1);
    k.kinPairs += this.kinInTeam(c, old) - this.kinInTeam(old, old);
    this.trialTeam.set(this.team);
    this.trialTeam[s] = c;
    // With clones in the team K is singular and has no inverse: recompute the trial from scratch.
    if (this.k.logDet === Number.NEGATIVE_INFINITY) return this.evaluator.evaluate(this.trialTeam, this.out);
    k.logDet = this.k.logDet + this.logDetRatio(s, c);
    return compose(prep, this.evaluator.constants, k, this.trialTeam, this.out);
  }

  /** Score if the members of seats `a` and `b` traded places. */
  trySwap(a: number, b: number): Breakdown {
    const prep = this.prep;
    const ca = this.team[a] as number;
    const cb = this.team[b] as number;
    const k = this.trial;
    k.copyFrom(this.k);
    account(prep, k, ca, a, -1);
    account(prep, k, cb, b, -1);
    account(prep, k, ca, b, 1);
    account(prep, k, cb, a, 1);
    this.trialTeam.set(this.team);
    this.trialTeam[a] = cb;
    this.trialTeam[b] = ca;
    return compose(prep, this.evaluator.constants, k, this.trialTeam, this.out);
  }

  /** How many of candidate c's kin hold a seat in the team, not counting `except`. */
  private kinInTeam(c: number, except: number): number {
    const kin = this.prep.kin[c] as Int32Array;
    let count = 0;
    for (let j = 0; j < kin.length; j++) {
      const other = kin[j] as number;
      if (other !== except && (this.seatOf[other] as number) >= 0) count++;
    }
    return count;
  }

  replace(s: number, c: number): void {
    const old = this.team[s] as number;
    this.team[s] = c;
    this.seatOf[old] = -1;
    this.seatOf[c] = s;
    this.reset();
  }

  swap(a: number, b: number): void {
    const ca = this.team[a] as number;
    this.team[a] = this.team[b] as number;
    this.team[b] = ca;
    this.reset();
  }

  /**
   * log(det K′ / det K) when member s's row and column of K are replaced by candidate c's kernel
   * column k′: with B = K⁻¹, det K′/det K = B_ss·(1 − k′ᵀ K₋ₛ⁻¹ k′) and K₋ₛ⁻¹ = B₋ₛ − b bᵀ/B_ss
   * (b = B₋ₛ,ₛ), so the ratio is B_ss − B_ss·k′ᵀB₋ₛk′ + (bᵀk′)², in O(n²).
   */
  private logDetRatio(s: number, c: number): number {
    const n = this.n;
    if (n < 2) return 0;
    const B = this.inverse;
    const kp = this.trialKernel;
    for (let i = 0; i < n; i++) kp[i] = i === s ? 0 : kernel(this.prep, c, this.team[i] as number);
    let quad = 0;
    let bk = 0;
    for (let i = 0; i < n; i++) {
      if (i === s) continue;
      const ki = kp[i] as number;
      if (ki === 0) continue;
      let row = 0;
      for (let j = 0; j < n; j++) if (j !== s) row += (B[i * n + j] as number) * (kp[j] as number);
      quad += ki * row;
      bk += (B[i * n + s] as number) * ki;
    }
    const bss = B[s * n + s] as number;
    const ratio = bss - bss * quad + bk * bk;
    return ratio > 1e-300 ? Math.log(ratio) : Number.NEGATIVE_INFINITY;
  }
}
