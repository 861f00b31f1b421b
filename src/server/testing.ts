/**
 * For the server's tests: a headless Chromium with a fresh profile (playwright-core driving
 * /usr/bin/chromium, as the report checks do), and the web app built if its sources changed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { projectRoot } from "../data/index.ts";
import { WEB_DIST } from "./static.ts";

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** Builds web/dist when it is missing or older than web/src (what scripts/setup.sh does too). */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, "index.html");
  const sources = Math.max(
    newest(join(projectRoot, "web/src")),
    statSync(join(projectRoot, "web/index.html")).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync("npm", ["run", "build:web"], { cwd: projectRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build:web failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Browser {
  page: Page;
  /** console errors and uncaught exceptions of the page. */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "populace-chromium-"));
  const { chromium } = await import("playwright-core");
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.POPULACE_CHROMIUM ?? "/usr/bin/chromium",
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
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  return {
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
