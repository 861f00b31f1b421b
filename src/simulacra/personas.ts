/**
 * Step 1 of Generate (Park et al. 2022): the designer's few seed personas are expanded into many
 * members by a few-shot prompt. Each call asks for a batch of new personas, shown the seeds and
 * the latest accepted ones as examples; a persona too close to one already there is rejected
 * (and the next call is told not to repeat it), until the community has as many as it asks for.
 */
import type { EpisodeContext, EpisodeResponse } from "../engine/index.ts";
import type { AnswerProblem } from "../llm/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import type { CachedResponse } from "../store/types.ts";
import { personaId, seedPersonaId } from "./ids.ts";
import { repairOf } from "./prompts.ts";

/** Personas asked for in one call. */
export const PERSONA_BATCH = 10;
/** Accepted personas shown as examples besides the seeds (the prompt stays short as N grows). */
const RECENT_EXAMPLES = 10;
/** Rejected personas quoted in the next call so that it does not write them again. */
const REJECTED_SHOWN = 10;

/**
 * Words that say little about who someone is; ignored when comparing personas.
 */
const FUNCTION_WORDS = new Set(
  (
    "a an and are as at be but by for from has have he her his i in is it its me my of on or our she " +
    "so that the their them they this to was who with you your"
  ).split(" "),
);

/** The distinct content words of a text: lower-cased letters, digits and apostrophes. */
export function contentWords(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}']+/gu)) {
    if (!FUNCTION_WORDS.has(m[0])) out.add(m[0]);
  }
  return out;
}

/**
 * How close two personas are: the Jaccard similarity of their content words (shared distinct
 * words over all distinct words of the two), in [0, 1].
 */
export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Two personas that share at least half their content words are the same person written twice. */
export const NEAR_DUPLICATE = 0.5;

export interface PersonaSettings {
  goal: string;
  seeds: readonly string[];
  /** Personas to generate. */
  count: number;
  maxOutputTokens: number;
}

export function personasSchema(n: number) {
  return {
    name: "personas",
    schema: {
      type: "object",
      properties: {
        personas: { type: "array", items: { type: "string" }, minItems: n, maxItems: n },
      },
      required: ["personas"],
      additionalProperties: false,
    },
  };
}

function personasPrompt(goal: string, examples: readonly string[], rejected: readonly string[], n: number) {
  const shown = examples.map((e) => `- ${e}`).join("\n");
  const avoid =
    rejected.length === 0
      ? ""
      : `\n\nThese were too close to people already in the community; do not write them again:\n${rejected.map((r) => `- ${r}`).join("\n")}`;
  return (
    `An online community: ${goal}\n\nSome of its members, a line or two each:\n${shown}${avoid}\n\n` +
    `Write ${n} more members of this community in the same style: different people from each other and from ` +
    `the ones above (name, who they are, what they care about). ` +
    `Reply with JSON only: {"personas": ["...", ...]} with ${n} entries.`
  );
}

function checkPersonas(reply: CachedResponse, request: ModelRequest) {
  const problems: AnswerProblem[] = [];
  let list: string[] = [];
  try {
    const value = JSON.parse(reply.text) as { personas?: unknown };
    if (!Array.isArray(value?.personas)) problems.push({ reason: '"personas" is missing or not a list' });
    else {
      list = value.personas
        .filter((p): p is string => typeof p === "string" && p.trim() !== "")
        .map((p) => p.trim());
      if (list.length === 0) problems.push({ reason: '"personas" has no non-empty text' });
    }
  } catch {
    problems.push({ reason: `the reply is not JSON: ${JSON.stringify(reply.text.slice(0, 80))}` });
  }
  if (problems.length === 0) return { ok: true as const, value: list };
  return { ok: false as const, problems, again: repairOf(request, reply, problems, ["personas"]) };
}

/**
 * The personas program: one job per community (or Multiverse iteration). Its rows are the
 * members: the seeds (`s1`…, asked nothing) and each accepted persona (`p1`…) with the turn it
 * came from; a community that could not get its count of distinct personas ends with a failed
 * `personas` row saying how far it got.
 */
export async function expandPersonas(
  ctx: EpisodeContext,
  s: PersonaSettings,
  iteration: string,
  temperature: number,
): Promise<EpisodeResponse[]> {
  const label = ctx.job.items[0];
  const rows: EpisodeResponse[] = s.seeds.map((text, i) => ({
    item: seedPersonaId(i + 1),
    agentId: seedPersonaId(i + 1),
    status: "ok",
    answer: text,
    reason: null,
    turn: null,
  }));
  const known = s.seeds.map((t) => contentWords(t));
  const accepted: string[] = [];
  const rejected: string[] = [];
  // Enough calls for every batch to lose two thirds of its personas, and no more.
  const maxCalls = Math.ceil(s.count / PERSONA_BATCH) * 3 + 2;
  let calls = 0;
  let failure: string | null = null;
  while (accepted.length < s.count && calls < maxCalls) {
    calls++;
    const n = Math.min(PERSONA_BATCH, s.count - accepted.length);
    const examples = [...s.seeds, ...accepted.slice(-RECENT_EXAMPLES)];
    const prompt = personasPrompt(s.goal, examples, rejected.slice(-REJECTED_SHOWN), n);
    const request: ModelRequest = {
      messages: [
        { role: "system", content: "You help a designer imagine the members of an online community." },
        { role: "user", content: prompt },
      ],
      schema: personasSchema(n),
      temperature,
      seed: ctx.seed,
      maxOutputTokens: Math.max(s.maxOutputTokens, 80 * n + 40),
    };
    const asked = await ctx.ask({ speaker: "community", prompt, request, check: checkPersonas });
    if (!asked.ok) {
      failure = asked.reason;
      break;
    }
    const close: string[] = [];
    for (const text of asked.value) {
      const words = contentWords(text);
      if (accepted.length >= s.count || known.some((k) => similarity(k, words) >= NEAR_DUPLICATE)) {
        if (accepted.length < s.count) close.push(text);
        continue;
      }
      known.push(words);
      accepted.push(text);
      const id = personaId(iteration, accepted.length);
      rows.push({ item: id, agentId: id, status: "ok", answer: text, reason: null, turn: asked.turn });
    }
    if (close.length > 0) {
      rejected.push(...close);
      ctx.note(
        "community",
        `rejected ${close.length} near-duplicate persona${close.length === 1 ? "" : "s"} (content-word Jaccard ≥ ${NEAR_DUPLICATE})`,
        { rejected: close },
      );
    }
  }
  if (accepted.length < s.count) {
    rows.push({
      item: label,
      status: "failed",
      answer: null,
      reason:
        `only ${accepted.length} of ${s.count} distinct personas after ${calls} call${calls === 1 ? "" : "s"} ` +
        `(${rejected.length} near-duplicates rejected)${failure ? `: ${failure}` : ""}`,
      turn: null,
    });
  }
  return rows;
}

/** Calls the personas job makes at most, and the prompt characters of each (about). */
export function personaCallBounds(s: PersonaSettings): {
  calls: number;
  promptChars: number;
  outputTokens: number;
} {
  const calls = Math.ceil(s.count / PERSONA_BATCH) * 3 + 2;
  const seedChars = s.seeds.reduce((n, t) => n + t.length + 3, 0);
  const average = seedChars / Math.max(1, s.seeds.length);
  const promptChars = 600 + s.goal.length + seedChars + (RECENT_EXAMPLES + REJECTED_SHOWN) * average;
  return { calls, promptChars, outputTokens: Math.max(s.maxOutputTokens, 80 * PERSONA_BATCH + 40) };
}
