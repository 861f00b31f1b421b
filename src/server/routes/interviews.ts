import { createRoute, z } from "@hono/zod-openapi";
import { isUserError, UserError } from "../../errors/index.ts";
import {
  answerSession,
  consentSession,
  getSession,
  type LoadedScript,
  loadScript,
  MAX_ANSWER_CHARS,
  SessionNotFound,
  type SessionSettings,
  sessionView,
  startSession,
} from "../../interviewer/index.ts";
import type { LanguageModel } from "../../llm/types.ts";
import { isTestDouble } from "../../simulacra/index.ts";
import type { InterviewSession } from "../../store/types.ts";
import { resolveModel } from "../../study/index.ts";
import { type App, errorJson, type ServerContext } from "../app.ts";
import { ErrorSchema } from "./runs.ts";

const SessionParam = z.object({ session: z.string().min(1).openapi({ example: "Tq0zW3m9VJc2n1Hk8rYbXA" }) });
const Turn = z.object({ speaker: z.string(), text: z.string() });

const SessionSchema = z
  .object({
    id: z.string(),
    link: z.string(),
    status: z.enum(["consent", "in_progress", "completed"]),
    script: z.string(),
    /** The script's topics, in order (the consent screen lists them). */
    topics: z.array(z.string()),
    /** The question to answer now; null before consent and once finished. */
    question: z.string().nullable(),
    turns: z.array(Turn),
    progress: z.object({ module: z.number(), modules: z.number(), topic: z.string().nullable() }),
    words: z.number(),
    /** Set when the interviewer is a test double (the mock LLM server). */
    note: z.string().nullable(),
  })
  .openapi("InterviewSession");

const Answer = z
  .object({ text: z.string().trim().min(1, "the answer is empty").max(MAX_ANSWER_CHARS) })
  .openapi("InterviewAnswer");

const TEST_DOUBLE_NOTE =
  "The interviewer's follow-up questions come from the mock LLM server, a test double: they are stock sentences, not a language model's.";

/**
 * Interviews with real participants: a session made by the page, shown by its link (consent,
 * then the chat), saved after every answer so the participant can come back; the finished
 * transcript is an interview agent (`source: interviews` with `db:`).
 */
export function interviewRoutes(app: App, ctx: ServerContext): void {
  let script: LoadedScript | undefined;
  let model: LanguageModel | undefined;
  /** The script and the interviewer's model, read when first needed (a server without --model serves the rest). */
  const settings = (): SessionSettings => {
    script ??= loadScript(ctx.interviewScript);
    if (!ctx.modelId) {
      throw new UserError("this server has no interviewer model: start it with populace serve --model ID");
    }
    model ??= resolveModel(ctx.modelId, { dataDir: ctx.dataDir, seed: 1 });
    if (model.kind === "baseline") {
      throw new UserError(
        `${model.id} answers surveys from data and cannot interview: serve with a language model`,
      );
    }
    return { store: ctx.store, script, model };
  };
  const view = (s: InterviewSession, o: SessionSettings) => ({
    ...sessionView(s, o.script),
    link: `/interview/${s.id}`,
    topics: o.script.script.modules.map((m) => m.topic),
    note: isTestDouble(o.model.id, o.model.kind) ? TEST_DOUBLE_NOTE : null,
  });
  /** A known session, or a 404; other refusals are 400s (the app's error handler). */
  const withSession = async <T>(fn: () => Promise<T>): Promise<T | { missing: string }> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SessionNotFound) return { missing: e.message };
      throw e;
    }
  };
  const responses = {
    200: { description: "the session", content: { "application/json": { schema: SessionSchema } } },
    400: { description: "refused", content: { "application/json": { schema: ErrorSchema } } },
    404: { description: "no such session", content: { "application/json": { schema: ErrorSchema } } },
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/interviews",
      summary: "A new interview session, waiting for the participant's consent; its link is the way back",
      responses: {
        201: { description: "made", content: { "application/json": { schema: SessionSchema } } },
        400: { description: "refused", content: { "application/json": { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const o = settings();
      return c.json(view(await startSession(o), o), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/interviews/{session}",
      summary: "A session as the page shows it: its status, the question to answer, the transcript so far",
      request: { params: SessionParam },
      responses,
    }),
    async (c) => {
      const o = settings();
      const s = await withSession(() => getSession(o, c.req.valid("param").session));
      return "missing" in s ? errorJson(c, 404, s.missing) : c.json(view(s, o), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/interviews/{session}/consent",
      summary: "The participant agrees: the interview begins with its first question",
      request: { params: SessionParam },
      responses,
    }),
    async (c) => {
      const o = settings();
      const s = await withSession(() => consentSession(o, c.req.valid("param").session));
      return "missing" in s ? errorJson(c, 404, s.missing) : c.json(view(s, o), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/interviews/{session}/answers",
      summary: "The participant's answer; the interviewer's next question comes back (or the end)",
      request: {
        params: SessionParam,
        body: { required: true, content: { "application/json": { schema: Answer } } },
      },
      responses,
    }),
    async (c) => {
      const o = settings();
      const { text } = c.req.valid("json");
      try {
        const s = await withSession(() => answerSession(o, c.req.valid("param").session, text));
        return "missing" in s ? errorJson(c, 404, s.missing) : c.json(view(s, o), 200);
      } catch (e) {
        if (isUserError(e)) return errorJson(c, 400, e.message);
        throw e;
      }
    },
  );
}
