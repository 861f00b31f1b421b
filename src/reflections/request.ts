/**
 * One expert's reflection: the request (the transcript first, then the expert's role, so every
 * expert's call for a person shares the transcript as a cached prefix) and the pure check of its
 * reply. The request depends only on the transcript, the expert and the number of observations,
 * never on the study, so a later study of the same person is served from the cache.
 */
import type { Checked } from "../engine/index.ts";
import { jsonObjectReply, jsonRepairRequest } from "../llm/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";
import { type Expert, REFLECTION_MAX_OUTPUT_TOKENS } from "./experts.ts";

const SYSTEM =
  "You read interview transcripts and write careful, specific observations about the person interviewed.";

export const OBSERVATIONS_SCHEMA = {
  name: "observations",
  schema: {
    type: "object",
    properties: { observations: { type: "array", items: { type: "string" } } },
    required: ["observations"],
    additionalProperties: false,
  },
};

const SHAPE = '{"observations": ["…", "…"]}';

/** The system message of every expert's call for one person: the transcript as a reader sees it. */
export function reflectionSystem(transcript: string): string {
  return `${SYSTEM}\n\n${transcript}`;
}

export function expertPrompt(expert: Expert, respondent: string, observations: number): string {
  return (
    `Take the role of a ${expert.name}. ${expert.instructions}\n\n` +
    `From the interview above, write up to ${observations} short observations about ${respondent} as a ` +
    `${expert.name} would: one or two sentences each, each grounded in what they said. Do not invent ` +
    `facts they did not state or clearly imply.\n\nReply with JSON only: ${SHAPE}`
  );
}

export function reflectionRequest(
  system: string,
  expert: Expert,
  respondent: string,
  observations: number,
): ModelRequest {
  return {
    messages: [
      { role: "system", content: system },
      { role: "user", content: expertPrompt(expert, respondent, observations) },
    ],
    schema: OBSERVATIONS_SCHEMA,
    maxOutputTokens: REFLECTION_MAX_OUTPUT_TOKENS,
  };
}

/**
 * The observations of a reply: its non-empty strings, at most `max` (more are cut, not refused).
 * Pure: the same reply always gives the same value.
 */
export function checkReflection(
  reply: CachedResponse,
  request: ModelRequest,
  max: number,
): Checked<string[]> {
  const parsed = jsonObjectReply(reply.text);
  let problem: string;
  if ("value" in parsed) {
    const list = parsed.value.observations;
    if (Array.isArray(list)) {
      const texts = list
        .filter((o): o is string => typeof o === "string")
        .map((o) => o.replace(/\s+/g, " ").trim())
        .filter((o) => o !== "");
      if (texts.length > 0) return { ok: true, value: [...new Set(texts)].slice(0, max) };
      problem = '"observations" has no non-empty text';
    } else problem = 'the reply has no "observations" list';
  } else problem = parsed.problem;
  const problems = [{ reason: problem }];
  return { ok: false, problems, again: jsonRepairRequest(request, reply.text, problems, SHAPE) };
}
