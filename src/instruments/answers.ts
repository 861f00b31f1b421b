import { z } from "zod";
import type { Answer, Question } from "./types.ts";

/**
 * What counts as an answer to a question, defined once per question type: a zod schema that
 * gives both the JSON Schema sent to providers (structured output) and the check every reply goes
 * through, plus the same rule in words for prompts and repair prompts.
 */
export interface AnswerRule {
  /** JSON Schema of one valid answer. */
  readonly jsonSchema: Record<string, unknown>;
  /** What is allowed, in words: "Options: …", "A whole number from 1 to 7.", … */
  readonly allowed: string;
  /** The same, as a repair prompt's line for this question: "id: exactly one of …". */
  readonly repairHint: string;
  /** The checked answer (an option's exact text, a number, trimmed text), or a precise reason. */
  check(value: unknown): { answer: Answer } | { reason: string };
}

/** Options of a closed question; yes/no questions without explicit options get ["Yes", "No"]. */
export function optionsOf(q: Question): string[] | undefined {
  if (q.options && q.options.length > 0) return q.options;
  return q.type === "yes_no" ? ["Yes", "No"] : undefined;
}

const normalize = (s: string): string => s.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();

function quote(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

function closedRule(q: Question, options: string[]): AnswerRule {
  const schema = z.enum(options as [string, ...string[]]);
  // The check is the enum's own test, membership in its values (the options), done here rather
  // than through safeParse: a replay checks 100,000 replies, and the parse's result objects and
  // dispatch were a third of the check's time. Each option's result is made once and handed out
  // again (callers only read it).
  const results = options.map((answer) => ({ answer }));
  const byNormal = new Map<string, { answer: string }>();
  // Reversed, so that of two options alike but for case or spacing the first wins.
  for (let i = options.length - 1; i >= 0; i--) byNormal.set(normalize(options[i]), results[i]);
  return {
    jsonSchema: jsonSchemaOf(schema),
    allowed: `Options: ${options.map((o) => JSON.stringify(o)).join(" | ")}`,
    repairHint: `${q.id}: exactly one of ${options.map((o) => JSON.stringify(o)).join(", ")}`,
    check(value) {
      // A model may write an option with other case or spacing, or a numeric option as a number.
      const text = typeof value === "number" ? String(value) : value;
      if (typeof text === "string") {
        const i = options.indexOf(text);
        if (i >= 0) return results[i];
        const match = byNormal.get(normalize(text));
        if (match) return match;
      }
      return { reason: `${q.id}: ${quote(value)} is not one of the options (${options.join(", ")})` };
    },
  };
}

function numberRule(q: Question): AnswerRule {
  const whole = q.type === "linear_scale";
  let schema = whole ? z.int() : z.number();
  if (q.min !== undefined) schema = schema.min(q.min);
  if (q.max !== undefined) schema = schema.max(q.max);
  const what = whole ? "a whole number" : "a number";
  const range =
    q.min !== undefined && q.max !== undefined
      ? `from ${q.min} to ${q.max}`
      : q.min !== undefined
        ? `at least ${q.min}`
        : q.max !== undefined
          ? `at most ${q.max}`
          : "";
  const allowedRange =
    q.min !== undefined && q.max !== undefined ? `${q.min} to ${q.max}` : range.replace(/^from /, "");
  return {
    jsonSchema: jsonSchemaOf(schema),
    allowed: `${whole ? "A whole number" : "A number"}${range ? `${q.min !== undefined && q.max !== undefined ? " " : ", "}${range}` : ""}.`,
    repairHint: `${q.id}: ${what}${range ? `${q.min !== undefined && q.max !== undefined ? " " : ", "}${range}` : ""}`,
    check(value) {
      const n =
        typeof value === "number"
          ? value
          : typeof value === "string" && value.trim() !== ""
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(n)) return { reason: `${q.id}: ${quote(value)} is not a number` };
      const parsed = schema.safeParse(n);
      if (parsed.success) return { answer: parsed.data };
      if (whole && !Number.isInteger(n)) return { reason: `${q.id}: ${n} is not a whole number` };
      return { reason: `${q.id}: ${n} is outside the allowed range (${allowedRange})` };
    },
  };
}

function textRule(q: Question): AnswerRule {
  const schema = z.string();
  return {
    jsonSchema: jsonSchemaOf(schema),
    allowed: "Free text, in your own words (one or two sentences).",
    repairHint: `${q.id}: a text answer`,
    check(value) {
      if (typeof value === "string" && value.trim() !== "") return { answer: value.trim() };
      if (typeof value === "number") return { answer: String(value) };
      return { reason: `${q.id}: expected a text answer, got ${quote(value)}` };
    },
  };
}

const rules = new WeakMap<Question, AnswerRule>();

/** The answer rule of a question, made once per question object. */
export function answerRule(q: Question): AnswerRule {
  let rule = rules.get(q);
  if (!rule) {
    const options = optionsOf(q);
    rule = options
      ? closedRule(q, options)
      : q.type === "numeric" || q.type === "linear_scale"
        ? numberRule(q)
        : textRule(q);
    rules.set(q, rule);
  }
  return rule;
}

const ruleLists = new WeakMap<readonly Question[], AnswerRule[]>();

/**
 * The rules of a list of questions, made once per list object: jobs of one item set share their
 * list, so checking a reply looks its rules up once rather than once per question.
 */
export function answerRules(questions: readonly Question[]): AnswerRule[] {
  let list = ruleLists.get(questions);
  if (!list) {
    list = questions.map(answerRule);
    ruleLists.set(questions, list);
  }
  return list;
}
