import { z } from "zod";
import { id } from "./common.ts";
import { boundedCount, LIMITS } from "./limits.ts";

/** Where a study's simulated people come from (DESIGN section 3). */

const filter = z
  .record(z.string(), z.array(z.string()).min(1, "list at least one value"))
  .describe("Keep only agents whose attribute is one of the listed values");

const agentBank = z.strictObject({
  source: z.literal("agent-bank").describe("GSS-derived demographic personas (genagents agent bank)"),
  n: boundedCount(LIMITS.agents, "people"),
  filter: filter.optional(),
});

const csvPopulation = z.strictObject({
  source: z.literal("csv"),
  file: z.string().min(1).describe("CSV path, relative to the spec file"),
  id_column: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1).optional().describe("Demographic columns (default: all others)"),
  n: boundedCount(LIMITS.agents, "people").optional(),
  filter: filter.optional(),
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
});

export const populationSchema = z.discriminatedUnion("source", [
  agentBank,
  csvPopulation,
  personas,
  gssPanel,
]);

export type PopulationSpec = z.infer<typeof populationSchema>;
