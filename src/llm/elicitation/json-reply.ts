import type { ModelRequest } from "../types.ts";

/**
 * Replies that must be one JSON object (an expert's observations, an interviewer's next move):
 * reading one, and asking again with what was wrong. Question answers have their own rules
 * (parse.ts, repair.ts); these are for the other structured replies an episode asks for.
 */

/** Strips a ```json fence (some models add one even in JSON mode). */
export function unfence(text: string): string {
  const t = text.trim();
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(t);
  return m ? m[1].trim() : t;
}

function quote(text: string): string {
  const flat = JSON.stringify(text.trim());
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

/** The reply's JSON object, or why it is not one (a sentence for the repair prompt). */
export function jsonObjectReply(text: string): { value: Record<string, unknown> } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(unfence(text));
  } catch {
    return { problem: `the reply is not valid JSON: ${quote(text)}` };
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    return { problem: `the reply is not a JSON object: ${quote(text)}` };
  }
  return { value: data as Record<string, unknown> };
}

/**
 * The same request with the reply and a user turn naming each problem, then `shape` (what to
 * reply with, e.g. `{"observations": ["…"]}`): the repair of a JSON reply.
 */
export function jsonRepairRequest(
  request: ModelRequest,
  replyText: string,
  problems: readonly { reason: string }[],
  shape: string,
): ModelRequest {
  const lines = [
    "Your reply could not be used:",
    ...problems.map((p) => `- ${p.reason}`),
    "",
    `Reply again with JSON only: ${shape}`,
  ];
  return {
    ...request,
    messages: [
      ...request.messages,
      // Providers reject empty assistant turns.
      { role: "assistant", content: replyText.trim() === "" ? "(empty reply)" : replyText },
      { role: "user", content: lines.join("\n") },
    ],
  };
}
