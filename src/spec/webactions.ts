import { z } from "zod";

/**
 * A web-action study (Lu et al. 2025): the instrument is real shopping sessions, and each step
 * after the first is a test case, the next action predicted from the true history.
 */
export const webActionsSchema = z
  .strictObject({
    sessions: z
      .string()
      .min(1)
      .describe("Sessions JSONL {session, user, steps, purchase_targets}, relative to the spec file"),
    personas: z
      .string()
      .min(1)
      .optional()
      .describe("Personas JSONL {user, persona}, relative to the spec file: who each shopper is"),
    reasoning: z
      .boolean()
      .optional()
      .describe(
        "Show earlier rationales and ask for a reason before each action (default true; false: the w/o-reasoning ablation)",
      ),
    history_pages: z
      .int()
      .nonnegative()
      .optional()
      .describe("Earlier pages shown in full, the most recent ones (default all; older ones are left out)"),
    tool_call: z
      .boolean()
      .optional()
      .describe("Ask for the answer as a forced call of a next_action tool instead of a JSON-schema reply"),
  })
  .describe("Predict real shoppers' next actions on the pages of their sessions");

export type WebActionsSpec = z.infer<typeof webActionsSchema>;
