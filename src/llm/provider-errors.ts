import { rateLimitHints, retryAfterMs } from "./rate-limit-headers.ts";
import { ProviderError, type ProviderErrorKind } from "./types.ts";

/** The fields of the AI SDK's APICallError we rely on; duck-typed so the SDK loads lazily. */
interface ApiCallErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
}

function isApiCallError(error: unknown): error is ApiCallErrorLike {
  return (
    typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AI_APICallError"
  );
}

/** The system error code somewhere in an error's cause chain (fetch wraps ECONNREFUSED in a TypeError). */
function causeCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limit";
  if (status === 401 || status === 403) return "auth";
  if (status === 408) return "timeout";
  if (status >= 500) return "server"; // includes Anthropic's 529 "overloaded"
  if (status >= 200 && status < 300) return "malformed"; // a 2xx whose body we could not read
  return "bad_request";
}

function shortBody(body: string | undefined): string {
  if (!body) return "";
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? ` — ${flat.slice(0, 200)}…` : ` — ${flat}`;
}

/**
 * Maps anything the SDK or fetch throws into the contract's ProviderError. `modelId` goes into
 * the message so a log line says which model failed.
 */
export function toProviderError(error: unknown, modelId: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isApiCallError(error)) {
    const status = error.statusCode;
    if (status === undefined) {
      return new ProviderError("network", `${modelId}: ${error.message}`, { code: causeCode(error) });
    }
    const kind = kindForStatus(status);
    const hints = rateLimitHints(error.responseHeaders);
    const message =
      kind === "malformed"
        ? `${modelId}: response body is not the API's shape (${error.message})`
        : kind === "auth"
          ? `${modelId}: HTTP ${status}, the API key was refused (check it)${shortBody(error.responseBody)}`
          : `${modelId}: HTTP ${status}${shortBody(error.responseBody)}`;
    return new ProviderError(kind, message, {
      status,
      retryAfterMs: hints?.retryAfterMs ?? retryAfterMs(error.responseHeaders),
    });
  }
  const e = error as { name?: string; message?: string } | undefined;
  const name = e?.name ?? "";
  // The SDK's own response checks (no choices, JSON parse, type validation) mean a body we cannot use.
  if (
    /^AI_(JSONParseError|TypeValidationError|InvalidResponseDataError|EmptyResponseBodyError|NoContentGeneratedError)$/.test(
      name,
    )
  ) {
    return new ProviderError("malformed", `${modelId}: ${e?.message ?? name}`);
  }
  if (
    /^AI_(UnsupportedFunctionalityError|InvalidArgumentError|InvalidPromptError|LoadSettingError)$/.test(name)
  ) {
    return new ProviderError("bad_request", `${modelId}: ${e?.message ?? name}`);
  }
  if (error instanceof TypeError) {
    return new ProviderError("network", `${modelId}: ${error.message}`, { code: causeCode(error) });
  }
  // Anything else is a bug on our side, not a provider failure: keep it visible as it is.
  throw error;
}
