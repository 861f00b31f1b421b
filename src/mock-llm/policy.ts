/**
 * The mock's answering policy, shared by the HTTP mock and the in-process instant model. Answers
 * are a deterministic function of (seed, request content): the same prompt always gets the same
 * answer, different simulated people get different answers, and each closed question has a
 * seed-dependent lean so aggregate distributions are not flat. Nothing here is a language model.
 */
import { createRng, hash32, type Rng } from "../random/index.ts";
import { mockText, promptWords } from "./text.ts";

type JsonSchema = Record<string, unknown>;

/**
 * Produces a value for one schema node. `off` asks the first enum/number leaf to break its rule;
 * `topic` gives the words of the prompt that free text may echo (computed only when asked for).
 */
type Generator = (rng: Rng, ctx: { off: number; topic: () => readonly string[] }) => unknown;

export const OFF_OPTION_TEXT = "Not sure (off-option)";

/** Seed-dependent lean of each option: weights in [0.25, 1.25). */
export function optionWeights(seed: string, options: readonly string[]): number[] {
  return options.map((o) => 0.25 + hash32(`${seed}|${o}`) / 4294967296);
}

/** Per-person variation on top of the lean, so people differ but the population keeps its shape. */
export function personWeights(base: readonly number[], rng: Rng): number[] {
  return base.map((w) => w * Math.exp(0.8 * rng.normal()));
}

function compileNode(node: JsonSchema, seed: string): Generator {
  if (Array.isArray(node.enum) && node.enum.length > 0) {
    const options = node.enum as unknown[];
    const base = optionWeights(
      seed,
      options.map((o) => String(o)),
    );
    return (rng, ctx) => {
      if (ctx.off > 0) {
        ctx.off--;
        return typeof options[0] === "number" ? -999 : OFF_OPTION_TEXT;
      }
      return options[rng.weighted(personWeights(base, rng))];
    };
  }
  if (Array.isArray(node.anyOf) && node.anyOf.length > 0) {
    // One of several shapes (e.g. the three kinds of web action): a seeded pick of a branch.
    const branches = (node.anyOf as JsonSchema[]).map((b) => compileNode(b, seed));
    return (rng, ctx) => branches[rng.int(branches.length)](rng, ctx);
  }
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== "null") : node.type;
  if (type === "object" || (type === undefined && node.properties)) {
    const props = Object.entries((node.properties as Record<string, JsonSchema> | undefined) ?? {});
    const gens = props.map(([key, child]) => [key, compileNode(child, seed)] as const);
    return (rng, ctx) => {
      const out: Record<string, unknown> = {};
      for (const [key, gen] of gens) out[key] = gen(rng, ctx);
      return out;
    };
  }
  if (type === "array") {
    const item = compileNode((node.items as JsonSchema | undefined) ?? { type: "string" }, seed);
    const n = typeof node.minItems === "number" ? Math.max(1, node.minItems) : 1;
    return (rng, ctx) => Array.from({ length: n }, () => item(rng, ctx));
  }
  if (type === "number" || type === "integer") {
    const lo = typeof node.minimum === "number" ? node.minimum : 0;
    const hi = typeof node.maximum === "number" ? node.maximum : lo + 100;
    const whole = type === "integer" || (Number.isInteger(lo) && Number.isInteger(hi));
    return (rng, ctx) => {
      if (ctx.off > 0) {
        ctx.off--;
        return hi + 1000;
      }
      return whole
        ? lo + rng.int(Math.floor(hi - lo) + 1)
        : Math.round((lo + rng.next() * (hi - lo)) * 100) / 100;
    };
  }
  if (type === "boolean") return (rng) => rng.next() < 0.5;
  if (type === "null") return () => null;
  // Free text: one draw from the request's stream, so the fields after it get the same draws
  // whatever the text's length.
  return (rng, ctx) => mockText(rng.next(), ctx.topic());
}

export interface AnswerPlan {
  /**
   * A JSON value valid for the schema (or, with `offOption`, one that breaks one enum/range);
   * its free text may echo words of `prompt` (the request's last user message).
   */
  generate(rng: Rng, offOption: boolean, prompt?: string): unknown;
}

export function compilePlan(schema: JsonSchema, seed: string): AnswerPlan {
  const gen = compileNode(schema, seed);
  return {
    generate: (rng, offOption, prompt = "") => {
      let words: readonly string[] | undefined;
      const topic = () => {
        words ??= promptWords(prompt);
        return words;
      };
      return gen(rng, { off: offOption ? 1 : 0, topic });
    },
  };
}

/**
 * A cheap, stable key for a conversation: lengths plus the head and tail of each message. Hashing
 * whole interview transcripts on every call would dominate the instant model's cost.
 */
export function contentKey(messages: readonly { role: string; content: string }[], extra = ""): number {
  let key = extra;
  for (const m of messages) {
    const c = m.content;
    key += c.length > 320 ? `${m.role}${c.length}${c.slice(0, 160)}${c.slice(-160)}` : `${m.role}${c}`;
  }
  return hash32(key);
}

export function requestRng(seed: string, key: number): Rng {
  return createRng(`${seed}:${key}`);
}

/**
 * The options of the latest user message that offers some: a repair turn ("reply with the letter
 * only") refers back to the question, as a model reading the whole conversation would.
 */
export function offeredInConversation(messages: readonly { role: string; content: string }[]): {
  letter: string;
  option: string;
}[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== "user") continue;
    const offered = letteredOptions(messages[i].content);
    if (offered.length > 0) return offered;
  }
  return [];
}

/** Options offered as "A. text" lines (the distribution-mode prompt format). */
export function letteredOptions(text: string): { letter: string; option: string }[] {
  const out: { letter: string; option: string }[] = [];
  for (const m of text.matchAll(/^([A-Z])\. (.+)$/gm)) out.push({ letter: m[1], option: m[2].trim() });
  return out;
}

export interface LetterChoice {
  letter: string;
  /** Alternatives for the first token, most probable first (natural-log probabilities). */
  top: { token: string; logprob: number }[];
}

/**
 * Distribution-mode answer: the letters' probabilities follow the same lean as generate mode, plus
 * one non-letter token ("The") so clients must renormalize over the valid letters.
 */
export function chooseLetter(
  seed: string,
  offered: { letter: string; option: string }[],
  rng: Rng,
  k: number,
  offOption: boolean,
): LetterChoice {
  if (offOption || offered.length === 0) {
    const bad = offered.length < 26 ? String.fromCharCode(65 + offered.length) : "?";
    return {
      letter: bad,
      top: [
        { token: bad, logprob: -0.05 },
        { token: "The", logprob: -3 },
      ].slice(0, Math.max(1, k)),
    };
  }
  const w = personWeights(
    optionWeights(
      seed,
      offered.map((o) => o.option),
    ),
    rng,
  );
  let total = 0;
  for (const x of w) total += x;
  const junk = 0.02;
  const alts = offered.map((o, i) => ({ token: o.letter, logprob: Math.log((w[i] / total) * (1 - junk)) }));
  alts.push({ token: "The", logprob: Math.log(junk) });
  alts.sort((a, b) => b.logprob - a.logprob);
  return {
    letter: alts[0].token === "The" ? alts[1].token : alts[0].token,
    top: alts.slice(0, Math.max(1, k)),
  };
}

/** ≈ 4 characters per token, the usual rule of thumb for English. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}
