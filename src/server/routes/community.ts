import { createRoute, z } from "@hono/zod-openapi";
import { isUserError } from "../../errors/index.ts";
import {
  type BranchRequest,
  type Community,
  isTestDouble,
  MAIN,
  MULTIVERSE_TEMPERATURE,
  readCommunity,
  testDoubleNote,
  threadRow,
} from "../../simulacra/index.ts";
import { communityOf } from "../../spec/index.ts";
import { branchCommunity, communityRun } from "../../study/index.ts";
import { type App, errorJson, type ServerContext } from "../app.ts";
import type { ServerJob } from "../jobs.ts";
import { ErrorSchema, JobSchema } from "./runs.ts";

const UtteranceSchema = z
  .object({
    thread: z.string(),
    utterance: z.string(),
    parent: z.string().nullable(),
    branch: z.string(),
    author: z.string(),
    persona: z.string(),
    kind: z.enum(["post", "reply"]),
    text: z.string(),
    temperature: z.number().nullable(),
  })
  .openapi("Utterance");

const BranchSchema = z
  .object({
    branch: z.string(),
    kind: z.enum(["whatif", "multiverse", "iteration"]),
    status: z.string(),
    from: z.string().nullable(),
    thread: z.string().nullable(),
    temperature: z.number(),
    as: z.string().optional(),
    text: z.string().nullable().optional(),
    continue: z.number().optional(),
  })
  .openapi("Branch");

const ThreadSummarySchema = z
  .object({
    thread: z.string(),
    iteration: z.string(),
    status: z.string(),
    title: z.string().nullable(),
    author: z.string().nullable(),
    replies: z.number(),
    branches: z.array(z.string()),
  })
  .openapi("ThreadSummary");

const CommunitySchema = z
  .object({
    run: z.string(),
    name: z.string(),
    goal: z.string(),
    rules: z.array(z.string()),
    model: z.string(),
    status: z.string(),
    /** Set when the text comes from a test double: shown wherever the text is. */
    note: z.string().nullable(),
    personas: z.number(),
    threads: z.array(ThreadSummarySchema),
    branches: z.array(BranchSchema),
  })
  .openapi("Community");

const RunParam = z.object({ run: z.string().min(1).openapi({ example: "bakers-1a2b3c4d" }) });

const WhatIfBody = z
  .object({
    utterance: z.string().min(1).openapi({ example: "t7.2" }),
    as: z
      .string()
      .trim()
      .min(1, "the persona must not be empty")
      .openapi({ example: "a troll who mocks beginners" }),
    text: z.string().trim().min(1, "the reply must not be empty").optional(),
    continue: z.int().min(0).max(50).default(0),
  })
  .openapi("WhatIfRequest");

const MultiverseBody = z
  .object({
    utterance: z.string().min(1).optional(),
    community: z.boolean().optional(),
    n: z.int().min(1).max(20),
    temperature: z.number().min(0).max(2).default(MULTIVERSE_TEMPERATURE),
  })
  .refine((b) => (b.utterance !== undefined) !== (b.community === true), {
    message: "give either utterance or community: true",
    path: ["utterance"],
  })
  .openapi("MultiverseRequest");

function titleOf(text: string): string {
  return text.split("\n")[0];
}

/** A community's threads and branches, and WhatIf and Multiverse run through the engine in the background. */
export function communityRoutes(app: App, ctx: ServerContext): void {
  const load = async (
    runId: string,
  ): Promise<{ community: Community; runId: string; note: string | null }> => {
    const { run } = await communityRun(ctx.store, runId);
    const note = isTestDouble(run.modelId, run.modelKind) ? testDoubleNote(run.modelId) : null;
    return { community: await readCommunity(ctx.store, run.id), runId: run.id, note };
  };
  const notFound = (e: unknown) => isUserError(e) && /^no run |is not a community/.test(e.message);

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/runs/{run}/community",
      summary: "A community run: its design, threads (with titles, reply counts, branches) and branches",
      request: { params: RunParam },
      responses: {
        200: { description: "the community", content: { "application/json": { schema: CommunitySchema } } },
        404: {
          description: "no such community run",
          content: { "application/json": { schema: ErrorSchema } },
        },
      },
    }),
    async (c) => {
      try {
        const { run, spec } = await communityRun(ctx.store, c.req.valid("param").run);
        const { community, note } = await load(run.id);
        const design = communityOf(spec.instrument)!;
        const own = new Map<string, number>();
        const branchesOf = new Map<string, Set<string>>();
        for (const u of community.utterances) {
          if (u.kind !== "reply") continue;
          const isOwn = u.branch === MAIN || u.thread.startsWith(`${u.branch}.`);
          if (isOwn) own.set(u.thread, (own.get(u.thread) ?? 0) + 1);
          else branchesOf.set(u.thread, (branchesOf.get(u.thread) ?? new Set()).add(u.branch));
        }
        return c.json(
          {
            run: run.id,
            name: spec.name,
            goal: design.goal,
            rules: design.rules,
            model: run.modelId,
            status: run.status,
            note,
            personas: community.pools.get(MAIN)?.length ?? 0,
            threads: community.threads.map((t) => ({
              thread: t.thread,
              iteration: t.iteration,
              status: t.status,
              title: t.post ? titleOf(t.post.text) : null,
              author: t.post?.author ?? null,
              replies: own.get(t.thread) ?? 0,
              branches: [...(branchesOf.get(t.thread) ?? [])],
            })),
            branches: community.branches,
          },
          200,
        );
      } catch (e) {
        if (notFound(e)) return errorJson(c, 404, (e as Error).message);
        throw e;
      }
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/runs/{run}/threads/{thread}",
      summary: "One thread: every utterance (its own and its branches'), and its branches",
      request: { params: RunParam.extend({ thread: z.string().min(1).openapi({ example: "t7" }) }) },
      responses: {
        200: {
          description: "the thread",
          content: {
            "application/json": {
              schema: z.object({
                thread: z.string(),
                iteration: z.string(),
                note: z.string().nullable(),
                utterances: z.array(UtteranceSchema),
                branches: z.array(BranchSchema),
              }),
            },
          },
        },
        404: { description: "no such thread", content: { "application/json": { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const { run, thread } = c.req.valid("param");
      try {
        const { community, note } = await load(run);
        const info = community.threads.find((t) => t.thread === thread);
        if (!info) return errorJson(c, 404, `run ${run} has no thread "${thread}"`);
        return c.json(
          {
            thread,
            iteration: info.iteration,
            note,
            utterances: community.utterances.filter((u) => u.thread === thread).map(threadRow),
            branches: community.branches.filter((b) => b.thread === thread),
          },
          200,
        );
      } catch (e) {
        if (notFound(e)) return errorJson(c, 404, (e as Error).message);
        throw e;
      }
    },
  );

  /** Checks a request against the stored community, then starts it in the background. */
  const startBranch = async (
    runId: string,
    request: BranchRequest,
  ): Promise<{ issue: string } | { job: ServerJob }> => {
    const { community } = await load(runId);
    if (request.kind !== "community" && !community.byId.has(request.from)) {
      return { issue: `no utterance "${request.from}" in run ${runId}` };
    }
    const job = ctx.jobs.start(
      request.kind === "whatif" ? "whatif" : "multiverse",
      runId,
      async (onProgress) => {
        const r = await branchCommunity({
          store: ctx.store,
          runId,
          request,
          dataDir: ctx.dataDir,
          modelId: ctx.modelId,
          onProgress,
        });
        return {
          branches: r.branches,
          existing: r.existing,
          status: r.run.status,
          calls: r.summary.calls,
          notes: r.notes,
        };
      },
      (error) => (error instanceof Error ? error.message : String(error)),
    );
    return { job };
  };
  const accepted = {
    description: "started: poll /api/jobs/{id}",
    content: { "application/json": { schema: JobSchema } },
  };
  const refused = {
    400: { description: "a field is wrong", content: { "application/json": { schema: ErrorSchema } } },
    404: { description: "no such community run", content: { "application/json": { schema: ErrorSchema } } },
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/runs/{run}/whatif",
      summary:
        "WhatIf: a branch after an utterance whose next replier has this persona (or whose next reply is this text)",
      request: {
        params: RunParam,
        body: { required: true, content: { "application/json": { schema: WhatIfBody } } },
      },
      responses: { 202: accepted, ...refused },
    }),
    async (c) => {
      const body = c.req.valid("json");
      try {
        const r = await startBranch(c.req.valid("param").run, {
          kind: "whatif",
          from: body.utterance,
          as: body.as,
          text: body.text,
          continue: body.continue,
        });
        if ("issue" in r) return errorJson(c, 400, r.issue, [{ field: "body.utterance", message: r.issue }]);
        return c.json(r.job, 202);
      } catch (e) {
        if (notFound(e)) return errorJson(c, 404, (e as Error).message);
        throw e;
      }
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/runs/{run}/multiverse",
      summary:
        "Multiverse: n other continuations of an utterance, or n new iterations of the whole community",
      request: {
        params: RunParam,
        body: { required: true, content: { "application/json": { schema: MultiverseBody } } },
      },
      responses: { 202: accepted, ...refused },
    }),
    async (c) => {
      const body = c.req.valid("json");
      try {
        const request: BranchRequest =
          body.utterance !== undefined
            ? { kind: "multiverse", from: body.utterance, n: body.n, temperature: body.temperature }
            : { kind: "community", n: body.n, temperature: body.temperature };
        const r = await startBranch(c.req.valid("param").run, request);
        if ("issue" in r) return errorJson(c, 400, r.issue, [{ field: "body.utterance", message: r.issue }]);
        return c.json(r.job, 202);
      } catch (e) {
        if (notFound(e)) return errorJson(c, 404, (e as Error).message);
        throw e;
      }
    },
  );
}
