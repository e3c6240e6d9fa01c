import { describe, expect, it } from "vitest";
import { PULSE } from "../../../scoring/search/meter";
import { prepareSearch } from "../../../scoring/search/space";
import { suggestIn, suggestSteps } from "../../../scoring/search/suggest";
import { instance } from "./helpers";

describe("suggestions in slices", () => {
  it.each([
    ["the heuristic phases, then branch and bound", 2_000_000],
    ["branch and bound alone", Number.MAX_SAFE_INTEGER],
  ] as const)("%s: yields while it searches and returns what suggestIn returns", (_name, exactLimit) => {
    // 6 vacancies × 300 candidates; a space larger than `exactLimit` gets the heuristic phases first.
    const space = prepareSearch(instance(3, [0, 1, 4, 6, 7, 8], 300));
    const options = { top: 5, seed: 4, exactLimit, budget: { iterations: 200_000 } };
    const steps = suggestSteps(space, options);
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    const outcome = step.value;
    // One yield per PULSE iterations at least, whatever phase was running.
    expect(yields).toBeGreaterThanOrEqual(Math.floor(outcome.evaluated / PULSE) - 8);
    expect(yields).toBeGreaterThan(0);
    expect(outcome).toEqual(suggestIn(space, options));
  });
});
