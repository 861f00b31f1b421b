import { z } from "zod";

/**
 * A simulated online community (Social Simulacra, Park et al. 2022; DESIGN section 8): the
 * designer's goal, rules and a few member personas; the model expands the personas, writes one
 * top-level post per thread and replies until each thread stops.
 */
export const communitySchema = z.strictObject({
  goal: z
    .string()
    .trim()
    .min(1, "describe what the community is for")
    .describe('What the community is for, e.g. "people learning to bake bread at home"'),
  rules: z
    .array(z.string().trim().min(1, "a rule must not be empty"))
    .describe("Rules shown to every member who writes (an empty list: no rules)"),
  seed_personas: z
    .array(z.string().trim().min(1, "a persona must not be empty"))
    .min(1, "give at least one seed persona")
    .describe("A few members, a line or two each; the model writes more people like them"),
  personas: z
    .int("must be a whole number")
    .positive("must be at least 1")
    .max(100_000)
    .describe("How many personas to generate from the seeds (the seeds are members too)"),
  threads: z
    .int("must be a whole number")
    .positive("must be at least 1")
    .max(100_000)
    .describe("Top-level posts, one thread each"),
  max_replies: z
    .int("must be a whole number")
    .min(0)
    .max(1000)
    .default(8)
    .describe("Replies per thread at most"),
  p_reply: z
    .number()
    .min(0, "a probability is between 0 and 1")
    .max(1, "a probability is between 0 and 1")
    .default(0.8)
    .describe("Probability that a thread goes on after its post and after each reply"),
  temperature: z.number().min(0).max(2).default(0.7).describe("Sampling temperature of every generation"),
  context_chars: z
    .int("must be a whole number")
    .min(200, "at least 200 characters")
    .default(8000)
    .describe("The thread shown to a replier is cut to this many characters, oldest replies first"),
});

export type CommunitySpec = z.infer<typeof communitySchema>;

interface InstrumentFields {
  items: unknown[];
  community?: CommunitySpec;
  flow?: string;
  randomize_options?: boolean;
  items_per_call: number;
}

/**
 * Which kind of instrument this is: a survey needs items; a community asks none (its people
 * write, they are not asked questions), so survey-only settings are errors there.
 */
export function checkInstrumentKind(instrument: InstrumentFields, ctx: z.RefinementCtx): void {
  if (!instrument.community) {
    if (instrument.items.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["instrument", "items"],
        message: "list at least one item (or describe a community: instrument.community)",
      });
    }
    return;
  }
  const surveyOnly = (key: string, present: boolean) => {
    if (present) {
      ctx.addIssue({
        code: "custom",
        path: ["instrument", key],
        message: "a community asks no questions: remove it (or remove instrument.community)",
      });
    }
  };
  surveyOnly("items", instrument.items.length > 0);
  surveyOnly("flow", instrument.flow !== undefined);
  surveyOnly("randomize_options", instrument.randomize_options !== undefined);
  surveyOnly("items_per_call", instrument.items_per_call !== 1);
}

interface StudyFields {
  population?: unknown;
  instrument: { community?: CommunitySpec };
  model: { mode: string };
  design: { arms: unknown[]; replicates: number };
  calibration?: unknown;
}

/** A community's members come from its seed personas, and they write: no population, no distribution mode. */
export function checkCommunityStudy(study: StudyFields, ctx: z.RefinementCtx): void {
  if (!study.instrument.community) {
    if (study.population === undefined) {
      ctx.addIssue({ code: "custom", path: ["population"], message: "required: who answers the survey" });
    }
    return;
  }
  if (study.population !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["population"],
      message: "a community's members come from instrument.community.seed_personas: remove population",
    });
  }
  if (study.design.arms.length !== 1 || study.design.replicates !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["design"],
      message: "a community has no arms or replicates: remove design (Multiverse makes other iterations)",
    });
  }
  if (study.calibration !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["calibration"],
      message: "a community has no answers to calibrate: remove it",
    });
  }
  if (study.model.mode !== "generate") {
    ctx.addIssue({
      code: "custom",
      path: ["model", "mode"],
      message: "a community's members write posts and replies: use generate",
    });
  }
}
