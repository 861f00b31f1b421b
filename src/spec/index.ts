export { pipedIds } from "./flow.ts";
export type { ConditionSpec } from "./instrument.ts";
export { answersProblem, LIMITS } from "./limits.ts";
export { formatPath, type LoadedStudy, loadStudy, parseStudy, SpecError, type SpecProblem } from "./load.ts";
export {
  type CommunitySpec,
  type ItemSpec,
  type PopulationSpec,
  type StudySpec,
  studyJsonSchema,
  studySchema,
  type WebActionsSpec,
} from "./schema.ts";
