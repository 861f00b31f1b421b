import { readFileSync } from "node:fs";
import { dataFile } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { seededSample, valueAllowed } from "./sample.ts";
import type { Agent } from "./types.ts";

export const AGENT_BANK_FILE = "genagents-gss-agent-bank/gss_agents.jsonl";

/** Fields left out of agents: the id is the agent id; surnames and street addresses are fictional. */
const DROPPED = new Set(["agent_id", "last_name", "street_address"]);

export interface AgentBankOptions {
  n?: number;
  seed: number | string;
  /** attribute → allowed values (case and punctuation ignored), e.g. { sex: ["Female"] }. */
  filter?: Record<string, string[]>;
}

/** Personas of the genagents GSS agent bank (3,505 demographic profiles), filtered then sampled. */
export function loadAgentBank(dataDir: string, options: AgentBankOptions): Agent[] {
  const file = dataFile(dataDir, AGENT_BANK_FILE, "genagents GSS agent bank");
  const agents = readBank(file);
  const filter = Object.entries(options.filter ?? {});
  const known = new Set(agents.flatMap((a) => Object.keys(a.attributes)));
  for (const [name, values] of filter) {
    if (!known.has(name)) {
      throw new UserError(
        `the agent bank has no attribute "${name}" (it has: ${[...known].sort().join(", ")})`,
        {
          where: `filter.${name}`,
        },
      );
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new UserError("expected a non-empty list of allowed values", { where: `filter.${name}` });
    }
  }
  const kept = agents.filter((a) =>
    filter.every(([name, values]) => valueAllowed(a.attributes[name], values)),
  );
  return seededSample(
    kept,
    options.n,
    options.seed,
    filter.length ? "agent-bank personas match the filter" : "agent-bank personas",
  );
}

const cache = new Map<string, Agent[]>();

function readBank(file: string): Agent[] {
  const cached = cache.get(file);
  if (cached) return cached;
  const agents: Agent[] = [];
  const seen = new Set<string>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      const where = `${file}:${i + 1}`;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new UserError(`not valid JSON (${(error as Error).message})`, { where });
      }
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        throw new UserError("expected one JSON object per line", { where });
      }
      const fields = record as Record<string, unknown>;
      const id = fields.agent_id;
      if (typeof id !== "string" || id === "") throw new UserError('missing "agent_id"', { where });
      if (seen.has(id)) throw new UserError(`duplicate agent_id "${id}"`, { where });
      seen.add(id);
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(fields)) {
        if (DROPPED.has(name) || value === null || value === undefined || value === "") continue;
        attributes[name] = typeof value === "object" ? JSON.stringify(value) : String(value);
      }
      agents.push({ id, source: "agent-bank", attributes });
    });
  cache.set(file, agents);
  return agents;
}
