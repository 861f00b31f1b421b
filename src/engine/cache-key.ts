import { hash } from "node:crypto";
import type { LanguageModel, ModelRequest } from "../llm/types.ts";

/**
 * What a cache key takes from a request besides its seed, messages and subject. The key hashes
 * digests of the schema and of each message (a Merkle hash): still a function of the exact
 * content, while a run digests each person's system prompt and each question block once instead
 * of rehashing them in every call.
 */
export interface KeyFixed {
  temperature?: number;
  maxOutputTokens?: number;
  topLogprobs?: number;
  /** Digest of the schema's JSON (schemaDigest), or "" without a schema. */
  schemaDigest: string;
  /** Digest of the tools offered and the tool choice (toolsDigest), or "" without tools. */
  toolsDigest?: string;
}

/**
 * Content address of a call: model, parameters, messages and seed (DESIGN section 2). Models
 * that answer from the structured subject rather than the text (the statistical baseline, the
 * instant model) also hash the subject, since two people with the same profile text are still
 * different people to them.
 */
export function cacheKey(model: LanguageModel, request: ModelRequest): string {
  const fixed = {
    temperature: request.temperature,
    maxOutputTokens: request.maxOutputTokens,
    topLogprobs: request.topLogprobs,
    schemaDigest: request.schema ? schemaDigest(request.schema) : "",
    toolsDigest: toolsDigest(request),
  };
  const messages = request.messages.map(chatMessageDigest).join("\u0000");
  return new KeyTemplate(model, fixed).key(request.seed, messages, "", request.subject);
}

/**
 * The text a cache key hashes, with what is the same for many calls (model, parameters, schema)
 * joined once: a run keys each job by adding only its seed, its messages' digests and, for
 * models that read the subject, who it is.
 */
export class KeyTemplate {
  private readonly head: string;
  private readonly mid: string;
  private readonly readsSubject: boolean;

  constructor(model: LanguageModel, fixed: KeyFixed) {
    this.head = `${model.id}\u0000${fixed.temperature ?? "-"}|${fixed.maxOutputTokens ?? "-"}|`;
    // Requests without tools keep the key they had before tools existed (stored answers stay found).
    const tools = fixed.toolsDigest ? `|tools:${fixed.toolsDigest}` : "";
    this.mid = `|${fixed.topLogprobs ?? "-"}|${fixed.schemaDigest}${tools}\u0000`;
    // The profile text already renders the attributes; the person's id is what can differ.
    this.readsSubject = model.kind !== "llm";
  }

  /**
   * The key of a call with this seed and these messages: `role\u0001digest` per message, joined by
   * \u0000, given in two pieces (`messages` + `moreMessages`) so a caller holding them apart need
   * not join them first.
   */
  key(
    seed: number | undefined,
    messages: string,
    moreMessages: string,
    subject?: { agentId: string; replicate: number },
  ): string {
    let text = this.head + (seed ?? "-") + this.mid + messages + moreMessages;
    if (this.readsSubject && subject)
      text += `\u0000subject\u0000${subject.agentId}\u0000${subject.replicate}`;
    // 128 bits (22 base64url characters): collision-free in practice and a compact index key.
    return hash("sha256", text, "base64url").slice(0, 22);
  }
}

/** 256-bit digest of one part of a request (a message's text, a schema's JSON). */
function partDigest(text: string): string {
  return hash("sha256", text, "base64url");
}

export function messageDigest(role: string, content: string): string {
  return `${role}\u0001${partDigest(content)}`;
}

// Episodes send a turn's conversation again with every later turn: the same message objects, so
// each is digested once.
const messageDigests = new WeakMap<object, string>();

/** A message's digest: its role and text, and the tool calls or the tool result it carries. */
function chatMessageDigest(m: ModelRequest["messages"][number]): string {
  let digest = messageDigests.get(m);
  if (digest === undefined) {
    digest = digestOf(m);
    messageDigests.set(m, digest);
  }
  return digest;
}

function digestOf(m: ModelRequest["messages"][number]): string {
  if (m.role === "assistant" && m.toolCalls?.length) {
    return messageDigest("assistant", `${m.content}\u0000calls\u0000${JSON.stringify(m.toolCalls)}`);
  }
  if (m.role === "tool") return messageDigest("tool", `${m.toolCallId}\u0000${m.name}\u0000${m.content}`);
  return messageDigest(m.role, m.content);
}

/** The tools offered and the choice among them, or "" when the request offers none. */
export function toolsDigest(request: Pick<ModelRequest, "tools" | "toolChoice">): string {
  if (!request.tools?.length) return "";
  return partDigest(JSON.stringify([request.tools, request.toolChoice ?? "auto"]));
}

const schemaTexts = new WeakMap<object, string>();
const schemaDigests = new WeakMap<object, string>();

/** A schema's JSON, computed once per schema object (requests for the same questions share one). */
export function schemaText(schema: NonNullable<ModelRequest["schema"]>): string {
  let text = schemaTexts.get(schema);
  if (text === undefined) {
    text = JSON.stringify(schema);
    schemaTexts.set(schema, text);
  }
  return text;
}

export function schemaDigest(schema: NonNullable<ModelRequest["schema"]>): string {
  let digest = schemaDigests.get(schema);
  if (digest === undefined) {
    digest = partDigest(schemaText(schema));
    schemaDigests.set(schema, digest);
  }
  return digest;
}
