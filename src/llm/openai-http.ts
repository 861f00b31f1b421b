/**
 * The one HTTP client of the OpenAI protocol (Chat Completions and embeddings, at OpenAI and at
 * every OpenAI-compatible server): node:http with keep-alive, one attempt per call (the engine
 * owns retries), and the API's failures as ProviderErrors.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { kindForStatus } from "./provider-errors.ts";
import { retryAfterMs } from "./rate-limit-headers.ts";
import { ProviderError } from "./types.ts";

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

class AbortedError extends Error {
  override name = "AbortError";
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === "https:";
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: "POST",
        agent: https ? httpsAgent : httpAgent,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: flatHeaders(res),
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("connection closed before the response ended")));
      },
    );
    req.on("error", (e) => reject(signal.aborted ? new AbortedError("aborted") : e));
    req.end(body);
  });
}

function errorMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (m) return m;
  } catch {
    // not JSON: show the start of the body
  }
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

export interface OpenAIEndpoint {
  /** The model id as the user wrote it: error messages start with it. */
  modelId: string;
  baseURL: string;
  apiKey?: string;
}

/**
 * POSTs `body` as JSON to `${baseURL}/${path}` and returns the parsed JSON reply with its
 * headers. A network failure, an HTTP error status or a body that is not JSON is a ProviderError
 * of its kind; an aborted call rethrows the caller's abort.
 */
export async function postJson(
  endpoint: OpenAIEndpoint,
  path: string,
  body: unknown,
  signal: AbortSignal,
): Promise<{ data: unknown; status: number; headers: Record<string, string> }> {
  const headers: Record<string, string> = {};
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  let raw: RawResponse;
  try {
    raw = await post(new URL(`${endpoint.baseURL}/${path}`), JSON.stringify(body), headers, signal);
  } catch (error) {
    if (signal.aborted) throw error; // the caller maps its own abort or timeout
    throw new ProviderError("network", `${endpoint.modelId}: ${(error as Error).message}`, {
      code: (error as NodeJS.ErrnoException).code,
    });
  }
  if (raw.status < 200 || raw.status >= 300) {
    const kind = kindForStatus(raw.status);
    throw new ProviderError(kind, `${endpoint.modelId}: HTTP ${raw.status} — ${errorMessage(raw.text)}`, {
      status: raw.status,
      retryAfterMs: retryAfterMs(raw.headers),
    });
  }
  try {
    return { data: JSON.parse(raw.text), status: raw.status, headers: raw.headers };
  } catch {
    throw new ProviderError(
      "malformed",
      `${endpoint.modelId}: response body is not JSON: ${errorMessage(raw.text)}`,
      {
        status: raw.status,
      },
    );
  }
}
