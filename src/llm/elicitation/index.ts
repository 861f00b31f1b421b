export {
  answersSchema,
  buildRequest,
  DISTRIBUTION_MAX_OUTPUT_TOKENS,
  DISTRIBUTION_TOP_LOGPROBS,
  type ElicitationInput,
  type ElicitationMode,
  joinRequest,
  OPTION_LETTERS,
  optionsOf,
  type QuestionRequest,
  questionRequest,
  SCHEMA_NAME,
  systemPrompt,
} from "./build.ts";
export { jsonObjectReply, jsonRepairRequest, unfence } from "./json-reply.ts";
export { type AnswerProblem, type ParsedAnswer, type ParsedAnswers, parseAnswers } from "./parse.ts";
export { repairRequest } from "./repair.ts";
