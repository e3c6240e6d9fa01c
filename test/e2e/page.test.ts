/**
 * The staff page end to end: `npm start`'s server on a temporary database with the demo city, and
 * Debian's chromium driven by playwright-core. Each test signs in on its own browser context.
 * Screenshots of every main screen go to test-results/screenshots/ (git-ignored) for people to look at.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACTORS } from "../../scoring/factors";
import {
  type BrowserSuite,
  chartSeries,
  eventually,
  shot,
  startBrowserSuite,
  unlabelled,
  visible,
} from "./browser";
import type { E2eServer } from "./server";

interface Violation {
  rule: string;
  severity: "hard" | "soft";
  seat?: number;
}
interface Team {
  id: string;
  name: string | null;
  seats: { cadreId: string | null }[];
}

let suite: BrowserSuite;
let server: E2eServer;

beforeAll(async () => {
  suite = await startBrowserSuite();
  server = suite.server;
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

const signedIn = (hash?: string) => suite.signedIn(hash);
/** Requests the page made to anywhere but our server. */
const foreign = (page: Page) => suite.foreignRequests.get(page);

describe("the staff page in chromium", { timeout: 120_000 }, () => {
  it("serves the page, its scripts and ECharts from our own origin", async () => {
    for (const path of ["/", "/app/main.js", "/app/style.css", "/vendor/echarts/echarts.min.js"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
    }
    const html = await (await fetch(`${server.url}/`)).text();
    // No CDN: every script and stylesheet the page names is a path on this origin.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(sources.filter((s) => /^(https?:)?\/\//.test(s))).toEqual([]);
  });

  it("refuses a wrong token, then signs in with the right one and out again", async () => {
    const context = await suite.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await eventually(() => page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await shot(page, "00-sign-in", false);
    await page.getByLabel("访问令牌").fill("not-a-token");
    await page.getByRole("button", { name: "登录" }).click();
    await eventually(() => page.getByRole("alert").textContent()).toContain("登录失败");
    await page.getByLabel("访问令牌").fill(server.token);
    await page.keyboard.press("Enter");
    await visible(page.getByText("已登录：管理员"));
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "banzi_session")?.httpOnly).toBe(true);
    await page.getByRole("button", { name: "退出" }).click();
    await visible(page.getByLabel("访问令牌"));
    // The session is over on the server too: the API answers 401 to the page's cookie.
    const status = await page.evaluate(
      async () => (await fetch("/v1/session", { credentials: "same-origin" })).status,
    );
    expect(status).toBe(401);
  });

  it("lists cadres with filters and draws a cadre's 16PF profile with 16 points", async () => {
    const page = await signedIn("#/cadres");
    await page.getByLabel("职级").selectOption("division");
    await page.getByRole("button", { name: "查询" }).click();
    await eventually(() => page.url()).toMatch(/rank=division/);
    const rows = page.locator("table[data-list=cadres] tbody tr");
    await visible(rows.first());
    await eventually(() => rows.first().textContent()).toContain("正处");
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, "01-cadres", false);

    const cadre = await server.api<{
      id: string;
      name: string;
      assessment: { stens: Record<string, number> };
    }>("GET", "/v1/cadres/C0001");
    await page.goto(`${server.url}/#/cadres/${cadre.id}`);
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(
      `${cadre.name} (${cadre.id})`,
    );
    await page.waitForFunction(() => document.querySelector("[data-chart=profile] canvas"));
    const series = await chartSeries(page, "profile");
    const line = series?.find((s) => s.id === "stens");
    expect(line?.type).toBe("line");
    expect(line?.data).toEqual(FACTORS.map((f, row) => [cadre.assessment.stens[f], row]));
    expect(series?.find((s) => s.id === "ideal")?.data).toHaveLength(16);
    // Derived factors come from POST /v1/psychometrics/derive.
    const derived = await server.api<Record<string, number>>("POST", "/v1/psychometrics/derive", {
      stens: cadre.assessment.stens,
    });
    await eventually(() => page.locator("tr[data-derived=Y1] td").first().textContent()).toContain(
      String(derived.Y1),
    );
    await eventually(() => page.locator("table[data-list=assessments] tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "02-cadre");
    expect(foreign(page)).toEqual([]);
  });

  it("shows a team's hard violation highlighted in its seat, and the members' profiles overlaid", async () => {
    // The first demo team whose score has a hard rule broken in a seat, found through the API.
    const teams = await server.api<{ items: Team[] }>("GET", "/v1/teams?kind=current&limit=200");
    let found: { team: Team; violation: Violation } | undefined;
    for (const team of teams.items) {
      const score = await server.api<{ violations: Violation[] }>("GET", `/v1/teams/${team.id}/score`);
      const violation = score.violations.find((v) => v.severity === "hard" && v.seat !== undefined);
      if (violation) {
        found = { team, violation };
        break;
      }
    }
    expect(found, "the demo city has a team with a hard violation in a seat").toBeDefined();
    const { team, violation } = found as { team: Team; violation: Violation };

    const page = await signedIn("#/teams");
    await page.getByRole("link", { name: team.name ?? team.id }).click();
    const row = page.locator(`tr[data-seat="${violation.seat}"]`);
    await eventually(async () => (await row.getAttribute("class")) ?? "").toMatch(/row-hard/);
    await visible(row.locator(`li.violation.hard[data-rule="${violation.rule}"]`));
    await page.waitForFunction(() => document.querySelector("[data-chart=overlay] canvas"));
    const overlay = await chartSeries(page, "overlay");
    const held = team.seats.filter((s) => s.cadreId).length;
    // One line per member with an assessment, plus the team's mean; every line has 16 points.
    expect(overlay?.length).toBeGreaterThanOrEqual(2);
    expect(overlay?.length).toBeLessThanOrEqual(held + 1);
    for (const s of overlay ?? []) expect(s.data).toHaveLength(16);
    expect(await chartSeries(page, "components")).toHaveLength(1);
    await shot(page, "03-team");
    expect(foreign(page)).toEqual([]);
  });

  it("asks for suggestions and shows at least two ranked options with reasons, and accepts one", async () => {
    const page = await signedIn("#/suggestions?team=T-XJ01");
    // The R4 holder of seat 14 must go: the page checks that seat from the team's score.
    await page.locator('input[name=vacate][value="13"]').waitFor();
    await eventually(() => page.locator('input[name=vacate][value="13"]').isChecked()).toBe(true);
    await page.getByLabel("方案数量").fill("3");
    await page.getByRole("button", { name: "生成建议" }).click();
    const options = page.locator("[data-list=suggestions] article[data-rank]");
    await visible(options.nth(1));
    expect(await options.count()).toBeGreaterThanOrEqual(2);
    await eventually(() => options.nth(0).getAttribute("data-rank")).toBe("1");
    await eventually(() => options.nth(1).getAttribute("data-rank")).toBe("2");
    await eventually(() => page.locator("[data-why]").textContent()).toContain("方案 1");
    expect((await chartSeries(page, "suggestion-components"))?.length).toBe(await options.count());
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, "04-suggestions");

    await options.nth(0).getByRole("button", { name: "采纳为保存方案" }).click();
    await eventually(() => options.nth(0).getByRole("status").textContent()).toContain("已保存为方案");
    // The message names the scenario as staff named it (team · option), never by its id.
    const status = (await options.nth(0).getByRole("status").textContent()) ?? "";
    expect(status).toContain("· 方案 1");
    expect(status).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const saved = await server.api<{ items: Team[] }>("GET", "/v1/teams?kind=scenario&limit=200");
    expect(saved.items.length).toBeGreaterThanOrEqual(1);
  });

  it("fits a tablet held upright and works from the keyboard", async () => {
    const page = await signedIn("#/teams/T-XJ01");
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.locator("[data-chart=overlay] canvas").waitFor();
    // Nothing wider than the screen: wide tables scroll inside their own box.
    await eventually(() =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await shot(page, "09-tablet-team", false);
    // After a fresh load the skip link is the first stop; the menu is reachable with Tab and opens with Enter.
    await page.reload();
    await page.locator("[data-list=seats]").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent)) === "导入测评") break;
    }
    await page.keyboard.press("Enter");
    await eventually(() => page.url()).toMatch(/#\/imports$/);
    await eventually(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
  });

  it("switches to English, remembers it, and switches back", async () => {
    const page = await signedIn("#/teams");
    const nav = page.getByRole("navigation");
    await visible(nav.getByRole("link", { name: "班子" }));
    await page.getByRole("button", { name: "English" }).click();
    await visible(nav.getByRole("link", { name: "Teams" }));
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Teams");
    await eventually(() => page.locator("html").getAttribute("lang")).toBe("en");
    await page.reload();
    await visible(page.getByRole("navigation").getByRole("link", { name: "Teams" }));
    await shot(page, "05-english", false);
    await page.getByRole("button", { name: "中文" }).click();
    await visible(page.getByRole("navigation").getByRole("link", { name: "班子" }));
    await eventually(() => page.locator("html").getAttribute("lang")).toBe("zh-CN");
  });

  it("plans an exchange round and shows the board of counties and the moves", async () => {
    const page = await signedIn("#/exchange");
    const boxes = page.getByRole("group", { name: "参与的班子" }).getByRole("checkbox");
    for (const box of await boxes.all()) await box.uncheck();
    // Three demo counties whose round is feasible (XJ02 alone cannot reach R10's local share).
    const chosen = ["T-XJ01", "T-XJ03", "T-XJ04"];
    for (const id of chosen) await page.locator(`input[name=teamIds][value="${id}"]`).check();
    const checked = () =>
      page
        .locator("input[name=teamIds]:checked")
        .evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
    expect(await checked()).toEqual(chosen);
    await page.getByLabel("计算量").selectOption("50000");
    await page.getByRole("button", { name: "开始求解" }).click();
    await visible(page.locator("[data-job-status=succeeded]"));
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, "06-exchange");
    const board = page.locator("[data-list=board] article[data-team]");
    // An infeasible plan has no board but reasons: either way the failure message shows what the page says.
    await visible(page.locator("[data-list=board], [data-list=reasons]"));
    const said = `${await page.locator("[data-list=board], [data-list=reasons]").first().textContent()}`;
    expect(await board.count(), said.slice(0, 600)).toBe(chosen.length);
    expect(
      await board.evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.team).sort()),
    ).toEqual(chosen);
    await visible(page.locator("table[data-list=moves] tbody tr").first());
    await eventually(() => page.locator("[data-satisfaction]").textContent()).toContain("志愿满足度");
  });

  it("imports a bad CSV with its line errors, then a good one and shows the re-rank diff", async () => {
    // A saved suggestion request the new results will affect: its first two options' new holders.
    const request = await server.api<{
      suggestions: { assignment: { cadreId: string | null; filled: boolean }[] }[];
    }>("POST", "/v1/suggestions", { teamId: "T-XJ01", vacate: [13], top: 3, seed: 7, robustnessSamples: 0 });
    const changed = [
      ...new Set(
        request.suggestions.flatMap((s) => s.assignment.filter((a) => a.filled).map((a) => a.cadreId)),
      ),
    ];
    expect(changed.length).toBeGreaterThan(0);

    const page = await signedIn("#/imports");
    const header = `cadreId,takenOn,kind,${FACTORS.join(",")}`;
    const bad = [
      header,
      "C0001,2026-13-01,sten,5,7,9,10,9,4,8,5,6,3,6,1,8,1,6,7",
      "C9999,2026-10-01,sten,5,7,11,10,9,4,8,5,6,3,6,1,8,1,6,7",
    ].join("\n");
    await page
      .getByLabel("CSV 文件")
      .setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await page.getByRole("button", { name: "检查（不写入）" }).click();
    const errors = page.locator("table[data-list=import-errors] tbody tr");
    await eventually(() => errors.count()).toBe(3);
    await eventually(() => page.locator("tr[data-line='2']").textContent()).toContain("bad_date");
    await eventually(() => page.locator("tr[data-line='2']").textContent()).toContain("日期格式有误");
    await eventually(() => page.locator("tr[data-line='3']").first().textContent()).toContain(
      "unknown_cadre",
    );
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, "07-import-errors");

    // Knock-out profiles (C and G at 3) for the cadres the suggestions had placed: the ranking must change.
    const low = FACTORS.map((f) => (f === "C" || f === "G" ? 3 : 6)).join(",");
    const good = [header, ...changed.map((id) => `${id},2026-11-01,sten,${low}`)].join("\r\n");
    await page
      .getByLabel("CSV 文件")
      .setInputFiles({ name: "round.csv", mimeType: "text/csv", buffer: Buffer.from(`\uFEFF${good}`) });
    await page.getByRole("button", { name: "导入", exact: true }).click();
    await eventually(() => page.locator("[data-import=imported]").textContent()).toContain(
      `新增 ${changed.length} 条测评`,
    );
    await visible(page.locator("[data-job-status=succeeded]"));
    expect(
      await page.locator("#job-progress").evaluate((el: HTMLProgressElement) => el.value === el.max),
    ).toBe(true);
    const diffs = page.locator("[data-report=requests] li[data-request]");
    await visible(diffs.first());
    await shot(page, "08-import-rerank");
  });
});
