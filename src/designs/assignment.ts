import { UserError } from "../errors/index.ts";
import { createRng } from "../random/index.ts";

export interface AssignmentInput {
  agents: readonly { id: string; attributes: Readonly<Record<string, string>> }[];
  arms: readonly string[];
  /** Attributes whose combinations form the blocks (empty: one block of everyone). */
  blockOn?: readonly string[];
  seed: number | string;
}

export interface Assignment {
  /** Index into arms of each agent's arm, by agent position. */
  arms: number[];
  /** Block of each agent (its attribute values joined), by agent position; "" without blocking. */
  blocks: string[];
}

/**
 * Between-subjects random assignment, blocked: within each block (people who share the blocking
 * attributes), people are shuffled with the seed and dealt to the arms in turn, so every block's
 * arms differ in size by at most one, and so do the arms' totals. Deterministic: the same people, arms and
 * seed give the same assignment, which is what lets a rerun resume the same jobs.
 */
export function assignArms(input: AssignmentInput): Assignment {
  const { agents, arms } = input;
  if (arms.length === 0) throw new UserError("design.arms: a between-subjects design needs at least one arm");
  const blockOn = input.blockOn ?? [];
  const blocks = agents.map((a) => {
    if (blockOn.length === 0) return "";
    return blockOn
      .map((attr) => {
        const value = a.attributes[attr];
        if (value === undefined) {
          throw new UserError(
            `design.block_on: person "${a.id}" has no attribute "${attr}" (attributes: ${Object.keys(a.attributes).join(", ") || "none"})`,
          );
        }
        return `${attr}=${value}`;
      })
      .join(";");
  });
  const members = new Map<string, number[]>();
  blocks.forEach((block, i) => {
    let list = members.get(block);
    if (!list) {
      list = [];
      members.set(block, list);
    }
    list.push(i);
  });
  const rng = createRng(`${input.seed}:assignment`);
  const out = new Array<number>(agents.length);
  // One deal in a shuffled arm order, continued from block to block: each block gets a run of
  // consecutive turns (±1 per arm within it), the whole deal is one cycle (±1 overall), and a
  // small block starts wherever the last one stopped, so no arm is favoured.
  const order = rng.shuffle(arms.map((_, i) => i));
  let turn = 0;
  for (const block of [...members.keys()].sort()) {
    for (const i of rng.shuffle(members.get(block)!)) {
      out[i] = order[turn % arms.length];
      turn++;
    }
  }
  return { arms: out, blocks };
}
