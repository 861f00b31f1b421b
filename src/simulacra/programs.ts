/**
 * Steps 2 and 3 of Generate (Park et al. 2022), WhatIf and Multiverse, as episode programs. Who
 * speaks next is drawn from the job's seeded stream (ctx.rng), never chosen by the model: a
 * thread goes on with probability p_reply up to max_replies, and the replier is a member new to
 * the thread with probability 0.5, else one of its earlier participants, never the author of the
 * latest utterance. A rerun draws the same speakers and replays their turns from the cache.
 */
import type { EpisodeContext, EpisodeResponse } from "../engine/index.ts";
import type { ModelRequest } from "../llm/types.ts";
import { utteranceId, whatifPersonaId } from "./ids.ts";
import type { BranchJob } from "./jobs.ts";
import {
  type CommunityDesign,
  memberSystem,
  POST_SCHEMA,
  postPrompt,
  postText,
  REPLY_SCHEMA,
  readFields,
  replyPrompt,
  threadText,
} from "./prompts.ts";

export interface Member {
  id: string;
  text: string;
}

/** An utterance as a program needs it: who wrote what. */
export interface Said {
  utterance: string;
  author: string;
  text: string;
}

export interface ThreadSettings {
  design: CommunityDesign;
  maxReplies: number;
  pReply: number;
  contextChars: number;
  maxOutputTokens: number;
}

/** Where a thread's next utterances go and how many there may be. */
interface Continuation {
  thread: string;
  /** A branch's id (its utterances are `thread.branch.n`); absent for the thread's own replies. */
  branch?: string;
  /** Root → the utterance the continuation replies to. */
  path: Said[];
  /** Members new to the thread are drawn from here. */
  pool: readonly Member[];
  temperature: number;
  /**
   * "chance": go on with p_reply before every reply, at most `max` replies (the first is sure
   * when `firstSure`); "exactly": n replies.
   */
  length: { kind: "chance"; max: number; firstSure?: boolean } | { kind: "exactly"; n: number };
  /** Persona texts of the thread's participants (the pool's, and a WhatIf's). */
  personas: ReadonlyMap<string, string>;
}

export async function writePost(
  ctx: EpisodeContext,
  s: ThreadSettings,
  thread: string,
  pool: readonly Member[],
  temperature: number,
): Promise<EpisodeResponse[]> {
  const author = ctx.rng.pick(pool);
  const utterance = utteranceId(thread, 0);
  const prompt = postPrompt(s.design);
  const request: ModelRequest = {
    messages: [memberSystem(author.text), { role: "user", content: prompt }],
    schema: POST_SCHEMA,
    temperature,
    seed: ctx.seed,
    maxOutputTokens: s.maxOutputTokens,
  };
  const asked = await ctx.ask({
    speaker: author.id,
    prompt,
    request,
    check: (reply, sent) => readFields(reply, sent, ["title", "body"] as const),
    shown: { utterance, parent: null, temperature },
  });
  if (!asked.ok) {
    return [
      {
        item: utterance,
        agentId: author.id,
        status: "failed",
        answer: null,
        reason: asked.reason,
        turn: asked.turn,
      },
    ];
  }
  const text = postText(asked.value.title, asked.value.body);
  return [
    { item: utterance, agentId: author.id, status: "ok", answer: text, reason: null, turn: asked.turn },
  ];
}

/** The next replier: new to the thread with probability 0.5 (or when no one else could), else an earlier participant. */
function drawReplier(
  ctx: EpisodeContext,
  path: readonly Said[],
  pool: readonly Member[],
  personas: ReadonlyMap<string, string>,
): Member | null {
  const latest = path[path.length - 1].author;
  const inThread: string[] = [];
  for (const u of path) if (!inThread.includes(u.author)) inThread.push(u.author);
  const earlier = inThread.filter((a) => a !== latest);
  const wantNew = ctx.rng.next() < 0.5;
  if (wantNew || earlier.length === 0) {
    const fresh = pool.filter((m) => !inThread.includes(m.id));
    if (fresh.length > 0) return ctx.rng.pick(fresh);
  }
  if (earlier.length === 0) return null;
  const id = ctx.rng.pick(earlier);
  return { id, text: personas.get(id) ?? "" };
}

async function writeReply(
  ctx: EpisodeContext,
  s: ThreadSettings,
  path: readonly Said[],
  author: Member,
  utterance: string,
  temperature: number,
) {
  const prompt = replyPrompt(s.design, threadText(path, author.id, s.contextChars));
  const request: ModelRequest = {
    messages: [memberSystem(author.text), { role: "user", content: prompt }],
    schema: REPLY_SCHEMA,
    temperature,
    seed: ctx.seed,
    maxOutputTokens: s.maxOutputTokens,
  };
  return ctx.ask({
    speaker: author.id,
    prompt,
    request,
    check: (reply, sent) => readFields(reply, sent, ["reply"] as const),
    shown: { utterance, parent: path[path.length - 1].utterance, temperature },
  });
}

/** Replies after `path`, one a turn, until the length rule or the members run out; the rows end with why. */
async function continueThread(
  ctx: EpisodeContext,
  s: ThreadSettings,
  c: Continuation,
  rows: EpisodeResponse[],
  firstNumber: number,
): Promise<EpisodeResponse[]> {
  const path = c.path.slice();
  const endItem = `${c.branch === undefined ? c.thread : `${c.thread}.${c.branch}`}.end`;
  const end = (reason: string) => {
    rows.push({ item: endItem, status: "skipped", answer: null, reason, turn: null });
    return rows;
  };
  const limit = c.length.kind === "exactly" ? c.length.n : c.length.max;
  for (let k = 0; k < limit; k++) {
    if (c.length.kind === "chance" && !(k === 0 && c.length.firstSure) && !(ctx.rng.next() < s.pReply)) {
      return end(
        `the thread stopped after ${k} repl${k === 1 ? "y" : "ies"}: no reply drawn (p_reply ${s.pReply})`,
      );
    }
    const author = drawReplier(ctx, path, c.pool, c.personas);
    if (!author) return end("the thread stopped: no other member could reply");
    const utterance = utteranceId(c.thread, firstNumber + k, c.branch);
    const asked = await writeReply(ctx, s, path, author, utterance, c.temperature);
    if (!asked.ok) {
      rows.push({
        item: utterance,
        agentId: author.id,
        status: "failed",
        answer: null,
        reason: asked.reason,
        turn: asked.turn,
      });
      return rows;
    }
    rows.push({
      item: utterance,
      agentId: author.id,
      status: "ok",
      answer: asked.value.reply,
      reason: null,
      turn: asked.turn,
    });
    path.push({ utterance, author: author.id, text: asked.value.reply });
  }
  return end(
    c.length.kind === "exactly"
      ? `the branch went on for the ${limit} repl${limit === 1 ? "y" : "ies"} asked for`
      : `the thread reached its limit of ${limit} repl${limit === 1 ? "y" : "ies"}`,
  );
}

/** A thread's replies after its post (the main community's, or a Multiverse iteration's). */
export function writeReplies(
  ctx: EpisodeContext,
  s: ThreadSettings,
  thread: string,
  post: Said,
  pool: readonly Member[],
  personas: ReadonlyMap<string, string>,
  temperature: number,
): Promise<EpisodeResponse[]> {
  return continueThread(
    ctx,
    s,
    { thread, path: [post], pool, personas, temperature, length: { kind: "chance", max: s.maxReplies } },
    [],
    1,
  );
}

/**
 * A branch after `path`'s last utterance. WhatIf: the next replier has the given persona (its
 * reply generated, or the given text), then `continue` more replies by the usual rule. Multiverse:
 * the thread goes on again from there by the usual rule (its first reply sure), up to the
 * replies max_replies leaves.
 */
export async function writeBranch(
  ctx: EpisodeContext,
  s: ThreadSettings,
  job: BranchJob,
  path: Said[],
  pool: readonly Member[],
  personas: ReadonlyMap<string, string>,
): Promise<EpisodeResponse[]> {
  const base = { thread: job.thread, branch: job.branch, pool, temperature: job.temperature };
  if (job.kind === "multiverse") {
    const depth = path.length - 1;
    const max = Math.max(1, s.maxReplies - depth);
    return continueThread(
      ctx,
      s,
      { ...base, path, personas, length: { kind: "chance", max, firstSure: true } },
      [],
      1,
    );
  }
  const as: Member = { id: whatifPersonaId(job.branch), text: job.as };
  const utterance = utteranceId(job.thread, 1, job.branch);
  const parent = path[path.length - 1].utterance;
  const rows: EpisodeResponse[] = [];
  let text: string;
  if (job.text !== null) {
    text = job.text;
    const turn = ctx.note(as.id, text, { utterance, parent, temperature: null, given: true });
    rows.push({ item: utterance, agentId: as.id, status: "ok", answer: text, reason: null, turn });
  } else {
    const asked = await writeReply(ctx, s, path, as, utterance, job.temperature);
    if (!asked.ok) {
      return [
        {
          item: utterance,
          agentId: as.id,
          status: "failed",
          answer: null,
          reason: asked.reason,
          turn: asked.turn,
        },
      ];
    }
    text = asked.value.reply;
    rows.push({
      item: utterance,
      agentId: as.id,
      status: "ok",
      answer: text,
      reason: null,
      turn: asked.turn,
    });
  }
  const withAs = new Map(personas);
  withAs.set(as.id, as.text);
  return continueThread(
    ctx,
    s,
    {
      ...base,
      path: [...path, { utterance, author: as.id, text }],
      personas: withAs,
      length: { kind: "exactly", n: job.continue },
    },
    rows,
    2,
  );
}
