import { z } from "zod";
import { id } from "./common.ts";

/** How a study's people are conditioned: one mode, or several compared as arms (issue 11). */

const MODES = ["demographic", "persona", "interview", "interview+reflection"] as const;
const MODE_MESSAGE = "use demographic, persona, interview or interview+reflection";

export const conditioningMode = z.enum(MODES, { error: MODE_MESSAGE });

export const keepSchema = z
  .number()
  .gt(0, "must be more than 0")
  .max(1, "must be at most 1")
  .describe("Share of the interview's exchanges kept (an ablation), drawn per person, in order");

const keepSeed = z.union([z.int(), z.string()]).describe("Seed of the kept share");

const entryObject = z.strictObject({
  mode: conditioningMode,
  keep: keepSchema.optional(),
  seed: keepSeed.optional(),
  name: id.optional().describe("The arm's name (default: the mode, with -keepSHARE for an ablation)"),
});

// Branch order matters for messages: a failed union reports its branch with the fewest problems,
// the later one on a tie (see load.ts), so the object (or the list) comes last.
const entry = z.union([conditioningMode, entryObject]);

export const conditioningSchema = z
  .union([
    z.enum(MODES, { error: `${MODE_MESSAGE}, or a list of them` }),
    z.array(entry).min(1, "list at least one conditioning"),
  ])
  .describe(
    "What opens each prompt: demographic (attributes), persona (self-description), interview (transcript), " +
      "interview+reflection (transcript, then expert observations relevant to the questions). A list runs " +
      "the same instrument under each, as arms of conditioning (ARM·NAME). Default: interview for source " +
      "interviews, persona for personas, demographic otherwise",
  );

export const interviewOptions = z
  .strictObject({
    keep: keepSchema.default(1),
    seed: keepSeed.default(1),
  })
  .describe("Interview conditioning options (for every interview mode listed by name only)");

const expert = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z -]{0,59}$/, "letters, spaces and - only (at most 60)")
    .describe("The expert's field, e.g. psychologist"),
  instructions: z.string().min(1, "must not be empty").describe("What this expert looks for"),
});

/**
 * Expert reflections (interview+reflection). No zod defaults: a default enters the study's
 * version hash, so changing one later would start new runs of unchanged studies; the defaults
 * live in src/reflections.
 */
export const reflectionOptions = z
  .strictObject({
    experts: z
      .array(expert)
      .min(1, "list at least one expert")
      .optional()
      .describe(
        "Default: psychologist, behavioural economist, political scientist, demographer (see the README)",
      ),
    observations: z
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe("At most this many observations per expert (default 5)"),
    budget_tokens: z
      .int()
      .positive()
      .optional()
      .describe("Tokens of observations included in each answering prompt (default 600)"),
    relevance: z
      .enum(["auto", "bm25", "embeddings"])
      .optional()
      .describe(
        "How observations are ranked against the questions: embeddings (the provider's embeddings API), " +
          "bm25 (lexical); auto (default): embeddings for openai: models or with embedding_model, else bm25",
      ),
    embedding_model: z
      .string()
      .min(1)
      .optional()
      .describe("Embedding model id (default for openai: models: openai:text-embedding-3-small)"),
    model: z
      .string()
      .min(1)
      .optional()
      .describe("The model that writes the reflections (default: the run's)"),
  })
  .describe("Expert reflections for interview+reflection conditioning");

export type ConditioningSpec = z.infer<typeof conditioningSchema>;
export type ReflectionSpec = z.infer<typeof reflectionOptions>;
