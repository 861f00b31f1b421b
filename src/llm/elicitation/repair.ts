import { answerRule } from "../../instruments/answers.ts";
import type { Question } from "../../instruments/types.ts";
import type { ModelRequest, ModelResponse } from "../types.ts";
import { answersSchema } from "./build.ts";
import type { AnswerProblem } from "./parse.ts";

/** Letters offered in a distribution prompt ("A. …" lines of the last user turn that has them). */
function offeredLetters(request: ModelRequest): string[] {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i];
    if (m.role !== "user") continue;
    const letters = [...m.content.matchAll(/^([A-Z])\. /gm)].map((x) => x[1]);
    if (letters.length > 0) return letters;
  }
  return [];
}

/**
 * The same request with the model's reply and a user turn that names each problem and restates
 * what is allowed, so the next attempt can fix exactly what was wrong. `questions` are the ones
 * the reply is asked for again: in generate mode, fewer than the request asked when the earlier
 * reply answered some validly (the caller keeps those), with a schema of just them.
 */
export function repairRequest(
  request: ModelRequest,
  response: ModelResponse,
  problems: AnswerProblem[],
  questions: Question[],
): ModelRequest {
  const lines = ["Your reply could not be used:", ...problems.map((p) => `- ${p.reason}`)];
  const repaired: ModelRequest = {
    ...request,
    messages: [
      ...request.messages,
      // Providers reject empty assistant turns.
      { role: "assistant", content: response.text.trim() === "" ? "(empty reply)" : response.text },
    ],
  };
  if (request.schema) {
    const failing = new Set(problems.map((p) => p.item).filter((i): i is string => i !== undefined));
    const allowed = questions.filter((q) => failing.has(q.id)).map((q) => answerRule(q).repairHint);
    if (allowed.length) lines.push("", "Allowed answers:", ...allowed.map((a) => `- ${a}`));
    lines.push(
      "",
      `Reply again with JSON only: {"answers": {...}} with an answer for every question id (${questions.map((q) => q.id).join(", ")}).`,
    );
    repaired.schema = answersSchema(questions);
  } else {
    const letters = offeredLetters(request);
    lines.push(
      "",
      `Reply with the letter of your answer only${letters.length ? ` (one of ${letters.join(", ")})` : ""}.`,
    );
  }
  repaired.messages.push({ role: "user", content: lines.join("\n") });
  return repaired;
}
