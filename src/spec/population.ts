import { z } from "zod";
import { id } from "./common.ts";
import {
  type ConditioningSpec,
  conditioningSchema,
  interviewOptions,
  reflectionOptions,
} from "./conditioning.ts";
import { boundedCount, LIMITS } from "./limits.ts";

/** Where a study's simulated people come from (DESIGN section 3). */

const filter = z
  .record(z.string(), z.array(z.string()).min(1, "list at least one value"))
  .describe("Keep only agents whose attribute is one of the listed values");

/** Fields every source takes: how its people are conditioned. */
const conditioned = {
  conditioning: conditioningSchema.optional(),
  interview: interviewOptions.optional(),
  reflection: reflectionOptions.optional(),
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
  db: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A Populace database: the interviews its interviewer finished (populace interview, the web page)",
    ),
  run: z.string().min(1).optional().describe("With db: only the interviews of this run"),
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
  "interview+reflection": "interview+reflection conditioning needs transcripts (source: interviews)",
  persona: "persona conditioning needs persona texts (source: personas)",
  demographic: "demographic conditioning needs attributes; personas have none (use a csv source)",
};

function compatible(source: string, mode: string): boolean {
  if (mode === "interview" || mode === "interview+reflection") return source === "interviews";
  if (mode === "persona") return source === "personas";
  return source !== "personas";
}

/** The listed conditionings as {mode, keep?, seed?, name?}, in order (one for a single mode). */
export function conditioningEntries(
  c: ConditioningSpec,
): { mode: string; keep?: number; seed?: number | string; name?: string }[] {
  return (Array.isArray(c) ? c : [c]).map((e) => (typeof e === "string" ? { mode: e } : e));
}

export const populationSchema = z
  .discriminatedUnion("source", [agentBank, csvPopulation, personas, gssPanel, interviews])
  .superRefine((population, ctx) => {
    const listed = population.conditioning;
    const entries = listed === undefined ? [] : conditioningEntries(listed);
    const at = (i: number, ...rest: string[]) =>
      Array.isArray(listed) ? ["conditioning", i, ...rest] : ["conditioning", ...rest];
    const names = new Map<string, number>();
    entries.forEach((e, i) => {
      if (!compatible(population.source, e.mode)) {
        ctx.addIssue({ code: "custom", path: at(i), message: SOURCE_NEEDS[e.mode] });
      }
      if ((e.keep !== undefined || e.seed !== undefined) && !e.mode.startsWith("interview")) {
        ctx.addIssue({
          code: "custom",
          path: at(i, "keep"),
          message: "keep and seed apply to interview modes only",
        });
      }
      // The arm's name: as conditioningLabel (src/agents) makes it.
      const keep = e.keep ?? (e.mode.startsWith("interview") ? population.interview?.keep : undefined);
      const name = e.name ?? (keep !== undefined && keep < 1 ? `${e.mode}-keep${keep}` : e.mode);
      const earlier = names.get(name);
      // An out-of-range share is its own problem (reported by keep's rule), not a duplicate name.
      if (keep !== undefined && !(keep > 0 && keep <= 1)) return;
      if (earlier !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: at(i),
          message: `conditioning "${name}" is listed twice (also entry ${earlier}); give one a name`,
        });
      } else names.set(name, i);
    });
    const modes = entries.length
      ? entries.map((e) => e.mode)
      : population.source === "interviews"
        ? ["interview"]
        : [];
    if (population.interview && !modes.some((m) => m.startsWith("interview"))) {
      ctx.addIssue({
        code: "custom",
        path: ["interview"],
        message: "interview options apply to interview conditioning only",
      });
    }
    if (population.reflection && !modes.includes("interview+reflection")) {
      ctx.addIssue({
        code: "custom",
        path: ["reflection"],
        message: "reflection options apply to interview+reflection conditioning only",
      });
    }
    if (population.source === "interviews") {
      const given = [population.files, population.dir, population.db].filter((x) => x !== undefined).length;
      if (given !== 1) {
        ctx.addIssue({
          code: "custom",
          path: population.files && given > 1 ? (population.dir ? ["dir"] : ["db"]) : [],
          message: "give one of files, dir or db",
        });
      }
      if (population.run !== undefined && population.db === undefined) {
        ctx.addIssue({ code: "custom", path: ["run"], message: "run picks the interviews of a db" });
      }
    }
  });

export type PopulationSpec = z.infer<typeof populationSchema>;
