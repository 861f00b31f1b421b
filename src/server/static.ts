import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import type { Context } from "hono";
import { projectRoot } from "../data/index.ts";

/** Where `npm run build:web` puts the web app. */
export const WEB_DIST = resolve(projectRoot, "web/dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
};

/**
 * The web app's files, and its index page for every other path (the app routes in the
 * browser). Without a build, a page that says how to make one.
 */
export function webApp(c: Context, webDir: string): Response {
  if (c.req.method !== "GET" && c.req.method !== "HEAD")
    return c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404);
  const root = resolve(webDir);
  const wanted = normalize(join(root, decodeURIComponent(c.req.path)));
  if (wanted.startsWith(root) && existsSync(wanted) && statSync(wanted).isFile()) {
    return new Response(readFileSync(wanted), {
      headers: {
        "content-type": TYPES[extname(wanted)] ?? "application/octet-stream",
        // Vite names built assets by their content: they never change under one name.
        "cache-control": wanted.includes(`${join(root, "assets")}`)
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      },
    });
  }
  const index = join(root, "index.html");
  if (existsSync(index)) return c.html(readFileSync(index, "utf8"));
  return c.html(
    "<!doctype html><title>Populace</title><p>The web app is not built: run <code>npm run build:web</code> " +
      '(scripts/setup.sh does it). The API is at <a href="/openapi.json">/openapi.json</a>.</p>',
    503,
  );
}
