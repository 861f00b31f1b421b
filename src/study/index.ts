export { type FailureGroup, failureSummary } from "./failures.ts";
export { resolveQuestions } from "./items.ts";
export { DEFAULT_MODEL, defaultModelId, resolveModel } from "./models.ts";
export { buildPopulation } from "./population.ts";
export {
  DEFAULT_REASON_TOKENS,
  REASON_MODE,
  type ReasonOptions,
  type ReasonResult,
  synthesizeReasoning,
} from "./reason.ts";
export { buildStudyReport, type StudyReport, studyReportDoc } from "./report.ts";
export { type Estimate, type RunStudyOptions, type RunStudyResult, runStudy } from "./run.ts";
