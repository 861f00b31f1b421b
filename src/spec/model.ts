import { z } from "zod";

export const modelSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .optional()
    .describe("e.g. openai:gpt-4o-mini; default: --model, else POPULACE_MODEL, else baseline:demographic"),
  mode: z.enum(["generate", "distribution"]).default("generate"),
  temperature: z.number().min(0).max(2).optional(),
  max_output_tokens: z.int().positive().default(400),
  rpm: z.number().positive().optional().describe("Requests per minute allowed by your provider account"),
  tpm: z.number().positive().optional().describe("Tokens per minute allowed by your provider account"),
  timeout_ms: z.int().positive().default(60_000),
});
export type ModelSpec = z.infer<typeof modelSchema>;
