import { canonicalAttributeName } from "../agents/index.ts";
import { type CsvTable, column, isMissingValue, parseNumber } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import type { Answer } from "../instruments/types.ts";
import { createRng } from "../random/index.ts";
import { armValues, attributeOf, checkItem, chooseArm, personId, type RunAnswers } from "./index.ts";

export interface RunCalibrationOptions {
  /** The item whose simulated answers are the predictions. */
  item: string;
  /** Option text → number, for closed items: the simulated answers and the human outcomes. */
  values?: Record<string, number>;
  /** The human file's person id column. */
  personColumn: string;
  /** The human outcome column (empty or missing: the person is simulated-only). */
  outcome: string;
  /** ate (or an arm term): the human file's arm column, and the arms (also the run's arm names). */
  arm?: string;
  treated?: string;
  control?: string;
  /** mean, ols, logistic without an arm: the run's arm whose answers are used (default: its first). */
  simArm?: string;
  covariates?: readonly string[];
  /** Person weights (every person of the table needs one). */
  weights?: ReadonlyMap<string, number>;
}

export interface RunCalibrationTable {
  table: CsvTable;
  /** The column names calibrateTable should use. */
  prediction: string;
  weight?: string;
  /** Human rows whose person has no valid simulated answer in the run (left out). */
  withoutPrediction: number;
  /** The run's people with no human row (simulated-only). */
  simulatedOnly: number;
  arm: string | undefined;
}

/**
 * The table `calibrate` reads, from a human file and a run: each human row gets its person's
 * simulated answer (in the person's arm for an ate, else in the chosen arm; replicates
 * averaged), and the run's people without a human row become simulated-only rows. For an ate
 * (or an arm term) those are split at random (seeded by the run id) between the two arms, so the
 * arms' samples are independent, as in a study's calibration plan. Covariates of simulated-only
 * people come from their agent attributes.
 */
export function calibrationTableFromRun(
  human: CsvTable,
  data: RunAnswers,
  opts: RunCalibrationOptions,
): RunCalibrationTable {
  checkItem(data, opts.item);
  const byArm = opts.arm !== undefined;
  const arms = byArm ? [opts.treated as string, opts.control as string] : [chooseArm(data, opts.simArm)];
  if (byArm) {
    for (const a of arms) {
      if (!data.arms.includes(a)) {
        throw new UserError(`run ${data.run.id} has no arm "${a}" (arms: ${data.arms.join(", ")})`);
      }
    }
  }
  const value = (answer: Answer): number | undefined => {
    if (typeof answer === "number") return answer;
    const mapped = opts.values?.[answer];
    if (mapped !== undefined) return mapped;
    const n = parseNumber(answer);
    if (n === null || n === undefined) {
      throw new UserError(
        `the simulated answer "${answer}" to ${opts.item} has no number; give each option one with --value "${answer}=NUMBER"`,
      );
    }
    return n;
  };
  const predictions = new Map(arms.map((a) => [a, armValues(data, opts.item, a, value)]));
  const pi = column(human, opts.personColumn);
  const oi = column(human, opts.outcome);
  const ai = byArm ? column(human, opts.arm as string) : -1;
  const ci = (opts.covariates ?? []).map((c) => column(human, c));
  const prediction = `simulated ${opts.item}`;
  const header = [opts.personColumn, opts.outcome, prediction];
  if (byArm) header.push(opts.arm as string);
  header.push(...(opts.covariates ?? []));
  const weight = opts.weights ? "weight" : undefined;
  if (weight) header.push(weight);
  const rows: string[][] = [];
  const lines: number[] = [];
  const weightOf = (p: string, where: string) => {
    const w = opts.weights?.get(p);
    if (opts.weights && w === undefined) throw new UserError(`person "${p}" has no weight`, { where });
    return w === undefined ? [] : [String(w)];
  };
  const humanPeople = new Set<string>();
  let withoutPrediction = 0;
  human.rows.forEach((row, r) => {
    const where = `${human.file}:${human.lines[r]}`;
    const p = row[pi].trim();
    if (p === "") throw new UserError(`empty ${opts.personColumn}`, { where });
    if (humanPeople.has(p)) throw new UserError(`person "${p}" appears twice`, { where });
    humanPeople.add(p);
    const arm = byArm ? row[ai].trim() : arms[0];
    if (byArm && !arms.includes(arm)) return;
    const y = predictions.get(arm)?.get(p);
    if (y === undefined) {
      withoutPrediction++;
      return;
    }
    // A human outcome written as an option text gets that option's number, as the simulated answers do.
    const outcome = opts.values?.[row[oi].trim()];
    rows.push([
      p,
      outcome === undefined ? row[oi] : String(outcome),
      String(y),
      ...(byArm ? [arm] : []),
      ...ci.map((c) => row[c]),
      ...weightOf(p, where),
    ]);
    lines.push(human.lines[r]);
  });
  // The run's people without a human row; the human rows with a missing outcome are unlabeled already.
  const simOnly = [...data.agents.values()].map(personId).filter((p) => !humanPeople.has(p));
  const assigned = new Map<string, string>();
  if (byArm) {
    const shuffled = createRng(`calibration:${data.run.id}`).shuffle([...simOnly].sort());
    const half = Math.ceil(shuffled.length / 2);
    shuffled.forEach((p, i) => {
      assigned.set(p, i < half ? arms[0] : arms[1]);
    });
  }
  let simulatedOnly = 0;
  for (const p of simOnly) {
    const arm = byArm ? (assigned.get(p) as string) : arms[0];
    const y = predictions.get(arm)?.get(p);
    if (y === undefined) continue;
    const agent = data.agents.get(p);
    const covariates = (opts.covariates ?? []).map((c) => {
      const v = agent ? attributeOf(agent, c, canonicalAttributeName) : undefined;
      if (v === undefined || isMissingValue(v) || parseNumber(v) === undefined) {
        throw new UserError(
          `simulated-only person "${p}" has ${v === undefined ? "no" : `a non-numeric ("${v}")`} ${c}: ` +
            "covariates of people without a human row come from their agent attributes",
          { where: `run ${data.run.id}` },
        );
      }
      return v;
    });
    rows.push([
      p,
      "",
      String(y),
      ...(byArm ? [arm] : []),
      ...covariates,
      ...weightOf(p, `run ${data.run.id}`),
    ]);
    lines.push(0);
    simulatedOnly++;
  }
  return {
    table: { file: `${human.file} + run ${data.run.id}`, header, rows, lines },
    prediction,
    weight,
    withoutPrediction,
    simulatedOnly,
    arm: byArm ? undefined : arms[0],
  };
}
