import assert from "node:assert/strict";
import { test } from "node:test";
import { Plan, type PlannedJob } from "./plan.ts";

const input = {
  agentIds: ["a1", "p/7", "a3"],
  itemIds: ["q1", "q2", "q3", "q4", "q5"],
  arms: ["control", "treated"],
  replicates: 2,
  itemsPerCall: 2,
};

/** The plan written out as nested loops: replicate, arm, agent, item set. */
function expected(): [string, number, string, string[], string, number][] {
  const sets = [["q1", "q2"], ["q3", "q4"], ["q5"]];
  const out: [string, number, string, string[], string, number][] = [];
  for (let replicate = 1; replicate <= 2; replicate++)
    for (const arm of input.arms)
      for (const agent of input.agentIds)
        for (const items of sets)
          out.push([
            `${agent}/${items.join("+")}/${arm}/r${replicate}`,
            out.length,
            agent,
            items,
            arm,
            replicate,
          ]);
  return out;
}

const row = (j: PlannedJob) => [j.jobId, j.seq, j.agentId, j.items, j.arm, j.replicate];

test("a plan is every replicate × arm × person × item set, in that order, numbered by position", () => {
  const plan = new Plan(input);
  assert.equal(plan.length, 36);
  assert.deepEqual(plan.slice().map(row), expected());
});

test("slices of a plan join up to the whole, and jobs of one item set share its items array", () => {
  const plan = new Plan(input);
  const pieces = [plan.slice(0, 7), plan.slice(7, 20), plan.slice(20, 99)].flat();
  assert.deepEqual(pieces.map(row), expected());
  assert.deepEqual(plan.slice(40, 50), []);
  const [first] = plan.slice(0, 1);
  const [again] = plan.slice(30, 31);
  assert.equal(first.items, again.items, "the same array, not an equal copy");
});
