/**
 * The next-action task as an episode: one session, one turn per test case. Each turn is given the
 * TRUE history (the pages the shopper saw, what they did and why), as Lu et al. evaluate, so a
 * wrong prediction never changes what later turns see; the answer is checked against the page and
 * repaired with the check's own problems, and after the last repair it is a failed row (a missing
 * prediction).
 */
import type { PlannedJob } from "../designs/index.ts";
import type { EpisodeContext, EpisodeProgram, EpisodeResponse, TurnSpec } from "../engine/index.ts";
import type { AnswerProblem } from "../llm/index.ts";
import type { ChatMessage, ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";
import {
  checkNextAction,
  type NextActionOptions,
  type NextAnswer,
  nextActionMessages,
  nextActionSchema,
  nextActionTool,
  SCHEMA_NAME,
} from "./prompt.ts";
import type { Session } from "./session.ts";
import { itemStep, type SessionInputs, stepItem, type WebActionsTask } from "./task.ts";

export interface WebActionsSettings {
  task: WebActionsTask;
  /** Text each arm adds to the instructions ("" for none). */
  arms: ReadonlyMap<string, string>;
  temperature?: number;
  maxOutputTokens: number;
}

/** The session a job is about. */
export function jobSession(task: WebActionsTask, job: PlannedJob): Session {
  const id = (job.inputs as SessionInputs | undefined)?.session;
  const session = id === undefined ? undefined : task.sessions.get(id);
  if (!session) throw new Error(`internal error: job ${job.jobId} names no session of ${task.file}`);
  return session;
}

/**
 * Messages repeat across a session's turns (every earlier page comes back in each later one):
 * one object per distinct message, so the cache key digests each page once per episode.
 */
function interner(): (m: ChatMessage) => ChatMessage {
  const byRole = new Map<string, Map<string, ChatMessage>>();
  return (m) => {
    let seen = byRole.get(m.role);
    if (!seen) {
      seen = new Map();
      byRole.set(m.role, seen);
    }
    const found = seen.get(m.content);
    if (found) return found;
    seen.set(m.content, m);
    return m;
  };
}

/** The request that asks for step `step` of a session (the arm's text closes the instructions). */
export function nextActionRequest(
  settings: WebActionsSettings,
  session: Session,
  step: number,
  arm: string,
  seed: number,
  intern: (m: ChatMessage) => ChatMessage = (m) => m,
): ModelRequest {
  const { task } = settings;
  const options: NextActionOptions = {
    reasoning: task.reasoning,
    historyPages: task.historyPages,
    persona: task.personas?.get(session.user),
  };
  const messages: ChatMessage[] = nextActionMessages(session, step, options);
  const armText = settings.arms.get(arm)?.trim();
  if (armText) messages[0] = { role: "system", content: `${messages[0].content}\n\n${armText}` };
  const context = session.steps[step].context;
  const request: ModelRequest = {
    messages: messages.map(intern),
    seed,
    maxOutputTokens: settings.maxOutputTokens,
  };
  if (task.toolCall) {
    request.tools = [nextActionTool(context, options)];
    request.toolChoice = { name: SCHEMA_NAME };
  } else request.schema = nextActionSchema(context, options);
  if (settings.temperature !== undefined) request.temperature = settings.temperature;
  return request;
}

/** The requests a job would make, one a test case (repairs aside): for the dry run's estimate. */
export function nextActionRequests(
  settings: WebActionsSettings,
  job: PlannedJob,
  seed: number,
): ModelRequest[] {
  const session = jobSession(settings.task, job);
  const intern = interner();
  return job.items.map((item) =>
    nextActionRequest(settings, session, itemStep(item)!, job.arm, seed, intern),
  );
}

/**
 * Sends the reply back with what is wrong with it. A tool call gets its result (the problems)
 * and the same forced tool; a JSON reply gets a user turn listing the problems.
 */
export function repairNextAction(
  sent: ModelRequest,
  reply: CachedResponse,
  problems: AnswerProblem[],
  reasoning: boolean,
): ModelRequest {
  const list = problems.map((p) => `- ${p.reason}`).join("\n");
  const text = reply.text.trim() === "" ? "(empty reply)" : reply.text;
  const calls = reply.toolCalls?.filter((c) => c.name === SCHEMA_NAME) ?? [];
  if (sent.tools && calls.length > 0) {
    return {
      ...sent,
      messages: [
        ...sent.messages,
        { role: "assistant", content: reply.text, toolCalls: calls },
        ...calls.map(
          (c): ChatMessage => ({
            role: "tool",
            toolCallId: c.id,
            name: c.name,
            content: `Not accepted:\n${list}\nCall ${SCHEMA_NAME} again with an action on the current page.`,
          }),
        ),
      ],
    };
  }
  const shape = reasoning ? '{"reasoning": "…", "action": {…}}' : '{"action": {…}}';
  const how = sent.tools ? `Call the ${SCHEMA_NAME} tool` : `Reply again with JSON only: ${shape}`;
  return {
    ...sent,
    messages: [
      ...sent.messages,
      { role: "assistant", content: text },
      {
        role: "user",
        content: `Your answer could not be used:\n${list}\n\n${how}, using only names on the current page.`,
      },
    ],
  };
}

/** The answer of a reply: the forced tool call's arguments, or the text. */
function answerOf(reply: CachedResponse, tool: boolean): string | null {
  if (!tool) return reply.text;
  return reply.toolCalls?.find((c) => c.name === SCHEMA_NAME)?.arguments ?? null;
}

/** One test case as a turn: the request, and the check that reads (or repairs) the reply. */
export function nextActionTurn(
  settings: WebActionsSettings,
  session: Session,
  step: number,
  request: ModelRequest,
): TurnSpec<NextAnswer> {
  const context = session.steps[step].context;
  const reasoning = settings.task.reasoning;
  const tool = settings.task.toolCall;
  const last = request.messages.at(-1)!;
  return {
    speaker: session.user,
    prompt: `step ${step}: ${last.content}`,
    request,
    shown: { step },
    check: (reply, sent) => {
      const raw = answerOf(reply, tool);
      const checked =
        raw === null
          ? {
              ok: false as const,
              problems: [
                { reason: `no call of the ${SCHEMA_NAME} tool: call it with your reason and your action` },
              ],
            }
          : checkNextAction(raw, context, { reasoning });
      if (checked.ok) return { ok: true, value: checked.value };
      return {
        ok: false,
        problems: checked.problems,
        again: repairNextAction(sent, reply, checked.problems, reasoning),
      };
    },
  };
}

/**
 * The episode: the job's session, each of its test cases (`step:N`) asked in turn. A row's answer
 * is the action as JSON; the reasoning stays in the turn's payload (`populace transcript`).
 */
export function webActionsProgram(settings: WebActionsSettings): EpisodeProgram {
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const { job } = ctx;
    const session = jobSession(settings.task, job);
    const intern = interner();
    const rows: EpisodeResponse[] = [];
    for (const item of job.items) {
      const step = itemStep(item);
      if (step === null || step < 1 || step >= session.steps.length) {
        throw new Error(`internal error: job ${job.jobId} asks "${item}", not a test case of its session`);
      }
      const request = nextActionRequest(settings, session, step, job.arm, ctx.seed, intern);
      const asked = await ctx.ask(nextActionTurn(settings, session, step, request));
      rows.push(
        asked.ok
          ? {
              item: stepItem(step),
              status: "ok",
              answer: JSON.stringify(asked.value.action),
              reason: null,
              turn: asked.turn,
            }
          : { item: stepItem(step), status: "failed", answer: null, reason: asked.reason, turn: asked.turn },
      );
    }
    return rows;
  };
}
