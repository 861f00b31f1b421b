export { Budget } from "./budget.ts";
export { cacheKey } from "./cache-key.ts";
export { promptTokens } from "./estimate.ts";
export { executeRun, type Mode, type Progress, type RunContext, type RunSummary } from "./executor.ts";
export { type JobList, jobSeed, Plan, type PlannedJob } from "./plan.ts";
export { type BucketLimits, RateLimiter } from "./rate-limiter.ts";
export { type KeyedJob, RequestBuilder, type RequestSettings } from "./requests.ts";
export { defaultRetryPolicy, type RetryPolicy } from "./retry.ts";
