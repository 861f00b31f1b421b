/**
 * Web-shopping action simulation (Lu et al. 2025, "Beyond Believability"): real sessions of
 * simplified pages and actions, the next-action task, and its metrics.
 */

export { type ContextElement, contextElements, type ElementKind } from "./elements.ts";
export { importOpera, type OperaImport, operaUser, surveyPersona } from "./import-opera.ts";
export { importWebShop, importWebShopLog } from "./import-webshop.ts";
export {
  ACTION_KINDS,
  type ActionKind,
  actionKind,
  exactMatch,
  type Outcome,
  outcomeOf,
  scoreWebActions,
  type WebActionScore,
} from "./metrics.ts";
export { readPersonas } from "./personas.ts";
export { type Prediction, readPredictions, writePredictions } from "./predictions.ts";
export {
  jobSession,
  nextActionRequest,
  nextActionRequests,
  nextActionTurn,
  repairNextAction,
  type WebActionsSettings,
  webActionsProgram,
} from "./program.ts";
export {
  assistantTurn,
  checkNextAction,
  type NextActionCheck,
  type NextActionOptions,
  type NextAnswer,
  nextActionMessages,
  nextActionSchema,
  nextActionTool,
  type PromptMessage,
  SCHEMA_NAME,
} from "./prompt.ts";
export {
  checkReason,
  DEFAULT_REASON_EXAMPLES,
  MAX_REASON_CHARS,
  REASON_SCHEMA,
  type ReasonExample,
  type ReasonSettings,
  readReasonExamples,
  reasonJobs,
  reasonMessages,
  reasonProgram,
  reasonRequest,
  stepsToReason,
  withSynthesizedReasons,
} from "./reason.ts";
export { webActionsReport } from "./report.ts";
export {
  checkRunSessions,
  type PredictionSet,
  pickSet,
  type RunPredictions,
  runPredictions,
} from "./results.ts";
export {
  buildWebActionsReport,
  isMockModel,
  MOCK_NOTE,
  type RunScores,
  type ScoredSet,
  scoreWebActionsRun,
  type WebActionsRunReport,
  webActionsRunDoc,
} from "./run-report.ts";
export {
  ACTION_TYPES,
  type ActionType,
  actionSchema,
  parseSession,
  type RationaleSource,
  rationaleOf,
  readSessions,
  type Session,
  type SessionFile,
  type SessionStep,
  sessionSchema,
  type WebAction,
  writeSessions,
} from "./session.ts";
export {
  type NamedElement,
  type SimplifiedPage,
  type SimplifyOptions,
  simplifyHtml,
  slug,
} from "./simplify.ts";
export {
  itemStep,
  loadWebActionsTask,
  type SessionInputs,
  sessionSha,
  shopperAgents,
  stepItem,
  type WebActionsDesign,
  type WebActionsTask,
  webActionsJobs,
} from "./task.ts";
