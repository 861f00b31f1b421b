import { createRoute, z } from "@hono/zod-openapi";
import { isTestDouble } from "../../simulacra/index.ts";
import { communityOf, studySchema } from "../../spec/index.ts";
import { type App, errorJson, type ServerContext } from "../app.ts";

export const ErrorSchema = z
  .object({
    error: z.string(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Error");

const RunSchema = z
  .object({
    id: z.string(),
    study: z.string(),
    kind: z.enum(["community", "survey"]),
    model: z.string(),
    model_kind: z.string(),
    /** The model is a test double (the mock LLM server or the instant model). */
    test_double: z.boolean(),
    status: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Run");

export const JobSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    run: z.string(),
    state: z.enum(["queued", "running", "done", "failed"]),
    progress: z.object({
      done: z.number(),
      failed: z.number(),
      total: z.number(),
      calls: z.number(),
      cacheHits: z.number(),
    }),
    result: z.unknown(),
    error: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Job");

/** Runs in the store, and the background work the server does on them. */
export function runRoutes(app: App, ctx: ServerContext): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/runs",
      summary: "Every run in the store, most recent first",
      responses: {
        200: { description: "runs", content: { "application/json": { schema: z.array(RunSchema) } } },
      },
    }),
    async (c) => {
      const runs = await ctx.store.listRuns();
      const out = [];
      for (const r of runs.toSorted((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))) {
        const study = await ctx.store.getStudy(r.studyId);
        const parsed = studySchema.safeParse(study?.spec);
        out.push({
          id: r.id,
          study: r.studyName,
          kind:
            parsed.success && communityOf(parsed.data.instrument)
              ? ("community" as const)
              : ("survey" as const),
          model: r.modelId,
          model_kind: r.modelKind,
          test_double: isTestDouble(r.modelId, r.modelKind),
          status: r.status,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        });
      }
      return c.json(out, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/jobs/{id}",
      summary: "A piece of background work (a WhatIf, a Multiverse): its state and progress",
      request: { params: z.object({ id: z.string().min(1) }) },
      responses: {
        200: { description: "the work", content: { "application/json": { schema: JobSchema } } },
        404: { description: "no such work", content: { "application/json": { schema: ErrorSchema } } },
      },
    }),
    (c) => {
      const job = ctx.jobs.get(c.req.valid("param").id);
      if (!job) return errorJson(c, 404, `no job "${c.req.valid("param").id}"`);
      return c.json(job, 200);
    },
  );
}
