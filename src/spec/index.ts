export type { ClassicInstrumentSpec } from "./classic.ts";
export { id } from "./common.ts";
export type { ConditioningSpec, ReflectionSpec } from "./conditioning.ts";
export type { ConjointInstrumentSpec } from "./conjoint.ts";
export type { DemandInstrumentSpec } from "./demand.ts";
export type { DesignSpec } from "./design.ts";
export { blindingModes, type DesignModesSpec, usesDesignModes } from "./design-modes.ts";
export { type InstrumentKind, instrumentKind, requireSurvey, runsAsDesign } from "./experiment.ts";
export { pipedIds } from "./flow.ts";
export { type ConditionSpec, communityOf, surveyOf, webActionsOf } from "./instrument.ts";
export { answersProblem, LIMITS } from "./limits.ts";
export {
  formatPath,
  type LoadedStudy,
  loadStudy,
  parseStudy,
  parseYamlWith,
  SpecError,
  type SpecProblem,
} from "./load.ts";
export { conditioningEntries } from "./population.ts";
export {
  type CommunitySpec,
  type InstrumentSpec,
  type ItemSpec,
  type PopulationSpec,
  type StudySpec,
  type SurveySpec,
  studyJsonSchema,
  studySchema,
  type WebActionsSpec,
} from "./schema.ts";
