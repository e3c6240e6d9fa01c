/**
 * Local search over exchange plans: simulated annealing (Kirkpatrick, Gelatt & Vecchi, Science
 * 220:671–680, 1983; geometric cooling) over moves — a vacancy taken by a short-listed pool member,
 * who leaves their vacancy to the one they displace if they held one — and trades of two vacancies'
 * members, within or across teams; restarts from the linear-assignment starts, then from perturbed
 * best plans; and a closing descent (every single move and trade from the best plan tried until
 * none improves it). Infeasible plans are visited at a penalty (`HARD_WEIGHT` per violation); only
 * feasible ones are kept.
 *
 * Both are generators that yield (nothing) every `PULSE` iterations (`meter.ts`), so that a caller
 * can report progress and let other work run between slices (`exchangeSteps`); the search itself
 * does not depend on when or whether the caller resumes it.
 */
import type { Rng } from "../random";
import type { ExchangeSpace } from "./exchange-space";
import { PlanState } from "./exchange-state";
import type { ExchangeObjective } from "./exchange-types";
import type { Meter, Steps } from "./meter";

/** Temperatures (score units) at the start and end of each restart. */
const T_START = 0.01;
const T_END = 0.0002;
/** Start temperature of restarts from a perturbed best plan. */
const T_RESTART = 0.003;
/** Moves per restart: a base plus so many per vacancy. */
const RESTART_BASE = 4000;
const RESTART_PER_VACANCY = 600;
/** Share of moves that trade two vacancies' members instead of bringing in a short-listed one. */
const TRADE_SHARE = 0.2;
/** Share of moves that are ejection chains across two teams. */
const CHAIN_SHARE = 0.2;
/** Under `maxmin`, share of moves that start from a vacancy of the worst team. */
const FOCUS_SHARE = 0.5;
/** Pool members kept per vacancy (best weight first), plus the best locals and stayers (R10, R11). */
const LIST_SIZE = 40;
/** Share of the budget kept for the closing descent. */
const DESCENT_SHARE = 0.05;
const EPSILON = 1e-12;

/** Each vacancy's short list of pool members (indices), best weight first. */
export function exchangeLists(space: ExchangeSpace): Int32Array[] {
  const { eligible, teams, vTeam, vSeat, offset, nVacancies, choice } = space;
  return eligible.map((list, v) => {
    const t = vTeam[v] as number;
    const s = vSeat[v] as number;
    const team = teams[t];
    if (!team) return list;
    const base = offset[t] as number;
    const take = (l: Int32Array | undefined, k: number) =>
      Array.from(l?.subarray(0, k) ?? [], (c) => c - base);
    const chosen = new Set([
      ...Array.from(list.subarray(0, LIST_SIZE)),
      ...take(team.eligibleLocal[s], LIST_SIZE >> 2),
      ...take(team.eligibleStay[s], LIST_SIZE >> 3),
      ...Array.from(list).filter((p) => (choice[p * nVacancies + v] as number) > 0),
    ]);
    return Int32Array.from(Array.from(list).filter((p) => chosen.has(p)));
  });
}

/** A random vacancy of the worst team (any vacancy when that team has none). */
function worstVacancy(space: ExchangeSpace, state: PlanState, rng: Rng): number {
  let worst = 0;
  for (let t = 1; t < state.values.length; t++)
    if ((state.values[t] as number) < (state.values[worst] as number)) worst = t;
  const own = space.teamVacancies[worst] as Int32Array;
  return own.length > 0 ? (own[rng.int(own.length)] as number) : rng.int(space.nVacancies);
}

/** True when trading vacancies v and w changes nothing (same team, same post). */
function sameSeatKind(space: ExchangeSpace, v: number, w: number): boolean {
  const t = space.vTeam[v] as number;
  if (space.vTeam[w] !== t) return false;
  const seats = space.teams[t]?.problem.seats;
  return seats?.[space.vSeat[v] as number]?.post === seats?.[space.vSeat[w] as number]?.post;
}

/** A copy of `plan` with about an eighth of the vacancies given to random short-listed members. */
function perturb(space: ExchangeSpace, rng: Rng, lists: readonly Int32Array[], plan: Int32Array): Int32Array {
  const out = Int32Array.from(plan);
  const holder = new Int32Array(space.nPool).fill(-1);
  out.forEach((p, v) => {
    holder[p] = v;
  });
  const changes = Math.max(2, Math.round(space.nVacancies / 8));
  for (let k = 0; k < changes; k++) {
    const v = rng.int(space.nVacancies);
    const list = lists[v] as Int32Array;
    const q = list[rng.int(list.length)] as number;
    const p = out[v] as number;
    const w = holder[q] as number;
    if (w >= 0) {
      out[w] = p;
      holder[p] = w;
    } else holder[p] = -1;
    out[v] = q;
    holder[q] = v;
  }
  return out;
}

/**
 * The best feasible plan found (pool member per vacancy), or null. `found` is called when the
 * first feasible plan is seen.
 */
export function* annealPlans(
  space: ExchangeSpace,
  objective: ExchangeObjective,
  starts: readonly Int32Array[],
  meter: Meter,
  rng: Rng,
  found: () => void,
): Steps<Int32Array | null> {
  const pulse = meter.pulse();
  const n = space.nVacancies;
  if (starts.length === 0) return null;
  if (n === 0) {
    const state = new PlanState(space, objective, new Int32Array(0));
    if (!state.feasible) return null;
    found();
    return new Int32Array(0);
  }
  const lists = exchangeLists(space);
  // Per pool member, the vacancies whose short list holds them (targets of ejection chains).
  const placesOf: number[][] = Array.from({ length: space.nPool }, () => []);
  lists.forEach((list, v) => {
    for (const p of list) placesOf[p]?.push(v);
  });
  const places = placesOf.map((l) => Int32Array.from(l));
  let best: Int32Array | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  const offer = (state: PlanState) => {
    if (state.value > bestValue + EPSILON && state.feasible) {
      found();
      bestValue = state.value;
      best = Int32Array.from(state.assign);
    }
  };
  const restartLength = RESTART_BASE + RESTART_PER_VACANCY * n;
  const annealUntil = 1 - DESCENT_SHARE;
  // Every start is scored; the best (by value) is annealed first.
  const ranked = starts
    .map((plan, i) => {
      const state = new PlanState(space, objective, plan);
      offer(state);
      return { plan, value: state.value - (state.feasible ? 0 : 1e6), i };
    })
    .sort((a, b) => b.value - a.value || a.i - b.i)
    .map((s) => s.plan);
  let restart = 0;
  let from = ranked[0] as Int32Array;
  const focus = objective === "maxmin";
  while (!meter.exhausted && meter.spent < annealUntil) {
    const state = new PlanState(space, objective, from);
    offer(state);
    // Restarts from a perturbed best plan start cooler: they refine a basin rather than leave it.
    const hot = restart < ranked.length ? T_START : T_RESTART;
    for (let step = 0; step < restartLength; step++) {
      if (meter.tick() || meter.spent >= annealUntil) break;
      if (meter.used >= pulse.next) yield* pulse.yield();
      const temperature = hot * (T_END / hot) ** (step / restartLength);
      const v = focus && rng.next() < FOCUS_SHARE ? worstVacancy(space, state, rng) : rng.int(n);
      let q: number;
      let guide: number;
      const kind = rng.next();
      if (kind < CHAIN_SHARE) {
        // An ejection chain: a free member takes v, v's member moves on to a vacancy of another team.
        const list = lists[v] as Int32Array;
        q = list[rng.int(list.length)] as number;
        const p = state.assign[v] as number;
        const to = places[p] as Int32Array;
        const w = to.length > 0 ? (to[rng.int(to.length)] as number) : -1;
        if (state.holder[q] !== -1 || w < 0 || space.vTeam[w] === space.vTeam[v]) continue;
        guide = state.tryChain(v, q, w);
      } else if (kind < CHAIN_SHARE + TRADE_SHARE) {
        const w = rng.int(n);
        if (w === v || sameSeatKind(space, v, w)) continue;
        q = state.assign[w] as number;
        guide = state.tryMove(v, q);
      } else {
        const list = lists[v] as Int32Array;
        const u = rng.next();
        q = list[Math.floor(u * u * list.length)] as number;
        const w = state.holder[q] as number;
        if (q === state.assign[v] || (w >= 0 && sameSeatKind(space, v, w))) continue;
        guide = state.tryMove(v, q);
      }
      const delta = guide - state.guide;
      if (
        delta >= 0 ||
        rng.next() < Math.exp(delta / temperature) ||
        (state.trialValue > bestValue + EPSILON && state.trialFeasible())
      ) {
        state.commit();
        offer(state);
      }
    }
    // Intensification: the restart's end state down to a local optimum.
    if (state.feasible && meter.spent < annealUntil)
      yield* descend(space, objective, state.assign, lists, meter, offer, places, pulse, annealUntil);
    restart++;
    from =
      restart < ranked.length
        ? (ranked[restart] as Int32Array)
        : perturb(space, rng, lists, best ?? (ranked[restart % ranked.length] as Int32Array));
  }
  return (yield* descend(space, objective, best, lists, meter, offer, places, pulse)) ?? best;
}

/** Descent from `plan`: any improving feasible move or trade is taken (first found), until none is left. */
function* descend(
  space: ExchangeSpace,
  objective: ExchangeObjective,
  plan: Int32Array | null,
  lists: readonly Int32Array[],
  meter: Meter,
  offer: (state: PlanState) => void,
  places: readonly Int32Array[],
  pulse: ReturnType<Meter["pulse"]>,
  until = 1,
): Steps<Int32Array | null> {
  if (!plan) return null;
  const state = new PlanState(space, objective, plan);
  const n = space.nVacancies;
  const accept = (): boolean => {
    if (state.trialValue > state.value + EPSILON && state.trialFeasible()) {
      state.commit();
      offer(state);
      return true;
    }
    return false;
  };
  for (let improved = true; improved; ) {
    improved = false;
    for (let v = 0; v < n; v++) {
      if (meter.used >= pulse.next) yield* pulse.yield();
      for (const q of lists[v] as Int32Array) {
        if (meter.tick() || meter.spent >= until) return Int32Array.from(state.assign);
        const w = state.holder[q] as number;
        if (q === state.assign[v] || (w >= 0 && sameSeatKind(space, v, w))) continue;
        state.tryMove(v, q);
        if (accept()) {
          improved = true;
          continue;
        }
        if (w >= 0) continue;
        // Ejection chains: q takes v, v's member moves on to another team's vacancy.
        for (const x of places[state.assign[v] as number] as Int32Array) {
          if (space.vTeam[x] === space.vTeam[v]) continue;
          if (meter.tick() || meter.spent >= until) return Int32Array.from(state.assign);
          state.tryChain(v, q, x);
          if (accept()) {
            improved = true;
            break;
          }
        }
      }
      for (let w = v + 1; w < n; w++) {
        if (meter.tick() || meter.spent >= until) return Int32Array.from(state.assign);
        if (sameSeatKind(space, v, w)) continue;
        state.tryMove(v, state.assign[w] as number);
        if (accept()) improved = true;
      }
    }
  }
  return Int32Array.from(state.assign);
}
