/**
 * Fine-tuning on real behaviour: chat-format training files from web sessions (Lu et al. 2025)
 * and survey answers (Wang et al.), split by person, and fine-tuning jobs at the provider.
 */

export {
  type BeforeAfterOptions,
  type BeforeAfterResult,
  beforeAfterReport,
  type ModelSide,
  runBeforeAfter,
} from "./before-after.ts";
export { type FineTuneExample, type FineTuneMessage, writeExamples } from "./chat.ts";
export {
  type ExportResult,
  exportSurveyFineTune,
  exportWebFineTune,
  type SplitFile,
  type SplitOptions,
} from "./export.ts";
export {
  baseModelName,
  type FineTuningJob,
  isFinished,
  type JobEvent,
  type JobsClient,
  type JobsClientOptions,
  jobsClient,
  tunedModelId,
} from "./jobs.ts";
export { besideFile, type Split, splitIds } from "./split.ts";
export { respondentAgent, type SurveyExport, type SurveyExportOptions, surveyExamples } from "./survey.ts";
export { type RationaleCounts, rationaleCounts, type WebExportOptions, webExamples } from "./web.ts";
export {
  runWebBeforeAfter,
  type WebBeforeAfterOptions,
  type WebBeforeAfterResult,
  type WebModelSide,
  webBeforeAfterReport,
} from "./web-before-after.ts";
