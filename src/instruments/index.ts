export * from "./gss/index.ts";
export type { Answer, Question, QuestionType } from "./types.ts";
