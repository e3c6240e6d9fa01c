/**
 * A partial assignment under branch and bound: which seats are filled, which candidates are no
 * longer available, and per depth the counters the bound reads (one flat row per depth, so that
 * undoing a placement is just going back one row). The bound itself is in `bound.ts`.
 */
import { kernel } from "../prepare";
import type { SearchSpace } from "./space";

/** Columns of a depth's row. */
export const F = {
  lin: 0,
  logDet: 1,
  temperaments: 2,
  skills: 3,
  dominant: 4,
  vigilant: 5,
  locals: 6,
  moved: 7,
  kinPairs: 8,
  ageKnown: 9,
  under45: 10,
  university: 11,
  educationKnown: 12,
  women: 13,
  genderKnown: 14,
  /** 1 once the members' kernel matrix is (nearly) singular: the diversity bound is then 1. */
  degenerate: 15,
} as const;
const WIDTH = 16;
/** Smallest Cholesky pivot trusted for the diversity bound. */
const MIN_PIVOT = 1e-6;

export class Partial {
  /** Candidate per seat, −1 while open. */
  readonly team: Int32Array;
  /** Per candidate: > 0 when taken, or kin of a member while R2 is hard. */
  readonly blocked: Int32Array;
  /** Number of members placed (locked ones included). */
  depth = 0;
  private readonly rows: Float64Array;
  private readonly members: Int32Array;
  private readonly chol: Float64Array;

  constructor(readonly space: SearchSpace) {
    const n = space.nSeats;
    this.team = new Int32Array(n).fill(-1);
    this.blocked = new Int32Array(space.nCandidates);
    this.rows = new Float64Array((n + 1) * WIDTH);
    this.members = new Int32Array(n);
    this.chol = new Float64Array(n * n);
    space.base.forEach((c, s) => {
      if (c >= 0) this.assign(s, c);
    });
  }

  /** A counter (column of `F`) at the current depth. */
  get(field: number): number {
    return this.rows[this.depth * WIDTH + field] as number;
  }

  /** Linear part of the members placed so far. */
  get fixedLin(): number {
    return this.rows[this.depth * WIDTH] as number;
  }

  /** Places candidate c in open seat s (one level deeper). */
  assign(s: number, c: number): void {
    const { prep, lin, kinHard, localish } = this.space;
    const d = this.depth;
    const r = this.rows;
    const o = (d + 1) * WIDTH;
    r.copyWithin(o, d * WIDTH, o);
    const at = c * prep.nSeats + s;
    r[o + F.lin] = (r[o + F.lin] as number) + (lin[at] as number);
    r[o + F.temperaments] = (r[o + F.temperaments] as number) | (prep.temperaments[c] as number);
    r[o + F.skills] = (r[o + F.skills] as number) | (prep.teamSkills[c] as number);
    r[o + F.dominant] = (r[o + F.dominant] as number) + (prep.dominant[c] as number);
    r[o + F.vigilant] = (r[o + F.vigilant] as number) + (prep.vigilant[c] as number);
    r[o + F.locals] = (r[o + F.locals] as number) + (localish[c] as number);
    r[o + F.moved] = (r[o + F.moved] as number) + (prep.moved[at] as number);
    const age = prep.age[c] as number;
    if (!Number.isNaN(age)) {
      r[o + F.ageKnown] = (r[o + F.ageKnown] as number) + 1;
      if (age < 45) r[o + F.under45] = (r[o + F.under45] as number) + 1;
    }
    const university = prep.university[c] as number;
    if (university >= 0) {
      r[o + F.educationKnown] = (r[o + F.educationKnown] as number) + 1;
      r[o + F.university] = (r[o + F.university] as number) + university;
    }
    const woman = prep.woman[c] as number;
    if (woman >= 0) {
      r[o + F.genderKnown] = (r[o + F.genderKnown] as number) + 1;
      r[o + F.women] = (r[o + F.women] as number) + woman;
    }
    const kin = prep.kin[c] as Int32Array;
    for (let i = 0; i < kin.length; i++) {
      const k = kin[i] as number;
      if (kinHard) this.blocked[k] = (this.blocked[k] as number) + 1;
      else if (this.isMember(k)) r[o + F.kinPairs] = (r[o + F.kinPairs] as number) + 1;
    }
    this.extendCholesky(c, d, o);
    this.blocked[c] = (this.blocked[c] as number) + 1;
    this.team[s] = c;
    this.members[d] = c;
    this.depth = d + 1;
  }

  /** Undoes the last `assign` (of seat s). */
  unassign(s: number): void {
    const c = this.team[s] as number;
    this.team[s] = -1;
    this.blocked[c] = (this.blocked[c] as number) - 1;
    if (this.space.kinHard) {
      const kin = this.space.prep.kin[c] as Int32Array;
      for (let i = 0; i < kin.length; i++)
        this.blocked[kin[i] as number] = (this.blocked[kin[i] as number] as number) - 1;
    }
    this.depth--;
  }

  /** The first candidate of `list` still available, or −1. */
  firstAvailable(list: Int32Array): number {
    const blocked = this.blocked;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as number;
      if ((blocked[c] as number) === 0) return c;
    }
    return -1;
  }

  /** The first candidate of `list` still available other than `except`, or −1. */
  firstAvailableExcept(list: Int32Array, except: number): number {
    const blocked = this.blocked;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as number;
      if (c !== except && (blocked[c] as number) === 0) return c;
    }
    return -1;
  }

  private isMember(k: number): boolean {
    for (let i = 0; i < this.depth; i++) if (this.members[i] === k) return true;
    return false;
  }

  /** Appends member c as row d of the Cholesky factor of the members' kernel matrix. */
  private extendCholesky(c: number, d: number, o: number): void {
    const r = this.rows;
    if (r[o + F.degenerate]) return;
    const n = this.space.nSeats;
    const l = this.chol;
    let pivot = 1;
    for (let j = 0; j < d; j++) {
      let x = kernel(this.space.prep, c, this.members[j] as number);
      for (let k = 0; k < j; k++) x -= (l[d * n + k] as number) * (l[j * n + k] as number);
      x /= l[j * n + j] as number;
      l[d * n + j] = x;
      pivot -= x * x;
    }
    if (pivot < MIN_PIVOT) {
      r[o + F.degenerate] = 1;
      return;
    }
    l[d * n + d] = Math.sqrt(pivot);
    r[o + F.logDet] = (r[o + F.logDet] as number) + Math.log(pivot);
  }
}
