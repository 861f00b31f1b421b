import type { PlannedJob } from "../designs/index.ts";
import type { Answer } from "../instruments/types.ts";
import type { ModelRequest } from "../llm/types.ts";
import { createRng, type Rng } from "../random/index.ts";
import type { CachedResponse, JobOutcome, ResponseRecord, TurnRecord } from "../store/types.ts";
import { type CallService, type Checked, type ModelEntry, nowIso, type Totals } from "./calls.ts";
import type { JobRunner, Queued } from "./executor.ts";
import { CACHED_TOTALS, outcomeOf, responseRow } from "./rows.ts";

/** A simulated person taking part in an episode, as the engine knows them. */
export interface Participant {
  id: string;
  profile: string;
  attributes: Record<string, string>;
}

/** One turn to take: who answers, what is newly said to them, and the full request. */
export interface TurnSpec<T> {
  /** Who answers: an agent id, or a role such as "interviewer". */
  speaker: string;
  /** The model to ask (an id the run can resolve); the run's model when absent. */
  model?: string;
  /** What is newly said to the speaker this turn, for the transcript. */
  prompt: string;
  request: ModelRequest;
  /**
   * Reads a reply to `request`: the value, or the problems and the request that asks again (a
   * repair). Pure: it may be called twice on one reply (a failed job retried on purpose).
   */
  check(reply: CachedResponse, request: ModelRequest): Checked<T>;
  /** Stored with the turn beside the value (e.g. the option order shown). */
  shown?: unknown;
}

export type TurnOutcome<T> =
  | { ok: true; value: T; text: string; turn: number; reply: CachedResponse }
  | { ok: false; reason: string; text: string | null; turn: number };

/** A row of an episode's results: one item answered (or skipped, or failed) by one person. */
export interface EpisodeResponse {
  item: string;
  /** The person who answered, when not the job's agent. */
  agentId?: string;
  status: ResponseRecord["status"];
  answer: Answer | null;
  reason: string | null;
  probabilities?: Record<string, number> | null;
  /** The turn that asked it: the row takes that turn's reply text, tokens and cost. */
  turn: number | null;
}

/**
 * What an episode program sees. Its control flow may depend only on its job, its seed (through
 * `rng`), its inputs and the answers it receives, never on the clock or global state: that is
 * what lets a rerun replay its finished turns from the cache (at no cost, in the same order) and
 * carry on at the first unfinished one.
 */
export interface EpisodeContext {
  readonly job: PlannedJob;
  /** The model seed of this job (the same in every rerun; different per person and replicate). */
  readonly seed: number;
  /** The program's own random draws, seeded by the job. */
  readonly rng: Rng;
  participant(id: string): Participant;
  /** One model call, checked and repaired, recorded as the episode's next turn. */
  ask<T>(turn: TurnSpec<T>): Promise<TurnOutcome<T>>;
  /** Records a turn that calls no model (an item the flow skipped, a game master's announcement). */
  note(speaker: string, text: string, payload?: unknown): number;
}

export type EpisodeProgram = (ctx: EpisodeContext) => Promise<EpisodeResponse[]>;

export interface EpisodeSettings {
  runId: string;
  /** The run's model: every turn that names no other. */
  model: ModelEntry;
  /** Other models by id (each with its own rate-limit bucket and price). */
  models?: (id: string) => ModelEntry;
  participants: ReadonlyMap<string, Participant>;
  /** The model seed of a job; the program's own draws (`rng`) are seeded from it too. */
  seedFor: (job: PlannedJob) => number;
  program: EpisodeProgram;
}

/** An episode stopped by a call that failed for good: the job fails (a rerun retries it if transient). */
class EpisodeStopped extends Error {}

/**
 * Episode jobs: each job runs the program, whose every turn goes through the call service. There
 * is nothing to prepare in a batch (a turn's request depends on the turns before it), so every job
 * goes to a worker; a replay is fast anyway, as each turn is a cache hit.
 */
export class EpisodeRunner implements JobRunner<null> {
  private readonly s: EpisodeSettings;

  constructor(settings: EpisodeSettings) {
    this.s = settings;
  }

  async prepare(chunk: PlannedJob[]): Promise<Queued<null>[]> {
    return chunk.map((job) => ({ job, work: null, missed: false }));
  }

  async run({ job, fresh }: Queued<null>, service: CallService): Promise<JobOutcome> {
    const s = this.s;
    const seed = s.seedFor(job);
    // Each turn's record, the tokens and cost of its calls, and the reply it was read from.
    const turns: { record: TurnRecord; totals: Totals; reply: CachedResponse | null }[] = [];
    const keep = (turn: number, record: TurnRecord, totals: Totals, reply: CachedResponse | null) => {
      turns[turn] = { record, totals, reply };
      service.recordTurn(record);
    };
    const ctx: EpisodeContext = {
      job,
      seed,
      rng: createRng(`${seed}:episode`),
      participant: (id) => {
        const p = s.participants.get(id);
        if (!p) throw new Error(`internal error: episode ${job.jobId} names unknown participant "${id}"`);
        return p;
      },
      note: (speaker, text, payload) => {
        const turn = turns.length;
        const t = turnRecord(
          s.runId,
          job,
          { turn, speaker, model: null, prompt: null, text, payload },
          CACHED_TOTALS,
        );
        keep(turn, { ...t, status: "note" }, CACHED_TOTALS, null);
        return turn;
      },
      ask: async <T>(spec: TurnSpec<T>): Promise<TurnOutcome<T>> => {
        // The turn's number is taken now, so turns asked together keep the order they were asked in.
        const turn = turns.length;
        turns.length++;
        const entry = spec.model ? (s.models?.(spec.model) ?? s.model) : s.model;
        const asked = await service.ask(
          entry,
          spec.request,
          spec.check,
          { jobId: job.jobId, turn },
          { distrustCache: fresh },
        );
        const base = { turn, speaker: spec.speaker, model: entry.model.id, prompt: spec.prompt };
        const shown = spec.shown === undefined ? {} : { shown: spec.shown };
        if (asked.ok) {
          const t = turnRecord(
            s.runId,
            job,
            { ...base, text: asked.response.text, payload: { value: asked.value, ...shown } },
            asked.totals,
          );
          keep(turn, t, asked.totals, asked.response);
          return { ok: true, value: asked.value, text: asked.response.text, turn, reply: asked.response };
        }
        const t = turnRecord(
          s.runId,
          job,
          { ...base, text: asked.text ?? "", payload: spec.shown === undefined ? null : shown },
          asked.totals,
        );
        keep(turn, { ...t, status: "failed", reason: asked.reason }, asked.totals, null);
        // An invalid answer is the program's to handle; a call that failed for good stops the episode.
        if (!asked.reason.startsWith("invalid answer")) {
          throw new EpisodeStopped(`episode stopped at turn ${turn}: ${asked.reason}`);
        }
        return { ok: false, reason: asked.reason, text: asked.text, turn };
      },
    };
    let responses: EpisodeResponse[];
    try {
      responses = await s.program(ctx);
    } catch (error) {
      if (!(error instanceof EpisodeStopped)) throw error;
      responses = job.items.map((item) => ({
        item,
        status: "failed",
        answer: null,
        reason: error.message,
        turn: null,
      }));
    }
    // A turn's tokens and cost are shared by the rows it answered, so sums over rows stay right.
    const rowsPerTurn = new Map<number, number>();
    for (const r of responses)
      if (r.turn !== null) rowsPerTurn.set(r.turn, (rowsPerTurn.get(r.turn) ?? 0) + 1);
    const rows = responses.map((r) => {
      const t = r.turn === null ? undefined : turns[r.turn];
      return responseRow(
        job,
        {
          item: r.item,
          agentId: r.agentId,
          status: r.status,
          answer: r.answer,
          reason: r.reason,
          probabilities: r.probabilities ?? null,
          rawText: t ? (t.reply?.text ?? t.record.text) : null,
          modelSnapshot: t?.reply?.modelSnapshot ?? null,
          turn: r.turn,
        },
        t?.totals ?? CACHED_TOTALS,
        r.turn === null ? 1 : (rowsPerTurn.get(r.turn) ?? 1),
      );
    });
    return outcomeOf(s.runId, job, rows);
  }
}

function turnRecord(
  runId: string,
  job: PlannedJob,
  t: {
    turn: number;
    speaker: string;
    model: string | null;
    prompt: string | null;
    text: string;
    payload: unknown;
  },
  totals: Totals,
): TurnRecord {
  return {
    runId,
    jobId: job.jobId,
    seq: job.seq,
    turn: t.turn,
    speaker: t.speaker,
    model: t.model,
    prompt: t.prompt,
    text: t.text,
    payload: t.payload ?? null,
    status: "ok",
    reason: null,
    inputTokens: totals.usage.inputTokens,
    cachedInputTokens: totals.usage.cachedInputTokens,
    outputTokens: totals.usage.outputTokens,
    reasoningTokens: totals.usage.reasoningTokens,
    costUsd: totals.priced ? totals.costUsd : null,
    latencyMs: totals.latencyMs,
    cacheHit: totals.allCached,
    createdAt: nowIso(),
  };
}
