import type { ConjointTask, RespondentTasks } from "./profiles.ts";

/** How a forced-choice task is put to the simulated person. */
export interface ConjointWording {
  /** The choice asked, e.g. "Which of these two immigrants should be given priority to come to the United States?" */
  question: string;
  /** What a profile is, e.g. "immigrant" → "Immigrant A", "Immigrant B". Default "profile". */
  profile_noun?: string;
  /** Shown before the first profile of every task (e.g. what the study is about). */
  intro?: string;
}

/** The user turn of one task and the JSON schema of its answer; the person's profile goes in the system turn. */
export interface ConjointTaskRequest {
  user: string;
  schema: { name: string; schema: Record<string, unknown> };
}

const LABELS = ["A", "B"] as const;

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The prompt of one task: both profiles listed attribute by attribute in the person's attribute
 * order, then the question. The answer is `{"choice": "A" | "B"}`.
 */
export function conjointTaskRequest(
  person: RespondentTasks,
  task: ConjointTask,
  wording: ConjointWording,
): ConjointTaskRequest {
  const noun = capitalized(wording.profile_noun ?? "profile");
  const total = person.tasks.length;
  const blocks = task.profiles.map((p, i) => {
    const lines = person.attribute_order.map((a) => `- ${a}: ${p[a]}`);
    return `${noun} ${LABELS[i]}\n${lines.join("\n")}`;
  });
  const parts = [`Task ${task.task} of ${total}.`];
  if (wording.intro && wording.intro.trim() !== "") parts.push(wording.intro.trim());
  parts.push(...blocks, wording.question.trim());
  parts.push(`Reply with JSON only: {"choice": "A"} for ${noun} A or {"choice": "B"} for ${noun} B.`);
  return {
    user: parts.join("\n\n"),
    schema: {
      name: "conjoint_choice",
      schema: {
        type: "object",
        properties: { choice: { type: "string", enum: [...LABELS] } },
        required: ["choice"],
        additionalProperties: false,
      },
    },
  };
}

/** Strips a ```json fence (some models add one even in JSON mode). */
function unfence(text: string): string {
  const t = text.trim();
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(t);
  return m ? m[1].trim() : t;
}

/**
 * Reads the chosen profile (1 = A, 2 = B) from a reply, or says precisely what is wrong, in words
 * that can go verbatim into a repair prompt. "a", " B " and "Immigrant B" are read as B.
 */
export function checkConjointChoice(
  text: string,
  wording: Pick<ConjointWording, "profile_noun"> = {},
): { choice: 1 | 2 } | { problems: { reason: string }[] } {
  let value: unknown;
  try {
    value = JSON.parse(unfence(text));
  } catch {
    return { problems: [{ reason: 'the reply is not JSON; reply with {"choice": "A"} or {"choice": "B"}' }] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("choice" in value)) {
    return {
      problems: [
        { reason: 'the reply has no "choice" field; reply with {"choice": "A"} or {"choice": "B"}' },
      ],
    };
  }
  const raw = (value as { choice: unknown }).choice;
  if (typeof raw === "string") {
    const noun = (wording.profile_noun ?? "profile").toLowerCase();
    const t = raw
      .trim()
      .toLowerCase()
      .replace(new RegExp(`^${noun.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+`), "");
    if (t === "a") return { choice: 1 };
    if (t === "b") return { choice: 2 };
  }
  return { problems: [{ reason: `choice: ${JSON.stringify(raw)} is not "A" or "B"` }] };
}
