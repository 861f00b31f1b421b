import type { Question } from "../instruments/types.ts";
import { type ParsedAnswer, type ParsedAnswers, parseAnswers, repairRequest } from "../llm/index.ts";
import type { ModelRequest, ModelResponse } from "../llm/types.ts";
import type { CachedResponse, JobOutcome, JobRecord, OutcomeRow } from "../store/types.ts";
import { type CallService, type Checked, type ModelEntry, type Totals, ZERO_USAGE } from "./calls.ts";
import type { JobRunner, Queued } from "./executor.ts";
import { type KeyedJob, RequestBuilder, type RequestSettings } from "./requests.ts";
import { CACHED_TOTALS, outcomeOf, responseRow } from "./rows.ts";

const CHECKED_PER_QUESTION_SET = 4096;

/**
 * Batch jobs: one call asks a person one set of items (today's survey: items_per_call questions
 * at once). A chunk of jobs is keyed and looked up in the cache at once; the jobs it answers
 * validly finish there, synchronously, and only the others go to the workers.
 */
export class BatchRunner implements JobRunner<KeyedJob> {
  private readonly requests: RequestBuilder;
  private readonly s: RequestSettings;
  private readonly entry: ModelEntry;
  private readonly runId: string;
  /**
   * Checked replies per question set, by text. Closed questions draw few distinct replies, so a
   * replay checks each once; kept read-only, as every job with that reply shares it.
   */
  private readonly checked = new WeakMap<Question[], Map<string, ParsedAnswers>>();

  constructor(runId: string, settings: RequestSettings, entry: ModelEntry) {
    this.runId = runId;
    this.s = settings;
    this.entry = entry;
    this.requests = new RequestBuilder(settings);
  }

  async prepare(
    chunk: JobRecord[] | Omit<JobRecord, "status">[],
    service: CallService,
    finish: (outcome: JobOutcome, cacheHit: boolean) => void,
  ): Promise<Queued<KeyedJob>[]> {
    const keyed = chunk.map((job) => this.requests.keyed(job));
    const hits = await service.store.cacheGet(keyed.map((p) => p.key));
    const queued: Queued<KeyedJob>[] = [];
    for (let i = 0; i < keyed.length; i++) {
      const cached = hits[i];
      if (!cached) queued.push({ job: keyed[i].job, work: keyed[i], missed: true });
      else if (!this.finishFromCache(keyed[i], cached, finish)) {
        queued.push({ job: keyed[i].job, work: keyed[i], missed: false });
      }
    }
    return queued;
  }

  /** A cache hit whose answer is valid finishes here; false sends the job to a worker. */
  private finishFromCache(
    p: KeyedJob,
    cached: CachedResponse,
    finish: (outcome: JobOutcome, cacheHit: boolean) => void,
  ): boolean {
    const parsed = this.check(p.questions, cached);
    if (parsed.problems.length > 0) return false;
    finish(this.outcome(p, parsed.answers, cached, CACHED_TOTALS, []), true);
    return true;
  }

  private check(questions: Question[], cached: CachedResponse): ParsedAnswers {
    if (cached.firstTokenLogprobs) return parseAnswers(questions, this.s.mode, toModelResponse(cached));
    let byText = this.checked.get(questions);
    if (!byText) {
      byText = new Map();
      this.checked.set(questions, byText);
    }
    let parsed = byText.get(cached.text);
    if (parsed === undefined) {
      parsed = parseAnswers(questions, this.s.mode, toModelResponse(cached));
      // Bounded: free-text replies rarely repeat, and would only fill memory.
      if (byText.size < CHECKED_PER_QUESTION_SET) byText.set(cached.text, parsed);
    }
    return parsed;
  }

  async run({ work, missed, fresh }: Queued<KeyedJob>, service: CallService): Promise<JobOutcome> {
    const { job, questions, key } = work;
    // Built only now: a job the cache answered never needed its prompt.
    const first = this.requests.request(job);
    // Valid answers are kept as they come, each with the reply it came from; a repair asks again
    // only for the items still invalid. (This check keeps state: ask() calls it once a reply.)
    const answers: Record<string, ParsedAnswer & { reply?: CachedResponse }> = {};
    let asking = questions;
    let request: ModelRequest = first;
    const check = (reply: CachedResponse): Checked<Record<string, ParsedAnswer>> => {
      const parsed = asking === questions ? this.check(questions, reply) : this.parse(asking, reply);
      // The usual case, every item valid in the first reply: its answers as they are (shared,
      // read-only), each from the reply the call returns.
      if (asking === questions && parsed.problems.length === 0) return { ok: true, value: parsed.answers };
      for (const q of asking) if (parsed.answers[q.id]) answers[q.id] = { ...parsed.answers[q.id], reply };
      if (parsed.problems.length === 0) return { ok: true, value: answers };
      const failing = asking.filter((q) => !answers[q.id]);
      request = repairRequest(request, toModelResponse(reply), parsed.problems, failing);
      asking = failing;
      return { ok: false, problems: parsed.problems, again: request };
    };
    const asked = await service.ask(
      this.entry,
      first,
      check,
      { jobId: job.jobId, turn: null },
      // A failed job retried on purpose asks the model again rather than replaying its reply.
      { key, knownMiss: missed, fresh },
    );
    if (asked.ok) return this.outcome(work, asked.value, asked.response, asked.totals, []);
    // Each item still without a valid answer fails with its own last problem (or the call's
    // failure); the items answered validly keep their answers.
    const reasons = new Map<string, string>();
    const prefix = asked.reason.startsWith("invalid answer") ? asked.reason.replace(/: .*$/s, "") : null;
    for (const p of asked.problems) {
      if (p.item && prefix) reasons.set(p.item, `${prefix}: ${p.reason}`);
    }
    const failed = questions
      .filter((q) => !answers[q.id])
      .map((q) => ({ item: q.id, reason: reasons.get(q.id) ?? asked.reason }));
    return this.outcome(work, answers, null, asked.totals, failed, asked.text);
  }

  private parse(questions: Question[], reply: CachedResponse): ParsedAnswers {
    return parseAnswers(questions, this.s.mode, toModelResponse(reply));
  }

  private outcome(
    p: KeyedJob,
    answers: Record<string, ParsedAnswer & { reply?: CachedResponse }>,
    response: CachedResponse | null,
    totals: Totals,
    failed: { item: string; reason: string }[],
    lastText: string | null = null,
  ): JobOutcome {
    const { job, questions } = p;
    const responses: OutcomeRow[] = [];
    // No map for the usual job whose items all have answers (every cache hit of a replay).
    const failedReasons = failed.length > 0 ? new Map(failed.map((f) => [f.item, f.reason])) : null;
    for (const q of questions) {
      const answer = answers[q.id];
      const reason = failedReasons?.get(q.id);
      responses.push(
        responseRow(
          job,
          answer && reason === undefined
            ? {
                item: q.id,
                status: "ok",
                answer: answer.answer,
                reason: null,
                probabilities: answer.probabilities ?? null,
                rawText: (answer.reply ?? response)?.text ?? lastText,
                modelSnapshot: (answer.reply ?? response)?.modelSnapshot ?? null,
                turn: null,
              }
            : {
                item: q.id,
                status: "failed",
                answer: null,
                reason: reason ?? "no answer",
                probabilities: null,
                rawText: lastText,
                modelSnapshot: null,
                turn: null,
              },
          totals,
          questions.length,
        ),
      );
    }
    return outcomeOf(this.runId, job, responses);
  }
}

export function toModelResponse(r: CachedResponse): ModelResponse {
  return {
    text: r.text,
    toolCalls: r.toolCalls,
    firstTokenLogprobs: r.firstTokenLogprobs,
    modelSnapshot: r.modelSnapshot,
    usage: ZERO_USAGE,
  };
}
