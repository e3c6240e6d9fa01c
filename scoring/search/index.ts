/**
 * Search (搜索): suggestions for one team, their robustness under measurement error, and why one
 * beats another. Pure and deterministic for a seed and an iteration budget.
 *
 * @example
 * ```ts
 * import { suggest, robustness, compareSuggestions, prepareSearch, suggestIn } from "../scoring/search";
 * const space = prepareSearch(problem);
 * const outcome = suggestIn(space, { top: 5, seed: 1, budget: { iterations: 100_000 } });
 * ```
 */
export { compareSuggestions, type SuggestionComparison } from "./compare";
export { type Completability, completability } from "./completable";
export { finish, PULSE, type Steps } from "./meter";
export { robustness } from "./robustness";
export { prepareSearch, type SearchSpace } from "./space";
export { resolveOptions, spaceSize, suggest, suggestIn, suggestSteps } from "./suggest";
export * from "./types";
