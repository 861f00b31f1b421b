/**
 * An interview with a real participant (the browser): a session kept in the store after every
 * step, so the participant can leave and come back by its link. It opens with consent, then the
 * script's course one answer at a time; each decision of the interviewer model is a job of the
 * session's own run, made through the one call path (cache, retries, ledger), and the finished
 * transcript is an interview agent (status completed).
 */
import { createHash, randomBytes } from "node:crypto";
import type { PlannedJob } from "../designs/index.ts";
import { EpisodeRunner, type ModelEntry, type Stage } from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import type { LanguageModel } from "../llm/types.ts";
import type { InterviewSession, Store } from "../store/types.ts";
import { modelPricing, openAndExecute } from "../study/execute.ts";
import { afterAnswer, firstStep, type InterviewState } from "./flow.ts";
import { checkDecision, decisionRequest, type Move, type Said, wordCount } from "./prompts.ts";
import type { LoadedScript } from "./script.ts";

/** The participant's speaker label in the transcript. */
export const PARTICIPANT = "Participant";
/** The longest answer a participant may send at once (about 20 minutes of speech). */
export const MAX_ANSWER_CHARS = 20_000;

export interface SessionSettings {
  store: Store;
  script: LoadedScript;
  /** The interviewer's model. */
  model: LanguageModel;
  pricesFile?: string;
}

/** Where the interviewer is: saved with the session after every step. */
interface SessionState {
  interview: InterviewState;
  /** The question waiting for the participant's answer (null once finished). */
  question: string | null;
  /** Decisions the interviewer model has made so far (the session run's jobs). */
  decisions: number;
}

/** What the page shows. */
export interface SessionView {
  id: string;
  status: InterviewSession["status"];
  script: string;
  /** The question to answer now (null before consent and once finished). */
  question: string | null;
  turns: { speaker: string; text: string }[];
  /** Which module the interview is in (1-based), of how many, and its topic. */
  progress: { module: number; modules: number; topic: string | null };
  /** The words the participant has said so far. */
  words: number;
}

export function sessionView(s: InterviewSession, script: LoadedScript): SessionView {
  const state = s.state as SessionState | null;
  const modules = script.script.modules;
  const at = state ? Math.min(state.interview.module, modules.length - 1) : 0;
  return {
    id: s.id,
    status: s.status,
    script: s.script,
    question: s.status === "in_progress" ? (state?.question ?? null) : null,
    turns: s.turns,
    progress: {
      module: s.status === "completed" ? modules.length : at + 1,
      modules: modules.length,
      topic: s.status === "completed" ? null : (modules[at]?.topic ?? null),
    },
    words: s.turns.filter((t) => t.speaker === PARTICIPANT).reduce((n, t) => n + wordCount(t.text), 0),
  };
}

/** A new session waiting for consent; its id is the link's secret (128 random bits). */
export async function startSession(o: SessionSettings): Promise<InterviewSession> {
  const id = randomBytes(16).toString("base64url");
  const now = new Date().toISOString();
  const session: InterviewSession = {
    id,
    // Named after a digest of the link's secret, never the secret itself: run lists show these.
    agentId: `participant-${digest(id).slice(0, 12)}`,
    script: o.script.script.name,
    status: "consent",
    interviewer: o.script.script.interviewer,
    respondent: PARTICIPANT,
    turns: [],
    attributes: {},
    state: null,
    runId: null,
    createdAt: now,
    updatedAt: now,
  };
  await o.store.saveInterview(session);
  return session;
}

async function load(o: SessionSettings, id: string): Promise<InterviewSession> {
  const s = await o.store.interview(id);
  // Interviews of simulated people (ids RUN/JOB) are not sessions a link can open.
  if (!s || s.id.includes("/")) throw new SessionNotFound(`no interview session "${id}"`);
  if (s.script !== o.script.script.name) {
    throw new UserError(
      `session "${id}" follows script "${s.script}", and this server holds "${o.script.script.name}"`,
    );
  }
  return s;
}

/** The session asked for does not exist (the page says so; the API answers 404). */
export class SessionNotFound extends UserError {}

export async function getSession(o: SessionSettings, id: string): Promise<InterviewSession> {
  return load(o, id);
}

/** The participant agreed: the interview begins with its greeting and first question. */
export async function consentSession(o: SessionSettings, id: string): Promise<InterviewSession> {
  const s = await load(o, id);
  if (s.status !== "consent") return s;
  const step = firstStep(o.script.script);
  const turns = [...s.turns];
  if (o.script.script.greeting) turns.push({ speaker: s.interviewer, text: o.script.script.greeting });
  turns.push({ speaker: s.interviewer, text: step.question! });
  const state: SessionState = { interview: step.state, question: step.question, decisions: 0 };
  return save(o, { ...s, status: "in_progress", turns, state });
}

/** The participant's answer, then the interviewer's next question (or the end). */
export async function answerSession(o: SessionSettings, id: string, text: string): Promise<InterviewSession> {
  const s = await load(o, id);
  if (s.status === "consent") throw new UserError("the interview has not begun: give consent first");
  if (s.status === "completed") throw new UserError("the interview is over: thank you");
  const answer = text.replace(/\r\n/g, "\n").trim();
  if (answer === "") throw new UserError("the answer is empty");
  if (answer.length > MAX_ANSWER_CHARS) {
    throw new UserError(`the answer is longer than ${MAX_ANSWER_CHARS.toLocaleString("en-US")} characters`);
  }
  const state = s.state as SessionState;
  const turns = [...s.turns, { speaker: PARTICIPANT, text: answer }];
  // The answer is kept before the interviewer is asked: nothing said is lost if the model fails.
  await save(o, { ...s, turns });
  let decisions = state.decisions;
  const step = await afterAnswer(
    o.script.script,
    state.interview,
    answer,
    async (_module, position, said) => {
      const move = await decide(o, s, decisions, {
        module: position.index,
        total: position.total,
        said: [...said],
      });
      decisions++;
      return move;
    },
  );
  if (step.question === null) {
    if (o.script.script.closing) turns.push({ speaker: s.interviewer, text: o.script.script.closing });
    return save(o, { ...s, status: "completed", turns, state: null, runId: runIdOf(s) });
  }
  turns.push({ speaker: s.interviewer, text: step.question });
  return save(o, {
    ...s,
    turns,
    state: { interview: step.state, question: step.question, decisions },
    runId: runIdOf(s),
  });
}

function digest(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** The session's run: named by a digest of its id, so listing runs gives no link away. */
function runIdOf(s: InterviewSession): string {
  return `interview-session-${digest(s.id).slice(0, 16)}`;
}

async function save(o: SessionSettings, s: InterviewSession): Promise<InterviewSession> {
  const next = { ...s, updatedAt: new Date().toISOString() };
  await o.store.saveInterview(next);
  return next;
}

interface DecisionInputs {
  module: number;
  total: number;
  said: Said[];
}

/**
 * One decision of the interviewer model, as job N of the session's run (`SESSION/decision/N`),
 * through the one way a run is executed: a retried job replays from the cache, and every call is
 * in the ledger. A decision that cannot be had moves the interview on.
 */
async function decide(
  o: SessionSettings,
  s: InterviewSession,
  n: number,
  inputs: DecisionInputs,
): Promise<Move | null> {
  const script = o.script.script;
  const job: PlannedJob = {
    jobId: `${s.agentId}/decision/${n}`,
    seq: n,
    agentId: s.agentId,
    items: ["move"],
    arm: script.name,
    replicate: 1,
    inputs: inputs as unknown as Record<string, unknown>,
  };
  const { price } = modelPricing(o.model, o.pricesFile, undefined);
  const now = new Date().toISOString();
  const runId = runIdOf(s);
  const stages = (id: string, entry: ModelEntry): Stage[] => [
    {
      name: "decisions",
      plan: () => [job],
      runner: new EpisodeRunner({
        runId: id,
        model: entry,
        participants: new Map([[s.agentId, { id: s.agentId, profile: PARTICIPANT, attributes: {} }]]),
        seedFor: () => 1,
        program: async (ctx) => {
          const i = ctx.job.inputs as unknown as DecisionInputs;
          const asked = await ctx.ask({
            speaker: "interviewer",
            prompt: `probe or move on (${script.modules[i.module].topic})`,
            request: decisionRequest(
              script.modules[i.module],
              { index: i.module, total: i.total },
              i.said,
              ctx.seed,
            ),
            check: checkDecision,
          });
          return [
            asked.ok
              ? {
                  item: "move",
                  status: "ok",
                  answer: JSON.stringify(asked.value),
                  reason: null,
                  turn: asked.turn,
                }
              : { item: "move", status: "failed", answer: null, reason: asked.reason, turn: asked.turn },
          ];
        },
      }),
    },
  ];
  await openAndExecute({
    store: o.store,
    study: {
      id: `interview-script:${o.script.version}`,
      name: script.name,
      spec: { interview_script: script },
      createdAt: now,
    },
    record: {
      id: runId,
      studyId: `interview-script:${o.script.version}`,
      studyName: script.name,
      modelId: o.model.id,
      modelKind: o.model.kind,
      mode: "interview",
      status: "running",
      createdAt: now,
      updatedAt: now,
      specDir: null,
    },
    agents: [],
    model: o.model,
    price,
    stages,
    concurrency: 1,
  });
  for await (const r of o.store.responses(runId)) {
    if (r.jobId === job.jobId && r.status === "ok" && typeof r.answer === "string")
      return JSON.parse(r.answer) as Move;
  }
  return null;
}
