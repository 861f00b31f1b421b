import type { DesignCall } from "../designs/modes/index.ts";
import {
  type EpisodeContext,
  type EpisodeProgram,
  type EpisodeResponse,
  toModelResponse,
} from "../engine/index.ts";
import type { Answer } from "../instruments/types.ts";
import {
  parseAnswers,
  type QuestionRequest,
  questionRequest,
  repairRequest,
  systemPrompt,
} from "../llm/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import { type DesignExperiment, OUTCOME_ITEM } from "./compile.ts";
import { itemsOf } from "./plan.ts";

export interface DesignProgramSettings {
  experiment: DesignExperiment;
  /** Each call by its stored arm (designJobs). */
  calls: ReadonlyMap<string, DesignCall>;
  temperature?: number;
  maxOutputTokens: number;
}

/**
 * One design call as an episode of one turn: the person's profile, the mode's text before the
 * questions (the design stated or not, the arm, the probe's preamble), then the questions (the
 * probe's first), answered in JSON, checked and repaired like any survey answer. A classic
 * study's answer is also stored coded as its outcome (1/0).
 */
export function designProgram(s: DesignProgramSettings): EpisodeProgram {
  const parts = new Map<DesignCall, QuestionRequest>();
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const { job } = ctx;
    const call = s.calls.get(job.arm);
    if (!call) throw new Error(`internal error: no design call for arm "${job.arm}" of job ${job.jobId}`);
    let part = parts.get(call);
    if (!part) {
      part = questionRequest(call.questions, "generate", call.context);
      parts.set(call, part);
    }
    const person = ctx.participant(job.agentId);
    const { user, ...rest } = part;
    const request: ModelRequest = {
      ...rest,
      messages: [
        { role: "system", content: systemPrompt(person.profile) },
        { role: "user", content: user },
      ],
      seed: ctx.seed,
      maxOutputTokens: part.maxOutputTokens ?? s.maxOutputTokens,
      subject: {
        agentId: person.id,
        attributes: person.attributes,
        items: call.questions.map((q) => ({ id: q.id, options: q.options })),
        replicate: job.replicate,
      },
    };
    if (s.temperature !== undefined) request.temperature = s.temperature;
    const asked = await ctx.ask({
      speaker: person.id,
      prompt: user,
      request,
      check: (reply, sent) => {
        const parsed = parseAnswers(call.questions, "generate", toModelResponse(reply));
        if (parsed.problems.length === 0) return { ok: true, value: parsed.answers };
        return {
          ok: false,
          problems: parsed.problems,
          again: repairRequest(sent, toModelResponse(reply), parsed.problems, call.questions),
        };
      },
    });
    if (!asked.ok) {
      return itemsOf(call, s.experiment).map((item) => ({
        item,
        status: "failed",
        answer: null,
        reason: asked.reason,
        turn: asked.turn,
      }));
    }
    const rows: EpisodeResponse[] = call.questions.map((q) => ({
      item: q.id,
      status: "ok",
      answer: asked.value[q.id].answer,
      reason: null,
      turn: asked.turn,
    }));
    const coding = s.experiment.coding;
    if (coding) {
      for (const q of call.questions) {
        // A call over every arm asks "<arm>/<item>"; a call for one arm its own items.
        const slash = q.id.indexOf("/");
        const arm = call.arm ?? q.id.slice(0, slash);
        const code = coding.get(arm);
        if (!code) continue;
        const answer: Answer = asked.value[q.id].answer;
        const value = code[String(answer)];
        if (value === undefined) continue;
        rows.push({
          item: call.arm === null ? `${arm}/${OUTCOME_ITEM}` : OUTCOME_ITEM,
          status: "ok",
          answer: value,
          reason: null,
          turn: asked.turn,
        });
      }
    }
    return rows;
  };
}
