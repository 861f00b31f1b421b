import { resolve } from "node:path";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";
import type { CalibrationSpec } from "../spec/schema.ts";
import {
  calibratePlan,
  labeledCounts,
  type PlanEstimates,
  readHumanData,
  type SimulatedValues,
  uncoveredOptions,
} from "./confirmatory.ts";
import type { StudyReportOptions } from "./report.ts";

export const NOTHING_CALIBRATED = "No estimate in this report is calibrated against human data";

export interface CalibrationReport {
  /** calibrated: PPI++ computed; none: no plan; not_computed: a plan that could not be carried out. */
  status: "calibrated" | "none" | "not_computed";
  confirmatory: boolean;
  statement: string;
  plan: CalibrationSpec | null;
  human_data: string | null;
  reason?: string;
  estimates?: PlanEstimates;
}

export function estimandText(plan: CalibrationSpec): string {
  return plan.estimand === "ate"
    ? `average treatment effect of ${plan.treated} vs. ${plan.control} on ${plan.item}`
    : `mean of ${plan.item}`;
}

export function calibrationReport(
  opts: StudyReportOptions,
  plan: CalibrationSpec | undefined,
  question: Question | undefined,
  sims: SimulatedValues,
): CalibrationReport {
  if (!plan) {
    return {
      status: "none",
      confirmatory: false,
      statement: `${NOTHING_CALIBRATED} (the study has no calibration plan; it is exploratory).`,
      plan: null,
      human_data: null,
    };
  }
  const file = opts.humanData ?? (plan.human_data ? resolve(opts.baseDir ?? ".", plan.human_data) : null);
  const fail = (reason: string): CalibrationReport => ({
    status: "not_computed",
    confirmatory: plan.confirmatory,
    statement: `${NOTHING_CALIBRATED}: ${reason}.`,
    plan,
    human_data: file,
    reason,
  });
  const missing = (["human_data", "estimand", "item", "outcome"] as const).filter(
    (k) => plan[k] === undefined,
  );
  if (missing.length > 0 && !(missing.length === 1 && missing[0] === "human_data" && opts.humanData)) {
    return fail(`the calibration plan does not name ${missing.join(", ")}`);
  }
  if (!question) return fail(`the plan's item "${plan.item}" is not an item of this study`);
  if (question.type === "free_text") return fail(`the plan's item "${plan.item}" is free text`);
  const uncovered = uncoveredOptions(question, plan.values);
  if (uncovered.length > 0) {
    return fail(
      `calibration.values gives no number to ${uncovered.map((o) => JSON.stringify(o)).join(", ")}`,
    );
  }
  try {
    const human = readHumanData(file!, plan, question);
    for (const [group, n] of Object.entries(labeledCounts(plan, human))) {
      if (n < 2)
        return fail(`the human data has ${n} outcomes${group === "all" ? "" : ` in arm "${group}"`}`);
    }
    const firstArm = opts.spec.design.arms[0].name;
    const estimates = calibratePlan(plan, human, sims, firstArm, opts.spec.seed);
    const which = `Calibrated (PPI++, α = ${plan.alpha}): ${estimandText(plan)}.`;
    const rest = "Not calibrated: every other figure in this report (simulated answers only).";
    const kind = plan.confirmatory
      ? "The plan and human data were named before the run (confirmatory)."
      : "The plan is exploratory (not marked confirmatory), so this estimate is exploratory too.";
    return {
      status: "calibrated",
      confirmatory: plan.confirmatory,
      statement: `${which} ${rest} ${kind}`,
      plan,
      human_data: file,
      estimates,
    };
  } catch (error) {
    // Too few people, a missing file or column: the report still renders and says why.
    if (error instanceof UserError) return fail(error.message);
    throw error;
  }
}
