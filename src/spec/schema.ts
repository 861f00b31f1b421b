import { z } from "zod";
import { type CalibrationSpec, calibrationSchema } from "./calibration.ts";
import { id } from "./common.ts";
import { type DesignSpec, designSchema } from "./design.ts";
import { checkExperiment, experimentSize } from "./experiment.ts";
import { checkFlow } from "./flow.ts";
import { instrumentSchema, type SurveySpec, surveyOf } from "./instrument.ts";
import { checkInstrumentKind } from "./kind.ts";
import { answersProblem } from "./limits.ts";
import { modelSchema } from "./model.ts";
import { populationSchema } from "./population.ts";

export type { CalibrationSpec } from "./calibration.ts";
export type { CommunitySpec } from "./community.ts";
export type { InstrumentSpec, ItemSpec, SurveySpec } from "./instrument.ts";
export type { PopulationSpec } from "./population.ts";
export type { WebActionsSpec } from "./webactions.ts";

/**
 * The study spec (DESIGN section 1). One zod schema is the single source of truth: it validates
 * YAML files, gives TypeScript types, and emits the JSON Schema that editors use (`populace schema`).
 * Objects are strict so that a misspelt key is an error rather than silently ignored.
 */

export const budgetSchema = z.strictObject({
  usd: z.number().positive().optional().describe("Never start a call that could take spending past this"),
  calls: z.int().positive().optional(),
});

export const studySchema = z
  .strictObject({
    name: id,
    description: z.string().optional(),
    seed: z.union([z.int(), z.string()]).default(1),
    population: populationSchema
      .optional()
      .describe("Who answers (a community has seed personas; a web-action study its sessions' shoppers)"),
    instrument: instrumentSchema,
    design: designSchema.default({ arms: [{ name: "control", text: "" }], replicates: 1 }),
    model: modelSchema.default({
      mode: "generate",
      max_output_tokens: 400,
      timeout_ms: 60_000,
    }),
    budget: budgetSchema.optional(),
    calibration: calibrationSchema.optional(),
  })
  .superRefine((study, ctx) => {
    const survey = surveyOf(study.instrument);
    if (survey) checkSurvey(survey, study.model.mode, ctx);
    const arms = new Set<string>();
    study.design.arms.forEach((a, i) => {
      if (arms.has(a.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["design", "arms", i, "name"],
          message: `duplicate arm "${a.name}"`,
        });
      }
      arms.add(a.name);
    });
    if (survey) checkFlow({ instrument: survey, design: study.design }, ctx);
    checkExperiment(study, ctx);
    if (study.calibration) {
      if (survey)
        checkCalibration({ instrument: survey, design: study.design, calibration: study.calibration }, ctx);
      else
        ctx.addIssue({
          code: "custom",
          path: ["calibration"],
          message: "a calibration plan names a survey item: it applies to surveys (instrument.items)",
        });
    }
    checkInstrumentKind(study, ctx);
    // A CSV population without n is counted when it is read (the run checks it again then).
    const population = study.population;
    const agents = !population
      ? undefined
      : population.source === "personas"
        ? population.personas.length
        : population.n;
    const size = experimentSize(study);
    const tooMany =
      agents === undefined
        ? undefined
        : answersProblem({ agents, items: size.items, arms: size.arms, replicates: study.design.replicates });
    if (tooMany) ctx.addIssue({ code: "custom", path: [], message: tooMany });
  })
  // Checked even when other parts fail (so a survey's missing items and its missing population are
  // reported together): the study may be only partly parsed here.
  .refine((study) => study.population !== undefined || !needsPopulation(study.instrument), {
    path: ["population"],
    message: "required: where the simulated people come from",
    when: () => true,
  });

/** Surveys, games and templates ask a population; a community or a web-action study does not. */
function needsPopulation(instrument: unknown): boolean {
  return !(
    instrument &&
    typeof instrument === "object" &&
    ("community" in instrument || "webactions" in instrument)
  );
}

/** A survey's own rules: distinct item ids, sensible scales, one question a call in distribution mode. */
function checkSurvey(survey: SurveySpec, mode: string, ctx: Pick<z.RefinementCtx, "addIssue">): void {
  const seen = new Map<string, number>();
  survey.items.forEach((item, i) => {
    const key = "gss" in item ? item.gss : item.id;
    if (seen.has(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["instrument", "items", i],
        message: `duplicate item id "${key}" (also items[${seen.get(key)}])`,
      });
    } else seen.set(key, i);
    if ("type" in item && item.type === "linear_scale" && item.max <= item.min) {
      ctx.addIssue({
        code: "custom",
        path: ["instrument", "items", i, "max"],
        message: "max must exceed min",
      });
    }
  });
  if (mode === "distribution" && survey.items_per_call !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["instrument", "items_per_call"],
      message: "distribution mode reads one question's option probabilities per call: use 1",
    });
  }
}

interface CalibratedStudy {
  instrument: SurveySpec;
  design: DesignSpec;
  calibration?: CalibrationSpec;
}

/** Cross-field rules of the calibration block: what a confirmatory plan must name, and that names exist. */
function checkCalibration(study: CalibratedStudy, ctx: Pick<z.RefinementCtx, "addIssue">): void {
  const plan = study.calibration!;
  const at = (key: string, message: string) =>
    ctx.addIssue({ code: "custom", path: ["calibration", key], message });
  if (plan.confirmatory) {
    for (const key of ["human_data", "estimand", "item", "outcome"] as const) {
      if (plan[key] === undefined) {
        at(key, "required: a confirmatory study must name its human data and estimand before it runs");
      }
    }
  }
  const items = study.instrument.items.map((item) => ("gss" in item ? item.gss : item.id));
  if (plan.item !== undefined) {
    const i = items.indexOf(plan.item);
    if (i < 0) at("item", `"${plan.item}" is not an item of this study (items: ${items.join(", ")})`);
    else {
      const item = study.instrument.items[i];
      if ("type" in item && item.type === "free_text") {
        at("item", `"${plan.item}" is free text: calibration needs numeric or closed answers`);
      }
    }
  }
  const arms = study.design.arms.map((a) => a.name);
  const isArm = (key: "arm" | "treated" | "control") => {
    const name = plan[key];
    if (name !== undefined && !arms.includes(name)) {
      at(key, `"${name}" is not an arm of the design (arms: ${arms.join(", ")})`);
    }
  };
  if (plan.estimand === "ate") {
    for (const key of ["treated", "control"] as const) {
      if (plan[key] === undefined) at(key, "required: an ate compares a treated arm with a control arm");
      else isArm(key);
    }
    if (plan.treated !== undefined && plan.treated === plan.control) {
      at("control", "must differ from treated");
    }
    if (plan.arm !== undefined) at("arm", "mean only: an ate names treated and control instead");
  } else {
    isArm("arm");
    for (const key of ["treated", "control"] as const) {
      if (plan[key] !== undefined) at(key, "ate only: set estimand: ate, or remove it");
    }
  }
}

export type StudySpec = z.infer<typeof studySchema>;

/** JSON Schema (draft 2020-12) of the input format, for editors. */
export function studyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(studySchema, { io: "input" }) as Record<string, unknown>;
}
