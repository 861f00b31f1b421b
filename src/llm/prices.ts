import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UserError } from "../errors/index.ts";
import { parseModelId } from "./model-id.ts";
import type { Usage } from "./types.ts";

/** USD per 1M tokens. `cachedInput` and `cacheWriteInput` default to `input`. */
export interface Price {
  input: number;
  cachedInput?: number;
  /** Anthropic bills prompt-cache writes at 1.25x input. */
  cacheWriteInput?: number;
  output: number;
}

/** Keys: "provider:model" (URL endpoints use "openai-compatible:MODEL" or the full id), or "provider:*". */
export type PriceTable = Record<string, Price>;

/**
 * List prices (USD per 1M tokens) of a handful of common models as last checked by the authors.
 * Prices change often and differ by tier and region: treat these as a convenience, check your
 * provider's page, and override them with a file (`--prices FILE` or POPULACE_PRICES=FILE).
 * Local ollama models cost nothing per token.
 */
export const BUILTIN_PRICES: PriceTable = {
  "openai:gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "openai:gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "openai:gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "openai:gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "openai:gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "openai:gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "openai:gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "openai:gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "openai:o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "anthropic:claude-opus-4-1": { input: 15, cachedInput: 1.5, cacheWriteInput: 18.75, output: 75 },
  "anthropic:claude-sonnet-4-5": { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 },
  "anthropic:claude-sonnet-4": { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 },
  "anthropic:claude-sonnet-4-0": { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 },
  "anthropic:claude-haiku-4-5": { input: 1, cachedInput: 0.1, cacheWriteInput: 1.25, output: 5 },
  "anthropic:claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, cacheWriteInput: 1, output: 4 },
  "google:gemini-2.5-pro": { input: 1.25, cachedInput: 0.31, output: 10 },
  "google:gemini-2.5-flash": { input: 0.3, cachedInput: 0.075, output: 2.5 },
  "google:gemini-2.5-flash-lite": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  // Embedding models bill their input only.
  "openai:text-embedding-3-small": { input: 0.02, output: 0 },
  "openai:text-embedding-3-large": { input: 0.13, output: 0 },
  "openai:text-embedding-ada-002": { input: 0.1, output: 0 },
  "ollama:*": { input: 0, cachedInput: 0, output: 0 },
};

const priceSchema = z
  .object({
    input: z.number().nonnegative(),
    cachedInput: z.number().nonnegative().optional(),
    cacheWriteInput: z.number().nonnegative().optional(),
    output: z.number().nonnegative(),
  })
  .strict();
const tableSchema = z.record(z.string().min(1), priceSchema);

/**
 * The built-in table with the user's overrides on top. The override (a JSON or YAML map from model
 * id to `{input, cachedInput?, cacheWriteInput?, output}` in USD per 1M tokens) comes from `overridePath`, else from
 * the POPULACE_PRICES environment variable.
 */
export function loadPriceTable(overridePath?: string, env: NodeJS.ProcessEnv = process.env): PriceTable {
  const path = overridePath ?? env.POPULACE_PRICES;
  if (!path) return { ...BUILTIN_PRICES };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the price table: ${(error as Error).message}`, { where: path });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UserError(
      `the price table is not valid ${/\.json$/i.test(path) ? "JSON" : "YAML"}: ${(error as Error).message}`,
      {
        where: path,
      },
    );
  }
  const parsed = tableSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? `${path}:${issue.path.join(".")}` : path;
    throw new UserError(
      `${issue.message} (each entry is "provider:model": { input, cachedInput?, cacheWriteInput?, output } in USD per 1M tokens)`,
      { where: at },
    );
  }
  return { ...BUILTIN_PRICES, ...parsed.data };
}

/** Finds the price entry for a model id: exact id, canonical "provider:model", dated snapshot, "provider:*". */
export function priceFor(modelId: string, table: PriceTable): Price | undefined {
  if (table[modelId]) return table[modelId];
  let provider: string;
  let model: string;
  try {
    ({ provider, model } = parseModelId(modelId));
  } catch {
    return undefined;
  }
  const key = `${provider}:${model}`;
  if (table[key]) return table[key];
  // Snapshots like "gpt-4o-mini-2024-07-18" or "claude-sonnet-4-5-20250929" cost what their family costs;
  // only a date/"latest" suffix is stripped so "gpt-5-mini" never falls back to "gpt-5".
  const undated = key.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, "");
  if (undated !== key && table[undated]) return table[undated];
  return table[`${provider}:*`];
}

/** Why a cost is unknown, for the report; undefined when the model has a price. */
export function missingPriceNote(modelId: string, table: PriceTable): string | undefined {
  return priceFor(modelId, table)
    ? undefined
    : `no price for ${modelId}: cost unknown (add it to a price table file, see POPULACE_PRICES)`;
}

/**
 * USD cost of one response, or null when the model has no price (unknown is not free).
 * `usage.inputTokens` includes cached tokens; `outputTokens` includes reasoning tokens, which are
 * billed as output.
 */
export function costOf(modelId: string, usage: Usage, table: PriceTable): number | null {
  const price = priceFor(modelId, table);
  if (!price) return null;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const written = Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - cached);
  const fresh = usage.inputTokens - cached - written;
  const output = Math.max(usage.outputTokens, usage.reasoningTokens);
  return (
    (fresh * price.input +
      cached * (price.cachedInput ?? price.input) +
      written * (price.cacheWriteInput ?? price.input) +
      output * price.output) /
    1e6
  );
}
