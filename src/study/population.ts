import { dirname, resolve } from "node:path";
import {
  type Agent,
  loadAgentBank,
  loadCsvAgents,
  loadGssPanelAgents,
  personaAgents,
} from "../agents/index.ts";
import { UserError } from "../errors/index.ts";
import type { PopulationSpec } from "../spec/index.ts";

export interface PopulationContext {
  dataDir: string;
  /** The spec file; relative CSV paths are read from its folder. */
  specFile: string;
  seed: number | string;
}

export function buildPopulation(spec: PopulationSpec, ctx: PopulationContext): Agent[] {
  try {
    return load(spec, ctx);
  } catch (error) {
    // The loaders name their own options (n, filter.x); in a spec those sit under population.
    if (error instanceof UserError && error.where && /^(n|filter)(\.|$)/.test(error.where)) {
      throw new UserError(error.message.slice(error.where.length + 2), {
        where: `population.${error.where}`,
        cause: error,
      });
    }
    throw error;
  }
}

function load(spec: PopulationSpec, ctx: PopulationContext): Agent[] {
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
      // Re-interviewed people only: their wave-2 answers are the retest ceiling to compare with.
      return loadGssPanelAgents(ctx.dataDir, {
        n: spec.n,
        seed: ctx.seed,
        panels: spec.panels,
        reinterviewed: true,
      });
  }
}
