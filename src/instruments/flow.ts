import type { Answer, Question } from "./types.ts";

/**
 * Survey flow rules (DESIGN section 4): skip logic, stop rules and piping, as pure functions of
 * the answers given so far. An item is asked only when its `when` holds; the survey ends after an
 * item whose `stop_when` holds; `{{ID}}` in a question's text shows an earlier answer.
 */
export interface Condition {
  item: string;
  in?: (string | number)[];
  min?: number;
  max?: number;
}

/** An item of a sequential survey: its question and its flow rules. */
export interface FlowItem {
  question: Question;
  when?: Condition;
  stopWhen?: Condition;
  /** Show the options in a random order per person. */
  randomizeOptions: boolean;
}

/** What became of an earlier item: its answer, or why there is none. */
export type Earlier = { answer: Answer } | { missing: "skipped" | "failed" };

/** Whether a condition holds, or why it cannot be told (the item it looks at has no answer). */
export function holds(
  condition: Condition,
  earlier: ReadonlyMap<string, Earlier>,
): { holds: boolean } | { missing: string } {
  const got = earlier.get(condition.item);
  if (!got || "missing" in got)
    return { missing: `${condition.item} has no answer (${got ? got.missing : "not asked"})` };
  const a = got.answer;
  if (condition.in) return { holds: condition.in.some((v) => String(v) === String(a)) };
  const n = typeof a === "number" ? a : Number(a);
  if (!Number.isFinite(n)) return { holds: false };
  return {
    holds:
      (condition.min === undefined || n >= condition.min) &&
      (condition.max === undefined || n <= condition.max),
  };
}

/** The condition in words, for skip reasons: `cappun in ["Favor"]`, `age from 18 to 30`. */
export function describeCondition(c: Condition): string {
  if (c.in) return `${c.item} in [${c.in.map((v) => JSON.stringify(v)).join(", ")}]`;
  if (c.min !== undefined && c.max !== undefined) return `${c.item} from ${c.min} to ${c.max}`;
  return c.min !== undefined ? `${c.item} ≥ ${c.min}` : `${c.item} ≤ ${c.max}`;
}

const PIPE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;

/** The text with `{{ID}}` replaced by earlier answers, or the first piped item without one. */
export function pipe(
  text: string,
  earlier: ReadonlyMap<string, Earlier>,
): { text: string } | { missing: string } {
  let missing: string | undefined;
  const out = text.replace(PIPE, (whole, id: string) => {
    const got = earlier.get(id);
    if (!got || "missing" in got) {
      missing ??= id;
      return whole;
    }
    return String(got.answer);
  });
  return missing === undefined ? { text: out } : { missing };
}
