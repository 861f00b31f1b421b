import { UserError } from "../../errors/index.ts";
import { createRng, type Rng } from "../../random/index.ts";

/** One attribute of the profiles and its levels, in display order. */
export interface ConjointAttribute {
  name: string;
  levels: string[];
}

/**
 * An impossible combination: a profile whose levels match every `when` entry may not take any
 * `exclude` level (e.g. when Education is "no formal", Job is not "doctor").
 */
export interface ConjointRestriction {
  when: Record<string, string[]>;
  exclude: Record<string, string[]>;
}

export interface ConjointDesign {
  attributes: ConjointAttribute[];
  restrictions?: ConjointRestriction[];
  /** Forced-choice tasks per person (K). */
  tasks: number;
  /** Ask this task (1-based) once more at the end with the two profiles swapped: a test-retest. */
  repeat_task?: number;
  /** Shuffle the attributes' order once per person (held for all of their tasks). Default true. */
  randomize_attribute_order?: boolean;
}

/** Attribute name → level. */
export type Profile = Record<string, string>;

export interface ConjointTask {
  /** 1-based position in the person's sequence. */
  task: number;
  profiles: [Profile, Profile];
  /** Set on the repeated task: the task it repeats, shown with its profiles swapped. */
  repeats?: number;
}

export interface RespondentTasks {
  respondent: string;
  /** Attribute names in the order this person sees them. */
  attribute_order: string[];
  tasks: ConjointTask[];
}

/** Draws before giving up on a profile: the restrictions then exclude (nearly) everything. */
const MAX_DRAWS = 10_000;

/** A problem of a design at a field path (as a spec's: ["attributes", 2, "levels"]). */
export interface DesignProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Every problem of a design's names, levels and restrictions, each at its field path, so a
 * spec can report them at their lines and the library can refuse a bad design the same way.
 */
export function conjointDesignProblems(design: ConjointDesign): DesignProblem[] {
  const problems: DesignProblem[] = [];
  const at = (path: (string | number)[], message: string) => problems.push({ path, message });
  const levels = new Map<string, Set<string>>();
  if (!Array.isArray(design.attributes) || design.attributes.length === 0)
    at(["attributes"], "list at least one attribute");
  (design.attributes ?? []).forEach((a, i) => {
    if (!a.name) at(["attributes", i, "name"], "must not be empty");
    else if (levels.has(a.name)) at(["attributes", i, "name"], `duplicate attribute "${a.name}"`);
    const list = a.levels ?? [];
    if (list.length < 2) at(["attributes", i, "levels"], "at least 2 levels");
    else if (new Set(list).size !== list.length) at(["attributes", i, "levels"], "levels must be distinct");
    if (list.some((l) => l.trim() === "")) at(["attributes", i, "levels"], "a level must not be empty");
    levels.set(a.name, new Set(list));
  });
  (design.restrictions ?? []).forEach((r, i) => {
    for (const part of ["when", "exclude"] as const) {
      const entries = Object.entries(r[part] ?? {});
      if (entries.length === 0) at(["restrictions", i, part], "name at least one attribute");
      for (const [name, values] of entries) {
        const known = levels.get(name);
        if (!known) {
          at(
            ["restrictions", i, part, name],
            `unknown attribute (attributes: ${[...levels.keys()].join(", ")})`,
          );
          continue;
        }
        for (const v of values)
          if (!known.has(v)) at(["restrictions", i, part, name], `"${v}" is not a level of ${name}`);
      }
    }
  });
  if (!Number.isInteger(design.tasks) || design.tasks < 1) at(["tasks"], "a whole number ≥ 1");
  if (
    design.repeat_task !== undefined &&
    !(Number.isInteger(design.repeat_task) && design.repeat_task >= 1 && design.repeat_task <= design.tasks)
  ) {
    at(["repeat_task"], `must be one of the tasks, 1 to ${design.tasks}`);
  }
  return problems;
}

/** Refuses a design with problems: one UserError listing each at its field path. */
export function checkConjointDesign(design: ConjointDesign): void {
  const problems = conjointDesignProblems(design).map(
    (p) =>
      `${p.path.map((k, j) => (typeof k === "number" ? `[${k}]` : j === 0 ? k : `.${k}`)).join("")}: ${p.message}`,
  );
  if (problems.length > 0)
    throw new UserError(
      `conjoint design: ${problems.length === 1 ? problems[0] : `\n  ${problems.join("\n  ")}`}`,
    );
}

/** False when the profile takes a combination a restriction rules out. */
export function isAllowed(profile: Profile, restrictions: readonly ConjointRestriction[] = []): boolean {
  for (const r of restrictions) {
    const applies = Object.entries(r.when).every(([a, values]) => values.includes(profile[a]));
    if (applies && Object.entries(r.exclude).some(([a, values]) => values.includes(profile[a]))) return false;
  }
  return true;
}

/** Every level drawn uniformly and independently, redrawn while a restriction rules it out. */
export function drawProfile(design: ConjointDesign, rng: Rng): Profile {
  for (let tries = 0; tries < MAX_DRAWS; tries++) {
    const profile: Profile = {};
    for (const a of design.attributes) profile[a.name] = rng.pick(a.levels);
    if (isAllowed(profile, design.restrictions)) return profile;
  }
  throw new UserError(
    `conjoint design: no allowed profile in ${MAX_DRAWS} draws; the restrictions exclude (nearly) every combination`,
  );
}

const same = (a: Profile, b: Profile) => Object.keys(a).every((k) => a[k] === b[k]);

/**
 * One person's tasks, drawn from the study seed and the person's id, so the same person always
 * sees the same profiles. The two profiles of a task always differ in at least one attribute.
 * The repeated task, if any, comes last with its profiles swapped (A shows the earlier B).
 */
export function conjointTasks(
  design: ConjointDesign,
  respondent: string,
  seed: number | string,
): RespondentTasks {
  checkConjointDesign(design);
  const rng = createRng(`${seed}:conjoint:${respondent}`);
  const names = design.attributes.map((a) => a.name);
  const attribute_order = design.randomize_attribute_order === false ? names : rng.shuffle(names);
  const tasks: ConjointTask[] = [];
  for (let t = 1; t <= design.tasks; t++) {
    const first = drawProfile(design, rng);
    let second = drawProfile(design, rng);
    for (let tries = 0; same(first, second); tries++) {
      if (tries >= MAX_DRAWS)
        throw new UserError("conjoint design: the restrictions allow only one profile; a task needs two");
      second = drawProfile(design, rng);
    }
    tasks.push({ task: t, profiles: [first, second] });
  }
  if (design.repeat_task !== undefined) {
    const original = tasks[design.repeat_task - 1];
    tasks.push({
      task: design.tasks + 1,
      profiles: [original.profiles[1], original.profiles[0]],
      repeats: original.task,
    });
  }
  return { respondent, attribute_order, tasks };
}
