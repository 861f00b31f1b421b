/**
 * A mock LLM server for tests and benchmarks: real HTTP on 127.0.0.1 speaking OpenAI Chat
 * Completions and Anthropic Messages, with seeded answers, rate limits and injected faults.
 * It is a test double, not a language model.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { createRng, hash32 } from "../random/index.ts";
import { createFineTuningApi } from "./fine-tuning.ts";
import {
  type AnswerPlan,
  chooseLetter,
  compilePlan,
  contentKey,
  estimateTokens,
  offeredInConversation,
  requestRng,
} from "./policy.ts";
import { formatDuration, TokenBucket } from "./rate-limiter.ts";

export interface MockLlmOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay before every answer, including errors. */
  latencyMs?: number;
  /** Requests per minute; over it the mock answers 429. */
  rpm?: number;
  /** Tokens (prompt + completion) per minute; over it the mock answers 429. */
  tpm?: number;
  /** How many seconds of quota a bucket holds (default 1): the largest burst the limits allow. */
  burstSeconds?: number;
  /** Probability that a request gets an injected fault. */
  errorRate?: number;
  seed?: number | string;
  /** How long a "timeout" fault hangs before the socket is destroyed (default 30 s). */
  timeoutMs?: number;
  /** Which faults `errorRate` draws from (default all five, equally likely). */
  faults?: FaultKind[];
  /** Keep the last N request bodies, for tests that check what was sent (default 0: none). */
  recordRequests?: number;
}

export type FaultKind = "rate_limit" | "server_error" | "timeout" | "malformed" | "off_option" | "prose";
/** The faults `errorRate` draws from by default. */
export const FAULTS: FaultKind[] = ["rate_limit", "server_error", "timeout", "malformed", "off_option"];
/**
 * Every fault the mock can inject: also `prose`, a valid response whose text is prose rather than
 * the answer asked for (not JSON; not a letter, while letters are among the first-token
 * alternatives, as a model that starts "It depends…" may have them).
 */
export const ALL_FAULTS: FaultKind[] = [...FAULTS, "prose"];

export interface MockStats {
  /** API calls received (POSTs to /v1/chat/completions and /v1/messages). */
  requests: number;
  /** Responses sent per HTTP status; hung-up "timeout" faults have no status. */
  by_status: Record<string, number>;
  /** Injected faults by kind. */
  by_fault: Record<FaultKind, number>;
  /** Tokens of successful answers. */
  tokens: { input: number; cached: number; output: number };
  /** Peak number of API calls in flight. */
  max_concurrent: number;
  in_flight: number;
  /** 429s caused by the RPM/TPM limits (injected 429s are counted in by_fault.rate_limit). */
  rate_limited: number;
}

export interface MockLlm {
  /** http://127.0.0.1:PORT (append /v1 for a base URL). */
  url: string;
  port: number;
  stats(): MockStats;
  /** The last `recordRequests` API request bodies received, oldest first. */
  requests(): Record<string, unknown>[];
  close(): Promise<void>;
}

type Api = "openai" | "anthropic";
type Json = Record<string, unknown>;

interface Conversation {
  messages: { role: string; content: string }[];
  /** Chars of all message text, for the token estimate. */
  chars: number;
  lastUser: string;
}

/** Anthropic content may be a string or an array of blocks. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    let s = "";
    for (const b of content)
      if (b && typeof b === "object" && typeof (b as Json).text === "string") s += (b as Json).text;
    return s;
  }
  return "";
}

function conversationOf(body: Json, api: Api): Conversation {
  const messages: { role: string; content: string }[] = [];
  if (api === "anthropic" && body.system !== undefined)
    messages.push({ role: "system", content: textOf(body.system) });
  for (const m of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    messages.push({ role: String(m?.role ?? "user"), content: textOf(m?.content) });
  }
  let chars = 0;
  let lastUser = "";
  for (const m of messages) {
    chars += m.content.length;
    if (m.role === "user") lastUser = m.content;
  }
  return { messages, chars, lastUser };
}

const ERROR_TYPES: Record<number, [string, string]> = {
  400: ["invalid_request_error", "invalid_request_error"],
  401: ["invalid_api_key", "authentication_error"],
  404: ["not_found", "not_found_error"],
  429: ["rate_limit_exceeded", "rate_limit_error"],
  500: ["server_error", "api_error"],
};

function errorBody(api: Api, status: number, message: string): string {
  const [openaiType, anthropicType] = ERROR_TYPES[status] ?? ["server_error", "api_error"];
  return api === "anthropic"
    ? JSON.stringify({ type: "error", error: { type: anthropicType, message } })
    : JSON.stringify({ error: { message, type: openaiType, code: openaiType } });
}

export async function startMockLlm(opts: MockLlmOptions = {}): Promise<MockLlm> {
  const seed = String(opts.seed ?? 0);
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const errorRate = Math.min(1, Math.max(0, opts.errorRate ?? 0));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const burstSeconds = opts.burstSeconds ?? 1;
  const faultKinds = opts.faults?.length ? opts.faults : FAULTS;
  for (const f of faultKinds)
    if (!ALL_FAULTS.includes(f)) throw new Error(`unknown fault kind "${f}" (${ALL_FAULTS.join(", ")})`);
  const fingerprint = `fp_mock_${hash32(seed).toString(16).padStart(8, "0")}`;
  const start = Date.now();
  const rpm = opts.rpm ? new TokenBucket(opts.rpm, burstSeconds, start) : undefined;
  const tpm = opts.tpm ? new TokenBucket(opts.tpm, burstSeconds, start) : undefined;
  // Faults follow the order requests arrive in, from their own stream, so answers stay stable.
  const faultRng = createRng(`${seed}:faults`);
  const plans = new Map<string, AnswerPlan>();
  const fineTuning = createFineTuningApi(seed);
  const seenPrefixes = new Set<number>();
  const recordLimit = opts.recordRequests ?? 0;
  const recorded: Record<string, unknown>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let serial = 0;

  const stats: MockStats = {
    requests: 0,
    by_status: {},
    by_fault: { rate_limit: 0, server_error: 0, timeout: 0, malformed: 0, off_option: 0, prose: 0 },
    tokens: { input: 0, cached: 0, output: 0 },
    max_concurrent: 0,
    in_flight: 0,
    rate_limited: 0,
  };

  function planFor(schema: Json): AnswerPlan {
    const key = JSON.stringify(schema);
    let plan = plans.get(key);
    if (!plan) {
      if (plans.size > 10_000) plans.clear();
      plan = compilePlan(schema, seed);
      plans.set(key, plan);
    }
    return plan;
  }

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  function send(
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    stats.by_status[status] = (stats.by_status[status] ?? 0) + 1;
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  }

  function limitHeaders(api: Api, now: number): Record<string, string> {
    const h: Record<string, string> = {};
    if (api === "openai") {
      if (rpm) {
        h["x-ratelimit-limit-requests"] = String(rpm.perMinute);
        h["x-ratelimit-remaining-requests"] = String(rpm.remaining(now));
        h["x-ratelimit-reset-requests"] = formatDuration(rpm.resetMs(now));
      }
      if (tpm) {
        h["x-ratelimit-limit-tokens"] = String(tpm.perMinute);
        h["x-ratelimit-remaining-tokens"] = String(tpm.remaining(now));
        h["x-ratelimit-reset-tokens"] = formatDuration(tpm.resetMs(now));
      }
    } else {
      if (rpm) {
        h["anthropic-ratelimit-requests-limit"] = String(rpm.perMinute);
        h["anthropic-ratelimit-requests-remaining"] = String(rpm.remaining(now));
        h["anthropic-ratelimit-requests-reset"] = new Date(now + rpm.resetMs(now)).toISOString();
      }
      if (tpm) {
        h["anthropic-ratelimit-tokens-limit"] = String(tpm.perMinute);
        h["anthropic-ratelimit-tokens-remaining"] = String(tpm.remaining(now));
        h["anthropic-ratelimit-tokens-reset"] = new Date(now + tpm.resetMs(now)).toISOString();
      }
    }
    return h;
  }

  function retryHeaders(ms: number): Record<string, string> {
    // OpenAI sends whole seconds in retry-after and the precise value in retry-after-ms.
    return {
      "retry-after": String(Math.max(1, Math.ceil(ms / 1000))),
      "retry-after-ms": String(Math.ceil(ms)),
    };
  }

  /** Builds the API answer; returns the body and its token counts. */
  function answer(api: Api, body: Json, conv: Conversation, offOption: boolean, n: number, prose = false) {
    const model = typeof body.model === "string" ? body.model : "mock";
    // A fine-tuned model draws from its own stream: same prompt, other (seeded) answers than its base.
    const tunedKey = fineTuning.hasModel(model) ? `${model}|` : "";
    const rng = requestRng(
      seed,
      contentKey(conv.messages, `${tunedKey}${body.seed === undefined ? "" : String(body.seed)}`),
    );
    const promptTokens = estimateTokens(conv.chars) + 3 * conv.messages.length;
    // The first message (the simulated person's profile) is the cacheable prefix.
    const first = conv.messages[0]?.content ?? "";
    const firstKey = hash32(first);
    const cached = seenPrefixes.has(firstKey) ? Math.min(promptTokens, estimateTokens(first.length)) : 0;

    let text = "";
    let toolUse: { name: string; input: unknown } | undefined;
    let logprobs: Json | null = null;
    if (api === "openai") {
      const rf = body.response_format as Json | undefined;
      const js = rf?.type === "json_schema" ? (rf.json_schema as Json | undefined)?.schema : undefined;
      const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
      const toolChoice = body.tool_choice as Json | string | undefined;
      const forcedName =
        typeof toolChoice === "object"
          ? ((toolChoice.function as Json | undefined)?.name as string)
          : undefined;
      const tool =
        forcedName !== undefined
          ? tools.find((t) => (t.function as Json | undefined)?.name === forcedName)
          : toolChoice === "required" || (toolChoice === undefined && tools.length > 0)
            ? tools[0]
            : undefined;
      if (prose) {
        text = "It depends on the situation.";
      } else if (tool) {
        const fn = tool.function as Json;
        toolUse = {
          name: String(fn.name),
          input: planFor((fn.parameters as Json | undefined) ?? { type: "object" }).generate(
            rng,
            offOption,
            conv.lastUser,
          ),
        };
      } else if (js && typeof js === "object") {
        text = JSON.stringify(planFor(js as Json).generate(rng, offOption, conv.lastUser));
      } else if (rf?.type === "json_object") {
        text = JSON.stringify({ answer: "It depends on the situation." });
      }
      if (!toolUse && (prose || !js) && rf?.type !== "json_object") {
        const k = typeof body.top_logprobs === "number" ? body.top_logprobs : 0;
        const offered = offeredInConversation(conv.messages);
        const choice = chooseLetter(seed, offered, rng, k, offOption);
        if (!prose) text = offered.length || offOption ? choice.letter : "It depends on the situation.";
        if (body.logprobs === true) {
          // The first token of the text, with the letters' alternatives (a prose reply keeps them:
          // the model considered a letter first, then wrote something else).
          const first = /^[A-Z]$/.test(text) ? text : (text.split(/\s+/)[0] ?? text);
          const alts = offered.length || offOption ? choice.top : [];
          const top = alts.map((t) => ({ token: t.token, logprob: t.logprob, bytes: null }));
          const self = top.find((t) => t.token === first) ?? { token: first, logprob: -0.01, bytes: null };
          logprobs = {
            content: [{ ...self, top_logprobs: k > 0 ? (top.length ? top : [self]) : [] }],
            refusal: null,
          };
        }
      }
    } else {
      const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
      const choice = body.tool_choice as Json | undefined;
      const forced =
        choice?.type === "tool"
          ? tools.find((t) => t.name === choice.name)
          : choice?.type === "any" && tools.length === 1
            ? tools[0]
            : undefined;
      const format = (body.output_config as Json | undefined)?.format as Json | undefined;
      if (forced?.input_schema) {
        toolUse = {
          name: String(forced.name),
          input: planFor(forced.input_schema as Json).generate(rng, offOption, conv.lastUser),
        };
      } else if (format?.type === "json_schema" && format.schema) {
        text = JSON.stringify(planFor(format.schema as Json).generate(rng, offOption, conv.lastUser));
      } else {
        const offered = offeredInConversation(conv.messages);
        text = prose
          ? "It depends on the situation."
          : offered.length || offOption
            ? chooseLetter(seed, offered, rng, 1, offOption).letter
            : "It depends.";
      }
    }
    const outChars = toolUse ? JSON.stringify(toolUse.input).length : text.length;
    const completionTokens = estimateTokens(outChars);
    const created = Math.floor(Date.now() / 1000);
    let json: string;
    if (api === "openai") {
      json = JSON.stringify({
        id: `chatcmpl-mock-${n}`,
        object: "chat.completion",
        created,
        model,
        system_fingerprint: fingerprint,
        choices: [
          {
            index: 0,
            message: toolUse
              ? {
                  role: "assistant",
                  content: null,
                  refusal: null,
                  tool_calls: [
                    {
                      id: `call_mock_${n}`,
                      type: "function",
                      function: { name: toolUse.name, arguments: JSON.stringify(toolUse.input) },
                    },
                  ],
                }
              : { role: "assistant", content: text, refusal: null },
            logprobs,
            finish_reason: toolUse ? "tool_calls" : "stop",
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          prompt_tokens_details: { cached_tokens: cached },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      });
    } else {
      json = JSON.stringify({
        id: `msg_mock_${n}`,
        type: "message",
        role: "assistant",
        model,
        content: toolUse
          ? [{ type: "tool_use", id: `toolu_mock_${n}`, name: toolUse.name, input: toolUse.input }]
          : [{ type: "text", text }],
        stop_reason: toolUse ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: {
          input_tokens: promptTokens - cached,
          cache_read_input_tokens: cached,
          cache_creation_input_tokens: 0,
          output_tokens: completionTokens,
        },
      });
    }
    return { json, promptTokens, cached, completionTokens, firstKey };
  }

  function handleApi(api: Api, req: IncomingMessage, res: ServerResponse, raw: string): void {
    const n = ++serial;
    stats.requests++;
    stats.in_flight++;
    if (stats.in_flight > stats.max_concurrent) stats.max_concurrent = stats.in_flight;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        stats.in_flight--;
      }
    };
    res.on("close", finish);
    // Drawn for every call, so the fault sequence depends only on seed and arrival order.
    const u = faultRng.next();
    const fault: FaultKind | undefined =
      u < errorRate ? faultKinds[faultRng.int(faultKinds.length)] : undefined;
    if (u >= errorRate) faultRng.next();

    let body: Json;
    try {
      body = JSON.parse(raw) as Json;
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
    } catch {
      later(latencyMs, () => send(res, 400, errorBody(api, 400, "request body is not a JSON object")));
      return;
    }
    const auth = req.headers.authorization ?? req.headers["x-api-key"];
    if (typeof auth === "string" && auth.includes("mock-invalid-key")) {
      later(latencyMs, () => send(res, 401, errorBody(api, 401, "invalid API key")));
      return;
    }
    if (recordLimit > 0) {
      recorded.push(body);
      if (recorded.length > recordLimit) recorded.shift();
    }
    if (typeof body.model === "string" && body.model.startsWith("ft:") && !fineTuning.hasModel(body.model)) {
      const message = `The model \`${body.model}\` does not exist or you do not have access to it.`;
      later(latencyMs, () =>
        send(
          res,
          404,
          api === "openai"
            ? JSON.stringify({
                error: { message, type: "invalid_request_error", param: null, code: "model_not_found" },
              })
            : errorBody(api, 404, message),
        ),
      );
      return;
    }
    const conv = conversationOf(body, api);
    const out = answer(api, body, conv, fault === "off_option", n, fault === "prose");
    const now = Date.now();
    const tokens = out.promptTokens + out.completionTokens;
    const wait = Math.max(rpm?.waitMs(1, now) ?? 0, tpm?.waitMs(tokens, now) ?? 0);
    if (wait > 0) {
      stats.rate_limited++;
      const headers = { ...limitHeaders(api, now), ...retryHeaders(wait) };
      later(latencyMs, () =>
        send(res, 429, errorBody(api, 429, "rate limit reached (mock RPM/TPM)"), headers),
      );
      return;
    }
    rpm?.take(1);
    tpm?.take(tokens);
    const headers = limitHeaders(api, now);
    if (fault) stats.by_fault[fault]++;
    switch (fault) {
      case "rate_limit": {
        const ms = 200 + Math.floor(faultRng.next() * 800);
        later(latencyMs, () =>
          send(res, 429, errorBody(api, 429, "injected rate limit"), { ...headers, ...retryHeaders(ms) }),
        );
        return;
      }
      case "server_error":
        later(latencyMs, () => send(res, 500, errorBody(api, 500, "injected server error")));
        return;
      case "timeout":
        later(timeoutMs, () => res.socket?.destroy());
        return;
      case "malformed":
        later(latencyMs, () =>
          send(res, 200, out.json.slice(0, Math.max(10, Math.floor(out.json.length / 2))), headers),
        );
        return;
      default:
        later(latencyMs, () => {
          stats.tokens.input += out.promptTokens;
          stats.tokens.cached += out.cached;
          stats.tokens.output += out.completionTokens;
          // Only answered prompts warm the cache, as with real providers.
          if (seenPrefixes.size > 200_000) seenPrefixes.clear();
          seenPrefixes.add(out.firstKey);
          send(res, 200, out.json, headers);
        });
    }
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? "/";
    const path = url.split("?")[0].replace(/\/+$/, "");
    if (req.method === "GET" && path === "/stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(stats));
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: [
            { id: "mock", object: "model", created: 0, owned_by: "populace-mock" },
            ...fineTuning.models(),
          ],
        }),
      );
      return;
    }
    const api: Api | undefined =
      req.method === "POST" && path === "/v1/chat/completions"
        ? "openai"
        : req.method === "POST" && path === "/v1/messages"
          ? "anthropic"
          : undefined;
    if (!api && fineTuning.serves(req.method ?? "GET", path)) {
      const parts: Buffer[] = [];
      req.on("data", (c: Buffer) => parts.push(c));
      req.on("end", () => {
        fineTuning.handle(req, res, path, Buffer.concat(parts)).catch((error) => {
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
          res.end(errorBody("openai", 500, String(error)));
        });
      });
      return;
    }
    if (!api) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(errorBody("openai", 404, `no route for ${req.method} ${path}`));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handleApi(api, req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => structuredClone(stats),
    requests: () => structuredClone(recorded),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
