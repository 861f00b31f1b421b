/**
 * Social simulacra (Park et al. 2022; DESIGN section 8): a community's personas, threads and
 * replies generated as stages of episodes, WhatIf and Multiverse branches, and reading them back.
 */

export {
  type BelievabilityPair,
  type BelievabilityResults,
  believabilityResults,
  createBelievabilityTest,
  judgePairs,
  makePairs,
  PAPER_ERROR_RATE,
  realSide,
  wilson,
} from "./believability.ts";
export {
  childrenOf,
  exportOrder,
  isTestDouble,
  type ThreadRow,
  testDoubleNote,
  threadRow,
  threadsHtml,
} from "./export.ts";
export { COMMUNITY_AGENT, MAIN, STAGE } from "./ids.ts";
export { communityJob } from "./jobs.ts";
export { type Judge, type JudgeValidation, labelledComments, trainJudge, validateJudge } from "./judge.ts";
export { contentWords, NEAR_DUPLICATE, PERSONA_BATCH, similarity } from "./personas.ts";
export {
  type BranchInfo,
  type Community,
  pathTo,
  readCommunity,
  type ThreadInfo,
  type Utterance,
} from "./read.ts";
export { compareRealism, type RealismComparison, realismReport, realismText } from "./realism/compare.ts";
export { measureRealism, type RealismMeasures } from "./realism/measures.ts";
export { CMV_THREADS, type RealThread, readThreadsFile } from "./realism/threads-file.ts";
export { type BranchRequest, checkRequest, MULTIVERSE_TEMPERATURE, type RequestJobs } from "./requests.ts";
export { type CommunityStageSettings, communityBounds, communityStages } from "./stages.ts";
