export { BatchRunner, toModelResponse } from "./batch.ts";
export { Budget } from "./budget.ts";
export { cacheKey } from "./cache-key.ts";
export {
  type Asked,
  type CallMeta,
  CallService,
  type Checked,
  isTransientFailure,
  type ModelEntry,
  type Totals,
} from "./calls.ts";
export {
  type EpisodeContext,
  type EpisodeProgram,
  type EpisodeResponse,
  EpisodeRunner,
  type EpisodeSettings,
  type Participant,
  type TurnOutcome,
  type TurnSpec,
} from "./episode.ts";
export { promptTokens } from "./estimate.ts";
export {
  executeRun,
  type JobRunner,
  type Mode,
  type Queued,
  type RunContext,
  type RunSummary,
} from "./executor.ts";
export type { Progress } from "./progress.ts";
export { type BucketLimits, RateLimiter } from "./rate-limiter.ts";
export { type KeyedJob, RequestBuilder, type RequestSettings } from "./requests.ts";
export { defaultRetryPolicy, type RetryPolicy } from "./retry.ts";
export { runStages, type Stage, type StagesOptions, type StagesSummary } from "./stages.ts";
