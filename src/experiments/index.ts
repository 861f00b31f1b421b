/**
 * Studies run as designs (Gui & Toubia 2025; DESIGN §5): a survey with design modes, the demand
 * template and the classic studies, planned per mode, asked one call per arm (blind, unblinded)
 * or one call over every arm (within, aggregate), their answers read back to arms and modes for
 * the demand curves and the design diagnostics.
 */
export { designDiagnostics, readDesignAnswers } from "./answers.ts";
export {
  compileDesign,
  type DesignExperiment,
  designQuestions,
  isProbeItem,
  OUTCOME_ITEM,
  SHARE_ITEM,
} from "./compile.ts";
export { type DesignPlan, designJobs, itemsOf } from "./plan.ts";
export { type DesignProgramSettings, designProgram } from "./program.ts";
