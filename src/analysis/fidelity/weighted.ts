import { UserError } from "../../errors/index.ts";
import type { AnswerSet as Answers } from "./answers.ts";
import type { CompareOptions } from "./compare.ts";
import type { Pair } from "./pairs.ts";

/** Weighted comparisons: people's weights on pairs, shares, moments and answer distributions. */

/** An item's answers on one side with their persons' weights (undefined: unweighted). */
export interface Side {
  values: (string | number)[];
  w?: number[];
}

/** Σw over pairs where `hit`, over Σw of all pairs. */
export function weightedShare(pairs: readonly Pair[], hit: (p: Pair) => boolean): number {
  let a = 0;
  let b = 0;
  for (const p of pairs) {
    b += p.w;
    if (hit(p)) a += p.w;
  }
  return a / b;
}

/** An item's answers in a file with their persons' weights. */
export function side(set: Answers, item: string, weightOf?: (person: string) => number): Side {
  const values = set.byItem.get(item)!;
  if (!weightOf) return { values };
  return { values, w: set.byItemPersons.get(item)!.map(weightOf) };
}

/** The answer set without the people `keep` rejects. */
function restrict(set: Answers, keep: (person: string) => boolean): Answers {
  const byItem = new Map<string, (string | number)[]>();
  const byItemPersons = new Map<string, string[]>();
  for (const [item, values] of set.byItem) {
    const persons = set.byItemPersons.get(item)!;
    const at = persons.flatMap((p, i) => (keep(p) ? [i] : []));
    byItem.set(
      item,
      at.map((i) => values[i]),
    );
    byItemPersons.set(
      item,
      at.map((i) => persons[i]),
    );
  }
  return {
    ...set,
    answers: new Map([...set.answers].filter(([p]) => keep(p))),
    attributes: new Map([...set.attributes].filter(([p]) => keep(p))),
    byItem,
    byItemPersons,
  };
}

/**
 * A weighted comparison: every simulated person needs a weight (the weights are the simulated
 * sample's); human (and retest) people without one are left out, and counted.
 */
export function applyWeights(
  weights: NonNullable<CompareOptions["weights"]>,
  sim: Answers,
  human: Answers,
  retest?: Answers,
) {
  const has = (p: string) => weights.weights.has(p);
  const missing = [...new Set([...sim.answers.keys(), ...sim.attributes.keys()])].filter((p) => !has(p));
  if (missing.length > 0) {
    throw new UserError(
      `${missing.length} simulated people of ${sim.name} have no weight in ${weights.name} (first: "${missing[0]}"); ` +
        "the weights must cover the simulated sample",
      { where: weights.name },
    );
  }
  const leftOut = new Set([...human.attributes.keys()].filter((p) => !has(p))).size;
  return {
    human: restrict(human, has),
    retest: retest ? restrict(retest, has) : undefined,
    weightOf: (person: string) => weights.weights.get(person) as number,
    leftOut,
  };
}
