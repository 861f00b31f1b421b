export { type BranchOptions, type BranchResult, branchCommunity, communityRun } from "./branch.ts";
export { type FailureGroup, failureSummary } from "./failures.ts";
export { resolveQuestions } from "./items.ts";
export { DEFAULT_MODEL, defaultModelId, resolveModel } from "./models.ts";
export { buildPopulation } from "./population.ts";
export { buildStudyReport, type StudyReport, studyReportDoc } from "./report.ts";
export { type Estimate, type RunStudyOptions, type RunStudyResult, runStudy } from "./run.ts";
