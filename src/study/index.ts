export { type BranchOptions, type BranchResult, branchCommunity, communityRun } from "./branch.ts";
export { checkStudyAgainstModel, type StudyCheck, validateStudy } from "./check.ts";
export { CONDITIONING_SEPARATOR, conditionedArm, conditioningOf } from "./conditioned-stages.ts";
export { type FailureGroup, failureSummary } from "./failures.ts";
export { resolveQuestions } from "./items.ts";
export { DEFAULT_MODEL, defaultModelId, resolveModel } from "./models.ts";
export { buildPopulation, populationNotes, readStoredInterviews } from "./population.ts";
export {
  DEFAULT_REASON_TOKENS,
  REASON_MODE,
  type ReasonOptions,
  type ReasonResult,
  synthesizeReasoning,
} from "./reason.ts";
export { buildStudyReport, type StudyReport } from "./report.ts";
export { studyReportDoc } from "./report-page.ts";
export { studyReportText } from "./report-text.ts";
export { type Estimate, type RunStudyOptions, type RunStudyResult, runStudy } from "./run.ts";
