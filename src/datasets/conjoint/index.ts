/**
 * The conjoint data in the data directory (conjoint/PROVENANCE.txt): Hainmueller, Hopkins &
 * Yamamoto's immigration conjoint (already one row per profile) and the community-choice
 * conjoint of Clayton et al. (a Qualtrics export with 8 tasks and a repeated, left/right-flipped
 * copy of task 1 per respondent).
 */
import { dataFile, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

export const CONJOINT_FILES = {
  immigration: "conjoint/immigration-hainmueller2014/immigrationconjoint.csv",
  communityChoice: "conjoint/community-choice-projoint-repeated-task/mummolo_nall_replication_cleaned.csv",
} as const;

/** The nine attributes of the immigration conjoint, as its CSV names them. */
export const IMMIGRATION_ATTRIBUTES = [
  "Education",
  "Gender",
  "Country of Origin",
  "Reason for Application",
  "Job",
  "Job Experience",
  "Job Plans",
  "Prior Entry",
  "Language Skills",
] as const;

/** Path of the immigration conjoint (columns CaseID, contest_no, the attributes, Chosen_Immigrant, …). */
export function immigrationConjointFile(dataDir: string): string {
  return dataFile(dataDir, CONJOINT_FILES.immigration, "the Hainmueller et al. immigration conjoint");
}

export interface CommunityProfile {
  respondent: string;
  task: number;
  /** 1 = Community A, 2 = Community B. */
  profile: 1 | 2;
  levels: Record<string, string>;
  chosen: 0 | 1;
}

export interface CommunityChoice {
  attributes: string[];
  /** One row per profile of the 8 main tasks. */
  profiles: CommunityProfile[];
  /** Each respondent's choice per main task (1 = A, 2 = B). */
  choices: { respondent: string; task: number; choice: 1 | 2 }[];
  /** Task 1 and its repeat, both in task 1's numbering (the repeat showed A and B swapped). */
  repeated: { respondent: string; task: 1; original: 1 | 2; repeated: 1 | 2 }[];
}

const TASKS = 8;
const POSITIONS = 7;

/**
 * The community-choice conjoint in long form. Attribute order was randomized per respondent,
 * so each task's attribute names are read from its K-<task>-<position> columns and the levels
 * of profile p from K-<task>-<p>-<position>.
 */
export function readCommunityChoice(dataDir: string): CommunityChoice {
  const path = dataFile(dataDir, CONJOINT_FILES.communityChoice, "the community-choice conjoint");
  const t = readCsv(path);
  const col = (name: string) => {
    const i = t.header.indexOf(name);
    if (i < 0) throw new UserError(`no column "${name}"`, { where: `${path}:1` });
    return i;
  };
  const idCol = col("ResponseId");
  const choiceCol = Array.from({ length: TASKS }, (_, k) => col(`choice${k + 1}`));
  const repeatCol = col("choice1_repeated_flipped");
  const nameCol = (task: number, pos: number) => col(`K-${task}-${pos}`);
  const levelCol = (task: number, p: number, pos: number) => col(`K-${task}-${p}-${pos}`);
  const attributes = new Set<string>();
  const out: CommunityChoice = { attributes: [], profiles: [], choices: [], repeated: [] };
  t.rows.forEach((row, r) => {
    const where = `${path}:${t.lines[r]}`;
    const respondent = row[idCol];
    const choice = (i: number, column: string): 1 | 2 => {
      const v = row[i];
      if (v === "Community A") return 1;
      if (v === "Community B") return 2;
      throw new UserError(`expected "Community A" or "Community B", got "${v}"`, {
        where: `${where}, column ${column}`,
      });
    };
    for (let task = 1; task <= TASKS; task++) {
      const chosen = choice(choiceCol[task - 1], `choice${task}`);
      out.choices.push({ respondent, task, choice: chosen });
      for (const p of [1, 2] as const) {
        const levels: Record<string, string> = {};
        for (let pos = 1; pos <= POSITIONS; pos++) {
          const name = row[nameCol(task, pos)];
          attributes.add(name);
          levels[name] = row[levelCol(task, p, pos)];
        }
        out.profiles.push({ respondent, task, profile: p, levels, chosen: p === chosen ? 1 : 0 });
      }
    }
    const again = choice(repeatCol, "choice1_repeated_flipped");
    // The repeat showed task 1's profiles swapped: its "Community A" is task 1's B.
    out.repeated.push({
      respondent,
      task: 1,
      original: out.choices[out.choices.length - TASKS].choice,
      repeated: again === 1 ? 2 : 1,
    });
  });
  out.attributes = [...attributes].sort();
  if (out.attributes.length !== POSITIONS)
    throw new UserError(
      `expected ${POSITIONS} attributes, found ${out.attributes.length}: ${out.attributes.join(", ")}`,
      {
        where: path,
      },
    );
  return out;
}
