/**
 * A complete plan under local search: which pool member holds each vacancy, and per team a
 * `TeamState` (incremental evaluation, `evaluate.ts`). A move gives vacancy v to pool member q: if q
 * is free, team t replaces v's member; if q holds vacancy w, the two trade places (one swap within a
 * team, or one replacement in each of two teams). Only the one or two teams touched are evaluated.
 */
import { TeamState } from "../evaluate";
import { candidateIn, type ExchangeSpace } from "./exchange-space";
import { type ExchangeObjective, MAXMIN_TIE } from "./exchange-types";

/** A hard violation weighs more than any score difference, so feasibility comes first. */
export const HARD_WEIGHT = 1;

/** The value a plan maximises, from per-team values (score − hard penalty) and the bonus total. */
export function planValue(objective: ExchangeObjective, values: Float64Array, bonus: number): number {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let t = 0; t < values.length; t++) {
    const x = values[t] as number;
    sum += x;
    if (x < min) min = x;
  }
  if (values.length === 0) min = 0;
  return objective === "sum" ? sum + bonus : min + MAXMIN_TIE * (sum + bonus);
}

/** Width (score units) of the soft minimum that guides the `maxmin` search. */
const SOFT_MIN = 0.02;

/**
 * What the annealing follows: the value itself for `sum`; for `maxmin` the worst team replaced by a
 * soft minimum (−τ·log Σ exp(−x/τ)), so that the teams close to the worst count too and a move that
 * lifts the second-worst is not a blind step. The best plan is still chosen by `planValue`.
 */
export function planGuide(objective: ExchangeObjective, values: Float64Array, bonus: number): number {
  if (objective === "sum") return planValue(objective, values, bonus);
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let t = 0; t < values.length; t++) {
    sum += values[t] as number;
    if ((values[t] as number) < min) min = values[t] as number;
  }
  if (values.length === 0) return MAXMIN_TIE * bonus;
  let mass = 0;
  for (let t = 0; t < values.length; t++) mass += Math.exp(-((values[t] as number) - min) / SOFT_MIN);
  return min - SOFT_MIN * Math.log(mass) + MAXMIN_TIE * (sum + bonus);
}

export class PlanState {
  /** Pool member per vacancy. */
  readonly assign: Int32Array;
  /** Vacancy per pool member, −1 when not placed. */
  readonly holder: Int32Array;
  readonly states: TeamState[];
  /** Per team: score − HARD_WEIGHT · hard violations. */
  readonly values: Float64Array;
  readonly hard: Int32Array;
  bonus = 0;
  value = 0;
  /** `planGuide` of the plan: what the annealing compares. */
  guide = 0;
  /** `planValue` of the last tried move. */
  trialValue = 0;
  private readonly trialValues: Float64Array;
  private trialBonus = 0;
  private trialHard = [0, 0];
  private pending: { v: number; q: number; w: number; chain: boolean } | null = null;

  constructor(
    readonly space: ExchangeSpace,
    readonly objective: ExchangeObjective,
    assign: Int32Array,
  ) {
    this.assign = Int32Array.from(assign);
    this.holder = new Int32Array(space.nPool).fill(-1);
    assign.forEach((p, v) => {
      this.holder[p] = v;
    });
    this.states = space.teams.map((team, t) => {
      const members = Int32Array.from(team.base);
      for (const v of space.teamVacancies[t] as Int32Array)
        members[space.vSeat[v] as number] = candidateIn(space, t, assign[v] as number);
      return new TeamState(team.prep, members);
    });
    this.values = new Float64Array(space.nTeams);
    this.hard = new Int32Array(space.nTeams);
    this.trialValues = new Float64Array(space.nTeams);
    this.states.forEach((state, t) => {
      this.values[t] = state.current.score - HARD_WEIGHT * state.current.hard;
      this.hard[t] = state.current.hard;
    });
    for (let v = 0; v < space.nVacancies; v++)
      this.bonus += space.bonus[(assign[v] as number) * space.nVacancies + v] as number;
    this.value = planValue(objective, this.values, this.bonus);
    this.guide = planGuide(objective, this.values, this.bonus);
  }

  /** True when no team breaks a hard rule. */
  get feasible(): boolean {
    for (let t = 0; t < this.hard.length; t++) if (this.hard[t] !== 0) return false;
    return true;
  }

  private bonusOf(p: number, v: number): number {
    return this.space.bonus[p * this.space.nVacancies + v] as number;
  }

  /**
   * The plan's guide (`planGuide`) if vacancy v were given to pool member q (≠ its member): q free →
   * replace; q in vacancy w → trade places; its value is left in `trialValue`. Remembered until
   * `commit` or the next `tryMove`.
   */
  tryMove(v: number, q: number): number {
    const { space } = this;
    const p = this.assign[v] as number;
    const w = this.holder[q] as number;
    const t = space.vTeam[v] as number;
    this.trialValues.set(this.values);
    let bonus = this.bonus - this.bonusOf(p, v) + this.bonusOf(q, v);
    this.trialHard = [-1, -1];
    if (w < 0) {
      const b = (this.states[t] as TeamState).tryReplace(space.vSeat[v] as number, candidateIn(space, t, q));
      this.trialValues[t] = b.score - HARD_WEIGHT * b.hard;
      this.trialHard[0] = b.hard;
    } else {
      const u = space.vTeam[w] as number;
      bonus += this.bonusOf(p, w) - this.bonusOf(q, w);
      if (u === t) {
        const b = (this.states[t] as TeamState).trySwap(space.vSeat[v] as number, space.vSeat[w] as number);
        this.trialValues[t] = b.score - HARD_WEIGHT * b.hard;
        this.trialHard[0] = b.hard;
      } else {
        const a = (this.states[t] as TeamState).tryReplace(
          space.vSeat[v] as number,
          candidateIn(space, t, q),
        );
        this.trialValues[t] = a.score - HARD_WEIGHT * a.hard;
        this.trialHard[0] = a.hard;
        const b = (this.states[u] as TeamState).tryReplace(
          space.vSeat[w] as number,
          candidateIn(space, u, p),
        );
        this.trialValues[u] = b.score - HARD_WEIGHT * b.hard;
        this.trialHard[1] = b.hard;
      }
    }
    this.trialBonus = bonus;
    this.pending = { v, q, w, chain: false };
    this.trialValue = planValue(this.objective, this.trialValues, bonus);
    return this.objective === "sum" ? this.trialValue : planGuide(this.objective, this.trialValues, bonus);
  }

  /**
   * An ejection chain across two teams: free pool member q takes vacancy v, v's member p takes
   * vacancy w of another team, and w's member leaves the plan. Returns the guide, as `tryMove`.
   */
  tryChain(v: number, q: number, w: number): number {
    const { space } = this;
    const p = this.assign[v] as number;
    const r = this.assign[w] as number;
    const t = space.vTeam[v] as number;
    const u = space.vTeam[w] as number;
    if (this.holder[q] !== -1 || t === u) throw new RangeError("tryChain needs a free member and two teams");
    this.trialValues.set(this.values);
    const a = (this.states[t] as TeamState).tryReplace(space.vSeat[v] as number, candidateIn(space, t, q));
    this.trialValues[t] = a.score - HARD_WEIGHT * a.hard;
    this.trialHard[0] = a.hard;
    const b = (this.states[u] as TeamState).tryReplace(space.vSeat[w] as number, candidateIn(space, u, p));
    this.trialValues[u] = b.score - HARD_WEIGHT * b.hard;
    this.trialHard[1] = b.hard;
    this.trialBonus =
      this.bonus - this.bonusOf(p, v) + this.bonusOf(q, v) - this.bonusOf(r, w) + this.bonusOf(p, w);
    this.pending = { v, q, w, chain: true };
    this.trialValue = planValue(this.objective, this.trialValues, this.trialBonus);
    return this.objective === "sum"
      ? this.trialValue
      : planGuide(this.objective, this.trialValues, this.trialBonus);
  }

  /** Hard violations of the whole plan after the last tried move. */
  trialHardTotal(): number {
    const pending = this.pending;
    let total = 0;
    for (let x = 0; x < this.hard.length; x++) total += this.hard[x] as number;
    if (!pending) return total;
    const t = this.space.vTeam[pending.v] as number;
    const u = pending.w >= 0 ? (this.space.vTeam[pending.w] as number) : t;
    total += (this.trialHard[0] as number) - (this.hard[t] as number);
    if (u !== t) total += (this.trialHard[1] as number) - (this.hard[u] as number);
    return total;
  }

  /** Whether the last tried move leaves every team feasible. */
  trialFeasible(): boolean {
    const pending = this.pending;
    if (!pending) return this.feasible;
    const t = this.space.vTeam[pending.v] as number;
    const u = pending.w >= 0 ? (this.space.vTeam[pending.w] as number) : t;
    for (let x = 0; x < this.hard.length; x++) {
      const hard = x === t ? this.trialHard[0] : x === u ? this.trialHard[1] : this.hard[x];
      if (hard !== 0) return false;
    }
    return true;
  }

  /** Applies the last tried move. */
  commit(): void {
    const pending = this.pending;
    if (!pending) return;
    const { v, q, w } = pending;
    const { space } = this;
    const p = this.assign[v] as number;
    const t = space.vTeam[v] as number;
    if (pending.chain) {
      const u = space.vTeam[w] as number;
      (this.states[t] as TeamState).replace(space.vSeat[v] as number, candidateIn(space, t, q));
      (this.states[u] as TeamState).replace(space.vSeat[w] as number, candidateIn(space, u, p));
      this.holder[this.assign[w] as number] = -1;
      this.assign[w] = p;
      this.holder[p] = w;
      this.refresh(u);
    } else if (w < 0) {
      (this.states[t] as TeamState).replace(space.vSeat[v] as number, candidateIn(space, t, q));
      this.holder[p] = -1;
    } else {
      const u = space.vTeam[w] as number;
      if (u === t) (this.states[t] as TeamState).swap(space.vSeat[v] as number, space.vSeat[w] as number);
      else {
        (this.states[t] as TeamState).replace(space.vSeat[v] as number, candidateIn(space, t, q));
        (this.states[u] as TeamState).replace(space.vSeat[w] as number, candidateIn(space, u, p));
      }
      this.assign[w] = p;
      this.holder[p] = w;
      this.refresh(u);
    }
    this.assign[v] = q;
    this.holder[q] = v;
    this.refresh(t);
    this.bonus = this.trialBonus;
    this.value = planValue(this.objective, this.values, this.bonus);
    this.guide = planGuide(this.objective, this.values, this.bonus);
    this.pending = null;
  }

  private refresh(t: number): void {
    const current = (this.states[t] as TeamState).current;
    this.values[t] = current.score - HARD_WEIGHT * current.hard;
    this.hard[t] = current.hard;
  }
}
