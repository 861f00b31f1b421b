import { z } from "zod";

/**
 * Upper bounds on a study's size. They are far above any study worth running and exist so that a
 * typo (`n: 1e15`, `replicates: 1e9`) is refused at validation instead of planning billions of
 * jobs: the largest study allowed stores 10 million answers, about 2 GB of database.
 */
export const LIMITS = {
  /** Simulated people (population.n, personas, CSV rows used). */
  agents: 1_000_000,
  items: 1_000,
  arms: 1_000,
  replicates: 1_000,
  /** Answers of one run: people × items × arms × replicates. */
  answers: 10_000_000,
} as const;

const thousands = (n: number) => n.toLocaleString("en-US");

/** A whole number from 1 to `max`, with messages that name the limit. */
export function boundedCount(max: number, what: string) {
  // The limit first: 1e20 is refused for its size, which says more than "not a safe integer".
  return z
    .number()
    .max(max, `at most ${thousands(max)} ${what} (the limit on a study's size)`)
    .positive("must be a positive whole number")
    .int("must be a whole number");
}

/** The answers a study asks for, or a problem naming the limit when they are too many. */
export function answersProblem(sizes: {
  agents: number;
  items: number;
  arms: number;
  replicates: number;
}): string | undefined {
  const answers = sizes.agents * sizes.items * sizes.arms * sizes.replicates;
  if (answers <= LIMITS.answers) return undefined;
  // A single size over its own limit is reported as such; the product would only repeat it.
  if (sizes.agents > LIMITS.agents || sizes.items > LIMITS.items) return undefined;
  if (sizes.arms > LIMITS.arms || sizes.replicates > LIMITS.replicates) return undefined;
  return (
    `${thousands(sizes.agents)} people × ${thousands(sizes.items)} items × ${thousands(sizes.arms)} arms × ` +
    `${thousands(sizes.replicates)} replicates = ${thousands(answers)} answers, more than the limit of ` +
    `${thousands(LIMITS.answers)} per study; split the study or lower one of them`
  );
}
