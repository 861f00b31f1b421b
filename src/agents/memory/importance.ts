/**
 * Importance scores from a model, as pure functions the episode engine runs through its one call
 * service: the request (messages and a JSON schema) and a check of the reply that returns the
 * scores or precise problems, each `reason` fit to go verbatim into a repair prompt.
 */
import type { ChatMessage } from "../../llm/types.ts";

export const IMPORTANCE_MIN = 0;
export const IMPORTANCE_MAX = 100;

export interface ImportanceRequest {
  messages: ChatMessage[];
  schema: { name: string; schema: Record<string, unknown> };
}

/** Asks for one whole-number score per record, 0 (trivial) to 100 (defining), by record number. */
export function importanceRequest(records: readonly string[], person = "the person"): ImportanceRequest {
  if (records.length === 0) throw new Error("no records to score");
  const keys = records.map((_, i) => `record_${i + 1}`);
  const listed = records.map((r, i) => `[${keys[i]}]\n${r.trim()}`).join("\n\n");
  return {
    messages: [
      {
        role: "system",
        content:
          `You rate memories of ${person}. For each record, say how much it tells about who they are and ` +
          `what matters to them: ${IMPORTANCE_MIN} for small talk or routine detail, ${IMPORTANCE_MAX} for a ` +
          "defining fact, value or life event. Judge each record on its own.",
      },
      {
        role: "user",
        content: `${listed}\n\nReply with JSON only: {"scores": {"record_1": <whole number ${IMPORTANCE_MIN}-${IMPORTANCE_MAX}>, ...}} with a score for every record.`,
      },
    ],
    schema: {
      name: "importance",
      schema: {
        type: "object",
        properties: {
          scores: {
            type: "object",
            properties: Object.fromEntries(
              keys.map((k) => [k, { type: "integer", minimum: IMPORTANCE_MIN, maximum: IMPORTANCE_MAX }]),
            ),
            required: keys,
            additionalProperties: false,
          },
        },
        required: ["scores"],
        additionalProperties: false,
      },
    },
  };
}

export type ImportanceCheck = { scores: number[] } | { problems: { reason: string }[] };

/** The scores in record order, or every problem with the reply. */
export function checkImportance(reply: string, count: number): ImportanceCheck {
  let data: unknown;
  try {
    data = JSON.parse(reply.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return {
      problems: [
        { reason: 'the reply is not JSON: reply with {"scores": {"record_1": <number>, ...}} only' },
      ],
    };
  }
  const scores = (data as { scores?: unknown } | null)?.scores;
  if (!scores || typeof scores !== "object" || Array.isArray(scores)) {
    return { problems: [{ reason: 'the reply has no "scores" object' }] };
  }
  const problems: { reason: string }[] = [];
  const out: number[] = [];
  for (let i = 1; i <= count; i++) {
    const v = (scores as Record<string, unknown>)[`record_${i}`];
    if (v === undefined) problems.push({ reason: `record_${i}: no score given` });
    else if (typeof v !== "number" || !Number.isInteger(v) || v < IMPORTANCE_MIN || v > IMPORTANCE_MAX) {
      problems.push({
        reason: `record_${i}: ${JSON.stringify(v)} is not a whole number from ${IMPORTANCE_MIN} to ${IMPORTANCE_MAX}`,
      });
    } else out.push(v);
  }
  for (const key of Object.keys(scores)) {
    const m = /^record_(\d+)$/.exec(key);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > count)
      problems.push({ reason: `${key}: there is no such record` });
  }
  return problems.length ? { problems } : { scores: out };
}
