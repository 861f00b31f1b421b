import { hash } from "node:crypto";
import type { LanguageModel, ModelRequest } from "../llm/types.ts";

/**
 * Content address of a call: model, parameters, messages and seed (DESIGN section 2). Models
 * that answer from the structured subject rather than the text (the statistical baseline, the
 * instant model) also hash the subject, since two people with the same profile text are still
 * different people to them.
 */
export function cacheKey(model: LanguageModel, request: ModelRequest): string {
  // One string hashed in one call (crossing into native code once, not once per part); the bytes,
  // and so the keys already in users' caches, are the same as when the parts were fed one by one.
  let text = `${model.id}\u0000${request.temperature ?? "-"}|${request.maxOutputTokens ?? "-"}|${request.seed ?? "-"}|${request.topLogprobs ?? "-"}|`;
  if (request.schema) text += schemaText(request.schema);
  for (const m of request.messages) text += `\u0000${m.role}\u0001${m.content}`;
  if (model.kind !== "llm" && request.subject) {
    // The profile text already renders the attributes; the person's id is what can differ.
    text += `\u0000subject\u0000${request.subject.agentId}\u0000${request.subject.replicate}`;
  }
  // 128 bits (22 base64url characters): collision-free in practice and a compact index key.
  return hash("sha256", text, "base64url").slice(0, 22);
}

const schemaTexts = new WeakMap<object, string>();

/** A schema's JSON, computed once per schema object (requests for the same questions share one). */
export function schemaText(schema: NonNullable<ModelRequest["schema"]>): string {
  let text = schemaTexts.get(schema);
  if (text === undefined) {
    text = JSON.stringify(schema);
    schemaTexts.set(schema, text);
  }
  return text;
}
