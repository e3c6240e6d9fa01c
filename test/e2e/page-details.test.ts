/**
 * Small things on the staff page that made it look broken (issue 20's "bugs"): controls marked
 * `hidden` that still showed, a "load more" that asked for `cursor=null`, a skip link that changed
 * the screen, "-0.0" and dangling dashes; and flows that explain themselves (answers take focus,
 * 生成建议 says why it cannot run, an infeasible exchange names its blocker and offers to drop it,
 * progress shows at once). Chromium on its own server and demo database.
 */

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSuite, eventually, screenLoaded, startBrowserSuite, visible } from "./browser";

let suite: BrowserSuite;

beforeAll(async () => {
  suite = await startBrowserSuite();
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

describe("page details in chromium", { timeout: 120_000 }, () => {
  it("hides 退出 while signed out: `hidden` wins over the buttons' display rule", async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/`);
    await page.getByLabel("访问令牌").waitFor();
    const signOut = page.locator("#sign-out");
    expect(await signOut.getAttribute("hidden")).not.toBeNull();
    expect(await signOut.isVisible()).toBe(false);
  });

  it("shows 加载更多 only when there is a next page, and never sends cursor=null", async () => {
    const page = await suite.signedIn("#/cadres?region=XJ01");
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.locator("table tbody tr").first().waitFor();
    const more = page.getByRole("button", { name: "加载更多" });
    // One county's cadres fit on one page: nothing more to load, so no button.
    expect(await more.isVisible()).toBe(false);
    expect(requests.filter((u) => u.includes("cursor=null"))).toEqual([]);
  });

  it("the skip link moves focus to the content without leaving the screen", async () => {
    const page = await suite.signedIn("#/teams/T-XJ01");
    // After a fresh load the skip link is the first stop.
    await page.reload();
    await screenLoaded(page);
    const before = page.url();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
    await page.keyboard.press("Enter");
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
    expect(page.url()).toBe(before);
    await screenLoaded(page);
    expect(await page.locator("[data-list=seats]").count()).toBe(1);
  });

  it("never shows a negative zero or a dash dangling after a region", async () => {
    for (const hash of ["#/teams/T-XJ01", "#/cadres/C0001", "#/teams/T-XJ05"]) {
      const page = await suite.signedIn(hash);
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text, hash).not.toMatch(/-0\.0\b/);
      expect(text, hash).not.toMatch(/县 —/);
    }
  });
});

interface Team {
  id: string;
  region: string;
  seats: { cadreId: string | null }[];
}
interface Score {
  violations: { rule: string; severity: string; seat?: number; memberIds: string[] }[];
}

/** Whether keyboard focus is inside `selector`, and that element's top is on the screen. */
const focusedIn = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const area = document.querySelector(s);
    const active = document.activeElement;
    if (!area || !active || !area.contains(active)) return "focus elsewhere";
    const top = active.getBoundingClientRect().top;
    return top >= -1 && top < window.innerHeight ? "focused and in view" : `focused but at ${top} px`;
  }, selector);

describe("flows that explain themselves", { timeout: 180_000 }, () => {
  it("白鹿县 (XJ05): 生成建议 is disabled with its reason, R2's pair is offered, and the answer takes focus", async () => {
    const team = await suite.server.api<Team>("GET", "/v1/teams/T-XJ05");
    const score = await suite.server.api<Score>("GET", "/v1/teams/T-XJ05/score");
    // The demo's kin pair sits in this team: a team-wide hard finding, no vacancy, no seat that must go.
    const kin = score.violations.find((v) => v.severity === "hard" && v.seat === undefined);
    expect(kin?.rule).toBe("R2");
    expect(team.seats.every((s) => s.cadreId)).toBe(true);
    expect(score.violations.filter((v) => v.severity === "hard" && v.seat !== undefined)).toEqual([]);

    const page = await suite.signedIn("#/suggestions?team=T-XJ05");
    const submit = page.getByRole("button", { name: "生成建议" });
    await page.locator("input[name=vacate]").first().waitFor();
    await eventually(() => submit.isDisabled()).toBe(true);
    const reason = page.getByText("没有需要补充的席位");
    await visible(reason);
    expect(await submit.getAttribute("aria-describedby")).toBe(await reason.getAttribute("id"));

    // Both members of the pair are offered (either may go), none ticked for the staff.
    const members = kin?.memberIds ?? [];
    const seats = members.map((id) => team.seats.findIndex((s) => s.cadreId === id));
    for (const seat of seats) {
      const row = page.locator(".check", { has: page.locator(`input[name=vacate][value="${seat}"]`) });
      await eventually(() => row.textContent()).toContain("R2：可调整其中一人");
      expect(await row.locator("input").isChecked()).toBe(false);
    }
    await page.locator(`input[name=vacate][value="${seats[0]}"]`).check();
    expect(await submit.isDisabled()).toBe(false);
    expect(await reason.isVisible()).toBe(false);
    await submit.click();
    await eventually(() => focusedIn(page, ".results")).toBe("focused and in view");
  });

  it("exchange: progress at once; an infeasible selection names the county and rule first, no average, names not ids, and offers to drop the county", async () => {
    const page = await suite.signedIn("#/exchange");
    await page.getByLabel("计算量").selectOption("50000");
    // Hold the plan's request: what the page shows meanwhile cannot depend on how fast the server is.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/v1/exchange-plans", async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole("button", { name: "开始求解" }).click();
    await visible(page.locator(".results progress"));
    await eventually(() => page.locator(".results").textContent()).toContain("正在提交方案任务");
    release();

    // The default selection (the first three counties) is infeasible: one county cannot meet R10.
    const result = page.locator("[data-result]");
    await visible(result);
    expect(await result.getAttribute("data-result")).toBe("infeasible");
    await eventually(() => focusedIn(page, "[data-result]")).toBe("focused and in view");
    const blocker = result.locator("[data-blocking]").first();
    const teamId = (await blocker.getAttribute("data-blocking")) ?? "";
    const team = await suite.server.api<Team>("GET", `/v1/teams/${teamId}`);
    const region = await suite.server.api<{ name: string }>("GET", `/v1/regions/${team.region}`);
    // First in the result: the county by name and the rule, then the offer.
    const first = await result.evaluate(
      (el) => el.querySelector("h2")?.nextElementSibling?.textContent ?? "",
    );
    expect(first).toContain(`${region.name}无法形成可行方案`);
    expect(first).toMatch(/\(R\d+\)|（R\d+）/);
    expect(await result.textContent()).not.toContain("平均得分");
    // Unplaced cadres by name, the id as secondary text.
    const unplaced = result.locator("[data-unplaced] a");
    expect(await unplaced.count()).toBeGreaterThan(0);
    for (const text of await unplaced.allTextContents()) expect(text).toMatch(/^\S+ \(C\d+\)$/);

    await blocker.getByRole("button", { name: `不选${region.name}，重新生成` }).click();
    expect(await page.locator(`input[name=teamIds][value="${teamId}"]`).isChecked()).toBe(false);
    await eventually(
      async () =>
        (await page.locator("[data-result]").count()) === 1 &&
        !(await page.locator(`[data-blocking="${teamId}"]`).count()),
    ).toBe(true);
    await eventually(() => focusedIn(page, "[data-result]")).toBe("focused and in view");
  });
});
