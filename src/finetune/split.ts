import { writeFileSync } from "node:fs";
import { UserError } from "../errors/index.ts";
import { createRng } from "../random/index.ts";

/** Which people (web users, survey respondents) are held out for testing. */
export interface Split {
  /** What the ids are: "user" (web sessions) or "person" (survey respondents). */
  by: "user" | "person";
  seed: string;
  test_share: number;
  train: string[];
  test: string[];
}

/**
 * A seeded split of distinct ids: round(n × share) go to the test side (at least one of each side
 * when there are two or more ids and 0 < share < 1). The same ids and seed give the same split.
 */
export function splitIds(
  ids: Iterable<string>,
  testShare: number,
  seed: number | string,
  by: Split["by"],
): Split {
  if (!(testShare >= 0 && testShare < 1))
    throw new UserError(`--test-share must be in [0, 1), got ${testShare}`);
  const unique = [...new Set(ids)].sort();
  let k = Math.round(unique.length * testShare);
  if (testShare > 0 && unique.length >= 2) k = Math.min(Math.max(k, 1), unique.length - 1);
  const shuffled = createRng(`split:${seed}`).shuffle(unique);
  const test = new Set(shuffled.slice(0, k));
  return {
    by,
    seed: String(seed),
    test_share: testShare,
    train: unique.filter((id) => !test.has(id)),
    test: unique.filter((id) => test.has(id)),
  };
}

/** "train.jsonl" → "train.split.json": the split is written beside the training file. */
export function besideFile(path: string, suffix: string): string {
  return `${path.replace(/\.jsonl?$/i, "")}${suffix}`;
}

export function writeJson(path: string, value: unknown): void {
  try {
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? error})`, { where: path });
  }
}
