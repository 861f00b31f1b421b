import type { AnswerSet } from "./answers.ts";

/** One (person, item) answered in both the simulated and the human file. */
export interface Pair {
  item: string;
  sim: string | number;
  human: string | number;
  /** The human retest answer, when the retest file has one for this (person, item). */
  retest?: string | number;
  /** The person's weight (1 unless the comparison is weighted). */
  w: number;
}

/** Pairs grouped by person, persons in the human file's order. */
export interface PairIndex {
  persons: string[];
  pairsOf: Map<string, Pair[]>;
}

export function buildPairs(
  sim: AnswerSet,
  human: AnswerSet,
  retest?: AnswerSet,
  weightOf: (person: string) => number = () => 1,
): PairIndex {
  const persons: string[] = [];
  const pairsOf = new Map<string, Pair[]>();
  for (const [person, humanAnswers] of human.answers) {
    const simAnswers = sim.answers.get(person);
    if (!simAnswers) continue;
    const retestAnswers = retest?.answers.get(person);
    const list: Pair[] = [];
    const w = weightOf(person);
    for (const [item, h] of humanAnswers) {
      const s = simAnswers.get(item);
      if (s === undefined) continue;
      const pair: Pair = { item, sim: s, human: h, w };
      const r = retestAnswers?.get(item);
      if (r !== undefined) pair.retest = r;
      list.push(pair);
    }
    if (list.length > 0) {
      persons.push(person);
      pairsOf.set(person, list);
    }
  }
  return { persons, pairsOf };
}
