/**
 * The anytime heuristic's local search: simulated annealing with restarts over replacements and
 * swaps within the short lists (evaluated incrementally by `TeamState`, ~1 µs a move), every
 * feasible team it tries offered to the elite pool; and `polish`, which closes the elite's
 * neighbourhoods (every team one move from a listed team has been tried), which is what makes the
 * runners-up of a top-M list trustworthy.
 *
 * Simulated annealing: Kirkpatrick, Gelatt & Vecchi, "Optimization by simulated annealing",
 * Science 220(4598):671–680, 1983 (geometric cooling; restarts from the linear-assignment starts,
 * one per signature first, then from perturbed elite teams).
 *
 * Both are generators that yield every `PULSE` iterations (`meter.ts`); `finish` runs them at once.
 */
import { type Breakdown, TeamState } from "../evaluate";
import type { Rng } from "../random";
import type { Elite } from "./elite";
import type { Meter, Steps } from "./meter";
import type { SearchSpace } from "./space";
import { objective } from "./starts";

/** Annealing temperatures (score units) at the start and end of each restart. */
const T_START = 0.003;
const T_END = 0.0001;
/** Moves per restart: a base plus so many per vacancy. */
const RESTART_BASE = 2000;
const RESTART_PER_SEAT = 600;
/** Restarts from linear-assignment starts before restarting from perturbed elite teams. */
const MAX_STARTS = 6;
/** Share of moves that swap two members instead of bringing in a short-listed candidate. */
const SWAP_SHARE = 0.2;
/**
 * Restarts in a row that leave the elite pool unchanged before annealing gives up: with a large
 * budget the rest is better spent by branch and bound (which may prove the result optimal).
 */
const STALL = 8;

/**
 * Simulated annealing until the meter's spent share reaches `until`, the budget ends or it stalls,
 * from `starts` (see `starts.ts`), then from perturbed elite teams. Every feasible team tried is
 * offered to `elite`.
 */
export function* anneal(
  space: SearchSpace,
  elite: Elite,
  meter: Meter,
  rng: Rng,
  lists: readonly Int32Array[],
  starts: readonly Int32Array[],
  until: number,
): Steps<void> {
  const pulse = meter.pulse();
  const { open } = space;
  if (open.length === 0 || starts.length === 0) return;
  const restartLength = RESTART_BASE + RESTART_PER_SEAT * open.length;
  const scratch = new Int32Array(space.nSeats);
  let restart = 0;
  let from = starts[0] as Int32Array;
  let stalled = 0;
  while (!meter.exhausted && meter.spent < until && stalled < STALL) {
    const changes = elite.changes;
    const state = new TeamState(space.prep, from);
    let current = objective(state.current);
    elite.offer(state.team, state.current.score, state.current.feasible);
    for (let step = 0; step < restartLength; step++) {
      if (meter.tick() || meter.spent >= until) return;
      if (meter.used >= pulse.next) yield* pulse.yield();
      const temperature = T_START * (T_END / T_START) ** (step / restartLength);
      const s = open[rng.int(open.length)] as number;
      let other = -1;
      let c = -1;
      if (open.length > 1 && rng.next() < SWAP_SHARE) other = open[rng.int(open.length)] as number;
      else {
        const list = lists[s] as Int32Array;
        // Better candidates are tried more often (u² skews towards the head of the list).
        const u = rng.next();
        c = list[Math.floor(u * u * list.length)] as number;
        const seat = state.seatOfCandidate(c);
        if (seat >= 0) {
          if (space.base[seat] !== -1) continue;
          other = seat;
        }
      }
      if (other >= 0 && (other === s || space.problem.seats[other]?.post === space.problem.seats[s]?.post))
        continue;
      const trial = other >= 0 ? state.trySwap(s, other) : state.tryReplace(s, c);
      if (trial.feasible && trial.score >= elite.threshold() - 1e-9) {
        scratch.set(state.team);
        if (other >= 0) {
          scratch[s] = state.team[other] as number;
          scratch[other] = state.team[s] as number;
        } else scratch[s] = c;
        elite.offer(scratch, trial.score, true);
      }
      const delta = objective(trial) - current;
      if (delta >= 0 || rng.next() < Math.exp(delta / temperature)) {
        current = objective(trial);
        if (other >= 0) state.swap(s, other);
        else state.replace(s, c);
      }
    }
    // The distinct linear-assignment starts first, then perturbed elite teams.
    restart++;
    stalled = elite.changes === changes && restart >= MAX_STARTS ? stalled + 1 : 0;
    from =
      restart < Math.min(starts.length, MAX_STARTS)
        ? (starts[restart] as Int32Array)
        : perturb(space, rng, lists, elite.entries[rng.int(Math.min(3, elite.entries.length))]?.team ?? from);
  }
}

/** A copy of `team` with about a third of the vacancies given to random short-listed candidates. */
function perturb(space: SearchSpace, rng: Rng, lists: readonly Int32Array[], team: Int32Array): Int32Array {
  const out = Int32Array.from(team);
  const open = space.open;
  const changes = Math.max(1, Math.round(open.length / 3));
  for (let k = 0; k < changes; k++) {
    const s = open[rng.int(open.length)] as number;
    const list = lists[s] as Int32Array;
    const c = list[rng.int(list.length)] as number;
    const seat = out.indexOf(c);
    if (seat === -1) out[s] = c;
    else if (space.base[seat] === -1) {
      out[seat] = out[s] as number;
      out[s] = c;
    }
  }
  return out;
}

/**
 * Closes the elite pool's neighbourhoods: every team one replacement (from the short lists) or
 * one swap away from a listed team is tried, until no listed team is left unexpanded. Returns true
 * when closed before the meter's share `until` was reached.
 */
export function* polish(
  space: SearchSpace,
  elite: Elite,
  meter: Meter,
  lists: readonly Int32Array[],
  until: number,
): Steps<boolean> {
  const pulse = meter.pulse();
  const expanded = new Set<string>();
  const scratch = new Int32Array(space.nSeats);
  const { open, base } = space;
  const post = (s: number) => space.problem.seats[s]?.post;
  for (;;) {
    const entry = elite.entries.find((e) => !expanded.has(e.team.join(",")));
    if (!entry) return true;
    expanded.add(entry.team.join(","));
    const team = entry.team;
    const state = new TeamState(space.prep, team);
    const offer = (trial: Breakdown, s: number, value: number, t = -1, other = -1) => {
      if (!trial.feasible || trial.score < elite.threshold() - 1e-9) return;
      scratch.set(team);
      scratch[s] = value;
      if (t >= 0) scratch[t] = other;
      elite.offer(scratch, trial.score, true);
    };
    for (const s of open) {
      if (meter.used >= pulse.next) yield* pulse.yield();
      for (const c of lists[s] as Int32Array) {
        if (meter.tick() || meter.spent >= until) return false;
        const seat = state.seatOfCandidate(c);
        if (seat === s || (seat >= 0 && (base[seat] !== -1 || post(seat) === post(s)))) continue;
        if (seat >= 0) offer(state.trySwap(s, seat), s, c, seat, team[s] as number);
        else offer(state.tryReplace(s, c), s, c);
      }
      for (const t of open) {
        if (t <= s || post(t) === post(s)) continue;
        if (meter.tick() || meter.spent >= until) return false;
        offer(state.trySwap(s, t), s, team[t] as number, t, team[s] as number);
      }
    }
  }
}
