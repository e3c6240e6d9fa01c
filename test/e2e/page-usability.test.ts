/**
 * The staff page as staff use it (issue 20): printed sheets (page.pdf on A4, pages counted from the
 * PDF's bytes), sortable tables, a phone held upright (390×844) and the keyboard, axe-core on every
 * screen at both widths, and flows that answer visibly. Chromium on its own server and demo database.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSuite, eventually, screenLoaded, shot, startBrowserSuite, visible } from "./browser";

const SHOTS = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));

let suite: BrowserSuite;

beforeAll(async () => {
  suite = await startBrowserSuite();
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

/**
 * The pages of a PDF, read from its bytes: each page is a dictionary `/Type /Page` (the page tree's
 * nodes are `/Type /Pages`). Chromium writes these dictionaries uncompressed.
 */
function pdfPages(pdf: Buffer): number {
  return [...pdf.toString("latin1").matchAll(/\/Type\s*\/Page(?![a-zA-Z])/g)].length;
}

/** Prints the page to an A4 PDF (kept beside the screenshots for people to look at) and counts its pages. */
async function printedPages(page: Page, name: string): Promise<number> {
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  writeFileSync(`${SHOTS}${name}.pdf`, pdf);
  return pdfPages(pdf);
}

/**
 * The print layout on screen: print media at the width of A4 less the print stylesheet's 10 mm
 * margins (190 mm at 96 px to the inch), so the page can be measured as it will be printed.
 */
async function printLayout(page: Page) {
  await page.setViewportSize({ width: Math.floor((190 / 25.4) * 96), height: 1047 });
  await page.emulateMedia({ media: "print" });
}

/** Today as the browser's clock gives it, `YYYY-MM-DD`. */
const browserToday = (page: Page) =>
  page.evaluate(() => {
    const d = new Date();
    return [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((x) => String(x).padStart(2, "0")).join("-");
  });

/** How far each chart's canvas reaches past its box's right edge, in px (0 or less: not cut). */
const chartOverhang = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("[data-chart]")].map((el) => {
      const box = (el.closest(".card") ?? el).getBoundingClientRect();
      const canvas = el.querySelector("canvas")?.getBoundingClientRect();
      return {
        chart: (el as HTMLElement).dataset.chart,
        overhang: canvas ? canvas.right - box.right : null,
        // The canvas fills its box: ECharts drew it at the printed width (not only scaled it down).
        fill: canvas ? canvas.width / window.devicePixelRatio / el.clientWidth : null,
      };
    }),
  );

describe("printing", { timeout: 180_000 }, () => {
  it("prints a cadre's 16PF profile sheet on one A4 page with the date and operator, no menu or buttons", async () => {
    const page = await suite.signedIn("#/cadres/C0001");
    await page.waitForFunction(() => document.querySelector("[data-chart=profile] canvas"));
    await page.locator("tr[data-derived=Y1]").waitFor();
    await visible(page.getByRole("button", { name: "打印" }));

    await printLayout(page);
    const meta = page.locator("#print-meta");
    await visible(meta);
    expect(await meta.textContent()).toMatch(
      new RegExp(`^打印日期 ${await browserToday(page)} · 操作人：工作人员`),
    );
    for (const hidden of ["header.top", "footer", "main button", "nav"])
      expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    // What the sheet must carry: the chart, the derived factors and the rule status.
    await visible(page.locator("tr[data-derived=Y1]"));
    await visible(page.getByRole("heading", { name: "任职规定情况" }));
    await eventually(() => chartOverhang(page)).toEqual([
      expect.objectContaining({ chart: "profile", overhang: expect.any(Number) }),
    ]);
    // Redrawn when the print layout came (the media query) and at the size given before printing.
    for (const event of ["change", "beforeprint"]) {
      if (event === "beforeprint") await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
      for (const c of await chartOverhang(page)) {
        expect(c.overhang, `${event} ${c.chart}`).toBeLessThanOrEqual(0.5);
        expect(c.fill, `${event} ${c.chart}`).toBeGreaterThan(0.97);
      }
    }
    expect(await printedPages(page, "10-cadre-sheet")).toBe(1);
  });

  it("prints a team report with the members' overlay chart inside the page, not cut at the right edge", async () => {
    const page = await suite.signedIn("#/teams/T-XJ01");
    await page.waitForFunction(() => document.querySelector("[data-chart=overlay] canvas"));
    await visible(page.getByRole("button", { name: "打印" }));
    await printLayout(page);
    await visible(page.locator("#print-meta"));
    expect(await page.locator("main button").first().isVisible()).toBe(false);
    for (const event of ["change", "beforeprint"]) {
      if (event === "beforeprint") await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
      const charts = await chartOverhang(page);
      expect(charts.map((c) => c.chart).sort()).toEqual(["components", "overlay"]);
      for (const c of charts) {
        expect(c.overhang, `${event} ${c.chart}`).toBeLessThanOrEqual(0.5);
        expect(c.fill, `${event} ${c.chart}`).toBeGreaterThan(0.97);
      }
    }
    const pages = await printedPages(page, "11-team-report");
    expect(pages).toBeGreaterThanOrEqual(1);
    console.log(`team report T-XJ01: ${pages} A4 pages`);
  });

  it("prints a suggestion comparison without the request form", async () => {
    const page = await suite.signedIn("#/suggestions?team=T-XJ01");
    await page.locator('input[name=vacate][value="13"]').waitFor();
    await page.getByRole("button", { name: "生成建议" }).click();
    await visible(page.locator("[data-why]"));
    await page.waitForFunction(() => document.querySelector("[data-chart=suggestion-components] canvas"));
    await printLayout(page);
    expect(await page.locator("main form").isVisible()).toBe(false);
    await visible(page.locator("[data-why]"));
    await visible(page.locator("#print-meta"));
    for (const c of await chartOverhang(page)) expect(c.overhang, c.chart).toBeLessThanOrEqual(0.5);
    const pages = await printedPages(page, "12-suggestion-comparison");
    expect(pages).toBeGreaterThanOrEqual(1);
    console.log(`suggestion comparison T-XJ01: ${pages} A4 pages`);
  });
});

/** The texts of column `index` of a table's body, top to bottom. */
const column = (page: Page, table: string, index: number) =>
  page
    .locator(`${table} tbody tr`)
    .evaluateAll(
      (rows, i) => rows.map((r) => (r as HTMLTableRowElement).cells[i]?.textContent?.trim() ?? ""),
      index,
    );

/** The `aria-sort` of each header of a table. */
const sortStates = (page: Page, table: string) =>
  page.locator(`${table} thead th`).evaluateAll((ths) => ths.map((th) => th.getAttribute("aria-sort")));

describe("sortable tables", { timeout: 180_000 }, () => {
  it("sorts the cadre list by a header button: numbers as numbers, names in Chinese order, by keyboard too", async () => {
    const page = await suite.signedIn("#/cadres");
    const table = "table[data-list=cadres]";
    await page.locator(`${table} tbody tr`).first().waitFor();
    const before = await column(page, table, 3);
    expect(before.length).toBeGreaterThan(20);
    const header = page.locator(`${table} thead th`).nth(3);
    await header.getByRole("button", { name: "出生年份" }).click();
    const years = (await column(page, table, 3)).map(Number);
    expect(years).toEqual([...before].map(Number).sort((a, b) => a - b));
    expect((await sortStates(page, table))[3]).toBe("ascending");
    await header.getByRole("button").click();
    expect((await column(page, table, 3)).map(Number)).toEqual([...years].reverse());
    expect((await sortStates(page, table))[3]).toBe("descending");
    // Only the sorted column says how it is sorted.
    expect((await sortStates(page, table)).filter(Boolean)).toEqual(["descending"]);

    // Names in Chinese (pinyin) order, sorted from the keyboard (Enter on the focused button).
    const names = await column(page, table, 1);
    const nameButton = page.locator(`${table} thead th`).nth(1).getByRole("button");
    await nameButton.focus();
    await page.keyboard.press("Enter");
    expect(await column(page, table, 1)).toEqual([...names].sort((a, b) => a.localeCompare(b, "zh-CN")));
    expect((await sortStates(page, table))[1]).toBe("ascending");
    await page.keyboard.press("Space");
    expect((await sortStates(page, table))[1]).toBe("descending");

    // A search redraws the rows; they stay in the chosen order.
    await page.getByLabel("姓名或编号").fill("张");
    const shown = await column(page, table, 1);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual([...shown].sort((a, b) => b.localeCompare(a, "zh-CN")));
  });

  it("sorts tables built by ui.js table(): the team list by score", async () => {
    const page = await suite.signedIn("#/teams");
    const table = "table[data-list=teams]";
    await page.locator(`${table} tbody tr`).first().waitFor();
    // Wait for every score to arrive (they load one request per team).
    await eventually(async () => (await column(page, table, 4)).filter((x) => x === "…").length).toBe(0);
    await page.locator(`${table} thead th`).nth(4).getByRole("button").click();
    const scores = (await column(page, table, 4)).filter((x) => x !== "—").map(Number);
    expect(scores.length).toBeGreaterThan(5);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });
});

const AXE = fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };

/** The screens staff use, each with what shows it has finished drawing (and how to fill it in). */
const SCREENS: { name: string; hash: string; ready: (page: Page) => Promise<unknown> }[] = [
  {
    name: "cadres",
    hash: "#/cadres",
    ready: (p) => p.locator("table[data-list=cadres] tbody tr").first().waitFor(),
  },
  {
    name: "cadre",
    hash: "#/cadres/C0001",
    ready: (p) => p.waitForFunction(() => document.querySelector("[data-chart=profile] canvas")),
  },
  {
    name: "teams",
    hash: "#/teams",
    ready: (p) => p.locator("table[data-list=teams] tbody tr").first().waitFor(),
  },
  {
    name: "team",
    hash: "#/teams/T-XJ01",
    ready: (p) => p.waitForFunction(() => document.querySelector("[data-chart=overlay] canvas")),
  },
  {
    name: "suggestions",
    hash: "#/suggestions?team=T-XJ01",
    ready: async (p) => {
      await p.locator('input[name=vacate][value="13"]').waitFor();
      await p.getByRole("button", { name: "生成建议" }).click();
      await p.waitForFunction(() => document.querySelector("[data-chart=suggestion-components] canvas"));
    },
  },
  {
    name: "exchange",
    hash: "#/exchange",
    ready: async (p) => {
      for (const box of await p.locator("input[name=teamIds]").all()) await box.uncheck();
      for (const id of ["T-XJ01", "T-XJ03", "T-XJ04"])
        await p.locator(`input[name=teamIds][value="${id}"]`).check();
      await p.getByLabel("计算量").selectOption("50000");
      await p.getByRole("button", { name: "开始求解" }).click();
      await p.waitForFunction(() => document.querySelector("[data-chart=exchange-scores] canvas"));
    },
  },
  { name: "imports", hash: "#/imports", ready: (p) => p.getByRole("heading", { level: 1 }).waitFor() },
  { name: "followup", hash: "#/followup", ready: (p) => p.getByRole("heading", { level: 1 }).waitFor() },
  { name: "validity", hash: "#/validity", ready: (p) => p.getByRole("heading", { level: 1 }).waitFor() },
];

/** axe-core's critical and serious findings on the page as it is now. */
async function axeFindings(page: Page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }
    ).axe;
    interface AxeResults {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    }
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((v) => v.impact === "critical" || v.impact === "serious")
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(" "))
            .join(" | ")}`,
      );
  });
}

/**
 * Text labels ECharts drew on top of one another (in each chart on the screen): the label rectangles
 * zrender laid out, in the chart's pixels, that overlap by more than 1 px both ways.
 */
const overlappingLabels = (page: Page) =>
  page.evaluate(() => {
    interface Rect {
      x: number;
      y: number;
      width: number;
      height: number;
      clone(): Rect;
      applyTransform(m: unknown): void;
    }
    interface Text {
      type: string;
      invisible?: boolean;
      ignore?: boolean;
      style: { text?: string; opacity?: number };
      getBoundingRect(): Rect;
      getComputedTransform(): unknown;
      getTextContent?(): Text | undefined;
      childrenRef?(): Text[];
    }
    interface Zr {
      storage: { getDisplayList(update: boolean): Text[]; getRoots(): Text[] };
    }
    const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): unknown } }).echarts;
    const found: string[] = [];
    for (const el of document.querySelectorAll("[data-chart]")) {
      const chart = echarts.getInstanceByDom(el) as { getZr(): Zr } | undefined;
      if (!chart) continue;
      const name = (el as HTMLElement).dataset.chart;
      // zrender draws each line of a label as a "tspan" of its text element.
      const texts = chart
        .getZr()
        .storage.getDisplayList(true)
        .filter(
          (d) => d.type === "tspan" && !d.invisible && !d.ignore && d.style.text && d.style.opacity !== 0,
        );
      // Labels ECharts hid to avoid an overlap (hideOverlap) are lost too.
      const visit = (e: Text) => {
        const label = e.getTextContent?.();
        if (label) visit(label);
        if (e.type === "text" && e.ignore && e.style.text) found.push(`${name}: "${e.style.text}" hidden`);
        for (const child of e.childrenRef?.() ?? []) visit(child);
      };
      for (const root of chart.getZr().storage.getRoots()) visit(root);
      // A chart without text would pass unseen: every chart here has axis labels.
      if (texts.length < 3) found.push(`${name}: only ${texts.length} labels`);
      const rects = texts.map((d) => {
        const r = d.getBoundingRect().clone();
        r.applyTransform(d.getComputedTransform());
        return { text: String(d.style.text), r };
      });
      for (let i = 0; i < rects.length; i++)
        for (let j = i + 1; j < rects.length; j++) {
          const a = rects[i]?.r as Rect;
          const b = rects[j]?.r as Rect;
          const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
          const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
          if (w > 1 && h > 1) found.push(`${name}: "${rects[i]?.text}" × "${rects[j]?.text}"`);
        }
    }
    return found;
  });

/** Visible table cells too narrow for two characters (Chinese would break one character a line). */
const squeezedCells = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("main td, main th")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        const em = Number.parseFloat(getComputedStyle(el).fontSize);
        return box.width > 0 && /[\u4e00-\u9fff]/.test(el.textContent ?? "") && box.width < 2.5 * em;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );

describe("phone, keyboard and axe", { timeout: 600_000 }, () => {
  for (const viewport of [DESKTOP, PHONE])
    it(`every screen at ${viewport.width}×${viewport.height}: axe finds nothing critical or serious, nothing scrolls sideways, chart labels never overlap`, async () => {
      const page = await suite.signedIn("#/cadres");
      await page.setViewportSize(viewport);
      const findings: string[] = [];
      for (const screen of SCREENS) {
        await page.goto(`${suite.server.url}/${screen.hash}`);
        await screenLoaded(page);
        await screen.ready(page);
        for (const f of await axeFindings(page)) findings.push(`${screen.name}: ${f}`);
        for (const f of await overlappingLabels(page)) findings.push(`${screen.name}: overlapping ${f}`);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (sideways > 0) findings.push(`${screen.name}: the page scrolls ${sideways} px sideways`);
        if (viewport === PHONE) {
          const header = await page.locator("header.top").evaluate((el) => el.getBoundingClientRect().height);
          if (header > 90) findings.push(`${screen.name}: the header is ${header} px high`);
          for (const cell of await squeezedCells(page)) findings.push(`${screen.name}: squeezed ${cell}`);
        }
        // Every chart says what it shows in a short text, not ECharts' own cut-off description.
        for (const label of await page
          .locator("[data-chart]")
          .evaluateAll((els) => els.map((el) => el.getAttribute("aria-label") ?? "")))
          if (label.length < 8 || /…|\.\.\.|This is a chart/.test(label))
            findings.push(`${screen.name}: chart label "${label}"`);
        await shot(page, `20-${viewport.width}-${screen.name}`, viewport === PHONE);
      }
      expect(findings).toEqual([]);
    });

  it("the axe check sees what it should (an image without a text alternative is critical)", async () => {
    const page = await suite.signedIn("#/imports");
    await page.evaluate(() => document.querySelector("main")?.append(document.createElement("img")));
    expect((await axeFindings(page)).join("\n")).toMatch(/critical image-alt/);
  });

  it("on a phone the menu folds behind 菜单 and opens, and tables read as cards", async () => {
    const page = await suite.signedIn("#/teams/T-XJ01");
    await page.setViewportSize(PHONE);
    const menu = page.getByRole("button", { name: "菜单" });
    await visible(menu);
    const teamsLink = page.getByRole("navigation").getByRole("link", { name: "干部" });
    expect(await teamsLink.isVisible()).toBe(false);
    await menu.focus();
    await page.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await visible(teamsLink);
    await teamsLink.press("Enter");
    await eventually(() => page.url()).toMatch(/#\/cadres$/);
    await screenLoaded(page);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    // A row of the cadre list is a card: each cell a line "label value", the label from its column.
    const cell = page.locator("table[data-list=cadres] tbody tr").first().locator("td").nth(1);
    await visible(cell);
    expect(await cell.getAttribute("data-label")).toBe("姓名");
    const label = await cell.evaluate((el) => getComputedStyle(el, "::before").content);
    expect(label).toBe('"姓名"');
    const row = await page.locator("table[data-list=cadres] tbody tr").first().boundingBox();
    expect(row?.width).toBeGreaterThan(300);
  });
});

describe("weight", { timeout: 180_000 }, () => {
  it("loads ECharts only on screens with a chart, once, and each screen's module when it is shown", async () => {
    const page = await suite.signedIn("#/imports");
    const requested: string[] = [];
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    await page.reload();
    await screenLoaded(page);
    await page.getByRole("heading", { level: 1, name: "导入测评" }).waitFor();
    expect(requested).toContain("/app/views/imports.js");
    expect(requested.filter((p) => p.startsWith("/app/views/"))).toEqual(["/app/views/imports.js"]);
    expect(requested.filter((p) => p.includes("echarts"))).toEqual([]);

    await page.goto(`${suite.server.url}/#/teams/T-XJ01`);
    await page.waitForFunction(() => document.querySelector("[data-chart=overlay] canvas"));
    await page.goto(`${suite.server.url}/#/cadres/C0001`);
    await page.waitForFunction(() => document.querySelector("[data-chart=profile] canvas"));
    expect(requested.filter((p) => p.includes("echarts"))).toEqual(["/vendor/echarts/echarts.min.js"]);
    expect(requested).toContain("/app/views/teams.js");
    expect(requested).not.toContain("/app/views/exchange.js");
  });

  it("npm start's server sends the page's files compressed, with an ETag to revalidate", async () => {
    for (const path of ["/", "/app/main.js", "/app/style.css", "/vendor/echarts/echarts.min.js"]) {
      const res = await fetch(`${suite.server.url}${path}`, { headers: { "accept-encoding": "br, gzip" } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-encoding"), path).toBe("br");
      expect(res.headers.get("cache-control"), path).toBe("no-cache");
      const etag = res.headers.get("etag") ?? "";
      expect(etag, path).toMatch(/^".+"$/);
      await res.arrayBuffer();
      const again = await fetch(`${suite.server.url}${path}`, { headers: { "if-none-match": etag } });
      expect(again.status, path).toBe(304);
    }
  });
});
