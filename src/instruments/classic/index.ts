/**
 * Experiments from the classic studies turned into templates: per condition (a between-subjects
 * arm) the text shown, the question asked, how each answer codes the outcome, and the human
 * outcomes rebuilt from the paper's aggregates, ready for src/analysis/effects.
 */
import { csvLine } from "../../data/index.ts";
import { dataPoint, material, readClassicStudy } from "../../datasets/index.ts";
import { UserError } from "../../errors/index.ts";
import type { Question } from "../types.ts";

export interface ClassicCondition {
  /** The arm's name, e.g. "gain". */
  arm: string;
  /** The materials' instructions, verbatim: shown before the question. */
  context: string;
  question: Question;
  /** Option → outcome (1/0). */
  coding: Record<string, 0 | 1>;
  /** The human sample: n and how many had outcome 1 (rebuilt from the reported percentage). */
  human: { n: number; positive: number; reported_percent: number };
}

export interface ClassicTemplate {
  study: string;
  title: string;
  finding: string;
  hypothesis: string;
  /** What outcome 1 means. */
  outcome: string;
  /** The arm whose effect is estimated against the control arm. */
  treated: string;
  control: string;
  conditions: ClassicCondition[];
  /** Caveats a report should carry. */
  notes: string[];
}

/**
 * Tversky & Kahneman's (1981) Asian disease problem (HumanStudy-Bench study_003, finding F1):
 * the same programs framed as lives saved (gain) or lives lost (loss). The outcome is choosing
 * the sure program (A or C). The paper reports 72% of 152 choosing A and 22% of 155 choosing C;
 * the counts are those percentages times n, rounded (109 and 34).
 */
export function asianDiseaseTemplate(dataDir: string): ClassicTemplate {
  const study = readClassicStudy(dataDir, "study_003");
  const finding = study.findings.find((f) => f.finding_id === "F1");
  if (!finding) throw new UserError("study_003 has no finding F1", { where: study.groundTruthFile });
  const frame = (
    arm: string,
    subStudy: string,
    options: [string, string],
    group: string,
    key: string,
  ): ClassicCondition => {
    const m = material(study, subStudy);
    const item = m.items[0];
    if (!item) throw new UserError(`${study.id} ${subStudy} has no question`);
    const n = dataPoint(study, "F1", [group, "n"]);
    const pct = dataPoint(study, "F1", [group, key]);
    return {
      arm,
      context: m.instructions,
      // The materials leave the options open; the programs they name are the options.
      question: { id: "program", type: "multiple_choice", text: item.question, options },
      coding: { [options[0]]: 1, [options[1]]: 0 },
      human: { n, positive: Math.round((pct / 100) * n), reported_percent: pct },
    };
  };
  return {
    study: study.id,
    title: `${study.title} (${study.authors.join(" & ")}${study.year ? ` ${study.year}` : ""}): the Asian disease problem`,
    finding: "F1",
    hypothesis: finding.main_hypothesis,
    outcome: "chose the sure program (A or C) rather than the risky one (B or D)",
    treated: "loss",
    control: "gain",
    conditions: [
      frame("gain", "problem_1", ["Program A", "Program B"], "Problem 1 (Gains)", "program_a_certain"),
      frame("loss", "problem_2", ["Program C", "Program D"], "Problem 2 (Losses)", "program_c_certain"),
    ],
    notes: [
      "Human outcomes are rebuilt from the paper's rounded percentages and sample sizes (aggregates only, no participant rows).",
      "Between subjects: each simulated person should see one condition.",
    ],
  };
}

/** One outcome per human participant, as `populace effects` and compareEffects read them. */
export function humanOutcomes(
  t: ClassicTemplate,
): { study: string; arm: "treated" | "control"; outcome: number }[] {
  return t.conditions.flatMap((c) => {
    const arm = c.arm === t.treated ? "treated" : "control";
    return Array.from({ length: c.human.n }, (_, i) => ({
      study: t.study,
      arm,
      outcome: i < c.human.positive ? 1 : 0,
    }));
  });
}

/** The same as a CSV (person_id,arm,outcome) for `populace effects --human`. */
export function humanOutcomesCsv(t: ClassicTemplate): string {
  const lines = [csvLine(["person_id", "arm", "outcome"])];
  let i = 0;
  for (const c of t.conditions)
    for (let k = 0; k < c.human.n; k++) lines.push(csvLine([`h${++i}`, c.arm, k < c.human.positive ? 1 : 0]));
  return `${lines.join("\n")}\n`;
}

/** A simulated person's answer in a condition coded as the outcome, or an error naming the answer. */
export function codeAnswer(t: ClassicTemplate, arm: string, answer: string): 0 | 1 {
  const c = t.conditions.find((x) => x.arm === arm);
  if (!c)
    throw new UserError(
      `"${arm}" is not a condition of ${t.study} (${t.conditions.map((x) => x.arm).join(", ")})`,
    );
  const v = c.coding[answer];
  if (v === undefined)
    throw new UserError(
      `"${answer}" is not an option of the ${arm} condition (${Object.keys(c.coding).join(", ")})`,
    );
  return v;
}
