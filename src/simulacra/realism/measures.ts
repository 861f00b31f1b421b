/**
 * How a simulated community's replies compare with real ones, on measures that need no model:
 * how long replies are, how varied their wording is (distinct-n, Li et al. 2016), how much of
 * their vocabulary real replies share, and the share a rule-breaking judge flags. Wording
 * measures grow with the amount of text, so they are taken on samples of equal size: replies in
 * a seeded random order until both sides have the same number of words.
 */
import { quantile } from "../../analysis/stats/index.ts";
import { distinctN, words } from "../../analysis/text/index.ts";
import { createRng } from "../../random/index.ts";

export const LENGTH_BINS: { label: string; max: number }[] = [
  { label: "< 10", max: 10 },
  { label: "10–24", max: 25 },
  { label: "25–49", max: 50 },
  { label: "50–99", max: 100 },
  { label: "100–199", max: 200 },
  { label: "200–399", max: 400 },
  { label: "≥ 400", max: Number.POSITIVE_INFINITY },
];

/** Largest sample the wording measures use on each side, in words. */
export const MAX_SAMPLE_WORDS = 50_000;

export interface SideMeasures {
  replies: number;
  words: number;
  length: {
    mean: number;
    median: number;
    p10: number;
    p90: number;
    bins: { label: string; share: number }[];
  };
  /** On the equal-size sample. */
  distinct1: number;
  distinct2: number;
  vocabulary: number;
  /** Share of replies the judge flags as rule breaking. */
  flagged: number;
  /** Share the moderators removed, when the threads carry their labels. */
  moderatorFlagged: number | null;
}

export interface RealismMeasures {
  sampleWords: number;
  sim: SideMeasures;
  real: SideMeasures;
  /** Of the sampled vocabularies: shared word types over all word types (Jaccard). */
  vocabularyJaccard: number;
  /** Share of the simulated sample's words whose type occurs in the real sample. */
  simWordsInRealVocabulary: number;
}

export interface Side {
  replies: readonly string[];
  /** 1 where the moderators removed the reply, when known (one per reply). */
  moderator?: readonly (number | undefined)[];
}

/** Replies in a seeded random order, their words, until `budget` words (the last one cut). */
function sample(tokens: readonly string[][], budget: number, seed: string): string[][] {
  const order = createRng(seed).shuffle(tokens.map((_, i) => i));
  const out: string[][] = [];
  let left = budget;
  for (const i of order) {
    if (left <= 0) break;
    const t = tokens[i];
    out.push(t.length <= left ? t : t.slice(0, left));
    left -= Math.min(t.length, left);
  }
  return out;
}

function side(
  tokens: string[][],
  sampled: string[][],
  flags: readonly boolean[],
  moderator?: readonly (number | undefined)[],
): SideMeasures {
  const lengths = tokens.map((t) => t.length).sort((a, b) => a - b);
  const n = lengths.length;
  const bins = LENGTH_BINS.map((b, i) => {
    const min = i === 0 ? 0 : LENGTH_BINS[i - 1].max;
    return { label: b.label, share: n === 0 ? 0 : lengths.filter((l) => l >= min && l < b.max).length / n };
  });
  const vocabulary = new Set(sampled.flat()).size;
  const labelled = moderator?.filter((m): m is number => m !== undefined) ?? [];
  return {
    replies: n,
    words: lengths.reduce((s, l) => s + l, 0),
    length: {
      mean: n === 0 ? 0 : lengths.reduce((s, l) => s + l, 0) / n,
      median: quantile(lengths, 0.5),
      p10: quantile(lengths, 0.1),
      p90: quantile(lengths, 0.9),
      bins,
    },
    distinct1: distinctN(sampled, 1),
    distinct2: distinctN(sampled, 2),
    vocabulary,
    flagged: n === 0 ? 0 : flags.filter(Boolean).length / n,
    moderatorFlagged: labelled.length === 0 ? null : labelled.filter((m) => m === 1).length / labelled.length,
  };
}

export function measureRealism(
  sim: Side,
  real: Side,
  flags: (text: string) => boolean,
  seed = 1,
): RealismMeasures {
  const simTokens = sim.replies.map((t) => words(t));
  const realTokens = real.replies.map((t) => words(t));
  const total = (ts: string[][]) => ts.reduce((s, t) => s + t.length, 0);
  const budget = Math.min(total(simTokens), total(realTokens), MAX_SAMPLE_WORDS);
  const simSample = sample(simTokens, budget, `realism:${seed}:sim`);
  const realSample = sample(realTokens, budget, `realism:${seed}:real`);
  const simVocab = new Set(simSample.flat());
  const realVocab = new Set(realSample.flat());
  let shared = 0;
  for (const w of simVocab) if (realVocab.has(w)) shared++;
  let inReal = 0;
  let simWords = 0;
  for (const t of simSample) {
    for (const w of t) {
      simWords++;
      if (realVocab.has(w)) inReal++;
    }
  }
  return {
    sampleWords: budget,
    sim: side(simTokens, simSample, sim.replies.map(flags), sim.moderator),
    real: side(realTokens, realSample, real.replies.map(flags), real.moderator),
    vocabularyJaccard:
      simVocab.size + realVocab.size === 0 ? 0 : shared / (simVocab.size + realVocab.size - shared),
    simWordsInRealVocabulary: simWords === 0 ? 0 : inReal / simWords,
  };
}
