/**
 * A stored run as analysis reads it: one answer per simulated person, item and arm, with the
 * person's source id and attributes. `populace results`, `compare|effects|calibrate --run` and
 * the demo all read runs through here, so they join people and combine replicates the same way.
 *
 * Replicates: a person asked the same item several times (design.replicates) gets one answer
 * per arm. Numbers are averaged over the person's valid replicates; other answers take the most
 * frequent one, ties going to the answer of the earliest replicate among them. Failed replicates
 * are left out; a person with none valid has no answer.
 */
import { decodeStoredRow } from "../designs/modes/index.ts";
import { UserError } from "../errors/index.ts";
import type { Answer } from "../instruments/types.ts";
import type { AgentRecord, ResponseRecord, RunRecord, Store } from "../store/types.ts";

export interface RunAnswers {
  run: RunRecord;
  /** Agents by agent id, in plan order. */
  agents: Map<string, AgentRecord>;
  /** Arms in plan order. */
  arms: string[];
  /** Items in plan order. */
  items: string[];
  replicates: number;
  /** arm → item → agent id → the agent's valid answers, by replicate. */
  answers: Map<string, Map<string, Map<string, { replicate: number; answer: Answer }[]>>>;
  /** Failed responses (left out of every answer); rows a flow skipped are not counted. */
  failed: number;
}

/** The id analysis joins on: the agent's id in its source (GSS respondent, agent bank uuid, CSV id). */
export function personId(agent: Pick<AgentRecord, "agentId">): string {
  return agent.agentId;
}

/** Reads every response of a run once, grouped by arm, item and person. */
export async function readRunAnswers(store: Store, run: RunRecord): Promise<RunAnswers> {
  const agentList = await store.agents(run.id);
  const agents = new Map(agentList.map((a) => [a.agentId, a]));
  const arms: string[] = [];
  const items: string[] = [];
  const answers: RunAnswers["answers"] = new Map();
  let failed = 0;
  let replicates = 0;
  for await (const stored of store.responses(run.id)) {
    const r = readBack(stored);
    if (!arms.includes(r.arm)) arms.push(r.arm);
    if (!items.includes(r.item)) items.push(r.item);
    replicates = Math.max(replicates, r.replicate);
    if (r.status === "skipped") continue;
    if (r.status !== "ok" || r.answer === null) {
      failed++;
      continue;
    }
    add(answers, r);
  }
  if (arms.length === 0) throw new UserError(`run ${run.id} has no responses yet`);
  return { run, agents, arms, items, replicates, answers, failed };
}

/**
 * A stored row with its arm and item as analysis names them: a design's call over every arm is
 * stored under one arm with items "<arm>/<item>", and is read back to each answer's arm (with
 * several design modes in a run, arms read MODE@ARM).
 */
export function readBack(r: ResponseRecord): ResponseRecord {
  const d = decodeStoredRow(r.arm, r.item);
  return d.arm === r.arm && d.item === r.item ? r : { ...r, arm: d.arm, item: d.item };
}

function add(answers: RunAnswers["answers"], r: ResponseRecord): void {
  let byItem = answers.get(r.arm);
  if (!byItem) {
    byItem = new Map();
    answers.set(r.arm, byItem);
  }
  let byAgent = byItem.get(r.item);
  if (!byAgent) {
    byAgent = new Map();
    byItem.set(r.item, byAgent);
  }
  let list = byAgent.get(r.agentId);
  if (!list) {
    list = [];
    byAgent.set(r.agentId, list);
  }
  list.push({ replicate: r.replicate, answer: r.answer as Answer });
}

/** One answer from a person's replicates: the mean of numbers, else the most frequent answer. */
export function combineReplicates(
  list: readonly { replicate: number; answer: Answer }[],
): Answer | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0].answer;
  if (list.every((r) => typeof r.answer === "number")) {
    return list.reduce((a, r) => a + (r.answer as number), 0) / list.length;
  }
  const sorted = [...list].sort((a, b) => a.replicate - b.replicate);
  const counts = new Map<string, { n: number; answer: Answer }>();
  for (const r of sorted) {
    const key = JSON.stringify(r.answer);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { n: 1, answer: r.answer });
  }
  let best: { n: number; answer: Answer } | undefined;
  // Map iteration follows first appearance, i.e. the earliest replicate: strict > keeps ties there.
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.answer;
}

/** The run's arm named by `arm`, or its first arm (plan order); errors list the arms. */
export function chooseArm(data: RunAnswers, arm: string | undefined, flag = "--sim-arm"): string {
  if (arm === undefined) return data.arms[0];
  if (!data.arms.includes(arm)) {
    throw new UserError(
      `${flag} ${arm}: run ${data.run.id} has no arm "${arm}" (arms: ${data.arms.join(", ")})`,
    );
  }
  return arm;
}

export function checkItem(data: RunAnswers, item: string, flag = "--item"): void {
  if (!data.items.includes(item)) {
    throw new UserError(
      `${flag} ${item}: run ${data.run.id} asked no item "${item}" (items: ${data.items.join(", ")})`,
    );
  }
}

/**
 * The person's combined answer to each item in one arm: rows person_id,item,answer in plan
 * order, ready for compareFidelity (its "sim" side).
 */
export function simAnswerRows(
  data: RunAnswers,
  arm: string,
): { person_id: string; item: string; answer: string | number }[] {
  const rows: { person_id: string; item: string; answer: string | number }[] = [];
  const byItem = data.answers.get(arm);
  for (const agent of data.agents.values()) {
    for (const item of data.items) {
      const list = byItem?.get(item)?.get(agent.agentId);
      const answer = list ? combineReplicates(list) : undefined;
      if (answer === undefined) continue;
      rows.push({
        person_id: personId(agent),
        item,
        answer: typeof answer === "number" ? answer : String(answer),
      });
    }
  }
  return rows;
}

/**
 * Each person's value of one item in one arm, after `value` turns each replicate's answer into
 * a number (undefined: no number, left out). Numbers are averaged over replicates.
 */
export function armValues(
  data: RunAnswers,
  item: string,
  arm: string,
  value: (answer: Answer) => number | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  const byAgent = data.answers.get(arm)?.get(item);
  for (const agent of data.agents.values()) {
    const list = byAgent?.get(agent.agentId);
    if (!list) continue;
    const numbers = list.flatMap((r) => {
      const v = value(r.answer);
      return v === undefined ? [] : [{ replicate: r.replicate, answer: v }];
    });
    const combined = combineReplicates(numbers);
    if (combined !== undefined) out.set(personId(agent), combined as number);
  }
  return out;
}

/** A person's combined answer to an item in an arm (for categorical outcomes such as --positive). */
export function armAnswers(data: RunAnswers, item: string, arm: string): Map<string, Answer> {
  const out = new Map<string, Answer>();
  const byAgent = data.answers.get(arm)?.get(item);
  for (const agent of data.agents.values()) {
    const list = byAgent?.get(agent.agentId);
    const answer = list ? combineReplicates(list) : undefined;
    if (answer !== undefined) out.set(personId(agent), answer);
  }
  return out;
}

/** An agent attribute by name, or under another spelling of the same attribute. */
export function attributeOf(
  agent: AgentRecord,
  name: string,
  canonical: (n: string) => string,
): string | undefined {
  if (agent.attributes[name] !== undefined) return agent.attributes[name];
  const key = canonical(name);
  for (const [k, v] of Object.entries(agent.attributes)) if (canonical(k) === key) return v;
  return undefined;
}
