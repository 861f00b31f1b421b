import { z } from "zod";

/**
 * The study spec (DESIGN section 1). One zod schema is the single source of truth: it validates
 * YAML files, gives TypeScript types, and emits the JSON Schema that editors use (`populace schema`).
 * Objects are strict so that a misspelt key is an error rather than silently ignored.
 */

const id = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : - only");

const filter = z
  .record(z.string(), z.array(z.string()).min(1, "list at least one value"))
  .describe("Keep only agents whose attribute is one of the listed values");

const agentBank = z.strictObject({
  source: z.literal("agent-bank").describe("GSS-derived demographic personas (genagents agent bank)"),
  n: z.int().positive("must be a positive whole number"),
  filter: filter.optional(),
});

const csvPopulation = z.strictObject({
  source: z.literal("csv"),
  file: z.string().min(1).describe("CSV path, relative to the spec file"),
  id_column: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1).optional().describe("Demographic columns (default: all others)"),
  n: z.int().positive().optional(),
  filter: filter.optional(),
});

const personas = z.strictObject({
  source: z.literal("personas"),
  personas: z
    .array(z.union([z.string().min(1), z.strictObject({ id: id.optional(), text: z.string().min(1) })]))
    .min(1, "list at least one persona"),
});

const gssPanel = z.strictObject({
  source: z
    .literal("gss-panel")
    .describe("Real GSS panel respondents, as agents built from wave-1 demographics"),
  n: z.int().positive("must be a positive whole number"),
  panels: z
    .array(z.enum(["2006", "2008", "2010", "2016"]))
    .min(1)
    .optional(),
});

export const populationSchema = z.discriminatedUnion("source", [
  agentBank,
  csvPopulation,
  personas,
  gssPanel,
]);

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
  items: z.array(itemSchema).min(1, "list at least one item"),
  items_per_call: z
    .int()
    .positive()
    .default(1)
    .describe("Questions asked in one model call (generate mode); more per call costs less"),
});

const arm = z.strictObject({
  name: id,
  text: z.string().default("").describe("Shown to the simulated person before the questions"),
});

export const designSchema = z.strictObject({
  arms: z
    .array(arm)
    .min(1)
    .default([{ name: "control", text: "" }]),
  replicates: z.int().positive().default(1),
});

export const modelSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .optional()
    .describe("e.g. openai:gpt-4o-mini; default: --model, else POPULACE_MODEL, else baseline:demographic"),
  mode: z.enum(["generate", "distribution"]).default("generate"),
  temperature: z.number().min(0).max(2).optional(),
  max_output_tokens: z.int().positive().default(400),
  rpm: z.number().positive().optional().describe("Requests per minute allowed by your provider account"),
  tpm: z.number().positive().optional().describe("Tokens per minute allowed by your provider account"),
  timeout_ms: z.int().positive().default(60_000),
});

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

export const budgetSchema = z.strictObject({
  usd: z.number().positive().optional().describe("Never start a call that could take spending past this"),
  calls: z.int().positive().optional(),
});

export const studySchema = z
  .strictObject({
    name: id,
    description: z.string().optional(),
    seed: z.union([z.int(), z.string()]).default(1),
    population: populationSchema,
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
    const seen = new Map<string, number>();
    study.instrument.items.forEach((item, i) => {
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
    if (study.model.mode === "distribution" && study.instrument.items_per_call !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["instrument", "items_per_call"],
        message: "distribution mode reads one question's option probabilities per call: use 1",
      });
    }
    if (study.calibration) checkCalibration(study, ctx);
  });

interface CalibratedStudy {
  instrument: z.infer<typeof instrumentSchema>;
  design: z.infer<typeof designSchema>;
  calibration?: CalibrationSpec;
}

/** Cross-field rules of the calibration block: what a confirmatory plan must name, and that names exist. */
function checkCalibration(study: CalibratedStudy, ctx: z.RefinementCtx<CalibratedStudy>): void {
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
export type PopulationSpec = z.infer<typeof populationSchema>;
export type ItemSpec = z.infer<typeof itemSchema>;
export type CalibrationSpec = z.infer<typeof calibrationSchema>;

/** JSON Schema (draft 2020-12) of the input format, for editors. */
export function studyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(studySchema, { io: "input" }) as Record<string, unknown>;
}
