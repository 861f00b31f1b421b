import { z } from "zod";
import { id } from "./common.ts";
import { boundedCount, LIMITS } from "./limits.ts";

/** Where a study's simulated people come from (DESIGN section 3). */

const filter = z
  .record(z.string(), z.array(z.string()).min(1, "list at least one value"))
  .describe("Keep only agents whose attribute is one of the listed values");

const conditioning = z
  .enum(["demographic", "persona", "interview"], {
    error: (issue) =>
      issue.input === "interview+reflection" || Array.isArray(issue.input)
        ? "interview+reflection and several conditionings in one study need the episode engine's stages (not available yet): use demographic, persona or interview"
        : "use demographic, persona or interview",
  })
  .describe(
    "What opens each prompt: demographic (attributes), persona (self-description), interview (transcript). " +
      "Default: interview for source interviews, persona for personas, demographic otherwise",
  );

const interviewOptions = z
  .strictObject({
    keep: z
      .number()
      .gt(0, "must be more than 0")
      .max(1, "must be at most 1")
      .default(1)
      .describe("Share of the interview's exchanges kept (an ablation), drawn per person, in order"),
    seed: z.union([z.int(), z.string()]).default(1).describe("Seed of the kept share"),
  })
  .describe("Interview conditioning options");

/** Fields every source takes: how its people are conditioned. */
const conditioned = {
  conditioning: conditioning.optional(),
  interview: interviewOptions.optional(),
};

const agentBank = z.strictObject({
  source: z.literal("agent-bank").describe("GSS-derived demographic personas (genagents agent bank)"),
  n: boundedCount(LIMITS.agents, "people"),
  filter: filter.optional(),
  ...conditioned,
});

const csvPopulation = z.strictObject({
  source: z.literal("csv"),
  file: z.string().min(1).describe("CSV path, relative to the spec file"),
  id_column: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1).optional().describe("Demographic columns (default: all others)"),
  n: boundedCount(LIMITS.agents, "people").optional(),
  filter: filter.optional(),
  ...conditioned,
});

const personas = z.strictObject({
  source: z.literal("personas"),
  personas: z
    .array(z.union([z.string().min(1), z.strictObject({ id: id.optional(), text: z.string().min(1) })]))
    .min(1, "list at least one persona")
    .max(
      LIMITS.agents,
      `at most ${LIMITS.agents.toLocaleString("en-US")} personas (the limit on a study's size)`,
    ),
  ...conditioned,
});

const gssPanel = z.strictObject({
  source: z
    .literal("gss-panel")
    .describe("Real GSS panel respondents, as agents built from wave-1 demographics"),
  n: boundedCount(LIMITS.agents, "people"),
  panels: z
    .array(z.enum(["2006", "2008", "2010", "2016"]))
    .min(1)
    .optional(),
  ...conditioned,
});

const interviews = z.strictObject({
  source: z.literal("interviews").describe("Interview transcripts, one person each"),
  files: z
    .array(z.union([z.string().min(1), z.strictObject({ file: z.string().min(1), id: id.optional() })]))
    .min(1, "list at least one transcript")
    .optional()
    .describe("Transcript files, relative to the spec file; the id defaults to the file name"),
  dir: z
    .string()
    .min(1)
    .optional()
    .describe("A folder (and its subfolders) of *.txt, *.md, *.jsonl and genagents nodes.json"),
  format: z
    .enum(["auto", "text", "jsonl", "genagents"])
    .default("auto")
    .describe("auto: by extension (.jsonl JSONL, .json genagents nodes, anything else text)"),
  interviewer: z.string().min(1).default("Interviewer").describe("Speaker label of the interviewer"),
  demographics: z
    .strictObject({
      file: z.string().min(1).describe("CSV path, relative to the spec file"),
      id_column: z.string().min(1),
      columns: z.array(z.string().min(1)).min(1).optional(),
    })
    .optional()
    .describe("Attributes by person id; without it a genagents scratch.json beside nodes.json is read"),
  redact: z.boolean().default(true).describe("Mask emails, phone numbers, street addresses and surnames"),
  n: z.int().positive("must be a positive whole number").optional(),
  ...conditioned,
});

const SOURCE_NEEDS: Record<string, string> = {
  interview: "interview conditioning needs transcripts (source: interviews)",
  persona: "persona conditioning needs persona texts (source: personas)",
  demographic: "demographic conditioning needs attributes; personas have none (use a csv source)",
};

function compatible(source: string, mode: string): boolean {
  if (mode === "interview") return source === "interviews";
  if (mode === "persona") return source === "personas";
  return source !== "personas";
}

export const populationSchema = z
  .discriminatedUnion("source", [agentBank, csvPopulation, personas, gssPanel, interviews])
  .superRefine((population, ctx) => {
    const mode = population.conditioning;
    if (mode && !compatible(population.source, mode)) {
      ctx.addIssue({ code: "custom", path: ["conditioning"], message: SOURCE_NEEDS[mode] });
    }
    const effective = mode ?? (population.source === "interviews" ? "interview" : undefined);
    if (population.interview && effective !== "interview") {
      ctx.addIssue({
        code: "custom",
        path: ["interview"],
        message: "interview options apply to interview conditioning only",
      });
    }
    if (population.source === "interviews" && Boolean(population.files) === Boolean(population.dir)) {
      ctx.addIssue({
        code: "custom",
        path: population.files ? ["dir"] : [],
        message: "give either files or dir (one of them)",
      });
    }
  });

export type PopulationSpec = z.infer<typeof populationSchema>;
