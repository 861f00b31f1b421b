import { assignArms, type PlannedJob } from "../designs/index.ts";
import { type DesignCall, designCalls, storedArm } from "../designs/modes/index.ts";
import type { DesignExperiment } from "./compile.ts";

/** The episode of a design call is named after its mode: job ids read `AGENT/MODE/ARM/rN`. */
export interface DesignPlan {
  jobs: PlannedJob[];
  /** Each call by its stored arm: what the job of that arm asks. */
  calls: Map<string, DesignCall>;
}

/**
 * The jobs of a design run: under every mode, for every replicate, each person's calls. Blind and
 * unblinded: one call per arm (every arm, or the person's one arm between subjects, the same
 * assignment under every mode); within and aggregate: one call covering every arm, stored under
 * ALL_ARMS. With several modes, stored arms carry the mode ("unblinded@price_2.00").
 */
export function designJobs(
  e: DesignExperiment,
  agents: readonly { id: string; attributes: Readonly<Record<string, string>> }[],
  replicates: number,
  seed: number | string,
): DesignPlan {
  const several = e.modes.length > 1;
  const armNames = e.design.arms.map((a) => a.name);
  const assigned =
    e.assignment === "between"
      ? assignArms({ agents, arms: armNames, blockOn: e.blockOn, seed }).arms
      : undefined;
  const calls = new Map<string, DesignCall>();
  const jobs: PlannedJob[] = [];
  for (const mode of e.modes) {
    const modeCalls = designCalls(mode, e.design, e.items, { probe: e.probe, outcome: e.outcome });
    for (const c of modeCalls) calls.set(storedArm(mode, c.arm, several), c);
    const perArm = modeCalls[0].arm !== null;
    for (let replicate = 1; replicate <= replicates; replicate++) {
      const add = (agentId: string, call: DesignCall): void => {
        const arm = storedArm(mode, call.arm, several);
        jobs.push({
          jobId: `${agentId}/${mode}/${arm}/r${replicate}`,
          seq: jobs.length,
          agentId,
          items: itemsOf(call, e),
          arm,
          replicate,
          inputs: { mode },
        });
      };
      if (!perArm) for (const a of agents) add(a.id, modeCalls[0]);
      else if (assigned) for (const [i, a] of agents.entries()) add(a.id, modeCalls[assigned[i]]);
      else for (const call of modeCalls) for (const a of agents) add(a.id, call);
    }
  }
  return { jobs, calls };
}

// One item list per call, shared by its jobs.
const itemLists = new WeakMap<DesignCall, string[]>();

/** The items a call's job stores: its questions, and a classic study's coded outcome per arm. */
export function itemsOf(call: DesignCall, e: DesignExperiment): string[] {
  let items = itemLists.get(call);
  if (!items) {
    items = call.questions.map((q) => q.id);
    if (e.coding) {
      const prefixes = call.arm === null ? e.design.arms.map((a) => `${a.name}/`) : [""];
      items.push(...prefixes.map((p) => `${p}outcome`));
    }
    itemLists.set(call, items);
  }
  return items;
}
