/**
 * What the model is shown in a community, after Park et al. 2022: the member's persona, the
 * community's goal and rules (nudges, not enforcement), and for a reply the thread so far, cut
 * from the oldest replies when it is longer than the community's context limit. Every answer is
 * JSON through the provider's structured output, so no preamble or sign-off gets into the text.
 */

import type { Checked } from "../engine/index.ts";
import type { AnswerProblem } from "../llm/index.ts";
import type { ChatMessage, ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";

export interface CommunityDesign {
  goal: string;
  rules: readonly string[];
}

/** The community as every member sees it. */
export function communityBlock(design: CommunityDesign): string {
  const rules =
    design.rules.length === 0
      ? "The community has no rules."
      : `Its rules:\n${design.rules.map((r, i) => `${i + 1}. ${r}`).join("\n")}`;
  return `The community: ${design.goal}\n${rules}`;
}

export function memberSystem(persona: string): ChatMessage {
  return {
    role: "system",
    content:
      `You are a member of an online forum. Who you are: ${persona}\n` +
      "Write as this person would, in their own voice, as people write on forums. Do not say that you are an AI.",
  };
}

/** One utterance of a thread as a replier sees it. */
export interface ShownUtterance {
  author: string;
  text: string;
}

/**
 * The thread so far, oldest first, with authors as per-thread pseudonyms (u1 is the poster) and
 * the replier's own messages marked. Past `limit` characters the oldest replies are left out
 * (the post stays: it says what the thread is about) and a line says how many.
 */
export function threadText(path: readonly ShownUtterance[], replier: string, limit: number): string {
  const names = new Map<string, string>();
  for (const u of path) if (!names.has(u.author)) names.set(u.author, `u${names.size + 1}`);
  const label = (u: ShownUtterance, i: number) =>
    `${i === 0 ? "Post" : "Reply"} by ${names.get(u.author)}${u.author === replier ? " (you)" : ""}:\n${u.text}`;
  const blocks = path.map(label);
  let total = blocks.reduce((sum, b) => sum + b.length + 2, 0);
  let first = 1;
  while (total > limit && first < blocks.length - 1) {
    total -= blocks[first].length + 2;
    first++;
  }
  const kept = [
    blocks[0],
    ...(first > 1 ? [`[${first - 1} earlier replies not shown]`] : []),
    ...blocks.slice(first),
  ];
  let text = kept.join("\n\n");
  // Still too long (one huge post or reply): keep the start of the thread and its end.
  if (text.length > limit) {
    const half = Math.floor((limit - 40) / 2);
    text = `${text.slice(0, half)}\n[… ${text.length - 2 * half} characters not shown …]\n${text.slice(-half)}`;
  }
  return text;
}

export const POST_SCHEMA = {
  name: "post",
  schema: {
    type: "object",
    properties: { title: { type: "string" }, body: { type: "string" } },
    required: ["title", "body"],
    additionalProperties: false,
  },
};

export const REPLY_SCHEMA = {
  name: "reply",
  schema: {
    type: "object",
    properties: { reply: { type: "string" } },
    required: ["reply"],
    additionalProperties: false,
  },
};

export function postPrompt(design: CommunityDesign): string {
  return (
    `${communityBlock(design)}\n\n` +
    "Write a new top-level post that you would make in this community: a title and the post's text. " +
    'Reply with JSON only: {"title": "...", "body": "..."}.'
  );
}

export function replyPrompt(design: CommunityDesign, thread: string): string {
  return (
    `${communityBlock(design)}\n\nA thread in this community, oldest message first:\n\n${thread}\n\n` +
    "Write your reply to the last message of this thread, as yourself. " +
    'Reply with JSON only: {"reply": "..."}.'
  );
}

/** A post's stored text: its title, a blank line, its body (the forum view shows the first line as the title). */
export function postText(title: string, body: string): string {
  return `${oneLine(title)}\n\n${body.trim()}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Reads a JSON object's non-empty string fields, or the problems that name what is wrong. */
export function readFields<K extends string>(
  reply: CachedResponse,
  request: ModelRequest,
  fields: readonly K[],
): Checked<Record<K, string>> {
  const problems: AnswerProblem[] = [];
  let value: unknown;
  try {
    value = JSON.parse(reply.text);
  } catch {
    problems.push({ reason: `the reply is not JSON: ${JSON.stringify(reply.text.slice(0, 80))}` });
  }
  const out = {} as Record<K, string>;
  if (problems.length === 0) {
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      problems.push({ reason: "the reply is not a JSON object" });
    } else {
      for (const field of fields) {
        const v = (value as Record<string, unknown>)[field];
        if (typeof v !== "string") problems.push({ reason: `"${field}" is missing or not a string` });
        else if (v.trim() === "") problems.push({ reason: `"${field}" is empty` });
        else out[field] = v.trim();
      }
    }
  }
  if (problems.length === 0) return { ok: true, value: out };
  return { ok: false, problems, again: repairOf(request, reply, problems, fields) };
}

/** The request again, with the reply and what was wrong with it. */
export function repairOf(
  request: ModelRequest,
  reply: CachedResponse,
  problems: readonly AnswerProblem[],
  fields: readonly string[],
): ModelRequest {
  const shape = `{${fields.map((f) => `"${f}": "..."`).join(", ")}}`;
  return {
    ...request,
    messages: [
      ...request.messages,
      { role: "assistant", content: reply.text.trim() === "" ? "(empty reply)" : reply.text },
      {
        role: "user",
        content: `Your reply could not be used:\n${problems.map((p) => `- ${p.reason}`).join("\n")}\n\nReply again with JSON only: ${shape}.`,
      },
    ],
  };
}
