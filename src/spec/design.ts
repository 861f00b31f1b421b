import { z } from "zod";
import { id } from "./common.ts";
import { designModeFields } from "./design-modes.ts";
import { boundedCount, LIMITS } from "./limits.ts";

/** Under which conditions the simulated people are asked (DESIGN section 5). */

const arm = z.strictObject({
  name: id,
  text: z.string().default("").describe("Shown to the simulated person before the questions"),
  value: z
    .number()
    .optional()
    .describe(
      "The treatment's number in this arm (e.g. a price): design diagnostics regress the probe on it (default: the arm's position, 0, 1, …)",
    ),
});

export const designSchema = z.strictObject({
  arms: z
    .array(arm)
    .min(1)
    .max(LIMITS.arms, `at most ${LIMITS.arms.toLocaleString("en-US")} arms (the limit on a study's size)`)
    .default([{ name: "control", text: "" }]),
  replicates: boundedCount(LIMITS.replicates, "replicates").default(1),
  assignment: z
    .enum(["within", "between"])
    .optional()
    .describe(
      "within: every person answers under every arm; between: each person under one arm, at random (seeded)",
    ),
  block_on: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      "between: randomize within blocks of people who share these attributes (arms balanced ±1 per block)",
    ),
  ...designModeFields,
});

export type DesignSpec = z.infer<typeof designSchema>;
