import { z } from "zod";
import { gameSchema } from "../instruments/games/index.ts";
import { classicInstrumentSchema } from "./classic.ts";
import { id } from "./common.ts";
import { conjointInstrumentSchema } from "./conjoint.ts";
import { demandInstrumentSchema } from "./demand.ts";
import { LIMITS } from "./limits.ts";

/** What the simulated people are asked (DESIGN section 4). */

/**
 * A rule on an earlier answer: `{ item, in: [options] }` for closed items, `{ item, min, max }`
 * (either or both) for numbers.
 */
export const conditionSchema = z
  .strictObject({
    item: z.string().min(1).describe("An earlier item's id"),
    in: z
      .array(z.union([z.string(), z.number()]))
      .min(1, "list at least one answer")
      .optional()
      .describe("Holds when the earlier answer is one of these"),
    min: z.number().optional().describe("Holds when the earlier (numeric) answer is at least this"),
    max: z.number().optional().describe("Holds when the earlier (numeric) answer is at most this"),
  })
  .refine((c) => (c.in !== undefined) !== (c.min !== undefined || c.max !== undefined), {
    message: "give either `in: [answers]` or `min`/`max`, not both or neither",
  });

/** Survey-flow fields of an item (instrument.flow: sequential). */
const flowFields = {
  when: conditionSchema.optional().describe("Ask the item only when this holds (skip logic)"),
  stop_when: conditionSchema.optional().describe("End the survey after this item when this holds"),
  randomize_options: z
    .boolean()
    .optional()
    .describe(
      "Show this item's options in a random order per person (default: instrument.randomize_options)",
    ),
};

const closedBase = { id, text: z.string().min(1, "question text must not be empty"), ...flowFields };

const questionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    ...closedBase,
    type: z.literal("multiple_choice"),
    options: z.array(z.string().min(1)).min(2, "at least 2 options"),
  }),
  z.strictObject({ ...closedBase, type: z.literal("yes_no") }),
  z.strictObject({
    ...closedBase,
    type: z.literal("likert"),
    options: z
      .array(z.string().min(1))
      .min(2, "at least 2 options")
      .default(["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]),
  }),
  z.strictObject({
    ...closedBase,
    type: z.literal("linear_scale"),
    min: z.int(),
    max: z.int(),
    min_label: z.string().optional(),
    max_label: z.string().optional(),
  }),
  z.strictObject({
    ...closedBase,
    type: z.literal("numeric"),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z.strictObject({ ...closedBase, type: z.literal("free_text") }),
]);

const gssItem = z.strictObject({
  gss: z.string().min(1).describe("A GSS variable from the GSS panel codebook, e.g. cappun"),
  ...flowFields,
});

export const itemSchema = z.union([gssItem, questionSchema]);

/** A questionnaire: items asked in calls (batch) or one a turn (sequential). */
export const surveySchema = z.strictObject({
  // No defaults here: a default would enter the study's version hash, and an upgrade would then
  // start new runs of studies that did not change.
  flow: z
    .enum(["batch", "sequential"])
    .optional()
    .describe(
      "batch: items asked in calls of items_per_call; sequential: one item a turn, in order, earlier answers in context (skip logic, piping)",
    ),
  randomize_options: z
    .boolean()
    .optional()
    .describe("sequential flow: show closed items' options in a random order per person (seeded, stored)"),
  items: z
    .array(itemSchema)
    .min(1, "list at least one item")
    .max(LIMITS.items, `at most ${LIMITS.items.toLocaleString("en-US")} items (the limit on a study's size)`),
  items_per_call: z
    .int()
    .positive()
    .default(1)
    .describe("Questions asked in one model call (generate mode); more per call costs less"),
});

/**
 * The instrument: a survey (items), an economic game (game:), or a template (demand, conjoint,
 * classic) that makes its own items and arms. The survey is last so that a block matching
 * nothing is reported as a survey's problems (the other branches need a key a survey lacks).
 */
export const instrumentSchema = z.union([
  gameSchema,
  demandInstrumentSchema,
  conjointInstrumentSchema,
  classicInstrumentSchema,
  surveySchema,
]);

export type ItemSpec = z.infer<typeof itemSchema>;
export type SurveySpec = z.infer<typeof surveySchema>;
export type InstrumentSpec = z.infer<typeof instrumentSchema>;

/** The instrument when it is a survey (a block with items), else undefined. */
export function surveyOf(instrument: InstrumentSpec): SurveySpec | undefined {
  return "items" in instrument ? instrument : undefined;
}
export type ConditionSpec = z.infer<typeof conditionSchema>;
