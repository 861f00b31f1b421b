/**
 * The AI interviewer: semi-structured interview scripts, the interviewer's course through one
 * (probe or move on after each answer), the agent-to-agent interview as an episode and as a run,
 * and the transcripts it leaves (interview agents).
 */
export { afterAnswer, budgetLeft, type Decide, firstStep, type InterviewState, type Step } from "./flow.ts";
export { INTERVIEWER_SPEAKER, type InterviewProgramSettings, interviewProgram } from "./program.ts";
export {
  answerRequest,
  checkAnswer,
  checkDecision,
  decisionRequest,
  type Move,
  type Said,
  wordCount,
} from "./prompts.ts";
export {
  INTERVIEW_EPISODE,
  type RunInterviewsOptions,
  type RunInterviewsResult,
  runInterviews,
} from "./run.ts";
export {
  DEFAULT_SCRIPT,
  type InterviewScript,
  type LoadedScript,
  loadScript,
  MAX_TURNS,
  parseScript,
  type ScriptModule,
  scriptSchema,
} from "./script.ts";
export {
  answerSession,
  consentSession,
  getSession,
  MAX_ANSWER_CHARS,
  PARTICIPANT,
  SessionNotFound,
  type SessionSettings,
  type SessionView,
  sessionView,
  startSession,
} from "./session.ts";
export {
  respondentLabel,
  respondentWords,
  type TranscriptTurn,
  transcriptOf,
  writeTranscripts,
} from "./transcripts.ts";
