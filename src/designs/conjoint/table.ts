import { csvLine } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import type { ConjointAttribute, RespondentTasks } from "./profiles.ts";

/** One profile of one task: the long table the AMCE is estimated from (one row per profile). */
export interface ConjointProfileRow {
  respondent: string;
  task: number;
  /** 1 = shown first (A), 2 = second (B). */
  profile: 1 | 2;
  levels: Record<string, string>;
  /** 1 if this profile was chosen. */
  chosen: 0 | 1;
}

/** A repeated task's answer next to the original's, both in the original task's profile numbering. */
export interface RepeatedChoice {
  respondent: string;
  task: number;
  original: 1 | 2;
  repeated: 1 | 2;
}

/**
 * The long table of one person's main tasks (the repeated task is left out: it would count the
 * same profiles twice) from the chosen profile of each task. A task without a choice is an error
 * naming it: an unfinished person is not silently half-counted.
 */
export function conjointRows(
  person: RespondentTasks,
  choices: ReadonlyMap<number, 1 | 2>,
): ConjointProfileRow[] {
  const rows: ConjointProfileRow[] = [];
  for (const t of person.tasks) {
    if (t.repeats !== undefined) continue;
    const c = choices.get(t.task);
    if (c !== 1 && c !== 2)
      throw new UserError(`conjoint: person ${person.respondent} has no choice for task ${t.task}`);
    t.profiles.forEach((levels, i) => {
      const profile = (i + 1) as 1 | 2;
      rows.push({
        respondent: person.respondent,
        task: t.task,
        profile,
        levels,
        chosen: profile === c ? 1 : 0,
      });
    });
  }
  return rows;
}

/** The repeated task's choice mapped back to the original numbering (its profiles were swapped). */
export function repeatedChoice(
  person: RespondentTasks,
  choices: ReadonlyMap<number, 1 | 2>,
): RepeatedChoice | null {
  const rep = person.tasks.find((t) => t.repeats !== undefined);
  if (!rep) return null;
  const original = choices.get(rep.repeats!);
  const again = choices.get(rep.task);
  if ((original !== 1 && original !== 2) || (again !== 1 && again !== 2)) return null;
  return { respondent: person.respondent, task: rep.repeats!, original, repeated: again === 1 ? 2 : 1 };
}

/** CSV of the long table: respondent,task,profile,<attribute…>,chosen — what `populace amce` reads. */
export function conjointCsv(
  rows: readonly ConjointProfileRow[],
  attributes: readonly ConjointAttribute[],
): string {
  const names = attributes.map((a) => a.name);
  const lines = [csvLine(["respondent", "task", "profile", ...names, "chosen"])];
  for (const r of rows)
    lines.push(csvLine([r.respondent, r.task, r.profile, ...names.map((n) => r.levels[n]), r.chosen]));
  return `${lines.join("\n")}\n`;
}
