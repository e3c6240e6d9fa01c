/**
 * Why one suggestion beats another: the score components that differ (with what each contributes
 * to the score difference) and the seats where the two teams differ, with each member's fit —
 * in Chinese and English.
 */
import type { Prepared } from "../prepare";
import type { Text } from "../types";
import type { Suggestion } from "./types";

const COMPONENTS = ["fit", "balance", "skills", "structure", "penalty"] as const;
export type Component = (typeof COMPONENTS)[number];

const COMPONENT_NAMES: Readonly<Record<Component, Text>> = {
  fit: { zh: "人岗匹配", en: "person–post fit" },
  balance: { zh: "气质互补与协调", en: "trait balance" },
  skills: { zh: "能力覆盖", en: "skills" },
  structure: { zh: "班子结构", en: "structure" },
  penalty: { zh: "一般性规定扣分", en: "soft-rule penalties" },
};

export interface ComponentDelta {
  component: Component;
  name: Text;
  a: number;
  b: number;
  /** a − b. */
  delta: number;
  /** What the difference adds to the score difference (weights applied; a penalty counts negatively). */
  contribution: number;
}

export interface SeatDifference {
  seat: number;
  post: string;
  postName: Text;
  a: { memberId: string; fit: number };
  b: { memberId: string; fit: number };
}

export interface SuggestionComparison {
  /** a.score − b.score. */
  scoreDelta: number;
  /** Largest contribution first. */
  components: ComponentDelta[];
  seats: SeatDifference[];
  summary: Text;
}

const pct = (x: number) => (Math.round(x * 1000) / 10).toFixed(1);
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${pct(Math.abs(x))}`;

/**
 * Compares two suggestions of one request (`prepared` is the space they index, `SearchSpace.prep`).
 * Contributions sum to the score difference unless a score was clamped at 0.
 *
 * @example
 * ```ts
 * const space = prepareSearch(problem);
 * const { suggestions } = suggestIn(space, { top: 2 });
 * compareSuggestions(suggestions[0]!, suggestions[1]!, space.prep).summary.en;
 * // "#1 scores 1.2 points more than #2, mostly from person–post fit (+0.9). They differ in 1 seat: …"
 * ```
 */
export function compareSuggestions(a: Suggestion, b: Suggestion, prepared: Prepared): SuggestionComparison {
  const { weights } = prepared.problem.profile;
  const total = weights.fit + weights.balance + weights.skills + weights.structure;
  const scale: Record<Component, number> = {
    fit: weights.fit / total,
    balance: weights.balance / total,
    skills: weights.skills / total,
    structure: weights.structure / total,
    penalty: -1,
  };
  const components = COMPONENTS.map((component) => {
    const va = a.breakdown[component];
    const vb = b.breakdown[component];
    return {
      component,
      name: COMPONENT_NAMES[component],
      a: va,
      b: vb,
      delta: va - vb,
      contribution: scale[component] * (va - vb),
    };
  }).sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution));

  const n = prepared.nSeats;
  const idOf = (c: number) => prepared.problem.candidates[c]?.id ?? "";
  const seats: SeatDifference[] = [];
  for (let s = 0; s < n; s++) {
    const ca = a.assignment[s] as number;
    const cb = b.assignment[s] as number;
    if (ca === cb) continue;
    const post = prepared.posts[s];
    seats.push({
      seat: s,
      post: post?.code ?? "",
      postName: { zh: post?.name ?? "", en: post?.nameEn ?? "" },
      a: { memberId: idOf(ca), fit: prepared.fit[ca * n + s] as number },
      b: { memberId: idOf(cb), fit: prepared.fit[cb * n + s] as number },
    });
  }
  return { scoreDelta: a.score - b.score, components, seats, summary: summarize(a, b, components, seats) };
}

function summarize(
  a: Suggestion,
  b: Suggestion,
  components: ComponentDelta[],
  seats: SeatDifference[],
): Text {
  const delta = a.score - b.score;
  const main = components.filter(
    (c) => Math.abs(c.contribution) >= 5e-4 && Math.sign(c.contribution) === Math.sign(delta),
  );
  const against = components.filter(
    (c) => Math.abs(c.contribution) >= 5e-4 && Math.sign(c.contribution) !== Math.sign(delta),
  );
  const list = (cs: ComponentDelta[], sep: Text): Text => ({
    zh: cs.map((c) => `${c.name.zh} (${signed(c.contribution)})`).join(sep.zh),
    en: cs.map((c) => `${c.name.en} (${signed(c.contribution)})`).join(sep.en),
  });
  const why = list(main.slice(0, 2), { zh: "、", en: " and " });
  const despite = list(against.slice(0, 2), { zh: "、", en: " and " });
  const seatList = {
    zh: seats
      .map(
        (s) =>
          `${s.postName.zh} (第${s.seat + 1}席) ${s.a.memberId} (匹配 ${pct(s.a.fit)}) 对 ${s.b.memberId} (${pct(s.b.fit)})`,
      )
      .join("；"),
    en: seats
      .map(
        (s) =>
          `seat ${s.seat + 1} (${s.postName.en}) ${s.a.memberId} (fit ${pct(s.a.fit)}) vs ${s.b.memberId} (${pct(s.b.fit)})`,
      )
      .join("; "),
  };
  const higher = delta >= 0;
  const zh = [
    `方案 ${a.rank} 比方案 ${b.rank} ${higher ? "高" : "低"} ${pct(Math.abs(delta))} 分`,
    main.length ? `，主要因为${why.zh}` : "",
    against.length ? `，尽管${despite.zh}` : "",
    `。两方案有 ${seats.length} 个职位人选不同${seats.length ? `：${seatList.zh}` : ""}。`,
  ];
  const en = [
    `#${a.rank} scores ${pct(Math.abs(delta))} points ${higher ? "more" : "less"} than #${b.rank}`,
    main.length ? `, mostly from ${why.en}` : "",
    against.length ? `, despite ${despite.en}` : "",
    `. They differ in ${seats.length} seat(s)${seats.length ? `: ${seatList.en}` : ""}.`,
  ];
  return { zh: zh.join(""), en: en.join("") };
}
