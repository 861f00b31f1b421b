import { z } from "zod";
import { gameSchema } from "../instruments/games/index.ts";
import { classicInstrumentSchema } from "./classic.ts";
import { id } from "./common.ts";
import { type CommunitySpec, communitySchema } from "./community.ts";
import { conjointInstrumentSchema } from "./conjoint.ts";
import { demandInstrumentSchema } from "./demand.ts";
import { LIMITS } from "./limits.ts";
import { type WebActionsSpec, webActionsSchema } from "./webactions.ts";

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

/**
 * The keys that name another kind of instrument. A survey refuses them outright (an unknown key
 * alone would not stop zod's union from taking the survey), so a block naming a community, a
 * game or a template is checked as that kind.
 */
const otherKinds = Object.fromEntries(
  ["community", "webactions", "game", "template"].map((key) => [
    key,
    z.never({ error: `a survey has no ${key}: remove the items (or the ${key})` }).optional(),
  ]),
) as Record<"community" | "webactions" | "game" | "template", z.ZodOptional<z.ZodNever>>;

/** A questionnaire: items asked in calls (batch) or one a turn (sequential). */
const surveyFields = {
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
    .array(itemSchema, {
      error: (issue) =>
        issue.input === undefined
          ? "required: list at least one item (or name another instrument: game, template, community or webactions)"
          : undefined,
    })
    .min(1, "list at least one item")
    .max(LIMITS.items, `at most ${LIMITS.items.toLocaleString("en-US")} items (the limit on a study's size)`),
  items_per_call: z
    .int()
    .positive()
    .default(1)
    .describe("Questions asked in one model call (generate mode); more per call costs less"),
};
export const surveySchema = z.strictObject(surveyFields);

/** The keys only a survey has: another kind of instrument names them when they are written beside it. */
const SURVEY_KEYS = new Set(["items", "flow", "items_per_call", "randomize_options"]);
const surveyKeysRefused = (message: string) => ({
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys" && issue.keys?.every((k) => SURVEY_KEYS.has(k)) ? message : undefined,
});

const communityInstrumentSchema = z.strictObject(
  { community: communitySchema.describe("A simulated online community instead of a survey") },
  surveyKeysRefused("a community asks no questions: remove it (or remove instrument.community)"),
);

const webActionsInstrumentSchema = z.strictObject(
  { webactions: webActionsSchema },
  surveyKeysRefused("a web-action study asks no survey items: remove it (or remove instrument.webactions)"),
);

/**
 * The instrument: a survey (items), an economic game (game:), a template (demand, conjoint,
 * classic) that makes its own items and arms, a simulated community (community:), or real
 * shoppers' sessions whose next actions are predicted (webactions:). A block is checked as the
 * kind its keys name (game, template, community, webactions before items); the survey is last so
 * that a block naming none is reported as a survey's problems.
 */
const instrumentBranches = [
  gameSchema,
  demandInstrumentSchema,
  conjointInstrumentSchema,
  classicInstrumentSchema,
  communityInstrumentSchema,
  webActionsInstrumentSchema,
  surveySchema,
] as const;

export type ItemSpec = z.infer<typeof itemSchema>;
export type SurveySpec = z.infer<typeof surveySchema>;
export type InstrumentSpec = z.infer<(typeof instrumentBranches)[number]>;
type InstrumentInput = z.input<(typeof instrumentBranches)[number]>;

// The survey is parsed refusing the other kinds' keys (see otherKinds); its type is the survey's own.
export const instrumentSchema: z.ZodType<InstrumentSpec, InstrumentInput> = z.union([
  ...instrumentBranches.slice(0, -1),
  z.strictObject({ ...otherKinds, ...surveyFields }),
]);

/** The instrument when it is a survey (a block with items), else undefined. */
export function surveyOf(instrument: InstrumentSpec): SurveySpec | undefined {
  return "items" in instrument ? instrument : undefined;
}

/** The community of an instrument that simulates one, else undefined. */
export function communityOf(instrument: InstrumentSpec): CommunitySpec | undefined {
  return "community" in instrument ? instrument.community : undefined;
}

/** The web-action task of an instrument that predicts shoppers' actions, else undefined. */
export function webActionsOf(instrument: InstrumentSpec): WebActionsSpec | undefined {
  return "webactions" in instrument ? instrument.webactions : undefined;
}
export type ConditionSpec = z.infer<typeof conditionSchema>;
