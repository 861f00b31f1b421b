import type { AnswerSet } from "../analysis/fidelity/index.ts";
import type { Question } from "../instruments/types.ts";
import { type Session, writeSessions } from "../webactions/index.ts";
import { type FineTuneExample, writeExamples } from "./chat.ts";
import { besideFile, type Split, splitIds, writeJson } from "./split.ts";
import { surveyExamples } from "./survey.ts";
import { type RationaleCounts, rationaleCounts, type WebExportOptions, webExamples } from "./web.ts";

export interface SplitOptions {
  out: string;
  testShare: number;
  seed: number | string;
}

/** The split file: who is on which side, what was written, and how many examples each side has. */
export interface SplitFile extends Split {
  files: { train: string; test_sessions?: string };
  examples: { train: number; test: number };
  /** Web sessions per side (web exports only). */
  sessions?: { train: number; test: number };
  /**
   * Web exports: the training file's trained turns by where their reasoning comes from: the
   * shopper's own rationale, a synthesized one (`webactions reason`), or none (also --no-reasoning).
   */
  rationales?: RationaleCounts;
  /** Survey exports: the attribute columns the profiles were made of (all when absent). */
  profile_columns?: string[];
}

export interface ExportResult {
  split: SplitFile;
  splitPath: string;
  /** Survey items in the human file that are not questions of the study (left out). */
  skippedItems?: string[];
}

/**
 * Web sessions → a training file of the training users' steps, the split beside it
 * (`X.split.json`), and the test users' sessions as they were (`X.test-sessions.jsonl`), ready for
 * evaluation. No test user's step reaches the training file.
 */
export function exportWebFineTune(
  sessions: readonly Session[],
  options: SplitOptions & WebExportOptions,
): ExportResult {
  const split = splitIds(
    sessions.map((s) => s.user),
    options.testShare,
    options.seed,
    "user",
  );
  const test = new Set(split.test);
  const trainSessions = sessions.filter((s) => !test.has(s.user));
  const testSessions = sessions.filter((s) => test.has(s.user));
  const train = webExamples(trainSessions, options);
  writeExamples(options.out, train);
  const testPath = besideFile(options.out, ".test-sessions.jsonl");
  if (testSessions.length > 0) writeSessions(testPath, testSessions);
  const file: SplitFile = {
    ...split,
    files: { train: options.out, ...(testSessions.length > 0 ? { test_sessions: testPath } : {}) },
    examples: { train: train.length, test: testSessions.reduce((n, s) => n + s.steps.length, 0) },
    sessions: { train: trainSessions.length, test: testSessions.length },
    rationales: rationaleCounts(trainSessions, options.reasoning ?? true),
  };
  const splitPath = besideFile(options.out, ".split.json");
  writeJson(splitPath, file);
  return { split: file, splitPath };
}

/**
 * Survey answers (a human long CSV) → a training file of the training persons' profiles and
 * answers, with the split beside it. Test persons are simulated later from the same file.
 */
export function exportSurveyFineTune(
  human: AnswerSet,
  questions: readonly Question[],
  options: SplitOptions & { itemsPerCall: number; profileColumns?: string[] },
): ExportResult {
  const split = splitIds(human.answers.keys(), options.testShare, options.seed, "person");
  const all = surveyExamples(human, [...split.train, ...split.test], questions, options);
  const test = new Set(split.test);
  const trainExamples: FineTuneExample[] = surveyExamples(human, split.train, questions, options).examples;
  writeExamples(options.out, trainExamples);
  let testCount = 0;
  for (const [person, n] of all.perPerson) if (test.has(person)) testCount += n;
  const file: SplitFile = {
    ...split,
    files: { train: options.out },
    examples: { train: trainExamples.length, test: testCount },
  };
  const splitPath = besideFile(options.out, ".split.json");
  writeJson(splitPath, file);
  return { split: file, splitPath, skippedItems: all.skippedItems };
}
