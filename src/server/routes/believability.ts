import { createRoute, z } from "@hono/zod-openapi";
import { dataFile } from "../../data/index.ts";
import { isUserError } from "../../errors/index.ts";
import {
  type BelievabilityPair,
  believabilityResults,
  CMV_THREADS,
  createBelievabilityTest,
  isTestDouble,
  judgePairs,
  readThreadsFile,
  realSide,
  testDoubleNote,
} from "../../simulacra/index.ts";
import { communityRun } from "../../study/index.ts";
import { type App, errorJson, type ServerContext } from "../app.ts";
import { ErrorSchema } from "./runs.ts";

const TestParam = z.object({ test: z.string().min(1).openapi({ example: "Zq3x-8KpLw0a" }) });
const Judge = z.string().trim().min(1, "say who is judging").max(80);
const Message = z.object({ author: z.string(), text: z.string() });

const TestSummary = z
  .object({
    id: z.string(),
    run: z.string(),
    title: z.string(),
    pairs: z.number(),
    link: z.string(),
    created_at: z.string(),
  })
  .openapi("BelievabilityTest");

const Results = z
  .object({
    id: z.string(),
    run: z.string(),
    /** Set when the simulated side was written by a test double. */
    note: z.string().nullable(),
    title: z.string(),
    pairs: z.number(),
    mean_similarity: z.number(),
    judges: z.array(
      z.object({ judge: z.string(), judged: z.number(), wrong: z.number(), errorRate: z.number() }),
    ),
    pooled: z.object({
      estimate: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      judgments: z.number(),
      wrong: z.number(),
    }),
    judgeMean: z
      .object({
        estimate: z.number(),
        lower: z.number(),
        upper: z.number(),
        judges: z.number(),
        sd: z.number(),
      })
      .nullable(),
    paper: z.number(),
  })
  .openapi("BelievabilityResults");

/** The believability test: made from a community run, shown to judges by link, judged pair by pair. */
export function believabilityRoutes(app: App, ctx: ServerContext): void {
  const summary = (t: { id: string; runId: string; title: string; pairs: unknown; createdAt: string }) => ({
    id: t.id,
    run: t.runId,
    title: t.title,
    pairs: (t.pairs as unknown[]).length,
    link: `/believability/${t.id}`,
    created_at: t.createdAt,
  });

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/believability",
      summary: "A new test: the run's threads, each beside the real CMV chain closest in wording",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .object({
                  run: z.string().min(1),
                  pairs: z.int().min(1).max(200).default(20),
                  title: z.string().trim().min(1).max(200).optional(),
                })
                .openapi("NewBelievabilityTest"),
            },
          },
        },
      },
      responses: {
        201: { description: "made", content: { "application/json": { schema: TestSummary } } },
        400: { description: "a field is wrong", content: { "application/json": { schema: ErrorSchema } } },
        404: {
          description: "no such community run",
          content: { "application/json": { schema: ErrorSchema } },
        },
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      try {
        await communityRun(ctx.store, body.run);
      } catch (e) {
        if (isUserError(e)) return errorJson(c, 404, e.message);
        throw e;
      }
      const real = readThreadsFile(dataFile(ctx.dataDir, CMV_THREADS, "r/ChangeMyView threads"));
      const test = await createBelievabilityTest(ctx.store, body.run, real, {
        pairs: body.pairs,
        title: body.title,
      });
      return c.json(summary(test), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/runs/{run}/believability",
      summary: "The believability tests made from a run",
      request: { params: z.object({ run: z.string().min(1) }) },
      responses: {
        200: { description: "tests", content: { "application/json": { schema: z.array(TestSummary) } } },
      },
    }),
    async (c) => c.json((await ctx.store.believabilityTests(c.req.valid("param").run)).map(summary), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/believability/{test}/pairs",
      summary: "The pairs as one judge sees them (sides A and B), and the answers they gave so far",
      request: { params: TestParam, query: z.object({ judge: Judge }) },
      responses: {
        200: {
          description: "pairs",
          content: {
            "application/json": {
              schema: z.object({
                id: z.string(),
                title: z.string(),
                judge: z.string(),
                pairs: z.array(z.object({ pair: z.number(), A: z.array(Message), B: z.array(Message) })),
                answered: z.record(z.string(), z.enum(["A", "B"])),
              }),
            },
          },
        },
        404: { description: "no such test", content: { "application/json": { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const { test: id } = c.req.valid("param");
      const { judge } = c.req.valid("query");
      const test = await ctx.store.getBelievabilityTest(id);
      if (!test) return errorJson(c, 404, `no believability test "${id}"`);
      const answered: Record<string, "A" | "B"> = {};
      for (const j of await ctx.store.judgments(id))
        if (j.judge === judge) answered[String(j.pair)] = j.choice;
      return c.json({ id, title: test.title, judge, pairs: judgePairs(test, judge), answered }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/believability/{test}/judgments",
      summary: "A judge's answer for one pair: the side they take for the real conversation",
      request: {
        params: TestParam,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .object({ judge: Judge, pair: z.int().min(1), choice: z.enum(["A", "B"]) })
                .openapi("Judgment"),
            },
          },
        },
      },
      responses: {
        200: {
          description: "recorded",
          content: { "application/json": { schema: z.object({ judged: z.number(), of: z.number() }) } },
        },
        400: { description: "a field is wrong", content: { "application/json": { schema: ErrorSchema } } },
        404: { description: "no such test", content: { "application/json": { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const { test: id } = c.req.valid("param");
      const body = c.req.valid("json");
      const test = await ctx.store.getBelievabilityTest(id);
      if (!test) return errorJson(c, 404, `no believability test "${id}"`);
      const pairs = test.pairs as BelievabilityPair[];
      if (body.pair > pairs.length) {
        const message = `this test has pairs 1 to ${pairs.length}`;
        return errorJson(c, 400, message, [{ field: "body.pair", message }]);
      }
      await ctx.store.saveJudgment({
        testId: id,
        judge: body.judge,
        pair: body.pair,
        choice: body.choice,
        correct: realSide(id, body.judge, body.pair) === body.choice,
        createdAt: new Date().toISOString(),
      });
      const judged = (await ctx.store.judgments(id)).filter((j) => j.judge === body.judge).length;
      return c.json({ judged, of: pairs.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/believability/{test}/results",
      summary:
        "Error rates: each judge's, pooled with a Wilson 95% interval, and the judges' mean with a t interval",
      request: { params: TestParam },
      responses: {
        200: { description: "results", content: { "application/json": { schema: Results } } },
        404: { description: "no such test", content: { "application/json": { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const { test: id } = c.req.valid("param");
      const test = await ctx.store.getBelievabilityTest(id);
      if (!test) return errorJson(c, 404, `no believability test "${id}"`);
      const pairs = test.pairs as BelievabilityPair[];
      const r = believabilityResults(await ctx.store.judgments(id), pairs.length);
      const run = await ctx.store.getRun(test.runId);
      return c.json(
        {
          id,
          run: test.runId,
          note: run && isTestDouble(run.modelId, run.modelKind) ? testDoubleNote(run.modelId) : null,
          title: test.title,
          mean_similarity: pairs.reduce((s, p) => s + p.similarity, 0) / pairs.length,
          ...r,
        },
        200,
      );
    },
  );
}
