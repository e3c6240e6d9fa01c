/**
 * The follow-up screens end to end (issue 8) in chromium, on their own server and demo database:
 * accept and place a suggestion, see its cadres on the follow-up list, record an 不称职 appraisal and
 * see the row flagged with the reason, check an appraisal CSV; and read the validity report with its
 * small-sample warning, in Chinese and in English. Screenshots go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserSuite,
  chartSeries,
  eventually,
  shot,
  startBrowserSuite,
  unlabelled,
  visible,
} from "./browser";

interface Proportion {
  count: number;
  n: number;
  share: number | null;
  ci: { low: number; high: number } | null;
}
interface Figures {
  n: number;
  fitGrade: { n: number; verdict: string };
  quartiles: { quartile: number; n: number; excellent: Proportion; low: Proportion }[];
  warnings: { code: string }[];
}
interface Report {
  withOutcome: number;
  overall: Figures;
  byPostType: (Figures & { post: string })[];
}
interface Placement {
  id: string;
  cadreId: string;
}

let suite: BrowserSuite;

beforeAll(async () => {
  suite = await startBrowserSuite();
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

/** The appraisal year the API accepts for a placement made today: this year. */
const thisYear = () => new Date().getUTCFullYear();

describe("follow-up after placement in chromium", { timeout: 120_000 }, () => {
  it("accepts and places a suggestion, flags an 不称职 appraisal with its reason, and checks an appraisal CSV", async () => {
    const page = await suite.signedIn("#/suggestions?team=T-XJ01");
    // The R4 holder of seat 14 must go (checked by the page); seat 13 is vacated too.
    await eventually(() => page.locator('input[name=vacate][value="13"]').isChecked()).toBe(true);
    await page.locator('input[name=vacate][value="12"]').check();
    await page.getByLabel("方案数量").fill("2");
    await page.getByRole("button", { name: "生成建议" }).click();
    const options = page.locator("[data-list=suggestions] article[data-rank]");
    await visible(options.nth(1));
    const first = options.nth(0);
    // The cadres option 1 brings in: the links of its "filled" list.
    const placedIds = (
      await first
        .locator('a[href^="#/cadres/"]')
        .evaluateAll((links) =>
          links.map((a) => decodeURIComponent((a as HTMLAnchorElement).hash.replace("#/cadres/", ""))),
        )
    ).sort();
    expect(placedIds.length).toBeGreaterThanOrEqual(1);

    // Accept and place: a confirmation first (cancel leaves everything as it was), then the outcome.
    await first.getByRole("button", { name: "采纳并任用" }).click();
    const confirm = first.getByRole("group", { name: "采纳并任用" });
    await visible(confirm);
    expect(await confirm.textContent()).toContain(`${placedIds.length} 名干部`);
    await page.keyboard.press("Escape");
    await eventually(() => confirm.count()).toBe(0);
    const recorded = () =>
      suite.server.api<{ items: Placement[] }>("GET", "/v1/placements?teamId=T-XJ01").then((x) => x.items);
    expect(await recorded()).toEqual([]);
    // Seats the incoming cadres hold in other teams: placing them empties those (a cadre holds one post).
    const heldElsewhere: string[] = [];
    for (const id of placedIds) {
      const teams = await suite.server.api<{ items: { id: string }[] }>("GET", `/v1/teams?cadre=${id}`);
      for (const team of teams.items) if (team.id !== "T-XJ01") heldElsewhere.push(team.id);
    }
    await first.getByRole("button", { name: "采纳并任用" }).click();
    await first.getByRole("button", { name: "确认任用" }).click();
    await eventually(() => first.getByRole("status").last().textContent()).toContain(
      `已任用 ${placedIds.length} 名干部`,
    );
    const vacatedNotice = first.locator("[data-vacated]");
    if (heldElsewhere.length === 0) expect(await vacatedNotice.count()).toBe(0);
    else {
      expect(await vacatedNotice.getAttribute("data-vacated")).toBe(String(heldElsewhere.length));
      for (const teamId of heldElsewhere) expect(await vacatedNotice.textContent()).toContain(teamId);
    }
    // The same request again (option 2): the API's 409, said plainly.
    const second = options.nth(1);
    await second.getByRole("button", { name: "采纳并任用" }).click();
    await second.getByRole("button", { name: "确认任用" }).click();
    const problem = second.getByRole("alert");
    await eventually(() => problem.textContent()).toContain("这组建议已经采纳并任用过");
    expect(await problem.getAttribute("data-problem")).toBe("already_accepted");
    await shot(page, "13-suggestions-placed");

    // The placed cadres on the follow-up list, none appraised yet.
    await first.getByRole("link", { name: "查看跟踪考核" }).click();
    await eventually(() => page.url()).toMatch(/#\/followup$/);
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("跟踪考核");
    const rows = page.locator("table[data-list=follow-up] tbody tr");
    await visible(rows.first());
    expect((await recorded()).map((p) => p.cadreId).sort()).toEqual(placedIds);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.cadre))).toEqual(
      expect.arrayContaining(placedIds),
    );
    const cadreId = placedIds[0] as string;
    const row = page.locator(`tr[data-cadre="${cadreId}"]`);
    expect(await row.textContent()).toContain("尚无考核");
    expect(await unlabelled(page)).toEqual([]);

    // Record 不称职 from the row's button: the form takes that placement and the focus goes to the year.
    await row.getByRole("button", { name: "记录考核" }).click();
    await eventually(() => page.evaluate(() => (document.activeElement as HTMLInputElement)?.name)).toBe(
      "year",
    );
    await page.keyboard.type(String(thisYear()));
    await page.getByLabel("考核等次").selectOption("incompetent");
    await page.getByLabel("跟踪备注（可选）").fill("已谈心谈话，建议调整分工");
    await page.getByRole("button", { name: "保存考核结果" }).click();
    await eventually(() => page.locator("[data-form=appraisal] [role=status]").textContent()).toContain(
      `${thisYear()} 年度考核为不称职`,
    );
    await eventually(() => row.getAttribute("data-flagged")).toBe("true");
    expect(await row.locator("li[data-reason=low-grade]").textContent()).toContain(
      `${thisYear()} 年度考核为不称职`,
    );
    expect(await row.locator("[data-latest]").getAttribute("data-latest")).toBe("incompetent");
    // Flagged first.
    expect(await rows.first().getAttribute("data-flagged")).toBe("true");
    const flagged = await suite.server.api<{ items: { cadreId: string; reasons: { code: string }[] }[] }>(
      "GET",
      "/v1/follow-up?flagged=true",
    );
    expect(flagged.items.find((i) => i.cadreId === cadreId)?.reasons.map((r) => r.code)).toContain(
      "low-grade",
    );
    // The "flagged only" filter.
    await page.getByLabel("显示").selectOption("flagged");
    await page.getByRole("button", { name: "查询" }).click();
    await eventually(() => page.url()).toMatch(/show=flagged/);
    await eventually(() =>
      rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.flagged)),
    ).toEqual(flagged.items.map(() => "true"));
    await shot(page, "10-follow-up");

    // An appraisal CSV: a bad grade and an unknown placement by line, then the same appraisal again (skipped).
    const placementId = await row.getAttribute("data-placement");
    const bad = [
      "任职编号,年度,考核等次",
      `${placementId},${thisYear()},优良`,
      `P-NOPE,${thisYear()},称职`,
    ].join("\n");
    await page
      .getByLabel("考核结果 CSV 文件")
      .setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await page.getByRole("button", { name: "检查（不写入）" }).click();
    await eventually(() => page.locator("table[data-list=import-errors] tbody tr").count()).toBe(2);
    expect(await page.locator("tr[data-line='2']").textContent()).toContain("invalid_grade");
    expect(await page.locator("tr[data-line='2']").textContent()).toContain("考核等次须为");
    expect(await page.locator("tr[data-line='3']").textContent()).toContain("unknown_placement");
    const good = ["placementId,year,grade", `${placementId},${thisYear()},不称职`].join("\r\n");
    await page
      .getByLabel("考核结果 CSV 文件")
      .setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
    await page.getByRole("button", { name: "检查（不写入）" }).click();
    await eventually(() => page.locator("[data-import=checked]").textContent()).toContain(
      "将新增 0 条考核，跳过 1 条已有记录",
    );
    expect(suite.foreignRequests.get(page)).toEqual([]);
  });

  it("shows the validity report with its small-sample warning, in Chinese and in English", async () => {
    // A few placements with appraisals of its own (an earlier date, not applied to the team).
    const { server } = suite;
    const team = await server.api<{ seats: unknown[] }>("GET", "/v1/teams/T-XJ04");
    const n = team.seats.length;
    const request = await server.api<{ id: string }>("POST", "/v1/suggestions", {
      teamId: "T-XJ04",
      vacate: [n - 1, n - 2],
      top: 1,
      seed: 1,
      robustnessSamples: 0,
    });
    const accepted = await server.api<{ placements: Placement[] }>(
      "POST",
      `/v1/suggestions/${request.id}/accept`,
      { rank: 1, placedOn: "2024-03-01", apply: false },
    );
    expect(accepted.placements.length).toBeGreaterThanOrEqual(1);
    for (const [i, p] of accepted.placements.entries())
      await server.api("POST", `/v1/placements/${p.id}/outcomes`, {
        year: 2025,
        grade: i % 2 ? "称职" : "优秀",
      });
    const report = await server.api<Report>("GET", "/v1/validity-report");
    expect(report.withOutcome).toBeGreaterThanOrEqual(accepted.placements.length);
    expect(report.overall.warnings.map((w) => w.code)).toContain("small-sample");

    const page = await suite.signedIn("#/validity");
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("预测效度");
    expect(await page.locator("[data-descriptive]").textContent()).toContain("不会改变任何权重");
    const warning = page.locator("[data-warnings=overall] [data-warning=small-sample]");
    await visible(warning);
    expect(await warning.textContent()).toContain(`只有 ${report.overall.n} 条带考核结果的任职记录`);
    const fitRow = page.locator("[data-figures=overall] tr[data-correlation=fitGrade]");
    expect(await fitRow.getAttribute("data-verdict")).toBe(report.overall.fitGrade.verdict);
    expect(await fitRow.textContent()).toContain("样本太少，无法判断");
    expect(await fitRow.locator("td").nth(2).textContent()).toBe(String(report.overall.fitGrade.n));
    // By post type: one row each, with its own warning; a post type's link opens its full figures.
    const posts = page.locator("table[data-list=by-post-type] tbody tr[data-post]");
    expect(await posts.count()).toBe(report.byPostType.length);
    const firstPost = report.byPostType[0] as Figures & { post: string };
    expect(await posts.first().getAttribute("data-post")).toBe(firstPost.post);
    expect(await posts.first().locator("[data-warning=small-sample]").count()).toBe(1);

    // The quartile chart: the shares as bars, their Wilson intervals as whiskers, as the API gave them.
    await page.waitForFunction(() => document.querySelector("[data-chart=quartiles-overall] canvas"));
    const series = await chartSeries(page, "quartiles-overall");
    const q = report.overall.quartiles;
    for (const key of ["excellent", "low"] as const) {
      expect(series?.find((s) => s.id === key)).toMatchObject({
        type: "bar",
        data: q.map((x) => x[key].share),
      });
      expect(series?.find((s) => s.id === `${key}-ci`)).toMatchObject({
        type: "custom",
        data: q.map((x, i) => [i, x[key].ci?.low ?? null, x[key].ci?.high ?? null]),
      });
    }
    expect(await page.locator("[data-figures=overall] tr[data-quartile]").count()).toBe(4);
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, "11-validity");
    await posts.first().getByRole("link").click();
    await eventually(() => page.url()).toContain(`postType=${firstPost.post}`);
    await eventually(() =>
      page.locator("[data-figures=overall] tr[data-correlation=fitGrade] td").nth(2).textContent(),
    ).toBe(String(firstPost.fitGrade.n));
    await page.getByRole("link", { name: "返回全部职务类型" }).click();
    await eventually(() => page.url()).toMatch(/#\/validity$/);

    await page.getByRole("button", { name: "English" }).click();
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Predictive validity");
    await eventually(() =>
      page.locator("[data-warnings=overall] [data-warning=small-sample]").textContent(),
    ).toContain("too few to say anything");
    expect(await page.locator("[data-descriptive]").textContent()).toContain("never changes weights");
    expect(
      await page.locator("[data-figures=overall] tr[data-correlation=fitGrade]").textContent(),
    ).toContain("too few to say anything");
    await visible(page.getByRole("navigation").getByRole("link", { name: "Follow-up" }));
    await shot(page, "12-validity-english");
    expect(suite.foreignRequests.get(page)).toEqual([]);
  });
});
