import { dirname, resolve } from "node:path";
import {
  type Agent,
  type Conditioning,
  defaultConditioning,
  describeRedactions,
  loadAgentBank,
  loadCsvAgents,
  loadGssPanelAgents,
  loadInterviewAgents,
  personaAgents,
  withConditioning,
} from "../agents/index.ts";
import { UserError } from "../errors/index.ts";
import type { PopulationSpec } from "../spec/index.ts";

export interface PopulationContext {
  dataDir: string;
  /** The spec file; relative CSV paths are read from its folder. */
  specFile: string;
  seed: number | string;
}

/** The study's people, each with the conditioning the spec asks for (or their source's default). */
export function buildPopulation(spec: PopulationSpec, ctx: PopulationContext): Agent[] {
  try {
    const agents = load(spec, ctx);
    const mode = spec.conditioning ?? (agents[0] ? defaultConditioning(agents[0].source) : "demographic");
    const conditioning: Conditioning = { mode };
    if (mode === "interview" && spec.interview) {
      conditioning.keep = spec.interview.keep;
      conditioning.seed = spec.interview.seed;
    }
    return withConditioning(agents, conditioning);
  } catch (error) {
    // The loaders name their own options (n, filter.x); in a spec those sit under population.
    if (
      error instanceof UserError &&
      error.where &&
      /^(n|filter|conditioning|interview)(\.|$)/.test(error.where)
    ) {
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
    case "interviews": {
      const base = dirname(ctx.specFile);
      return loadInterviewAgents({
        files: spec.files?.map((f) =>
          typeof f === "string" ? resolve(base, f) : { file: resolve(base, f.file), id: f.id },
        ),
        dir: spec.dir === undefined ? undefined : resolve(base, spec.dir),
        format: spec.format,
        interviewer: spec.interviewer,
        demographics: spec.demographics && {
          file: resolve(base, spec.demographics.file),
          idColumn: spec.demographics.id_column,
          columns: spec.demographics.columns,
        },
        redact: spec.redact,
        n: spec.n,
        seed: ctx.seed,
      });
    }
  }
}

/**
 * What a study run should tell the user about its people: for interviews, how many exchanges
 * each mode keeps and what was masked on import (by kind and place, never the values).
 */
export function populationNotes(agents: readonly Agent[]): string[] {
  const interviews = agents.filter((a) => a.interview);
  if (interviews.length === 0) return [];
  const notes: string[] = [];
  const redactions = interviews.flatMap((a) => a.interview!.redactions);
  const masked = interviews.filter((a) => a.interview!.redactions.length > 0).length;
  notes.push(
    redactions.length
      ? `interviews: masked ${describeRedactions(redactions)} in ${masked} of ${interviews.length} people (populace agents preview shows where)`
      : `interviews: nothing to mask in ${interviews.length} transcripts`,
  );
  const keep = interviews[0].conditioning?.keep;
  if (interviews[0].conditioning?.mode === "interview" && keep !== undefined && keep < 1) {
    notes.push(`interviews: each prompt keeps ${Math.round(keep * 100)}% of its person's exchanges (seeded)`);
  }
  return notes;
}
