import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  type Agent,
  type Conditioning,
  conditioningLabel,
  defaultConditioning,
  describeRedactions,
  loadAgentBank,
  loadCsvAgents,
  loadGssPanelAgents,
  loadInterviewAgents,
  personaAgents,
  type StoredInterview,
  storedInterviewAgents,
  usesInterview,
  withConditioning,
} from "../agents/index.ts";
import { UserError } from "../errors/index.ts";
import { conditioningEntries, type PopulationSpec } from "../spec/index.ts";
import { openStore } from "../store/index.ts";

export interface PopulationContext {
  dataDir: string;
  /** The spec file; relative CSV paths are read from its folder. */
  specFile: string;
  seed: number | string;
  /** `source: interviews` with `db:`: the interviews read from that database (readStoredInterviews). */
  storedInterviews?: StoredInterview[];
}

/**
 * The finished interviews of a database (of one run when given), the latest per person: what
 * `source: interviews` with `db:` conditions on. Read before the population is built (the store
 * is asynchronous, building is not).
 */
export async function readStoredInterviews(file: string, runId?: string): Promise<StoredInterview[]> {
  if (!existsSync(file)) throw new UserError(`database ${file} not found`, { where: "population.db" });
  const store = openStore(file);
  try {
    const latest = new Map<string, StoredInterview>();
    for (const s of await store.interviews({ status: "completed", runId })) latest.set(s.agentId, s);
    if (latest.size === 0) {
      throw new UserError(`no finished interviews in ${file}${runId ? ` for run ${runId}` : ""}`, {
        where: "population.db",
      });
    }
    return [...latest.values()];
  } finally {
    await store.close();
  }
}

/**
 * The study's people, each with the (first) conditioning the spec asks for, or their source's
 * default. Every conditioning listed is checked against every person here, so a study that
 * compares several is refused before anything runs when one of them cannot be served.
 */
export function buildPopulation(spec: PopulationSpec, ctx: PopulationContext): Agent[] {
  try {
    const agents = load(spec, ctx);
    const all = studyConditionings(spec, agents[0]?.source);
    for (const c of all.slice(1)) withConditioning(agents, c);
    return withConditioning(agents, all[0]);
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

/**
 * The conditionings a study runs, in the spec's order: one (no label) for a single mode, or each
 * of a list of several with its label (its arm's name). `population.interview` sets the kept share
 * of every interview mode listed by name only.
 */
export function studyConditionings(
  spec: PopulationSpec | undefined,
  source: Agent["source"] | undefined,
): Conditioning[] {
  const entries = spec?.conditioning
    ? conditioningEntries(spec.conditioning)
    : [{ mode: source ? defaultConditioning(source) : "demographic" }];
  return entries.map((e) => {
    const c: Conditioning = { mode: e.mode as Conditioning["mode"] };
    const keep = e.keep ?? spec?.interview?.keep;
    const seed = e.seed ?? spec?.interview?.seed;
    if (usesInterview(c.mode) && keep !== undefined) {
      c.keep = keep;
      c.seed = seed ?? 1;
    }
    if (entries.length > 1) c.label = conditioningLabel({ ...c, label: e.name });
    return c;
  });
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
      if (spec.db !== undefined) {
        if (!ctx.storedInterviews) throw new Error("internal error: stored interviews were not read");
        return storedInterviewAgents(ctx.storedInterviews, {
          where: resolve(base, spec.db),
          redact: spec.redact,
          n: spec.n,
          seed: ctx.seed,
        });
      }
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
