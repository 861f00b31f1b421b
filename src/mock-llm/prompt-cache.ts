/**
 * The mock's provider prompt caching, following what OpenAI and Anthropic document, so token and
 * cost figures measured against the mock (bench:tokens) respond to prompt layout as real bills
 * would. Tokens are the mock's estimate (4 characters each), not a tokenizer's.
 *
 * OpenAI (Prompt Caching guide; cookbook "Prompt Caching 201", openai/openai-cookbook):
 * - automatic, for prompts of 1,024 tokens or more; hits are the longest previously seen exact
 *   prefix, counted in 128-token increments (1,024, 1,152, 1,280, …) as usage.prompt_tokens_details.cached_tokens;
 * - the prefix is the whole request in order: tool definitions and the structured-output schema
 *   come first ("injected before developer instructions"), then the messages; so a new schema is
 *   a new prefix;
 * - in-memory retention: a prefix stays for minutes of inactivity (5 to 10), at most an hour;
 *   `prompt_cache_retention: "24h"` extends that to 24 hours; prompt_cache_key only routes
 *   requests to machines, and the mock is one machine.
 *
 * Anthropic (Prompt caching docs, "How prompt caching works", "Cache limitations", "Tracking
 * cache performance"; Structured outputs docs):
 * - only explicit `cache_control` breakpoints cache, at most 4 a request (more is a 400);
 * - the cached prefix is tools, then system, then messages, up to and including the marked
 *   block; structured outputs add a system prompt describing the format, so the
 *   `output_config.format` schema sits between tools and system and changing it invalidates
 *   the system and message caches;
 * - a hit is looked for at each breakpoint and at the block boundaries up to 20 blocks before
 *   it; the longest cached prefix is read;
 * - a prefix shorter than the model's minimum cacheable length is not cached (no error);
 * - usage: input_tokens = tokens neither read from nor written to the cache,
 *   cache_read_input_tokens, cache_creation_input_tokens (with its split by TTL in
 *   cache_creation);
 * - entries live 5 minutes (`ttl: "1h"`: an hour), refreshed each time they are read; an entry
 *   exists once a response has begun (the mock writes it when it answers).
 */
import { createHash, type Hash } from "node:crypto";

type Json = Record<string, unknown>;

/** OpenAI: the smallest prompt that caches, and the step of cached lengths. */
export const OPENAI_MIN_CACHED_TOKENS = 1024;
export const OPENAI_CACHE_STEP_TOKENS = 128;
const OPENAI_IDLE_MS = 5 * 60_000;
const OPENAI_MAX_MS = 60 * 60_000;
const OPENAI_EXTENDED_MS = 24 * 60 * 60_000;
const ANTHROPIC_MAX_BREAKPOINTS = 4;
const ANTHROPIC_LOOKBACK_BLOCKS = 20;
const ANTHROPIC_TTL_MS: Record<string, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000 };

/**
 * Anthropic's minimum cacheable prompt length by model ("Cache limitations"). The docs' table has
 * changed between releases; where copies disagree (Sonnet 4.6: 1,024 or 2,048) the later, larger
 * value is used. Unknown names (the mock's own) get 1,024, the most common minimum.
 */
export function anthropicMinCacheableTokens(model: string): number {
  const m = model.toLowerCase();
  if (/opus-5|fable-5|mythos-5/.test(m)) return 512;
  if (/opus-4-[5-7]|haiku-4-5/.test(m)) return 4096;
  if (/sonnet-4-6|3-5-haiku|3-haiku|haiku-3/.test(m)) return 2048;
  return 1024;
}

/** The mock's token estimate: 4 characters a token, rounded up. */
export function tokensOf(chars: number): number {
  return Math.ceil(chars / 4);
}

interface Entry {
  /** Tokens of the cached prefix. */
  tokens: number;
  expires: number;
  ttlMs: number;
  /** OpenAI: no entry outlives this, refreshed or not. */
  hardExpiry: number;
}

export interface OpenAIUsage {
  promptTokens: number;
  cachedTokens: number;
}

export interface AnthropicUsage {
  /** All prompt tokens: input + cache read + cache creation. */
  promptTokens: number;
  inputTokens: number;
  cacheRead: number;
  cacheCreation: number;
  creation5m: number;
  creation1h: number;
}

export interface CacheAccount<U> {
  usage: U;
  /** Stores what this request caches; called only when it is answered. */
  commit(): void;
}

export class PromptCacheError extends Error {}

/** One mock's prompt caches (one for each API). `now` is injectable so tests need not wait. */
export class PromptCaches {
  private readonly entries = new Map<string, Entry>();
  private readonly enabled: boolean;
  private readonly now: () => number;

  constructor(options: { enabled?: boolean; now?: () => number } = {}) {
    this.enabled = options.enabled ?? true;
    this.now = options.now ?? Date.now;
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now || e.hardExpiry <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private put(key: string, tokens: number, ttlMs: number, maxMs: number, now: number): void {
    if (this.entries.size > 500_000) this.entries.clear();
    const old = this.entries.get(key);
    this.entries.set(key, {
      tokens,
      ttlMs,
      expires: now + ttlMs,
      hardExpiry: old && old.hardExpiry > now ? old.hardExpiry : now + maxMs,
    });
  }

  /** OpenAI Chat Completions: the request's prompt tokens and how many of them are cached. */
  openai(body: Json): CacheAccount<OpenAIUsage> {
    const text = openaiPrefixText(body);
    const promptTokens = tokensOf(text.length);
    if (!this.enabled || promptTokens < OPENAI_MIN_CACHED_TOKENS) {
      return { usage: { promptTokens, cachedTokens: 0 }, commit() {} };
    }
    // Digests of the prompt's prefix at every cacheable length, from one pass over the text.
    const keys: { tokens: number; key: string }[] = [];
    const hash = createHash("sha256");
    let at = 0;
    for (let t = OPENAI_MIN_CACHED_TOKENS; t <= promptTokens; t += OPENAI_CACHE_STEP_TOKENS) {
      const end = Math.min(text.length, t * 4);
      hash.update(text.slice(at, end));
      at = end;
      keys.push({ tokens: t, key: `openai:${hash.copy().digest("base64")}` });
    }
    const now = this.now();
    let cachedTokens = 0;
    for (let i = keys.length - 1; i >= 0; i--) {
      const hit = this.live(keys[i].key, now);
      if (hit) {
        cachedTokens = keys[i].tokens;
        hit.expires = now + hit.ttlMs;
        break;
      }
    }
    const extended = body.prompt_cache_retention === "24h";
    return {
      usage: { promptTokens, cachedTokens },
      commit: () => {
        const at = this.now();
        for (const k of keys) {
          this.put(
            k.key,
            k.tokens,
            extended ? OPENAI_EXTENDED_MS : OPENAI_IDLE_MS,
            extended ? OPENAI_EXTENDED_MS : OPENAI_MAX_MS,
            at,
          );
        }
      },
    };
  }

  /** Anthropic Messages: input, cache-read and cache-creation tokens of the request. */
  anthropic(body: Json): CacheAccount<AnthropicUsage> {
    const blocks = anthropicBlocks(body);
    const breakpoints = blocks.flatMap((b, i) => (b.cache ? [i] : []));
    if (breakpoints.length > ANTHROPIC_MAX_BREAKPOINTS) {
      throw new PromptCacheError(
        `A maximum of ${ANTHROPIC_MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints.length}.`,
      );
    }
    // Cumulative tokens and a digest of the prefix at every block boundary.
    const hash = createHash("sha256");
    let chars = 0;
    const ends = blocks.map((b) => {
      hash.update(`\u0000${b.text}`);
      chars += b.text.length;
      return { tokens: tokensOf(chars), key: `anthropic:${digest(hash)}` };
    });
    const promptTokens = tokensOf(chars);
    const none: AnthropicUsage = {
      promptTokens,
      inputTokens: promptTokens,
      cacheRead: 0,
      cacheCreation: 0,
      creation5m: 0,
      creation1h: 0,
    };
    if (!this.enabled || breakpoints.length === 0) return { usage: none, commit() {} };
    const now = this.now();
    let read = -1;
    for (const bp of breakpoints) {
      for (let i = bp; i >= 0 && i >= bp - ANTHROPIC_LOOKBACK_BLOCKS && i > read; i--) {
        const hit = this.live(ends[i].key, now);
        if (hit) {
          read = i;
          hit.expires = now + hit.ttlMs;
          break;
        }
      }
    }
    const readTokens = read >= 0 ? ends[read].tokens : 0;
    const min = anthropicMinCacheableTokens(typeof body.model === "string" ? body.model : "");
    const writes = breakpoints.filter((bp) => bp > read && ends[bp].tokens >= min);
    let creation5m = 0;
    let creation1h = 0;
    let from = readTokens;
    for (const bp of writes) {
      const n = ends[bp].tokens - from;
      if (blocks[bp].ttl === "1h") creation1h += n;
      else creation5m += n;
      from = ends[bp].tokens;
    }
    const cacheCreation = creation5m + creation1h;
    return {
      usage: {
        promptTokens,
        inputTokens: promptTokens - readTokens - cacheCreation,
        cacheRead: readTokens,
        cacheCreation,
        creation5m,
        creation1h,
      },
      commit: () => {
        const at = this.now();
        for (const bp of writes) {
          const ttl = ANTHROPIC_TTL_MS[blocks[bp].ttl] ?? ANTHROPIC_TTL_MS["5m"];
          this.put(ends[bp].key, ends[bp].tokens, ttl, Number.POSITIVE_INFINITY, at);
        }
      },
    };
  }
}

function digest(hash: Hash): string {
  return hash.copy().digest("base64");
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? "";
}

/** Text of a message's content: a string, or content parts (text, images, tool calls). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === "object" && typeof (p as Json).text === "string" ? (p as Json).text : json(p),
      )
      .join("");
  }
  return content === undefined || content === null ? "" : json(content);
}

/** An OpenAI request as the ordered text its prefix cache sees: tools, schema, then messages. */
export function openaiPrefixText(body: Json): string {
  let text = "";
  if (Array.isArray(body.tools) && body.tools.length) text += `<|tools|>${json(body.tools)}`;
  const rf = body.response_format as Json | undefined;
  if (rf && rf.type !== "text") text += `<|format|>${json(rf)}`;
  for (const m of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    text += `<|${String(m?.role ?? "user")}|>${contentText(m?.content)}`;
    if (m?.tool_calls) text += json(m.tool_calls);
  }
  return text;
}

interface Block {
  text: string;
  cache: boolean;
  ttl: string;
}

function block(text: string, part: unknown): Block {
  const cc =
    part && typeof part === "object" ? ((part as Json).cache_control as Json | undefined) : undefined;
  return { text, cache: Boolean(cc), ttl: typeof cc?.ttl === "string" ? cc.ttl : "5m" };
}

/** An Anthropic request as its cache hierarchy's blocks: tools, the format's prompt, system, messages. */
export function anthropicBlocks(body: Json): Block[] {
  const blocks: Block[] = [];
  for (const tool of Array.isArray(body.tools) ? (body.tools as Json[]) : []) {
    const { cache_control: _, ...rest } = tool ?? {};
    blocks.push(block(`<tool>${json(rest)}`, tool));
  }
  const format = (body.output_config as Json | undefined)?.format;
  if (format) blocks.push({ text: `<format>${json(format)}`, cache: false, ttl: "5m" });
  const system = body.system;
  if (typeof system === "string") blocks.push(block(`<system>${system}`, undefined));
  else if (Array.isArray(system))
    for (const b of system as Json[]) blocks.push(block(`<system>${contentText([b])}`, b));
  for (const m of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    const role = String(m?.role ?? "user");
    const content = m?.content;
    if (typeof content === "string") blocks.push(block(`<${role}>${content}`, undefined));
    else if (Array.isArray(content)) {
      content.forEach((part, i) => {
        blocks.push(block(`${i === 0 ? `<${role}>` : ""}${contentText([part])}`, part));
      });
    }
  }
  return blocks;
}
