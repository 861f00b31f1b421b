import { UserError } from "../errors/index.ts";

export type ProviderName = "openai" | "anthropic" | "google" | "ollama" | "openai-compatible";

export interface ParsedModelId {
  provider: ProviderName;
  /** The provider's own model name, e.g. "gpt-4o-mini" or "llama3.1:8b". */
  model: string;
  /** Set for ollama and http(s) endpoints; the SDK default otherwise. */
  baseURL?: string;
}

export const OLLAMA_DEFAULT_URL = "http://localhost:11434/v1";

const ACCEPTED_FORMS =
  "openai:MODEL, anthropic:MODEL, google:MODEL, ollama:MODEL, http(s)://HOST:PORT/v1#MODEL (any OpenAI-compatible server), " +
  "or baseline:demographic (the offline statistical baseline)";

function badId(id: string, why: string): UserError {
  return new UserError(`bad model id "${id}": ${why}; expected ${ACCEPTED_FORMS}`);
}

/** Splits a user-written model id into provider, model and endpoint. Pure: reads no environment. */
export function parseModelId(id: string): ParsedModelId {
  if (typeof id !== "string" || id.trim() === "") throw badId(String(id), "it is empty");
  const text = id.trim();
  if (/^https?:\/\//i.test(text)) {
    const hash = text.indexOf("#");
    if (hash < 0 || hash === text.length - 1) throw badId(text, "an endpoint URL must end with #MODEL");
    const base = text.slice(0, hash).replace(/\/+$/, "");
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw badId(text, `"${base}" is not a valid URL`);
    }
    if (!url.hostname) throw badId(text, "the URL has no host");
    return { provider: "openai-compatible", model: text.slice(hash + 1), baseURL: base };
  }
  // Split at the first colon only: ollama model names carry tags ("llama3.1:8b").
  const colon = text.indexOf(":");
  if (colon < 0) throw badId(text, "no provider prefix");
  const provider = text.slice(0, colon).toLowerCase();
  const model = text.slice(colon + 1).trim();
  if (model === "") throw badId(text, "the model name after the colon is empty");
  switch (provider) {
    case "openai":
    case "anthropic":
    case "google":
      return { provider, model };
    case "ollama":
      return { provider, model, baseURL: OLLAMA_DEFAULT_URL };
    case "baseline":
      throw badId(text, `the only baseline is baseline:demographic`);
    default:
      throw badId(text, `unknown provider "${provider}"`);
  }
}
