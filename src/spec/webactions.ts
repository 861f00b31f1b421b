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

interface KindStudy {
  population?: unknown;
  instrument: {
    items: unknown[];
    flow?: string;
    randomize_options?: boolean;
    webactions?: WebActionsSpec;
  };
  model: { mode: string };
  calibration?: unknown;
}

/**
 * What each kind of instrument needs: a survey its items and a population; a web-action study
 * neither, since its people are the sessions' shoppers and its test cases their steps.
 */
export function checkInstrumentKind(study: KindStudy, ctx: z.RefinementCtx<KindStudy>): void {
  const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (!study.instrument.webactions) {
    if (study.instrument.items.length === 0) {
      at(["instrument", "items"], "required: list at least one item (or give instrument.webactions)");
    }
    if (study.population === undefined) {
      at(["population"], "required: where the simulated people come from");
    }
    return;
  }
  const web = "a web-action study";
  if (study.instrument.items.length > 0) {
    at(["instrument", "items"], `${web} asks no survey items: its test cases are the sessions' steps`);
  }
  for (const key of ["flow", "randomize_options"] as const) {
    if (study.instrument[key] !== undefined) at(["instrument", key], `survey items only; ${web} has none`);
  }
  if (study.population !== undefined) {
    at(
      ["population"],
      `${web} simulates the sessions' own shoppers (instrument.webactions.personas says who they are): remove population`,
    );
  }
  if (study.model.mode !== "generate") {
    at(["model", "mode"], `${web} asks for a reason and an action as JSON: use mode generate`);
  }
  if (study.calibration !== undefined) {
    at(["calibration"], `${web} is scored against its sessions (populace report), not calibrated`);
  }
}
