import { z } from "zod";
import { id } from "./common.ts";
import { LIMITS } from "./limits.ts";

/** What the simulated people are asked (DESIGN section 4). */

const closedBase = { id, text: z.string().min(1, "question text must not be empty") };

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
});

export const itemSchema = z.union([gssItem, questionSchema]);

export const instrumentSchema = z.strictObject({
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

export type ItemSpec = z.infer<typeof itemSchema>;
