import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface BrowserCheck {
  /** console.error messages, uncaught page errors and any network request the page tried. */
  consoleErrors: string[];
  /** Plot slots that hold a drawn SVG. */
  plots: number;
  /** Plot slots in the page (drawn or not). */
  slots: number;
  title: string;
}

export interface BrowserCheckOptions {
  /** Write a full-page PNG here (for looking at the plots during development). */
  screenshot?: string;
  executablePath?: string;
}

/**
 * Open a report in headless Chromium and say what happened: a self-contained page loads with
 * no console errors, requests nothing from the network, and draws every plot.
 */
export async function checkReportInBrowser(
  htmlPath: string,
  opts: BrowserCheckOptions = {},
): Promise<BrowserCheck> {
  const profile = mkdtempSync(join(tmpdir(), "populace-chromium-"));
  const pageUrl = pathToFileURL(resolve(htmlPath)).href;
  const consoleErrors: string[] = [];
  // Loaded here, not at module load: only report checks need a browser, and the CLI (which
  // imports this module through the report package) must start without playwright-core installed.
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: opts.executablePath ?? process.env.POPULACE_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1100, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== pageUrl && !r.url().startsWith("data:"))
        consoleErrors.push(`network request: ${r.url()}`);
    });
    await page.goto(pageUrl, { waitUntil: "load" });
    const { plots, slots } = await page.evaluate(() => {
      const all = [...document.querySelectorAll(".plot-slot")];
      return { slots: all.length, plots: all.filter((s) => s.querySelector("svg") !== null).length };
    });
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
    return { consoleErrors, plots, slots, title: await page.title() };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
