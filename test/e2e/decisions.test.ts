/**
 * The decision loop on the staff page (issue 14) in chromium, on its own server and demo database:
 * a saved suggestion that a later write made out of date says so (in the team's list of saved
 * requests and above its ranking), accepting its #1 — now breaking a hard rule — is refused with the
 * rule and the person named in Chinese and nothing changes; keeping an option as a scenario and
 * then placing it leaves the scenario's seats alone; a team with vacancies shows whether it can
 * still be completed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSuite, eventually, screenLoaded, startBrowserSuite, visible } from "./browser";

interface Assignment {
  seat: number;
  cadreId: string | null;
  filled: boolean;
}
interface Result {
  id: string;
  version: number;
  suggestions: { rank: number; assignment: Assignment[] }[];
}
interface Team {
  id: string;
  name: string | null;
  kind: string;
  seats: { position: number; cadreId: string | null }[];
}

let suite: BrowserSuite;

beforeAll(async () => {
  suite = await startBrowserSuite();
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

const api = <T>(method: string, path: string, body?: unknown) => suite.server.api<T>(method, path, body);

describe("the decision loop in chromium", { timeout: 180_000 }, () => {
  it("marks a saved suggestion stale after a write, and refuses its now-infeasible #1 naming the rule and the person", async () => {
    const result = await api<Result>("POST", "/v1/suggestions", {
      teamId: "T-XJ08",
      top: 3,
      seed: 42,
      robustnessSamples: 0,
    });
    const first = result.suggestions[0] as Result["suggestions"][number];
    const holder = first.assignment.find((a) => !a.filled && a.cadreId)?.cadreId as string;
    const holderName = (await api<{ name: string }>("GET", `/v1/cadres/${holder}`)).name;
    const teamBefore = await api<Team>("GET", "/v1/teams/T-XJ08");

    const page = await suite.signedIn(`#/suggestions?team=T-XJ08&request=${result.id}`);
    const saved = page.locator(`tr[data-request="${result.id}"]`);
    await visible(saved);
    expect(await saved.getAttribute("data-stale")).toBe("false");
    expect(await page.locator("[data-stale]").filter({ hasText: "结果可能已过时" }).count()).toBe(0);

    // A holder reaches ten years in post: R4 (hard) says they must leave, so every option that keeps
    // them — all of them, nothing was to be vacated — now breaks a hard rule.
    const cadre = await api<{ yearsInPost: number }>("GET", `/v1/cadres/${holder}`);
    expect(cadre.yearsInPost).toBeLessThan(10);
    await api("PATCH", `/v1/cadres/${holder}`, { yearsInPost: 12 });

    await page.reload();
    await screenLoaded(page);
    await visible(saved);
    await eventually(() => saved.getAttribute("data-stale")).toBe("true");
    const notice = page.locator("div.notice[data-stale]");
    await visible(notice);
    expect(await notice.textContent()).toContain("结果可能已过时");
    expect(await notice.textContent()).toContain(holderName);

    const option = page.locator("[data-list=suggestions] article[data-rank='1']");
    await option.getByRole("button", { name: "采纳并任用" }).click();
    await option.getByRole("button", { name: "确认任用" }).click();
    const refusal = option.locator("[data-problem]");
    await visible(refusal);
    expect(await refusal.getAttribute("data-problem")).toBe("now_infeasible");
    const text = (await refusal.textContent()) ?? "";
    expect(text).toContain("已不可行");
    expect(text).toContain("R4");
    expect(text).toContain(holderName);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

    // Nothing changed: the same seats, no placement from this request.
    const teamAfter = await api<Team>("GET", "/v1/teams/T-XJ08");
    expect(teamAfter.seats).toEqual(teamBefore.seats);
    const placed = await api<{ items: unknown[] }>("GET", "/v1/placements?teamId=T-XJ08&limit=50");
    expect(placed.items).toEqual([]);
  });

  it("keeps a saved scenario's seats when the same option is then accepted and placed", async () => {
    const page = await suite.signedIn("#/suggestions?team=T-XJ01");
    await eventually(() => page.locator('input[name=vacate][value="13"]').isChecked()).toBe(true);
    await page.getByLabel("方案数量").fill("2");
    await page.getByRole("button", { name: "生成建议" }).click();
    const option = page.locator("[data-list=suggestions] article[data-rank='1']");
    await visible(option);

    await option.getByRole("button", { name: "采纳为保存方案" }).click();
    await eventually(() => option.getByRole("status").first().textContent()).toContain("已保存为方案");
    const scenarios = await api<{ items: Team[] }>("GET", "/v1/teams?kind=scenario&limit=200");
    const scenario = scenarios.items.at(-1) as Team;
    const scenarioSeats = scenario.seats.map((s) => s.cadreId);
    expect(scenarioSeats.filter(Boolean).length).toBeGreaterThan(0);

    await option.getByRole("button", { name: "采纳并任用" }).click();
    await option.getByRole("button", { name: "确认任用" }).click();
    await eventually(() => option.locator("[data-place] [role=status]").first().textContent()).toContain(
      "已任用",
    );
    const placedText = (await option.locator("[data-place]").textContent()) ?? "";
    expect(placedText).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

    const after = await api<Team>("GET", `/v1/teams/${scenario.id}`);
    expect(after.seats.map((s) => s.cadreId)).toEqual(scenarioSeats);
  });

  it("shows whether a team with vacancies can be completed, with the rule that prevents it", async () => {
    const score = await api<{ feasible: boolean; completable: { value: boolean } | null }>(
      "GET",
      "/v1/teams/T-XJ06/score",
    );
    expect(score.completable?.value).toBe(false);
    const page = await suite.signedIn("#/teams/T-XJ06");
    const block = page.locator("[data-completable]");
    await visible(block);
    expect(await block.getAttribute("data-completable")).toBe("false");
    expect(await block.textContent()).toContain("无法补齐");
    expect(await block.locator("[data-rule=R10]").count()).toBeGreaterThan(0);
    // `feasible` is shown beside it (it speaks of the members present).
    expect(await page.locator("p.big").first().textContent()).toMatch(score.feasible ? /可行/ : /不可行/);
  });
});
