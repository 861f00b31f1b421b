import {
  assistantTurn,
  type NextActionOptions,
  nextActionMessages,
  type RationaleSource,
  rationaleOf,
  type Session,
} from "../webactions/index.ts";
import type { FineTuneExample, FineTuneMessage } from "./chat.ts";

export interface WebExportOptions {
  /** false: the "w/o reasoning" ablation, no rationale anywhere in the examples. */
  reasoning?: boolean;
  /** user id → persona text, put in the system prompt as the next-action prompt does. */
  personas?: Map<string, string>;
  historyPages?: number;
}

/** Trained turns by where their rationale came from: the shopper, a model (synthesized), or none. */
export type RationaleCounts = Record<RationaleSource | "none", number>;

/**
 * One example per step of each session: the next-action prompt for that step (system prompt,
 * earlier pages and actions as context, `weight: 0`), then the step's own reasoning and action as
 * the one trained assistant turn. The prompt is the same one the model later gets at test time.
 * A step's reasoning is the shopper's rationale when there is one, else a synthesized one.
 */
export function webExamples(sessions: readonly Session[], options: WebExportOptions = {}): FineTuneExample[] {
  const withReasoning = options.reasoning ?? true;
  const out: FineTuneExample[] = [];
  for (const s of sessions) {
    const prompt: NextActionOptions = {
      reasoning: withReasoning,
      persona: options.personas?.get(s.user),
      historyPages: options.historyPages,
    };
    for (let t = 0; t < s.steps.length; t++) {
      const messages: FineTuneMessage[] = nextActionMessages(s, t, prompt).map((m) =>
        m.role === "assistant" ? { ...m, weight: 0 as const } : m,
      );
      const step = s.steps[t];
      messages.push({
        role: "assistant",
        content: assistantTurn(step.action, rationaleOf(step)?.text, withReasoning),
        weight: 1,
      });
      out.push({ messages });
    }
  }
  return out;
}

/** Where the rationales of the trained turns come from (all "none" without reasoning). */
export function rationaleCounts(sessions: readonly Session[], reasoning = true): RationaleCounts {
  const counts: RationaleCounts = { human: 0, synthesized: 0, none: 0 };
  for (const s of sessions) {
    for (const step of s.steps) counts[(reasoning && rationaleOf(step)?.source) || "none"]++;
  }
  return counts;
}
