import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { isUserError } from "../errors/index.ts";
import { formatPath } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { JobBoard } from "./jobs.ts";
import { believabilityRoutes } from "./routes/believability.ts";
import { communityRoutes } from "./routes/community.ts";
import { interviewRoutes } from "./routes/interviews.ts";
import { runRoutes } from "./routes/runs.ts";
import { webApp } from "./static.ts";

/** What every route works with: one store, one board of background work, the server's options. */
export interface ServerContext {
  store: Store;
  dataDir: string;
  /** The model WhatIf and Multiverse ask (default: each run's own). */
  modelId?: string;
  jobs: JobBoard;
  /** The built web app (web/dist). */
  webDir: string;
  /** The script participants are interviewed with (default: the American Voices Project's topics). */
  interviewScript?: string;
}

export type App = OpenAPIHono;

/** How a bad field's place is named: `body.n`, `path.run`, `query.judge`. */
const TARGETS: Record<string, string> = { json: "body", param: "path", query: "query", header: "header" };

/** An error answer: one line saying what is wrong, and the fields at fault for a bad request. */
export function errorJson<S extends 400 | 404 | 409 | 500>(
  c: Context,
  status: S,
  error: string,
  issues?: { field: string; message: string }[],
) {
  const body: { error: string; issues?: { field: string; message: string }[] } = issues
    ? { error, issues }
    : { error };
  return c.json(body, status);
}

/**
 * The project's one HTTP service (`populace serve`): an API over the store, grouped by feature
 * (runs, communities; later interviews), its OpenAPI document at /openapi.json, and the web app.
 * Request bodies, parameters and queries are validated by their schemas; a bad one gets a 400
 * whose issues name each field (e.g. `body.n`).
 */
export function createApp(ctx: ServerContext): App {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const part = TARGETS[result.target] ?? result.target;
      const issues = result.error.issues.map((i) => ({
        field: [part, formatPath(i.path)].filter(Boolean).join("."),
        message: i.message,
      }));
      return errorJson(
        c,
        400,
        `invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`,
        issues,
      );
    },
  });
  app.onError((error, c) => {
    if (isUserError(error)) return errorJson(c, 400, error.message);
    // Hono's own refusals, e.g. a body that is not JSON.
    if (error instanceof HTTPException && error.status < 500) {
      return errorJson(c, 400, `invalid request: ${error.message}`, [
        { field: "body", message: error.message },
      ]);
    }
    return errorJson(c, 500, `internal error: ${error.message}`);
  });
  runRoutes(app, ctx);
  communityRoutes(app, ctx);
  believabilityRoutes(app, ctx);
  interviewRoutes(app, ctx);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Populace",
      version: "0.1.0",
      description:
        "Runs, simulated communities and their threads, WhatIf and Multiverse branches made through the engine, believability tests judged by link, and interviews with participants by link.",
    },
  });
  app.notFound((c) =>
    c.req.path.startsWith("/api/")
      ? errorJson(c, 404, `no route for ${c.req.method} ${c.req.path}`)
      : webApp(c, ctx.webDir),
  );
  return app;
}

export function newServerContext(o: Omit<ServerContext, "jobs">): ServerContext {
  return { ...o, jobs: new JobBoard() };
}
