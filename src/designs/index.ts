/** Designs: how people meet arms (within or between subjects, blocked) and the plan of jobs it gives. */
export { type Assignment, type AssignmentInput, assignArms } from "./assignment.ts";
export {
  type JobList,
  jobSeed,
  Plan,
  type PlanInput,
  type PlannedJob,
  STAGE_SPAN,
  stageOf,
} from "./plan.ts";
