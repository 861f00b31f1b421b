import { type ConjointWording, checkConjointChoice, conjointTaskRequest } from "../designs/conjoint/index.ts";
import type { EpisodeContext, EpisodeProgram, EpisodeResponse } from "../engine/index.ts";
import { systemPrompt } from "../llm/index.ts";
import type { ChatMessage, ModelRequest } from "../llm/types.ts";
import { type ConjointInputs, taskItem } from "./plan.ts";

export interface ConjointProgramSettings {
  wording: ConjointWording;
  /** Text each arm shows before the first task ("" for none). */
  arms: ReadonlyMap<string, string>;
  temperature?: number;
  maxOutputTokens: number;
}

const LETTERS = ["A", "B"] as const;

/**
 * A person's conjoint tasks as one episode: one task a turn, the earlier tasks and choices in
 * the conversation (as in a survey taken in one sitting), each reply checked ("A" or "B") and
 * repaired like any answer. The profiles shown are stored with each turn.
 */
export function conjointProgram(s: ConjointProgramSettings): EpisodeProgram {
  return async (ctx: EpisodeContext): Promise<EpisodeResponse[]> => {
    const { job } = ctx;
    const { tasks } = job.inputs as unknown as ConjointInputs;
    const person = ctx.participant(job.agentId);
    const system: ChatMessage = { role: "system", content: systemPrompt(person.profile) };
    const history: ChatMessage[] = [];
    const armText = (s.arms.get(job.arm) ?? "").trim();
    const rows: EpisodeResponse[] = [];
    for (const task of tasks.tasks) {
      const item = taskItem(task.task);
      const built = conjointTaskRequest(tasks, task, s.wording);
      const user = history.length === 0 && armText ? `${armText}\n\n${built.user}` : built.user;
      const request: ModelRequest = {
        messages: [system, ...history, { role: "user", content: user }],
        schema: built.schema,
        seed: ctx.seed,
        maxOutputTokens: s.maxOutputTokens,
        subject: {
          agentId: person.id,
          attributes: person.attributes,
          items: [{ id: item, options: [...LETTERS] }],
          replicate: job.replicate,
        },
      };
      if (s.temperature !== undefined) request.temperature = s.temperature;
      const asked = await ctx.ask<1 | 2>({
        speaker: person.id,
        prompt: user,
        request,
        shown: { task: task.task, profiles: task.profiles, repeats: task.repeats ?? null },
        check: (reply, sent) => {
          const checked = checkConjointChoice(reply.text, s.wording);
          if ("choice" in checked) return { ok: true, value: checked.choice };
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
                  content: `Your reply could not be used:\n${checked.problems.map((p) => `- ${p.reason}`).join("\n")}\n\nReply again with JSON only: {"choice": "A"} or {"choice": "B"}.`,
                },
              ],
            },
          };
        },
      });
      if (!asked.ok) {
        rows.push({ item, status: "failed", answer: null, reason: asked.reason, turn: asked.turn });
        continue;
      }
      history.push({ role: "user", content: user }, { role: "assistant", content: asked.text });
      rows.push({ item, status: "ok", answer: LETTERS[asked.value - 1], reason: null, turn: asked.turn });
    }
    return rows;
  };
}
