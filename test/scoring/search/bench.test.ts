import { describe, expect, it } from "vitest";
import { benchPool } from "../../../bench/suggest";

describe("bench instances", () => {
  it("are reproducible from their seed and draw stens through the correlation matrix", () => {
    const a = benchPool(3, 200);
    expect(benchPool(3, 200)).toEqual(a);
    expect(benchPool(4, 200)).not.toEqual(a);
    // C and O correlate at about −0.75 in the matrix: the sample shows it.
    const c = a.map((m) => m.stens.C);
    const o = a.map((m) => m.stens.O);
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const mc = mean(c);
    const mo = mean(o);
    const cov = mean(c.map((x, i) => (x - mc) * ((o[i] as number) - mo)));
    const sd = (xs: number[], m: number) => Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
    expect(cov / (sd(c, mc) * sd(o, mo))).toBeLessThan(-0.5);
  });
});
