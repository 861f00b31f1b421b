/**
 * The mock's OpenAI-compatible embeddings endpoint (POST /v1/embeddings), shaped as OpenAI's API
 * reference documents it: `input` a string, an array of strings, an array of token ids or an array
 * of such arrays (at most 2,048 inputs, none empty, each at most 8,192 tokens, at most 300,000
 * tokens in all); `model`; `encoding_format` "float" (default) or "base64" (little-endian float32);
 * `dimensions` (text-embedding-3 models and later); a list of `{object: "embedding", index,
 * embedding}` with `usage.prompt_tokens` and `total_tokens`; errors as
 * `{error: {message, type, param, code}}`.
 *
 * The vectors are a test double's, not a model's: each text's words (and their letter trigrams,
 * at lower weight) are hashed into signed buckets and the vector normalized to length 1, as
 * OpenAI's are. Texts that share words are closer by cosine; nothing here knows meaning.
 */
import { hash32 } from "../random/index.ts";
import { tokensOf } from "./prompt-cache.ts";

type Json = Record<string, unknown>;

/** Native sizes of the models the mock serves; `dimensions` says whether they can be shortened. */
export const EMBEDDING_MODELS: Record<string, { size: number; dimensions: boolean }> = {
  "text-embedding-3-small": { size: 1536, dimensions: true },
  "text-embedding-3-large": { size: 3072, dimensions: true },
  "text-embedding-ada-002": { size: 1536, dimensions: false },
  mock: { size: 256, dimensions: true },
};

const MAX_INPUTS = 2048;
const MAX_INPUT_TOKENS = 8192;
const MAX_REQUEST_TOKENS = 300_000;
const STOP = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have he her him his how i if " +
    "in into is it its me my of on or our she so than that the their them then there they this to too us " +
    "was we were what when where which who why will with would you your"
  ).split(" "),
);

/** A unit vector of `size` from the text's words and letter trigrams (hashed, signed). */
export function mockEmbedding(text: string, size: number): Float32Array {
  const v = new Float64Array(size);
  const add = (feature: string, weight: number) => {
    const h = hash32(feature);
    v[h % size] += (hash32(`±${feature}`) & 1 ? 1 : -1) * weight;
  };
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const [w, n] of counts) {
    const weight = 1 + Math.log(n);
    add(`w:${w}`, weight);
    const padded = `^${w}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.3 * weight);
  }
  if (counts.size === 0) add(`raw:${text}`, 1);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = v[i] / norm;
  return out;
}

export type EmbeddingsReply =
  | { ok: true; json: string; tokens: number }
  | { ok: false; status: number; json: string };

function error(
  status: number,
  message: string,
  param: string | null,
  code: string | null = null,
): EmbeddingsReply {
  return {
    ok: false,
    status,
    json: JSON.stringify({ error: { message, type: "invalid_request_error", param, code } }),
  };
}

/** float32 values, little-endian, base64 (what encoding_format "base64" returns). */
export function float32Base64(v: Float32Array): string {
  const bytes = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) bytes.writeFloatLE(v[i], i * 4);
  return bytes.toString("base64");
}

const INVALID_INPUT =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/** Inputs as texts to embed (token-id arrays become one word per id) and their token counts. */
function inputsOf(input: unknown): { texts: string[]; tokens: number[] } | undefined {
  const isIds = (x: unknown): x is number[] =>
    Array.isArray(x) && x.length > 0 && x.every((t) => Number.isInteger(t) && t >= 0);
  if (typeof input === "string")
    return input === "" ? undefined : { texts: [input], tokens: [tokensOf(input.length)] };
  if (isIds(input)) return { texts: [input.map((t) => `t${t}`).join(" ")], tokens: [input.length] };
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === "string" && x !== "")) {
    return { texts: input as string[], tokens: (input as string[]).map((s) => tokensOf(s.length)) };
  }
  if (input.every(isIds)) {
    return {
      texts: input.map((ids) => ids.map((t) => `t${t}`).join(" ")),
      tokens: input.map((ids) => ids.length),
    };
  }
  return undefined;
}

/** The reply to one POST /v1/embeddings body. */
export function embeddingsReply(body: Json): EmbeddingsReply {
  if (typeof body.model !== "string" || body.model === "") {
    return error(400, "you must provide a model parameter", "model");
  }
  const model = EMBEDDING_MODELS[body.model];
  if (!model) {
    return error(
      404,
      `The model \`${body.model}\` does not exist or you do not have access to it.`,
      null,
      "model_not_found",
    );
  }
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    return error(
      400,
      `'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`,
      "encoding_format",
    );
  }
  let size = model.size;
  if (body.dimensions !== undefined) {
    if (!model.dimensions)
      return error(400, "This model does not support specifying dimensions.", "dimensions");
    const d = body.dimensions;
    if (!Number.isInteger(d) || (d as number) < 1 || (d as number) > model.size) {
      return error(
        400,
        `dimensions must be an integer from 1 to ${model.size} for ${body.model}`,
        "dimensions",
      );
    }
    size = d as number;
  }
  if (
    Array.isArray(body.input) &&
    body.input.length > MAX_INPUTS &&
    !body.input.every((t) => typeof t === "number")
  ) {
    return error(400, `'$.input' is invalid: at most ${MAX_INPUTS} inputs per request`, "input");
  }
  const inputs = inputsOf(body.input);
  if (!inputs) return error(400, INVALID_INPUT, "input");
  let total = 0;
  for (const t of inputs.tokens) {
    if (t > MAX_INPUT_TOKENS) {
      return error(
        400,
        `This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${t} tokens (${t} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        null,
      );
    }
    total += t;
  }
  if (total > MAX_REQUEST_TOKENS) {
    return error(400, `Requested ${total} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`, "input");
  }
  const data = inputs.texts.map((text, index) => {
    const v = mockEmbedding(text, size);
    const embedding = format === "base64" ? float32Base64(v) : Array.from(v);
    return { object: "embedding", index, embedding };
  });
  return {
    ok: true,
    tokens: total,
    json: JSON.stringify({
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: total, total_tokens: total },
    }),
  };
}
