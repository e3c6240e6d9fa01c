/**
 * The linear part of the bound (`bound.ts`): an upper bound on Σ lin over open seats, minus what
 * R10 (locals) and R11 (the share of moves; both leaders moved) cost for certain.
 *
 * Why it is admissible: a completion that meets R10 puts at least `R` more locals in the open
 * seats; one that meets R11's share at least `Q` more members who are not moved; one that avoids
 * moving both leaders keeps a leader who is not moved in an open leading seat (`L` = 1 while that
 * is still needed). Dropping only the all-different constraint, each open seat takes its best
 * available candidate of one of four kinds (any, local, staying, local and staying) — its real
 * member is of one of those kinds, so is worth at most that — and a dynamic programme over the
 * seats with the three counts (capped at what is needed) as state gives the best choice for every
 * combination of rules met. A soft rule not met costs its penalty; a hard one must be met.
 *
 * The table over the seats below a node is computed once per node; each child (a candidate c for
 * the branching seat) then only adds lin(c, s) and its own kinds — `combine`, O(states). The table
 * still counts c as available to the other seats, which can only overestimate: still admissible.
 */
import type { Partial } from "./partial";
import { F } from "./partial";
import type { SearchSpace } from "./space";

/** What a node still needs from its open seats: R locals, Q members who stay, L a staying leader. */
export interface Needs {
  R: number;
  Q: number;
  L: number;
}

/** One seat's (or twin pair's) transition of the dynamic programme: dp → next with value and kinds. */
function step(
  dp: Float64Array,
  next: Float64Array,
  value: number,
  dl: number,
  ds: number,
  dk: number,
  R: number,
  Q: number,
  L: number,
): void {
  const sb = L + 1;
  const sa = (Q + 1) * sb;
  for (let a = 0; a <= R; a++) {
    const ta: number = Math.min(a + dl, R) * sa;
    for (let b = 0; b <= Q; b++) {
      const tb: number = ta + Math.min(b + ds, Q) * sb;
      const from = a * sa + b * sb;
      for (let l = 0; l <= L; l++) {
        const v = (dp[from + l] as number) + value;
        const to = tb + Math.min(l + dk, L);
        if (v > (next[to] as number)) next[to] = v;
      }
    }
  }
}

export class LinearBound {
  private readonly leading: Uint8Array;
  private readonly scratch: Float64Array;
  private readonly options = new Int32Array(4);
  private readonly kindScratch = new Int32Array(3);
  private readonly pairA = new Int32Array(32);
  private readonly pairB = new Int32Array(32);
  private readonly inRest: Uint8Array;
  /** Per seat: the other vacancy of the same post when there are exactly two, else −1. */
  private readonly twin: Int32Array;
  /** Entries of one table. */
  readonly size: number;

  constructor(readonly space: SearchSpace) {
    const n = space.nSeats;
    this.leading = new Uint8Array(n);
    for (const s of space.prep.leadingSeats ?? []) this.leading[s] = 1;
    this.size = (n + 1) * (n + 1) * 2;
    this.inRest = new Uint8Array(n);
    this.twin = new Int32Array(n).fill(-1);
    space.twins.forEach((others, s) => {
      if (others.length === 1) this.twin[s] = others[0] as number;
    });
    this.scratch = new Float64Array(this.size);
  }

  /** What the completion of `p` over `open` seats needs to meet R10 and R11. */
  needs(p: Partial, open: number, out: Needs): Needs {
    const { localsNeeded, movesAllowed, problem } = this.space;
    const { rules } = problem.profile;
    out.R = rules.R10.mode === "off" ? 0 : Math.max(0, localsNeeded - p.get(F.locals));
    out.Q = rules.R11.mode === "off" ? 0 : Math.max(0, p.get(F.moved) + open - movesAllowed);
    out.L = this.leaderNeeded(p) ? 1 : 0;
    return out;
  }

  /**
   * Fills `table` (state (a, b, l) at (a·(Q+1) + b)·(L+1) + l) with the best Σ lin over the seats
   * `rest` reaching capped counts (a, b, l). False when a seat of `rest` has no candidate left.
   */
  table(p: Partial, rest: ArrayLike<number>, needs: Needs, table: Float64Array): boolean {
    const { lin, nSeats } = this.space;
    const { R, Q, L } = needs;
    const states = (R + 1) * (Q + 1) * (L + 1);
    const inRest = this.inRest;
    inRest.fill(0);
    for (let i = 0; i < rest.length; i++) inRest[rest[i] as number] = 1;
    // A twin pair is one step, handled at its lower seat.
    let steps = 0;
    for (let i = 0; i < rest.length; i++) {
      const twin = this.twin[rest[i] as number] as number;
      if (!(twin >= 0 && inRest[twin] && twin < (rest[i] as number))) steps++;
    }
    // Ping-pong between `table` and the scratch buffer, ending in `table`; no closures: this runs
    // at every node.
    let dp = steps % 2 === 0 ? table : this.scratch;
    let next = steps % 2 === 0 ? this.scratch : table;
    dp.fill(Number.NEGATIVE_INFINITY, 0, states);
    dp[0] = 0;
    const options = this.options;
    const kinds = this.kindScratch;
    const { pairA, pairB } = this;
    for (let i = 0; i < rest.length; i++) {
      const s = rest[i] as number;
      const twin = this.twin[s] as number;
      if (twin >= 0 && inRest[twin] && twin < s) continue; // handled with its twin
      const joint = twin >= 0 && inRest[twin] === 1;
      if (!this.choices(p, s, R, Q, L)) return false;
      next.fill(Number.NEGATIVE_INFINITY, 0, states);
      if (!joint) {
        for (let k = 0; k < 4; k++) {
          const c = options[k] as number;
          if (c < 0 || (k > 0 && c === options[0])) continue;
          this.kindsOf(c, s, L, kinds);
          step(
            dp,
            next,
            lin[c * nSeats + s] as number,
            kinds[0] as number,
            kinds[1] as number,
            kinds[2] as number,
            R,
            Q,
            L,
          );
        }
      } else {
        // Two seats of the same post hold two different people: for each pair of kinds, the two
        // best distinct candidates (exact for the pair, so still an upper bound).
        let count = 0;
        for (let k1 = 0; k1 < 4; k1++)
          for (let k2 = k1; k2 < 4; k2++) {
            const a = options[k1] as number;
            const b = options[k2] as number;
            if (a < 0 || b < 0) continue;
            if (a !== b) {
              pairA[count] = a;
              pairB[count++] = b;
            } else {
              const a2 = p.firstAvailableExcept(this.kindList(s, k1), a);
              const b2 = p.firstAvailableExcept(this.kindList(s, k2), b);
              if (b2 >= 0) {
                pairA[count] = a;
                pairB[count++] = b2;
              }
              if (a2 >= 0) {
                pairA[count] = a2;
                pairB[count++] = b;
              }
            }
          }
        if (count === 0) return false;
        for (let j = 0; j < count; j++) {
          const a = pairA[j] as number;
          const b = pairB[j] as number;
          this.kindsOf(a, s, L, kinds);
          const dl = kinds[0] as number;
          const ds = kinds[1] as number;
          const dk = kinds[2] as number;
          this.kindsOf(b, twin, L, kinds);
          const value = (lin[a * nSeats + s] as number) + (lin[b * nSeats + twin] as number);
          step(
            dp,
            next,
            value,
            dl + (kinds[0] as number),
            ds + (kinds[1] as number),
            dk + (kinds[2] as number),
            R,
            Q,
            L,
          );
        }
      }
      const swap = dp;
      dp = next;
      next = swap;
    }
    return true;
  }

  /**
   * The best of `table` once a member with kinds (dl local, ds stays, dk staying leader) is added,
   * less the penalties of the rules then unmet; −Infinity when a hard rule cannot be met.
   */
  combine(table: Float64Array, needs: Needs, dl: number, ds: number, dk: number): number {
    const { R, Q, L } = needs;
    const { rules } = this.space.problem.profile;
    const hard10 = rules.R10.mode === "hard";
    const hard11 = rules.R11.mode === "hard";
    const sb = L + 1;
    const sa = (Q + 1) * sb;
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a <= R; a++) {
      const short10 = a + dl < R;
      if (short10 && hard10) continue;
      for (let b = 0; b <= Q; b++) {
        const short11 = b + ds < Q;
        if (short11 && hard11) continue;
        for (let l = 0; l <= L; l++) {
          const leaders = l + dk < L;
          if (leaders && hard11) continue;
          let value = table[a * sa + b * sb + l] as number;
          if (short10) value -= rules.R10.penalty;
          if (short11) value -= rules.R11.penalty;
          if (leaders) value -= rules.R11.penalty;
          if (value > best) best = value;
        }
      }
    }
    return best;
  }

  /** Each kind's best available candidate of seat s into `options`; false when the seat has none. */
  private choices(p: Partial, s: number, R: number, Q: number, L: number): boolean {
    const options = this.options;
    const stay = Q > 0 || (L > 0 && this.leading[s] === 1);
    options[0] = p.firstAvailable(this.kindList(s, 0));
    if ((options[0] as number) < 0) return false;
    options[1] = R > 0 ? p.firstAvailable(this.kindList(s, 1)) : -1;
    options[2] = stay ? p.firstAvailable(this.kindList(s, 2)) : -1;
    options[3] = R > 0 && stay ? p.firstAvailable(this.kindList(s, 3)) : -1;
    return true;
  }

  /** Seat s's eligible list of kind k: any, local, staying, local and staying. */
  private kindList(s: number, k: number): Int32Array {
    const space = this.space;
    const lists =
      k === 0
        ? space.eligible
        : k === 1
          ? space.eligibleLocal
          : k === 2
            ? space.eligibleStay
            : space.eligibleLocalStay;
    return lists[s] as Int32Array;
  }

  private kindsOf(c: number, s: number, L: number, out: Int32Array): void {
    const { localish, prep, nSeats } = this.space;
    out[0] = localish[c] as number;
    out[1] = prep.moved[c * nSeats + s] ? 0 : 1;
    out[2] = L > 0 && this.leading[s] === 1 ? (out[1] as number) : 0;
  }

  /** The kinds of candidate c in seat s as `combine` takes them, written into `out` [dl, ds, dk]. */
  kinds(c: number, s: number, needs: Needs, out: Int32Array): Int32Array {
    this.kindsOf(c, s, needs.L, out);
    return out;
  }

  /**
   * Whether R11's "not both leaders moved" is still open and up to the open seats: a leading seat
   * is open and no filled leading seat holds a member who stays.
   */
  private leaderNeeded(p: Partial): boolean {
    const leading = this.space.prep.leadingSeats;
    if (!leading || this.space.problem.profile.rules.R11.mode === "off") return false;
    const [x, y] = leading;
    const cx = p.team[x] as number;
    const cy = p.team[y] as number;
    if (cx >= 0 && cy >= 0) return false;
    const moved = this.space.prep.moved;
    const n = this.space.nSeats;
    return !((cx >= 0 && moved[cx * n + x] === 0) || (cy >= 0 && moved[cy * n + y] === 0));
  }
}
