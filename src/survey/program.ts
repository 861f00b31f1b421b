import {
  type EpisodeContext,
  type EpisodeProgram,
  type EpisodeResponse,
  type Participant,
  toModelResponse,
} from "../engine/index.ts";
import { describeCondition, type Earlier, type FlowItem, holds, pipe } from "../instruments/flow.ts";
import type { Question } from "../instruments/types.ts";
import {
  type ElicitationMode,
  parseAnswers,
  questionRequest,
  repairRequest,
  systemPrompt,
} from "../llm/index.ts";
import type { ChatMessage, ModelRequest } from "../llm/types.ts";

export interface SurveySettings {
  items: readonly FlowItem[];
  mode: ElicitationMode;
  /** Text each arm shows the simulated person before the first question ("" for none). */
  arms: ReadonlyMap<string, string>;
  temperature?: number;
  maxOutputTokens: number;
}

/**
 * A sequential survey as an episode: one person is asked the items in order, one a turn, with
 * the earlier questions and answers in context (memory within an interview). An item is asked
 * only when its `when` holds, piped text shows earlier answers, and the survey ends after an item
 * whose `stop_when` holds; every item not asked is a `skipped` row whose reason says which rule.
 */
export function surveyProgram(settings: SurveySettings): EpisodeProgram {
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const { job } = ctx;
    const person = ctx.participant(job.agentId);
    // One message object for every turn: its digest (the cache key's largest part) is made once.
    const system: ChatMessage = { role: "system", content: systemPrompt(person.profile) };
    const history: ChatMessage[] = [];
    const earlier = new Map<string, Earlier>();
    const responses: EpisodeResponse[] = [];
    let stopped: string | null = null;
    for (const item of settings.items) {
      const q = item.question;
      const skip = (reason: string) => {
        earlier.set(q.id, { missing: "skipped" });
        responses.push({ item: q.id, status: "skipped", answer: null, reason, turn: null });
      };
      if (stopped) {
        skip(stopped);
        continue;
      }
      if (item.when) {
        const h = holds(item.when, earlier);
        if ("missing" in h) {
          skip(`skipped: when ${describeCondition(item.when)}, but ${h.missing}`);
          continue;
        }
        if (!h.holds) {
          skip(`skipped: when ${describeCondition(item.when)} does not hold`);
          continue;
        }
      }
      const piped = pipe(q.text, earlier);
      if ("missing" in piped) {
        skip(`skipped: its text shows {{${piped.missing}}}, which has no answer`);
        continue;
      }
      const options = item.randomizeOptions && q.options ? ctx.rng.shuffle(q.options) : q.options;
      const shown = shownQuestion(q, piped.text, options);
      const turn = await askItem(ctx, settings, person, system, history, shown, history.length === 0);
      if (turn.ok) {
        earlier.set(q.id, { answer: turn.answer });
        responses.push({
          item: q.id,
          status: "ok",
          answer: turn.answer,
          reason: null,
          probabilities: turn.probabilities,
          turn: turn.turn,
        });
      } else {
        earlier.set(q.id, { missing: "failed" });
        responses.push({ item: q.id, status: "failed", answer: null, reason: turn.reason, turn: turn.turn });
      }
      if (item.stopWhen && turn.ok) {
        const h = holds(item.stopWhen, earlier);
        if ("holds" in h && h.holds)
          stopped = `skipped: the survey stopped after ${q.id} (stop_when ${describeCondition(item.stopWhen)})`;
      }
    }
    return responses;
  };
}

type ItemTurn =
  | { ok: true; answer: string | number; probabilities: Record<string, number> | null; turn: number }
  | { ok: false; reason: string; turn: number };

/** One item as one turn: the conversation so far, then the question (with the arm's text first, on turn one). */
async function askItem(
  ctx: EpisodeContext,
  settings: SurveySettings,
  person: Participant,
  system: ChatMessage,
  history: ChatMessage[],
  q: Question,
  first: boolean,
): Promise<ItemTurn> {
  const questions = alone(q);
  const part = questionRequest(
    questions,
    settings.mode,
    first ? settings.arms.get(ctx.job.arm) || undefined : undefined,
  );
  const { user, ...rest } = part;
  const request: ModelRequest = {
    ...rest,
    messages: [system, ...history, { role: "user", content: user }],
    seed: ctx.seed,
    maxOutputTokens: part.maxOutputTokens ?? settings.maxOutputTokens,
    subject: {
      agentId: person.id,
      attributes: person.attributes,
      items: [{ id: q.id, options: q.options }],
      replicate: ctx.job.replicate,
    },
  };
  if (settings.temperature !== undefined) request.temperature = settings.temperature;
  const asked = await ctx.ask({
    speaker: person.id,
    prompt: user,
    request,
    shown: q.options ? { options: q.options } : undefined,
    check: (reply, sent) => {
      const parsed = parseAnswers(questions, settings.mode, toModelResponse(reply));
      if (parsed.problems.length === 0) return { ok: true, value: parsed.answers[q.id] };
      return {
        ok: false,
        problems: parsed.problems,
        again: repairRequest(sent, toModelResponse(reply), parsed.problems, questions),
      };
    },
  });
  if (!asked.ok) return { ok: false, reason: asked.reason, turn: asked.turn };
  // The conversation carries the question and the reply that answered it (not the repairs).
  history.push({ role: "user", content: user }, { role: "assistant", content: asked.text });
  return {
    ok: true,
    answer: asked.value.answer,
    probabilities: asked.value.probabilities ?? null,
    turn: asked.turn,
  };
}

// The question as shown, one object per distinct text and option order: the prompt, schema and
// answer rule built for it are made once, not once a person.
const shownQuestions = new WeakMap<Question, Map<string, Question>>();
const SHOWN_PER_QUESTION = 4096;

function shownQuestion(q: Question, text: string, options: string[] | undefined): Question {
  if (text === q.text && options === q.options) return q;
  let byContent = shownQuestions.get(q);
  if (!byContent) {
    byContent = new Map();
    shownQuestions.set(q, byContent);
  }
  const key = `${text}\u0000${options?.join("\u0000") ?? ""}`;
  let shown = byContent.get(key);
  if (!shown) {
    shown = { ...q, text, options };
    // Bounded: piped free text rarely repeats.
    if (byContent.size < SHOWN_PER_QUESTION) byContent.set(key, shown);
  }
  return shown;
}

// One list per question: the schema and prompt body built for a question list are kept per list.
const lists = new WeakMap<Question, Question[]>();

function alone(q: Question): Question[] {
  let list = lists.get(q);
  if (!list) {
    list = [q];
    lists.set(q, list);
  }
  return list;
}
