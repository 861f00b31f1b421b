/** Surveys asked as episodes: one item a turn, with skip logic, stop rules, piping and option order. */
export { type SurveySettings, surveyProgram } from "./program.ts";
