/**
 * Survey fine-tuning data (Wang et al.): a person's profile, rendered as Populace renders a
 * simulated person, and the questions of a study → that person's real answers, in exactly the
 * request and answer format the study later uses (generate mode).
 */
import { type Agent, profileText } from "../agents/index.ts";
import type { AnswerSet } from "../analysis/fidelity/index.ts";
import { UserError } from "../errors/index.ts";
import { labelKey } from "../instruments/index.ts";
import type { Question } from "../instruments/types.ts";
import { optionsOf, questionRequest, systemPrompt } from "../llm/elicitation/index.ts";
import type { FineTuneExample } from "./chat.ts";

export interface SurveyExportOptions {
  /** Questions per example, as the study's `items_per_call` groups them. */
  itemsPerCall: number;
  /** Attribute columns that make up the profile (default: every attribute column of the file). */
  profileColumns?: string[];
}

/** The simulated person for a respondent: their attributes from the human file. */
export function respondentAgent(human: AnswerSet, person: string, columns?: string[]): Agent {
  const attrs = human.attributes.get(person) ?? new Map<string, string>();
  const attributes: Record<string, string> = {};
  for (const [k, v] of attrs) if (!columns || columns.includes(k)) attributes[k] = v;
  return { id: person, source: "csv", attributes };
}

/** A human answer in the form the study's answer schema asks for, or a UserError naming it. */
function answerFor(q: Question, raw: string | number, where: string): string | number {
  const options = optionsOf(q);
  const text = String(raw).trim();
  if (options) {
    const key = labelKey(text);
    const match = options.find((o) => labelKey(o) === key);
    if (match === undefined) {
      throw new UserError(
        `answer "${text}" is not one of the options of "${q.id}" (${options.map((o) => JSON.stringify(o)).join(" | ")})`,
        { where },
      );
    }
    return match;
  }
  if (q.type === "numeric" || q.type === "linear_scale") {
    const n = Number(text);
    if (text === "" || !Number.isFinite(n))
      throw new UserError(`answer "${text}" of "${q.id}" is not a number`, { where });
    if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max)) {
      throw new UserError(`answer ${n} of "${q.id}" is outside ${q.min ?? "−∞"}–${q.max ?? "∞"}`, { where });
    }
    return n;
  }
  return text;
}

export interface SurveyExport {
  examples: FineTuneExample[];
  /** Examples per person (persons with no answer to any study question have none). */
  perPerson: Map<string, number>;
  /** Human answers to items that are not questions of the study (left out). */
  skippedItems: string[];
}

/**
 * One example per person and item set: the system prompt (profile and answering instructions),
 * the questions of the set the person answered, and their answers as `{"answers": {…}}`.
 */
export function surveyExamples(
  human: AnswerSet,
  persons: readonly string[],
  questions: readonly Question[],
  options: SurveyExportOptions,
): SurveyExport {
  const sets: Question[][] = [];
  for (let i = 0; i < questions.length; i += options.itemsPerCall)
    sets.push(questions.slice(i, i + options.itemsPerCall));
  const known = new Set(questions.map((q) => q.id));
  const skipped = new Set<string>();
  const examples: FineTuneExample[] = [];
  const perPerson = new Map<string, number>();
  for (const person of persons) {
    const mine = human.answers.get(person);
    if (!mine) continue;
    for (const item of mine.keys()) if (!known.has(item)) skipped.add(item);
    const agent = respondentAgent(human, person, options.profileColumns);
    const profile = profileText(agent);
    if (profile.trim() === "") {
      throw new UserError(`person "${person}" has no attributes to describe them (add attribute columns)`, {
        where: human.name,
      });
    }
    const system = systemPrompt(profile);
    for (const set of sets) {
      const asked = set.filter((q) => mine.has(q.id));
      if (asked.length === 0) continue;
      const answers: Record<string, string | number> = {};
      for (const q of asked)
        answers[q.id] = answerFor(q, mine.get(q.id)!, `${human.name}: person "${person}", item "${q.id}"`);
      examples.push({
        messages: [
          { role: "system", content: system },
          { role: "user", content: questionRequest(asked, "generate").user },
          { role: "assistant", content: JSON.stringify({ answers }) },
        ],
      });
      perPerson.set(person, (perPerson.get(person) ?? 0) + 1);
    }
  }
  return { examples, perPerson, skippedItems: [...skipped].sort() };
}
