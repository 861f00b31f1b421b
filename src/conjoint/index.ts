/**
 * Conjoint studies as episodes: each person's forced-choice tasks (K, and an optional repeated
 * task) drawn when the run is planned and stored with the job, asked one a turn, and read back
 * as the long table of profiles that `populace amce` estimates from.
 */
export { CONJOINT_EPISODE, type ConjointInputs, conjointJobs, taskItem } from "./plan.ts";
export { type ConjointProgramSettings, conjointProgram } from "./program.ts";
export { type RunConjoint, readConjointRun } from "./rows.ts";
