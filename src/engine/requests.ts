import type { PlannedJob } from "../designs/index.ts";
import type { Question } from "../instruments/types.ts";
import { joinRequest, type QuestionRequest, questionRequest, systemPrompt } from "../llm/index.ts";
import type { LanguageModel, ModelRequest, Subject } from "../llm/types.ts";
import { KeyTemplate, messageDigest, schemaDigest } from "./cache-key.ts";

export interface RequestSettings {
  model: LanguageModel;
  mode: "generate" | "distribution";
  agents: ReadonlyMap<string, { profile: string; attributes: Record<string, string> }>;
  questions: ReadonlyMap<string, Question>;
  /** Text each arm shows the simulated person ("" for none). */
  arms: ReadonlyMap<string, string>;
  /**
   * Seed per simulated person and replicate: two people with the same profile, or two replicates,
   * are separate draws (and separate cache entries); a rerun of the same job is not.
   */
  seedFor: (agentId: string, replicate: number) => number;
  temperature?: number;
  maxOutputTokens: number;
}

/** A job ready to look up: its questions and its first request's cache key. */
export interface KeyedJob {
  job: PlannedJob;
  questions: Question[];
  key: string;
}

interface QuestionPart {
  request: QuestionRequest;
  /** What every job's key shares; each adds its seed, its system prompt's digest and who it is. */
  keys: KeyTemplate;
  /** The user message's digest, after the system prompt's: `\u0000user\u0001…`. */
  userDigest: string;
  subjectItems: Subject["items"];
}

/**
 * Turns jobs into cache keys and, only for the jobs the cache cannot answer, into requests. Each
 * person's system prompt and each question block (per arm) is rendered and digested once per run,
 * so looking up a job costs one short hash rather than building and hashing its whole prompt. The
 * key equals cacheKey(model, request(job)) — the test beside this file holds the two together.
 */
export class RequestBuilder {
  private readonly s: RequestSettings;
  private readonly systemDigests = new Map<string, string>();
  private readonly parts = new WeakMap<Question[], Map<string, QuestionPart>>();
  // Planned jobs share one items array per item set: looked up by identity first, by content after.
  private readonly itemSets = new Map<string, Question[]>();
  private readonly itemSetsByArray = new WeakMap<readonly string[], Question[]>();

  constructor(settings: RequestSettings) {
    this.s = settings;
  }

  keyed(job: PlannedJob): KeyedJob {
    const questions = this.questionsOf(job.items);
    const part = this.partOf(questions, job.arm);
    const seed = this.seedOf(job.agentId, job.replicate);
    const key = part.keys.key(seed, this.systemDigestOf(job.agentId), part.userDigest, job);
    return { job, questions, key };
  }

  /** The job's first request, in full (its parts are those keyed() made, found again). */
  request(job: PlannedJob): ModelRequest {
    const part = this.partOf(this.questionsOf(job.items), job.arm);
    const seed = this.seedOf(job.agentId, job.replicate);
    const agent = this.agent(job.agentId);
    const request = joinRequest(systemPrompt(agent.profile), part.request);
    request.seed = seed;
    request.maxOutputTokens = part.request.maxOutputTokens ?? this.s.maxOutputTokens;
    request.subject = {
      agentId: job.agentId,
      attributes: agent.attributes,
      items: part.subjectItems,
      replicate: job.replicate,
    };
    if (this.s.temperature !== undefined) request.temperature = this.s.temperature;
    return request;
  }

  // Jobs come in plan order, where a person's item sets follow one another: one seed serves them.
  private lastSeed = { agentId: "", replicate: 0, seed: 0 };

  private seedOf(agentId: string, replicate: number): number {
    const last = this.lastSeed;
    if (last.agentId !== agentId || last.replicate !== replicate) {
      this.lastSeed = { agentId, replicate, seed: this.s.seedFor(agentId, replicate) };
    }
    return this.lastSeed.seed;
  }

  private agent(agentId: string) {
    const agent = this.s.agents.get(agentId);
    if (!agent) throw new Error(`job for unknown agent "${agentId}"`);
    return agent;
  }

  private systemDigestOf(agentId: string): string {
    let digest = this.systemDigests.get(agentId);
    if (digest === undefined) {
      digest = messageDigest("system", systemPrompt(this.agent(agentId).profile));
      this.systemDigests.set(agentId, digest);
    }
    return digest;
  }

  private partOf(questions: Question[], arm: string): QuestionPart {
    let byArm = this.parts.get(questions);
    if (!byArm) {
      byArm = new Map();
      this.parts.set(questions, byArm);
    }
    let part = byArm.get(arm);
    if (!part) {
      const request = questionRequest(questions, this.s.mode, this.s.arms.get(arm) || undefined);
      part = {
        request,
        keys: new KeyTemplate(this.s.model, {
          temperature: this.s.temperature,
          maxOutputTokens: request.maxOutputTokens ?? this.s.maxOutputTokens,
          topLogprobs: request.topLogprobs,
          schemaDigest: request.schema ? schemaDigest(request.schema) : "",
        }),
        userDigest: `\u0000${messageDigest("user", request.user)}`,
        subjectItems: questions.map((q) => ({ id: q.id, options: q.options })),
      };
      byArm.set(arm, part);
    }
    return part;
  }

  private questionsOf(items: readonly string[]): Question[] {
    let questions = this.itemSetsByArray.get(items);
    if (questions) return questions;
    const setKey = items.join("\u0000");
    questions = this.itemSets.get(setKey);
    if (!questions) {
      questions = items.map((id) => {
        const q = this.s.questions.get(id);
        if (!q) throw new Error(`job asks unknown item "${id}"`);
        return q;
      });
      this.itemSets.set(setKey, questions);
    }
    this.itemSetsByArray.set(items, questions);
    return questions;
  }
}
