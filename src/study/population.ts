import { dirname, resolve } from "node:path";
import { type Agent, loadAgentBank, loadCsvAgents, personaAgents } from "../agents/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { UserError } from "../errors/index.ts";
import { createRng } from "../random/index.ts";
import type { PopulationSpec } from "../spec/index.ts";

export interface PopulationContext {
  dataDir: string;
  /** The spec file; relative CSV paths are read from its folder. */
  specFile: string;
  seed: number | string;
}

export function buildPopulation(spec: PopulationSpec, ctx: PopulationContext): Agent[] {
  switch (spec.source) {
    case "agent-bank":
      return loadAgentBank(ctx.dataDir, { n: spec.n, seed: ctx.seed, filter: spec.filter });
    case "csv":
      return loadCsvAgents(resolve(dirname(ctx.specFile), spec.file), {
        idColumn: spec.id_column,
        columns: spec.columns,
        n: spec.n,
        seed: ctx.seed,
        where: spec.filter,
      });
    case "personas":
      return personaAgents(spec.personas.map((p) => (typeof p === "string" ? { text: p } : p)));
    case "gss-panel":
      return gssPanelAgents(ctx.dataDir, spec.n, ctx.seed, spec.panels);
  }
}

/** Real GSS panel respondents who were re-interviewed, as agents built from wave-1 demographics. */
export function gssPanelAgents(
  dataDir: string,
  n: number,
  seed: number | string,
  panels?: ("2006" | "2008" | "2010" | "2016")[],
): Agent[] {
  const respondents = loadGssPanel(dataDir, { panels }).filter((r) => r.waves["1"] && r.waves["2"]);
  if (n > respondents.length) {
    throw new UserError(
      `asked for ${n} GSS panel respondents, only ${respondents.length} have waves 1 and 2`,
      {
        where: "population.n",
      },
    );
  }
  return createRng(`gss-panel:${seed}`)
    .sample(respondents, n)
    .map((r) => ({ id: r.personId, source: "gss-panel" as const, attributes: r.demographics }));
}
