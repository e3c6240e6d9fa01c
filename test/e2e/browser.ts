/**
 * What the browser tests share: `npm start`'s server on a temporary database with the demo city,
 * Debian's chromium driven by playwright-core, signing in through the page's own form with a staff
 * token, and small helpers for waiting, screenshots (test-results/screenshots/, git-ignored) and
 * reading the ECharts instances a page drew.
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from "playwright-core";
import { expect } from "vitest";
import { type E2eServer, startE2eServer } from "./server";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));

export interface BrowserSuite {
  server: E2eServer;
  browser: Browser;
  /** Requests each page made to anywhere but our server (there must be none: no CDN). */
  foreignRequests: Map<Page, string[]>;
  /** A browser context closed with the suite. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A fresh context signed in with the staff token through the page's own form, Chinese first. */
  signedIn(hash?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the server and chromium; fails loudly (never skips) when chromium is missing. */
export async function startBrowserSuite(): Promise<BrowserSuite> {
  // The issue asks for a real browser, installed by .ci/run.
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`,
    );
  mkdirSync(SHOTS, { recursive: true });
  const server = await startE2eServer();
  // The screens are used with a staff token, as the organization department's staff would.
  const staffToken = (
    await server.api<{ token: string }>("POST", "/v1/tokens", { role: "staff", name: "e2e staff" })
  ).token;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const contexts: BrowserContext[] = [];
  const foreignRequests = new Map<Page, string[]>();

  const newContext = async (options?: BrowserContextOptions) => {
    const context = await browser.newContext(options);
    contexts.push(context);
    return context;
  };

  const signedIn = async (hash = "#/cadres") => {
    const context = await newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const foreign: string[] = [];
    foreignRequests.set(page, foreign);
    page.on("request", (request) => {
      if (!request.url().startsWith(`${server.url}/`) && !request.url().startsWith("data:"))
        foreign.push(request.url());
    });
    await page.goto(`${server.url}/${hash}`);
    await page.getByLabel("访问令牌").fill(staffToken);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByText("已登录：工作人员").waitFor();
    await screenLoaded(page);
    expect(errors).toEqual([]);
    return page;
  };

  return {
    server,
    browser,
    foreignRequests,
    newContext,
    signedIn,
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}

/** Waits until the current screen has finished loading (main.js drops `aria-busy`). */
export const screenLoaded = (page: Page) =>
  page.waitForFunction(
    () => document.querySelector("main .screen") && !document.querySelector("main .screen[aria-busy]"),
  );

/** Waits until the locator's first match is visible. */
export const visible = (locator: Locator) => locator.first().waitFor({ state: "visible" });

/** Retries `read` until the matcher passes (the page updates asynchronously). */
export const eventually = <T>(read: () => Promise<T> | T) =>
  expect.poll(read, { timeout: 30_000, interval: 100 });

/** Form controls on the page that no label names (every field must have one). */
export const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("main input, main select, main textarea")]
      .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label"))
      .map((el) => el.outerHTML.slice(0, 120)),
  );

/** A screenshot into test-results/screenshots/{name}.png. */
export const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: `${SHOTS}${name}.png`, fullPage });

/**
 * The `series` of the ECharts instance drawn in `[data-chart=name]`, as the page holds it (null
 * when there is no such chart). ECharts loads when a screen first draws a chart: this waits for it.
 */
export async function chartSeries(page: Page, name: string) {
  await page.waitForFunction((chart) => {
    const el = document.querySelector(`[data-chart="${chart}"]`);
    const echarts = (window as unknown as { echarts?: { getInstanceByDom(el: Element): unknown } }).echarts;
    return !el || Boolean(echarts?.getInstanceByDom(el));
  }, name);
  return page.evaluate((chart) => {
    const el = document.querySelector(`[data-chart="${chart}"]`) as HTMLElement | null;
    const echarts = (window as unknown as { echarts: { getInstanceByDom(el: HTMLElement): unknown } })
      .echarts;
    const instance =
      el &&
      (echarts.getInstanceByDom(el) as
        | { getOption(): { series: { id: string; type: string; data: unknown[] }[] } }
        | undefined);
    return instance
      ? instance.getOption().series.map((s) => ({ id: s.id, type: s.type, data: s.data }))
      : null;
  }, name);
}
