import { createBaselineModel } from "../baseline/index.ts";
import { createModel } from "../llm/index.ts";
import type { LanguageModel } from "../llm/types.ts";

export const DEFAULT_MODEL = "baseline:demographic";

/** `baseline:demographic` is the offline statistical baseline; everything else is a provider model id. */
export function resolveModel(
  id: string,
  options: { dataDir: string; seed: number | string; timeoutMs?: number; dryRun?: boolean },
): LanguageModel {
  if (id === DEFAULT_MODEL) return createBaselineModel({ dataDir: options.dataDir, seed: options.seed });
  // A dry run never calls the model, so estimating a study's cost must not need its API key.
  return createModel(id, { timeoutMs: options.timeoutMs, apiKey: options.dryRun ? "dry-run" : undefined });
}

/**
 * The model used when neither the command line nor the spec names one: POPULACE_MODEL, else the
 * statistical baseline, so that everything runs offline by default.
 */
export function defaultModelId(env: NodeJS.ProcessEnv = process.env): string {
  return env.POPULACE_MODEL || DEFAULT_MODEL;
}
