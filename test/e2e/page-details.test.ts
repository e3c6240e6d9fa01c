/**
 * Small things on the staff page that made it look broken (issue 20's "bugs"): controls marked
 * `hidden` that still showed, a "load more" that asked for `cursor=null`, a skip link that changed
 * the screen, "-0.0" and dangling dashes. Chromium on its own server and demo database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSuite, eventually, screenLoaded, startBrowserSuite } from "./browser";

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
