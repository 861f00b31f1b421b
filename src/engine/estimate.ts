import type { ModelRequest } from "../llm/types.ts";
import { schemaText } from "./cache-key.ts";

/**
 * Rough prompt size in tokens (4 characters a token), messages and answer schema included. Used
 * before a call to reserve budget and rate-limit quota, and by dry runs to estimate a study.
 */
export function promptTokens(request: ModelRequest): number {
  let chars = 0;
  for (const m of request.messages) chars += m.content.length;
  if (request.schema) chars += schemaText(request.schema).length;
  return Math.ceil(chars / 4);
}
