/**
 * Answering with reflections: the transcript opens the prompt as under `interview`, and the
 * observations most relevant to the questions asked follow, within a token budget. Batch flow:
 * one episode turn per call, the observations chosen for its items and shown before them (the
 * transcript stays a stable, cacheable prefix). Sequential flow: chosen once for the whole survey
 * and added to the person's profile, then the survey runs as without them.
 */

import { cosine } from "../agents/memory/index.ts";
import {
  type EpisodeContext,
  type EpisodeProgram,
  type EpisodeResponse,
  toModelResponse,
} from "../engine/index.ts";
import type { Question } from "../instruments/types.ts";
import {
  type ElicitationMode,
  embeddingRequest,
  joinRequest,
  type ParsedAnswer,
  parseAnswers,
  questionRequest,
  readEmbeddings,
  repairRequest,
  systemPrompt,
} from "../llm/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import type { Found } from "./load.ts";
import { checkEmbeddings, EMBEDDINGS_SPEAKER } from "./program.ts";
import {
  bm25Scores,
  type Observation,
  observationsBlock,
  type PersonReflections,
  questionsQuery,
  withinBudget,
} from "./select.ts";

export interface Retrieval {
  /** Each person's reflections (or why there are none), known once the reflection stage is done. */
  reflections(agentId: string): Found;
  budgetTokens: number;
  /** The embedding model (an id the run resolves), when observations are ranked by embeddings. */
  embedder?: string;
}

/**
 * The observations for these questions: by the cosine of embeddings when the person's were
 * embedded (the questions are embedded in a turn of their own, the same for everyone asked them,
 * so the cache serves it after the first person), else by BM25.
 */
export async function chooseObservations(
  ctx: EpisodeContext,
  r: Retrieval,
  person: PersonReflections,
  texts: readonly string[],
): Promise<Observation[]> {
  const query = questionsQuery(texts);
  let scores: number[] | undefined;
  if (r.embedder && person.vectors) {
    const asked = await ctx.ask({
      speaker: EMBEDDINGS_SPEAKER,
      model: r.embedder,
      prompt: "embed the questions",
      request: embeddingRequest([query]),
      check: checkEmbeddings(1),
    });
    const q = asked.ok ? readEmbeddings(asked.text, 1) : undefined;
    if (Array.isArray(q)) scores = person.vectors.map((v) => cosine(q[0], v));
  }
  return withinBudget(person.observations, scores ?? bm25Scores(query, person.observations), r.budgetTokens);
}

/** Rows that fail every item of a job whose person has no reflections (a rerun retries transient ones). */
function withoutReflections(items: readonly string[], reason: string): EpisodeResponse[] {
  const why = `${reason} (this person's expert reflections failed, so there is nothing to answer with)`;
  return items.map((item) => ({ item, status: "failed", answer: null, reason: why, turn: null }));
}

export interface ReflectedAnswerSettings extends Retrieval {
  mode: ElicitationMode;
  questions: ReadonlyMap<string, Question>;
  /** Text each arm shows before the questions ("" for none). */
  arms: ReadonlyMap<string, string>;
  temperature?: number;
  maxOutputTokens: number;
}

/**
 * Batch flow: one call per job (its item set), as a BatchRunner would ask it, with the chosen
 * observations before the arm's text and the questions. Valid answers of a reply are kept and a
 * repair asks again only for the invalid items.
 */
export function reflectedAnswers(s: ReflectedAnswerSettings): EpisodeProgram {
  return async (ctx) => {
    const { job } = ctx;
    const found = s.reflections(job.agentId);
    if ("failed" in found) return withoutReflections(job.items, found.failed);
    const person = ctx.participant(job.agentId);
    const questions = job.items.map((id) => {
      const q = s.questions.get(id);
      if (!q) throw new Error(`internal error: job asks unknown item "${id}"`);
      return q;
    });
    const chosen = await chooseObservations(
      ctx,
      s,
      found,
      questions.map((q) => q.text),
    );
    const context = [observationsBlock(chosen, "you"), s.arms.get(job.arm) ?? ""]
      .filter((t) => t.trim() !== "")
      .join("\n\n");
    const part = questionRequest(questions, s.mode, context || undefined);
    const request = joinRequest(systemPrompt(person.profile), part);
    request.seed = ctx.seed;
    request.maxOutputTokens = part.maxOutputTokens ?? s.maxOutputTokens;
    request.subject = {
      agentId: job.agentId,
      attributes: person.attributes,
      items: questions.map((q) => ({ id: q.id, options: q.options })),
      replicate: job.replicate,
    };
    if (s.temperature !== undefined) request.temperature = s.temperature;
    // What each repair asks for, and the answers kept so far, by the request that asks it: the
    // check stays a function of (reply, request).
    const asking = new WeakMap<ModelRequest, { questions: Question[]; kept: Record<string, ParsedAnswer> }>();
    let last: { kept: Record<string, ParsedAnswer>; problems: Map<string, string> } = {
      kept: {},
      problems: new Map(),
    };
    const asked = await ctx.ask({
      speaker: person.id,
      prompt: part.user,
      request,
      shown: { observations: chosen.length },
      check: (reply, sent) => {
        const state = asking.get(sent) ?? { questions, kept: {} };
        const parsed = parseAnswers(state.questions, s.mode, toModelResponse(reply));
        const kept = { ...state.kept, ...parsed.answers };
        last = {
          kept,
          problems: new Map(parsed.problems.filter((p) => p.item).map((p) => [p.item!, p.reason])),
        };
        if (parsed.problems.length === 0) return { ok: true, value: kept };
        const failing = state.questions.filter((q) => !parsed.answers[q.id]);
        const again = repairRequest(sent, toModelResponse(reply), parsed.problems, failing);
        asking.set(again, { questions: failing, kept });
        return { ok: false, problems: parsed.problems, again };
      },
    });
    const answers = asked.ok ? asked.value : last.kept;
    const prefix = asked.ok ? "" : asked.reason.replace(/: .*$/s, "");
    return questions.map((q): EpisodeResponse => {
      const a = answers[q.id];
      if (a) {
        return {
          item: q.id,
          status: "ok",
          answer: a.answer,
          reason: null,
          probabilities: a.probabilities ?? null,
          turn: asked.turn,
        };
      }
      const own = last.problems.get(q.id);
      const reason = asked.ok
        ? "no answer"
        : own && prefix.startsWith("invalid")
          ? `${prefix}: ${own}`
          : asked.reason;
      return { item: q.id, status: "failed", answer: null, reason, turn: asked.turn };
    });
  };
}

/**
 * Sequential flow: the observations most relevant to the whole survey are chosen once and follow
 * the transcript in the person's profile; the survey program then asks its items in turns.
 */
export function reflectedSurvey(
  r: Retrieval,
  itemTexts: readonly string[],
  survey: EpisodeProgram,
): EpisodeProgram {
  return async (ctx) => {
    const found = r.reflections(ctx.job.agentId);
    if ("failed" in found) return withoutReflections(ctx.job.items, found.failed);
    const person = ctx.participant(ctx.job.agentId);
    const chosen = await chooseObservations(ctx, r, found, itemTexts);
    const block = observationsBlock(chosen, "me");
    const profile = block ? `${person.profile}\n\n${block}` : person.profile;
    return survey({
      ...ctx,
      participant: (id) => (id === person.id ? { ...person, profile } : ctx.participant(id)),
    });
  };
}
