/**
 * Reasoning synthesis (Lu et al. 2025): a model writes, for each real action that has no
 * rationale, a short first-person reason given the page and what the shopper did, guided by
 * examples of real rationales. The reason goes in the step's `synthesized_reasoning`, beside a
 * human `reasoning` and never in its place: a step with a human rationale is not asked about.
 */

import { z } from "zod";
import { readJsonl } from "../data/index.ts";
import type { PlannedJob } from "../designs/index.ts";
import type { EpisodeContext, EpisodeProgram, EpisodeResponse } from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { ChatMessage, ModelRequest } from "../llm/types.ts";
import { assistantTurn } from "./prompt.ts";
import { actionSchema, describeIssues, rationaleOf, type Session, type WebAction } from "./session.ts";
import { itemStep, type SessionInputs, sessionSha, stepItem } from "./task.ts";

/** One example of a real rationale: what the shopper did (on which page, optionally) and why. */
export interface ReasonExample {
  context?: string;
  action: WebAction;
  reasoning: string;
}

/** The project's own examples, used when none are given (written here, in the paper's style). */
export const DEFAULT_REASON_EXAMPLES: ReasonExample[] = [
  {
    action: { type: "type_and_submit", target: "header.search.query", text: "rain jacket women" },
    reasoning: "I need a rain jacket before my trip, so I search for one.",
  },
  {
    action: { type: "click", target: "filter.price.under_50" },
    reasoning: "I don't want to spend more than fifty dollars on this.",
  },
  {
    action: { type: "click", target: "results.packable_rain_shell.title" },
    reasoning: "This one is light and has lots of good reviews, so I take a closer look.",
  },
  {
    action: { type: "click", target: "packable_rain_shell.size.select.m" },
    reasoning: "I usually wear a medium.",
  },
  {
    action: { type: "click", target: "packable_rain_shell.add_to_cart" },
    reasoning: "It fits my budget and the reviews say it keeps you dry, so I'll buy it.",
  },
  {
    action: { type: "terminate" },
    reasoning: "None of these is quite what I had in mind, so I'll look somewhere else.",
  },
];

const exampleSchema = z
  .object({
    context: z.string().optional(),
    action: actionSchema,
    reasoning: z.string().trim().min(1, "must be a non-empty string"),
  })
  .strict();

/** Few-shot examples JSONL: one `{"context"?, "action", "reasoning"}` a line (a session step's fields). */
export function readReasonExamples(path: string): ReasonExample[] {
  const out: ReasonExample[] = [];
  for (const { line, value } of readJsonl(path)) {
    const parsed = exampleSchema.safeParse(value);
    if (!parsed.success) throw new UserError(describeIssues(parsed.error), { where: `${path}:${line}` });
    out.push(parsed.data as ReasonExample);
  }
  if (out.length === 0) throw new UserError("no examples in the file", { where: path });
  return out;
}

/** A reason longer than this is not "one short sentence". */
export const MAX_REASON_CHARS = 300;

function instructions(examples: readonly ReasonExample[]): string {
  const shown = examples.map((e, i) => {
    const page = e.context?.trim() ? `Page (excerpt): ${e.context.trim()}\n` : "";
    return `Example ${i + 1}\n${page}Action: ${assistantTurn(e.action, undefined, false)}\nReason: ${e.reasoning.trim()}`;
  });
  return (
    "You help researchers who study how real people shop online. For a step of a real shopping session you " +
    "see the page the shopper saw (simplified HTML, every element they could act on named), what they did " +
    "before, and what they did on this page. Write the shopper's reason for that action: one short sentence " +
    "in the first person, as the shopper would think it, about what they want or notice (not a description " +
    "of the page or of the action). These rationales are from real shopping sessions:\n\n" +
    `${shown.join("\n\n")}\n\nReply with JSON only: {"reasoning": "<the shopper's reason>"}.`
  );
}

/**
 * The conversation that asks for step `step`'s reason: the instructions with the examples, then the
 * earlier actions with their rationales (a human one, else one synthesized before), the page, and
 * the action taken on it.
 */
export function reasonMessages(
  session: Session,
  step: number,
  examples: readonly ReasonExample[],
  earlier: readonly (string | undefined)[],
): ChatMessage[] {
  const before = session.steps.slice(0, step).map((s, i) => {
    const why = earlier[i] ?? rationaleOf(s)?.text;
    return `${i + 1}. ${assistantTurn(s.action, undefined, false)}${why ? ` (${why})` : ""}`;
  });
  const current = session.steps[step];
  const user =
    (before.length
      ? `What the shopper did before:\n${before.join("\n")}\n\n`
      : "This is the shopper's first page.\n\n") +
    `The page they saw:\n${current.context}\n\n` +
    `What they did on it: ${assistantTurn(current.action, undefined, false)}\n\nWhy did they do it?`;
  return [
    { role: "system", content: instructions(examples) },
    { role: "user", content: user },
  ];
}

export const REASON_SCHEMA = {
  name: "shopper_reason",
  schema: {
    type: "object",
    properties: { reasoning: { type: "string" } },
    required: ["reasoning"],
    additionalProperties: false,
  },
};

/** Reads a reply: the reason, or what is wrong with it (for the repair prompt). */
export function checkReason(
  text: string,
): { ok: true; value: string } | { ok: false; problems: { reason: string }[] } {
  const fail = (reason: string) => ({ ok: false as const, problems: [{ reason }] });
  let data: unknown;
  try {
    data = JSON.parse(
      text
        .trim()
        .replace(/^```(?:json)?\s*/i, "")
        .replace(/\s*```$/, ""),
    );
  } catch {
    return fail('the reply is not JSON: answer with {"reasoning": "…"} only');
  }
  const reasoning = (data as { reasoning?: unknown } | null)?.reasoning;
  if (typeof reasoning !== "string" || reasoning.trim() === "") {
    return fail('"reasoning" is missing: give the shopper\'s reason as one short first-person sentence');
  }
  if (reasoning.trim().length > MAX_REASON_CHARS) {
    return fail(`the reason is ${reasoning.trim().length} characters long: keep it to one short sentence`);
  }
  return { ok: true, value: reasoning.trim() };
}

/** The steps of a session that need a reason: neither a human nor an earlier synthesized one. */
export function stepsToReason(session: Session): number[] {
  return session.steps.flatMap((s, i) => (rationaleOf(s) ? [] : [i]));
}

/** One job per session with a step to reason about, id `USER/SESSION/reason`, items `step:N`. */
export function reasonJobs(sessions: readonly Session[]): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (const s of sessions) {
    const steps = stepsToReason(s);
    if (steps.length === 0) continue;
    const inputs: SessionInputs = { session: s.session, sha: sessionSha(s) };
    jobs.push({
      jobId: `${s.user}/${s.session}/reason`,
      seq: jobs.length,
      agentId: s.user,
      items: steps.map(stepItem),
      arm: "reason",
      replicate: 1,
      inputs: { ...inputs },
    });
  }
  return jobs;
}

export interface ReasonSettings {
  sessions: ReadonlyMap<string, Session>;
  examples: readonly ReasonExample[];
  maxOutputTokens: number;
  temperature?: number;
}

/** The request that asks for one step's reason (what the dry run and the episode both send). */
export function reasonRequest(
  settings: ReasonSettings,
  session: Session,
  step: number,
  earlier: readonly (string | undefined)[],
  seed: number,
): ModelRequest {
  const request: ModelRequest = {
    messages: reasonMessages(session, step, settings.examples, earlier),
    schema: REASON_SCHEMA,
    seed,
    maxOutputTokens: settings.maxOutputTokens,
  };
  if (settings.temperature !== undefined) request.temperature = settings.temperature;
  return request;
}

/**
 * The episode: a session's steps in order, each asked for its reason; a reason written for an
 * earlier step is shown with it when a later one is asked (the session reads as one person's).
 */
export function reasonProgram(settings: ReasonSettings): EpisodeProgram {
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const id = (ctx.job.inputs as SessionInputs | undefined)?.session;
    const session = id === undefined ? undefined : settings.sessions.get(id);
    if (!session) throw new Error(`internal error: job ${ctx.job.jobId} names no session`);
    const written: (string | undefined)[] = [];
    const rows: EpisodeResponse[] = [];
    for (const item of ctx.job.items) {
      const step = itemStep(item)!;
      const request = reasonRequest(settings, session, step, written, ctx.seed);
      const asked = await ctx.ask({
        speaker: "reasoner",
        prompt: `step ${step}: ${request.messages[1].content}`,
        request,
        shown: { step },
        check: (reply, sent) => {
          const checked = checkReason(reply.text);
          if (checked.ok) return checked;
          const list = checked.problems.map((p) => `- ${p.reason}`).join("\n");
          return {
            ok: false,
            problems: checked.problems,
            again: {
              ...sent,
              messages: [
                ...sent.messages,
                { role: "assistant", content: reply.text.trim() === "" ? "(empty reply)" : reply.text },
                {
                  role: "user",
                  content: `Your answer could not be used:\n${list}\n\nReply again with JSON only: {"reasoning": "…"}.`,
                },
              ],
            },
          };
        },
      });
      if (asked.ok) {
        written[step] = asked.value;
        rows.push({ item, status: "ok", answer: asked.value, reason: null, turn: asked.turn });
      } else rows.push({ item, status: "failed", answer: null, reason: asked.reason, turn: asked.turn });
    }
    return rows;
  };
}

/**
 * The sessions with the reasons written: `synthesized_reasoning` on the steps that had no
 * rationale. A human `reasoning` is never touched, and a step that has one takes no reason.
 */
export function withSynthesizedReasons(
  sessions: readonly Session[],
  reasons: ReadonlyMap<string, string>,
): { sessions: Session[]; added: number } {
  let added = 0;
  const out = sessions.map((s) => ({
    ...s,
    steps: s.steps.map((step, i) => {
      const reason = reasons.get(`${s.session}\u0000${i}`);
      if (reason === undefined || rationaleOf(step)) return step;
      added++;
      return { ...step, synthesized_reasoning: reason };
    }),
  }));
  return { sessions: out, added };
}
