import { z } from "zod";
import { id } from "./common.ts";

/**
 * A calibration plan (DESIGN section 7). Confirmatory studies must fix it, with their human data,
 * before they run; the report then says which estimates are calibrated (PPI++) and which are not.
 */
export const calibrationSchema = z.strictObject({
  confirmatory: z
    .boolean()
    .default(false)
    .describe("true: the human data and estimand are fixed before the run (default: exploratory)"),
  human_data: z
    .string()
    .min(1)
    .optional()
    .describe("CSV, relative to the spec: a person id column and the human outcome(s)"),
  person_column: z.string().min(1).default("person_id").describe("The column holding agent ids"),
  estimand: z.enum(["mean", "ate"]).optional(),
  item: z.string().min(1).optional().describe("The study item whose simulated answers are the predictions"),
  outcome: z.string().min(1).optional().describe("The human data column holding the human answer"),
  values: z
    .record(z.string(), z.number())
    .optional()
    .describe("Option text → number, for closed items (numeric items need none)"),
  arm: id.optional().describe("mean only: the arm whose simulated answers are used (default: the first)"),
  treated: id.optional().describe("ate only: the treated arm"),
  control: id.optional().describe("ate only: the control arm"),
  arm_column: z
    .string()
    .min(1)
    .default("arm")
    .describe("ate only: the human data column naming each person's arm"),
  alpha: z.number().gt(0).lt(1).default(0.05),
});

export type CalibrationSpec = z.infer<typeof calibrationSchema>;
