import { createHash } from "node:crypto";
import type { LanguageModel, ModelRequest } from "../llm/types.ts";

/**
 * Content address of a call: model, parameters, messages and seed (DESIGN section 2). Models
 * that answer from the structured subject rather than the text (the statistical baseline, the
 * instant model) also hash the subject, since two people with the same profile text are still
 * different people to them.
 */
export function cacheKey(model: LanguageModel, request: ModelRequest): string {
  const hash = createHash("sha256");
  hash.update(model.id);
  hash.update("\u0000");
  hash.update(
    JSON.stringify([
      request.temperature ?? null,
      request.maxOutputTokens ?? null,
      request.seed ?? null,
      request.topLogprobs ?? null,
      request.schema ?? null,
    ]),
  );
  for (const m of request.messages) {
    hash.update("\u0000");
    hash.update(m.role);
    hash.update("\u0001");
    hash.update(m.content);
  }
  if (model.kind !== "llm" && request.subject) {
    hash.update("\u0000subject");
    hash.update(JSON.stringify(request.subject));
  }
  return hash.digest("hex");
}
