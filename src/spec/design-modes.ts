import { z } from "zod";
import { BLINDING_MODES, type BlindingMode } from "../designs/modes/index.ts";
import { id } from "./common.ts";

/**
 * Fields of the `design` block on how the design is put to the simulated people (Gui & Toubia
 * 2025), the confound probe, and covariates held fixed in the prompt.
 *
 *   design:
 *     blinding: [blind, unblinded, aggregate]   # one mode, or several run side by side
 *     treatment: prices for the sparkling water   # "Participants are shown different …"
 *     probe:
 *       - { name: competitor_price, question: "What do similar products cost elsewhere, in dollars?", min: 0 }
 *       - { name: income, question: "What is your household's yearly income, in dollars?", min: 0 }
 *     hold_fixed:
 *       - { name: competitor price, value: "$3.00" }
 *
 * designSchema spreads `designModeFields`; the study's superRefine calls `checkDesignModes`,
 * passing whether the instrument names its own treatment and aggregate outcome (the demand
 * template does). No field has a default: a default would enter the version hash of every study
 * written before these fields existed, and their runs would no longer resume.
 */
const mode = z.enum(BLINDING_MODES as [BlindingMode, ...BlindingMode[]]);

export const designModeFields = {
  blinding: z
    .union([mode, z.array(mode).min(1, "name at least one mode")])
    .optional()
    .describe(
      "blind (flagged as at risk of confounding) | unblinded | within | aggregate; a list runs each side by side",
    ),
  treatment: z
    .string()
    .min(1)
    .optional()
    .describe(
      'What is randomized, completing "participants are shown different …" (unblinded, within, aggregate)',
    ),
  predict: z
    .string()
    .min(1)
    .optional()
    .describe('aggregate mode: completes "what percentage of participants would …?"'),
  probe: z
    .array(
      z.strictObject({
        name: id,
        question: z.string().min(1, "must not be empty"),
        min: z.number().optional(),
        max: z.number().optional(),
      }),
    )
    .min(1, "name at least one variable")
    .optional()
    .describe("Unspecified variables each simulated person states before answering, per arm"),
  hold_fixed: z
    .array(z.strictObject({ name: z.string().min(1), value: z.string().min(1) }))
    .min(1, "name at least one covariate")
    .optional()
    .describe("Covariates stated in every prompt (the report adds a focalism note)"),
};

export const designModesSchema = z.strictObject(designModeFields);
export type DesignModesSpec = z.infer<typeof designModesSchema>;

/** The modes of a design block as a list (blind when none is named). */
export function blindingModes(spec: Pick<DesignModesSpec, "blinding">): BlindingMode[] {
  if (spec.blinding === undefined) return ["blind"];
  return Array.isArray(spec.blinding) ? spec.blinding : [spec.blinding];
}

/** Whether the design names a mode, a probe or covariates held fixed (a survey then runs as a design). */
export function usesDesignModes(spec: DesignModesSpec): boolean {
  return spec.blinding !== undefined || spec.probe !== undefined || spec.hold_fixed !== undefined;
}

/** Cross-field rules: what each mode needs, distinct probe names and sensible probe bounds. */
export function checkDesignModes(
  spec: DesignModesSpec,
  at: (path: (string | number)[], message: string) => void,
  instrument: { treatment: boolean; outcome: boolean } = { treatment: false, outcome: false },
): void {
  const modes = blindingModes(spec);
  const dup = modes.find((m, i) => modes.indexOf(m) !== i);
  if (dup) at(["blinding"], `"${dup}" is listed twice`);
  const needsTreatment = modes.filter((m) => m !== "blind");
  if (needsTreatment.length > 0 && spec.treatment === undefined && !instrument.treatment)
    at(
      ["treatment"],
      `required by ${needsTreatment.join(", ")}: say what is randomized ("prices for the product")`,
    );
  if (modes.includes("aggregate") && spec.predict === undefined && !instrument.outcome)
    at(["predict"], 'required by aggregate: what participants would do ("buy the product")');
  const names = new Set<string>();
  const probe = spec.probe ?? [];
  probe.forEach((p, i) => {
    if (names.has(p.name)) at(["probe", i, "name"], `duplicate probe variable "${p.name}"`);
    names.add(p.name);
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      at(["probe", i, "max"], "max must not be below min");
  });
  if (probe.length > 0 && modes.length === 1 && modes[0] === "aggregate")
    at(["probe"], "the aggregate mode predicts a whole experiment and is not probed: add a per-person mode");
}
