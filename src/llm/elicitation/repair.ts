import type { ModelRequest, ModelResponse } from "../types.ts";
import type { AnswerProblem } from "./parse.ts";

type JsonSchema = Record<string, unknown>;

function allowedFor(item: string, request: ModelRequest): string | undefined {
  const answers = (request.schema?.schema.properties as Record<string, JsonSchema> | undefined)?.answers;
  const s = (answers?.properties as Record<string, JsonSchema> | undefined)?.[item];
  if (!s) return undefined;
  if (Array.isArray(s.enum))
    return `${item}: exactly one of ${s.enum.map((o) => JSON.stringify(o)).join(", ")}`;
  if (s.type === "number" || s.type === "integer") {
    const what = s.type === "integer" ? "a whole number" : "a number";
    const lo = typeof s.minimum === "number" ? s.minimum : undefined;
    const hi = typeof s.maximum === "number" ? s.maximum : undefined;
    if (lo !== undefined && hi !== undefined) return `${item}: ${what} from ${lo} to ${hi}`;
    if (lo !== undefined) return `${item}: ${what}, at least ${lo}`;
    if (hi !== undefined) return `${item}: ${what}, at most ${hi}`;
    return `${item}: ${what}`;
  }
  return `${item}: a text answer`;
}

/** Letters offered in a distribution prompt ("A. …" lines of the last user turn). */
function offeredLetters(request: ModelRequest): string[] {
  const lastUser = [...request.messages].reverse().find((m) => m.role === "user");
  return [...(lastUser?.content.matchAll(/^([A-Z])\. /gm) ?? [])].map((m) => m[1]);
}

/**
 * The same request with the model's reply and a user turn that names each problem and restates
 * what is allowed, so the next attempt can fix exactly what was wrong.
 */
export function repairRequest(
  request: ModelRequest,
  response: ModelResponse,
  problems: AnswerProblem[],
): ModelRequest {
  const lines = ["Your reply could not be used:", ...problems.map((p) => `- ${p.reason}`)];
  if (request.schema) {
    const items = [...new Set(problems.map((p) => p.item).filter((i): i is string => i !== undefined))];
    const allowed = items.map((i) => allowedFor(i, request)).filter((a): a is string => a !== undefined);
    if (allowed.length) lines.push("", "Allowed answers:", ...allowed.map((a) => `- ${a}`));
    const answers = (request.schema.schema.properties as Record<string, JsonSchema> | undefined)?.answers;
    const ids = Array.isArray(answers?.required) ? (answers.required as string[]) : [];
    lines.push(
      "",
      `Reply again with JSON only: {"answers": {...}} with an answer for every question id (${ids.join(", ")}).`,
    );
  } else {
    const letters = offeredLetters(request);
    lines.push(
      "",
      `Reply with the letter of your answer only${letters.length ? ` (one of ${letters.join(", ")})` : ""}.`,
    );
  }
  return {
    ...request,
    messages: [
      ...request.messages,
      // Providers reject empty assistant turns.
      { role: "assistant", content: response.text.trim() === "" ? "(empty reply)" : response.text },
      { role: "user", content: lines.join("\n") },
    ],
  };
}
