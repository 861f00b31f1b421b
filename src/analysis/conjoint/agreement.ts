import { UserError } from "../../errors/index.ts";
import { normalQuantile } from "../stats/index.ts";

/** A share with its Wilson score interval. */
export interface Agreement {
  n: number;
  agreement: number;
  lower: number;
  upper: number;
}

/** A person's choice in one forced-choice task: 1 = the first profile, 2 = the second. */
export interface TaskChoice {
  respondent: string;
  task: number;
  choice: 1 | 2;
}

function wilson(k: number, n: number, alpha: number): Agreement {
  const z = normalQuantile(1 - alpha / 2);
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { n, agreement: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Test-retest of forced choices: the share of people who chose the same profile when a task was
 * shown again (both answers in the original task's numbering). It is the ceiling for how often
 * anyone else's choices (a simulated person's) can agree with theirs.
 */
export function repeatedTaskAgreement(
  pairs: readonly { original: 1 | 2; repeated: 1 | 2 }[],
  alpha = 0.05,
): Agreement {
  if (pairs.length === 0) throw new UserError("no repeated tasks to compare");
  return wilson(pairs.filter((p) => p.original === p.repeated).length, pairs.length, alpha);
}

export interface ChoiceAgreement extends Agreement {
  /** Tasks of the simulated side with no human answer (other people or tasks). */
  unmatched: number;
  /** agreement / ceiling, when a test-retest ceiling is given. */
  normalized: number | null;
}

/**
 * How often simulated people chose the same profile as the real people they stand for, over the
 * tasks both answered (matched by respondent and task), optionally normalized by the humans'
 * test-retest agreement.
 */
export function choiceAgreement(
  sim: readonly TaskChoice[],
  human: readonly TaskChoice[],
  opts: { ceiling?: number; alpha?: number } = {},
): ChoiceAgreement {
  const key = (c: TaskChoice) => `${c.respondent}\u0000${c.task}`;
  const truth = new Map<string, 1 | 2>();
  for (const c of human) {
    if (truth.has(key(c)))
      throw new UserError(`human choices: task ${c.task} of ${c.respondent} appears twice`);
    truth.set(key(c), c.choice);
  }
  let n = 0;
  let k = 0;
  let unmatched = 0;
  for (const c of sim) {
    const h = truth.get(key(c));
    if (h === undefined) {
      unmatched++;
      continue;
    }
    n++;
    if (h === c.choice) k++;
  }
  if (n === 0)
    throw new UserError("no task is answered on both sides (match respondent ids and task numbers)");
  const a = wilson(k, n, opts.alpha ?? 0.05);
  return {
    ...a,
    unmatched,
    normalized: opts.ceiling && opts.ceiling > 0 ? a.agreement / opts.ceiling : null,
  };
}
