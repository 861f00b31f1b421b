/**
 * The believability test of Park et al. (2022): judges see pairs of one real and one simulated
 * conversation and say which is real; their error rate (the paper: 41% for SimReddit, 50% is
 * chance) says how plausible the simulation is. Each simulated thread is paired with the real
 * chain closest to it in wording (TF-IDF cosine of their words) among those whose messages are
 * about as long (mean words per message within a factor of two, when there are such chains),
 * each real chain used once, both cut to the same number of messages; which side is real is
 * drawn per judge and pair.
 */
import { randomBytes } from "node:crypto";
import { normalQuantile, tQuantile } from "../analysis/stats/index.ts";
import { GramIndex, Vectorizer, words } from "../analysis/text/index.ts";
import { UserError } from "../errors/index.ts";
import { hash32 } from "../random/index.ts";
import type { BelievabilityTestRecord, JudgmentRecord, Store } from "../store/types.ts";
import { MAIN } from "./ids.ts";
import { type Community, readCommunity } from "./read.ts";
import type { RealThread } from "./realism/threads-file.ts";

/** The paper's error rate for SimReddit conversations (std 10% over participants). */
export const PAPER_ERROR_RATE = 0.41;

export interface ShownMessage {
  /** u1, u2… in order of first appearance in the conversation. */
  author: string;
  text: string;
}

export interface BelievabilityPair {
  pair: number;
  sim: { thread: string; messages: ShownMessage[] };
  real: { thread: string; messages: ShownMessage[] };
  /** TF-IDF cosine of the two conversations' words (0 when nothing is shared). */
  similarity: number;
}

function pseudonyms(messages: readonly { author: string; text: string }[]): ShownMessage[] {
  const names = new Map<string, string>();
  return messages.map((m) => {
    if (!names.has(m.author)) names.set(m.author, `u${names.size + 1}`);
    return { author: names.get(m.author)!, text: m.text.trim() };
  });
}

/** A simulated thread as a conversation: its post (title, then text) and its own replies, in order. */
function simConversation(c: Community, thread: string): { author: string; text: string }[] {
  return c.utterances
    .filter((u) => u.thread === thread && (u.branch === MAIN || thread.startsWith(`${u.branch}.`)))
    .map((u) => ({ author: u.author, text: u.text }));
}

function cosine(
  a: { index: Int32Array; value: Float64Array },
  b: { index: Int32Array; value: Float64Array },
): number {
  const at = new Map<number, number>();
  for (let k = 0; k < a.index.length; k++) at.set(a.index[k], a.value[k]);
  let s = 0;
  for (let k = 0; k < b.index.length; k++) s += (at.get(b.index[k]) ?? 0) * b.value[k];
  return s;
}

/**
 * Up to `n` pairs: the main community's threads that have replies, in thread order, each with
 * the most similar real chain not used yet; the simulated side is cut to the real side's length.
 */
export function makePairs(c: Community, real: readonly RealThread[], n: number): BelievabilityPair[] {
  const sims = c.threads
    .filter((t) => t.iteration === MAIN)
    .map((t) => ({ thread: t.thread, messages: simConversation(c, t.thread) }))
    .filter((t) => t.messages.length >= 2)
    .slice(0, n);
  const grams = new GramIndex({ ngrams: [1], dropQuotes: true });
  const text = (ms: readonly { text: string }[]) => ms.map((m) => m.text).join("\n");
  const realCodes = real.map((t) => grams.encode(text(t.comments.map((x) => ({ text: x.body })))));
  const simCodes = sims.map((s) => grams.encode(text(s.messages)));
  const v = Vectorizer.fit([...realCodes, ...simCodes], grams.size, 1);
  const realRows = realCodes.map((r) => v.transform(r));
  const meanWords = (ms: readonly { text: string }[]) =>
    ms.reduce((n, m) => n + words(m.text).length, 0) / ms.length;
  const realLength = real.map((t) => meanWords(t.comments.map((x) => ({ text: x.body }))));
  const used = new Set<number>();
  return sims.map((s, i) => {
    const row = v.transform(simCodes[i]);
    const length = meanWords(s.messages);
    const alike = (j: number) => realLength[j] <= 2 * length && realLength[j] >= length / 2;
    const anyAlike = real.some((_, j) => !used.has(j) && alike(j));
    let best = -1;
    let bestSim = -1;
    for (let j = 0; j < real.length; j++) {
      if (used.has(j) || (anyAlike && !alike(j))) continue;
      const sim = cosine(row, realRows[j]);
      if (sim > bestSim) {
        bestSim = sim;
        best = j;
      }
    }
    used.add(best);
    const r = real[best];
    const cut = Math.min(r.comments.length, s.messages.length);
    return {
      pair: i + 1,
      sim: { thread: s.thread, messages: pseudonyms(s.messages.slice(0, cut)) },
      real: {
        thread: r.thread,
        messages: pseudonyms(r.comments.slice(0, cut).map((x) => ({ author: x.author, text: x.body }))),
      },
      similarity: Math.max(0, bestSim),
    };
  });
}

/** A new test id: short, random, hard to guess (it is the link judges get). */
export function newTestId(): string {
  return randomBytes(6).toString("base64url");
}

/** Which side shows the real thread to this judge for this pair (the same every time they look). */
export function realSide(testId: string, judge: string, pair: number): "A" | "B" {
  return hash32(`${testId}\u0000${judge}\u0000${pair}`) % 2 === 0 ? "A" : "B";
}

/** A proportion with its interval; null throughout when there is nothing to estimate from. */
export interface Interval {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

/** Wilson score interval of a proportion (95% unless given). */
export function wilson(successes: number, n: number, alpha = 0.05): Interval {
  if (n === 0) return { estimate: null, lower: null, upper: null };
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

export interface BelievabilityResults {
  pairs: number;
  judges: { judge: string; judged: number; wrong: number; errorRate: number }[];
  /** Every judgment pooled: the share that took the simulated thread for the real one, Wilson 95% CI. */
  pooled: Interval & { judgments: number; wrong: number };
  /** The mean of the judges' own error rates with a t interval (as the paper reports), from 2 judges on. */
  judgeMean: { estimate: number; lower: number; upper: number; judges: number; sd: number } | null;
  paper: number;
}

export function believabilityResults(
  judgments: readonly JudgmentRecord[],
  pairs: number,
): BelievabilityResults {
  const byJudge = new Map<string, JudgmentRecord[]>();
  for (const j of judgments) byJudge.set(j.judge, [...(byJudge.get(j.judge) ?? []), j]);
  const judges = [...byJudge.entries()].map(([judge, list]) => {
    const wrong = list.filter((j) => !j.correct).length;
    return { judge, judged: list.length, wrong, errorRate: wrong / list.length };
  });
  const wrong = judgments.filter((j) => !j.correct).length;
  let judgeMean: BelievabilityResults["judgeMean"] = null;
  if (judges.length >= 2) {
    const rates = judges.map((j) => j.errorRate);
    const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
    const sd = Math.sqrt(rates.reduce((s, r) => s + (r - mean) ** 2, 0) / (rates.length - 1));
    const half = tQuantile(0.975, rates.length - 1) * (sd / Math.sqrt(rates.length));
    judgeMean = {
      estimate: mean,
      lower: Math.max(0, mean - half),
      upper: Math.min(1, mean + half),
      judges: judges.length,
      sd,
    };
  }
  return {
    pairs,
    judges,
    pooled: { ...wilson(wrong, judgments.length), judgments: judgments.length, wrong },
    judgeMean,
    paper: PAPER_ERROR_RATE,
  };
}

/** Makes and stores a test of a community run against real threads; fails when no thread can be paired. */
export async function createBelievabilityTest(
  store: Store,
  runId: string,
  real: readonly RealThread[],
  o: { pairs: number; title?: string },
): Promise<BelievabilityTestRecord> {
  const community = await readCommunity(store, runId);
  const pairs = makePairs(community, real, o.pairs);
  if (pairs.length === 0) {
    throw new UserError(`run ${runId} has no thread with replies to pair with a real one`);
  }
  const test: BelievabilityTestRecord = {
    id: newTestId(),
    runId,
    title: o.title ?? "Which conversation is real?",
    pairs,
    createdAt: new Date().toISOString(),
  };
  await store.saveBelievabilityTest(test);
  return test;
}

/** The pairs as one judge sees them: sides A and B, the real one on the side drawn for them. */
export function judgePairs(
  test: BelievabilityTestRecord,
  judge: string,
): { pair: number; A: ShownMessage[]; B: ShownMessage[] }[] {
  return (test.pairs as BelievabilityPair[]).map((p) => {
    const realOnA = realSide(test.id, judge, p.pair) === "A";
    return {
      pair: p.pair,
      A: realOnA ? p.real.messages : p.sim.messages,
      B: realOnA ? p.sim.messages : p.real.messages,
    };
  });
}
