import { UserError } from "../../errors/index.ts";
import type { Question } from "../../instruments/types.ts";

/**
 * The confound probe (Gui & Toubia 2025): variables the prompt leaves unsaid (a competitor's
 * price, the buyer's income) that a varied treatment may nevertheless move in the model's
 * mind. Each arm's simulated person states them before answering; the analysis regresses each
 * on the treatment (src/analysis/designs).
 */
export interface ProbeVariable {
  /** An id, e.g. competitor_price. */
  name: string;
  /** The question, e.g. "What do you think similar products cost at other stores, in dollars?" */
  question: string;
  min?: number;
  max?: number;
}

/** Probe question ids are "probe.<name>", apart from the study's own items. */
export const PROBE_PREFIX = "probe.";

export const PROBE_PREAMBLE =
  "First, say what you assume about the following. The description may not state them; give your best guess.";

/** The probe as numeric questions, to be asked before the outcome questions of each arm. */
export function probeQuestions(probe: readonly ProbeVariable[]): Question[] {
  const seen = new Set<string>();
  return probe.map((p) => {
    if (seen.has(p.name)) throw new UserError(`probe variable "${p.name}" is listed twice`);
    seen.add(p.name);
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      throw new UserError(`probe variable "${p.name}": min ${p.min} is above max ${p.max}`);
    return { id: `${PROBE_PREFIX}${p.name}`, type: "numeric", text: p.question, min: p.min, max: p.max };
  });
}

/** Split a call's answers into probe values and the study's own answers. */
export function splitProbe(answers: Record<string, unknown>): {
  probe: Record<string, unknown>;
  items: Record<string, unknown>;
} {
  const probe: Record<string, unknown> = {};
  const items: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(answers)) {
    if (id.startsWith(PROBE_PREFIX)) probe[id.slice(PROBE_PREFIX.length)] = v;
    else items[id] = v;
  }
  return { probe, items };
}
