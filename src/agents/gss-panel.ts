import { type GssPanelName, loadGssPanel } from "../datasets/gss-panel/index.ts";
import { UserError } from "../errors/index.ts";
import { GSS_DEMOGRAPHICS } from "../instruments/gss/index.ts";
import { seededSample, valueAllowed } from "./sample.ts";
import type { Agent } from "./types.ts";

export interface GssPanelAgentOptions {
  n?: number;
  seed: number | string;
  panels?: GssPanelName[];
  /** Only people interviewed again (wave 2), so their answers can be compared with a retest. */
  reinterviewed?: boolean;
  /** demographic variable → allowed values, e.g. { polviews: ["Liberal"] }. */
  filter?: Record<string, string[]>;
}

/** Real GSS panel respondents as agents: id = personId, attributes = wave-1 demographics. */
export function loadGssPanelAgents(dataDir: string, options: GssPanelAgentOptions): Agent[] {
  const filter = Object.entries(options.filter ?? {});
  for (const [name, values] of filter) {
    if (!(GSS_DEMOGRAPHICS as readonly string[]).includes(name)) {
      throw new UserError(`not a GSS panel demographic (known: ${GSS_DEMOGRAPHICS.join(", ")})`, {
        where: `filter.${name}`,
      });
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new UserError("expected a non-empty list of allowed values", { where: `filter.${name}` });
    }
  }
  const people = loadGssPanel(dataDir, { panels: options.panels }).filter(
    (p) =>
      (!options.reinterviewed || p.waves["2"] !== undefined) &&
      filter.every(([name, values]) => valueAllowed(p.demographics[name], values)),
  );
  const chosen = seededSample(people, options.n, options.seed, "GSS panel respondents");
  return chosen.map((p) => ({ id: p.personId, source: "gss-panel", attributes: { ...p.demographics } }));
}
