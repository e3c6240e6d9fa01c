/**
 * Request deadlines (src/auth/timeout.ts): one shared timer on Node, a timer per run where timers
 * belong to a request (workerd); both ways must answer late work with 503 and leave the rest alone.
 */
import { describe, expect, it } from "vitest";
import { deadlines } from "../../src/auth/timeout";
import { ApiError } from "../../src/lib/problem";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => {});

describe.each(["shared", "own", "auto"] as const)("deadlines with %s timers", (timers) => {
  it("passes on what work resolves or throws before the deadline", async () => {
    const deadline = deadlines(200, timers);
    expect(await deadline.run(async () => 42)).toBe(42);
    await expect(deadline.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    // Work that throws before it returns a promise is a rejection too, not a throw from run().
    const sync = () => {
      throw new Error("at once");
    };
    await expect(deadline.run(sync)).rejects.toThrow("at once");
    expect(await deadline.run(async () => "after")).toBe("after");
  });

  it("fails late work with 503 unavailable and Retry-After, and only the late work", async () => {
    const deadline = deadlines(30, timers);
    const runs = [
      deadline.run(never),
      deadline.run(async () => {
        await sleep(5);
        return "quick";
      }),
      deadline.run(never),
      deadline.run(async () => "at once"),
    ];
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "fulfilled", "rejected", "fulfilled"]);
    expect(settled[1]).toMatchObject({ value: "quick" });
    expect(settled[3]).toMatchObject({ value: "at once" });
    for (const late of [settled[0], settled[2]]) {
      const error = (late as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: "unavailable", status: 503, headers: { "retry-after": "1" } });
    }
  });

  it("keeps timing runs that start after others finished or expired, in any order", async () => {
    const deadline = deadlines(25, timers);
    await expect(deadline.run(never)).rejects.toMatchObject({ code: "unavailable" });
    // Work finishing out of order: the later-started one first.
    let releaseFirst = () => {};
    const first = deadline.run(
      () => new Promise<string>((resolve) => (releaseFirst = () => resolve("first"))),
    );
    const second = deadline.run(async () => "second");
    expect(await second).toBe("second");
    releaseFirst();
    expect(await first).toBe("first");
    const late = deadline.run(never);
    await sleep(5);
    const alsoLate = deadline.run(never);
    await expect(late).rejects.toMatchObject({ code: "unavailable" });
    await expect(alsoLate).rejects.toMatchObject({ code: "unavailable" });
  });
});
