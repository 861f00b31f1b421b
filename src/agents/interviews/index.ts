/**
 * Interview transcripts as agents: plain text, JSONL and genagents nodes.json in; turns grouped
 * into exchanges; PII masked on import; the transcript rendered as the opening of a prompt.
 */
export { type DemographicsCsv, type InterviewSourceOptions, loadInterviewAgents } from "./load.ts";
export {
  parseGenagentsNodes,
  parseJsonlTranscript,
  parseTextTranscript,
  type RawTranscript,
} from "./parse.ts";
export { describeRedactions, identifyingField, type Redactor, redactor } from "./redact.ts";
export { type InterviewKeep, interviewForReader, interviewText, keptExchanges } from "./render.ts";
export { type StoredInterview, storedInterviewAgents } from "./stored.ts";
export { buildTranscript, type TranscriptOptions } from "./transcript.ts";
export type { Exchange, Redaction, RedactionKind, Transcript, TranscriptFormat, Turn } from "./types.ts";
