import { resolve } from "node:path";
import { dataFile } from "../../data/index.ts";
import type { ReportDoc } from "../../report/index.ts";
import type { RunRecord, Store } from "../../store/types.ts";
import { isTestDouble, testDoubleNote } from "../export.ts";
import { MAIN } from "../ids.ts";
import { type JudgeValidation, labelledComments, trainJudge, validateJudge } from "../judge.ts";
import { readCommunity } from "../read.ts";
import { measureRealism, type RealismMeasures } from "./measures.ts";
import { CMV_THREADS, readThreadsFile } from "./threads-file.ts";

export interface RealismOptions {
  /** Real threads in the reddit-cmv-threads format. */
  realFile: string;
  dataDir: string;
  /** Which simulated replies: MAIN (the community as generated, default) or "all" (branches too). */
  branch?: string;
  seed?: number;
  /** Also measure the judge by nested cross-validation on the CMV labels (slow: about a minute). */
  validate?: boolean;
  /** Labelled threads the judge learns from (default: reddit-cmv-threads in the data directory). */
  judgeFile?: string;
}

export interface RealismComparison {
  run: string;
  model: string;
  /** Set when the simulated text comes from a test double. */
  note: string | null;
  branch: string;
  real: { file: string; threads: number; replies: number };
  judge: {
    trainedOn: string;
    comments: number;
    lambda: number;
    threshold: number;
    features: number;
    /** The real replies are the judge's own training comments: its share on them is in-sample. */
    inSample: boolean;
    validation: JudgeValidation | null;
  };
  measures: RealismMeasures;
}

/**
 * A community run's replies side by side with real threads: length, wording, vocabulary and the
 * share a judge trained on the CMV moderators' labels flags as rule breaking.
 */
export async function compareRealism(
  store: Store,
  run: RunRecord,
  o: RealismOptions,
): Promise<RealismComparison> {
  const branch = o.branch ?? MAIN;
  const community = await readCommunity(store, run.id);
  const replies = community.utterances
    .filter((u) => u.kind === "reply" && (branch === "all" || u.branch === branch))
    .map((u) => u.text);
  const realThreads = readThreadsFile(o.realFile);
  const realReplies = realThreads.flatMap((t) => t.comments);
  const cmvFile =
    o.judgeFile ?? dataFile(o.dataDir, CMV_THREADS, "r/ChangeMyView threads (the judge's training data)");
  const corpus = labelledComments(
    resolve(cmvFile) === resolve(o.realFile) ? realThreads : readThreadsFile(cmvFile),
  );
  const seed = o.seed ?? 1;
  const judge = trainJudge(corpus.grams, corpus.texts, seed);
  const measures = measureRealism(
    { replies },
    {
      replies: realReplies.map((c) => c.body),
      moderator: realReplies.map((c) =>
        c.violatedRule === undefined ? undefined : c.violatedRule === 0 ? 0 : 1,
      ),
    },
    judge.flags,
    seed,
  );
  return {
    run: run.id,
    model: run.modelId,
    note: isTestDouble(run.modelId, run.modelKind) ? testDoubleNote(run.modelId) : null,
    branch,
    real: { file: o.realFile, threads: realThreads.length, replies: realReplies.length },
    judge: {
      trainedOn: cmvFile,
      comments: corpus.texts.length,
      lambda: judge.lambda,
      threshold: judge.threshold,
      features: judge.features,
      inSample: resolve(cmvFile) === resolve(o.realFile),
      validation: o.validate ? validateJudge(corpus, 5, seed) : null,
    },
    measures,
  };
}

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "—");

function rows(c: RealismComparison): [string, string, string][] {
  const { sim, real } = c.measures;
  return [
    ["replies", String(sim.replies), String(real.replies)],
    ["words per reply: mean", num(sim.length.mean, 1), num(real.length.mean, 1)],
    [
      "words per reply: median (10th–90th percentile)",
      `${num(sim.length.median, 0)} (${num(sim.length.p10, 0)}–${num(sim.length.p90, 0)})`,
      `${num(real.length.median, 0)} (${num(real.length.p10, 0)}–${num(real.length.p90, 0)})`,
    ],
    [`distinct-1 (on ${c.measures.sampleWords} words each)`, num(sim.distinct1), num(real.distinct1)],
    [`distinct-2 (on ${c.measures.sampleWords} words each)`, num(sim.distinct2), num(real.distinct2)],
    ["word types in the sample", String(sim.vocabulary), String(real.vocabulary)],
    [
      "flagged as rule breaking by the judge",
      pct(sim.flagged),
      `${pct(real.flagged)}${c.judge.inSample ? " (in-sample)" : ""}`,
    ],
    ["removed by moderators", pct(sim.moderatorFlagged), pct(real.moderatorFlagged)],
  ];
}

function judgeLine(c: RealismComparison): string {
  const j = c.judge;
  const v = j.validation;
  const quality = v
    ? `on the CMV moderators' labels, ${v.method}: precision ${num(v.precision)}, recall ${num(v.recall)}, F1 ${num(v.f1)}, AUC ${num(v.auc)} (${v.flaggedByModerators} of ${v.comments} comments removed)`
    : "its precision and recall on the CMV labels: `populace simulacra judge` (or --validate here)";
  return (
    `Judge: L2-regularized logistic regression on TF-IDF word unigrams and bigrams, trained on ${j.comments} comments of ${j.trainedOn} ` +
    `labelled by whether the moderators removed them (penalty ${j.lambda}, threshold ${num(j.threshold)}, ${j.features} features); ` +
    `${quality}. It flags replies that read like those CMV's moderators removed (mostly personal attacks), not breaches of the community's own rules.`
  );
}

export function realismText(c: RealismComparison): string {
  const out: string[] = [];
  if (c.note) out.push(`note: ${c.note}`);
  out.push(
    `run ${c.run} (${c.model}), replies of ${c.branch === "all" ? "every branch" : `branch ${c.branch}`}, against ${c.real.threads} real threads in ${c.real.file}`,
  );
  const width = Math.max(...rows(c).map((r) => r[0].length));
  out.push(`${"".padEnd(width)}  ${"simulated".padStart(16)}  ${"real".padStart(16)}`);
  for (const [label, s, r] of rows(c))
    out.push(`${label.padEnd(width)}  ${s.padStart(16)}  ${r.padStart(16)}`);
  out.push(
    `vocabulary: Jaccard ${num(c.measures.vocabularyJaccard)} of the two samples' word types; ` +
      `${pct(c.measures.simWordsInRealVocabulary)} of simulated words are word types of the real sample`,
  );
  out.push(judgeLine(c));
  return out.join("\n");
}

export function realismReport(c: RealismComparison, title?: string): ReportDoc {
  const { sim, real } = c.measures;
  return {
    title: title ?? `Realism: ${c.run} against real threads`,
    subtitle: `${c.model} · ${c.real.threads} real threads (${c.real.file})`,
    notes: c.note ? [c.note] : undefined,
    sections: [
      {
        heading: "Side by side",
        paragraphs: [
          `Simulated: the ${sim.replies} replies of ${c.branch === "all" ? "every branch" : `branch ${c.branch}`}. Real: the ${real.replies} comments of the real threads. ` +
            `Wording is measured on samples of ${c.measures.sampleWords} words from each side (replies in a seeded random order), since distinct-n and vocabulary grow with the amount of text. ` +
            `distinct-n: distinct n-grams over all n-grams. Vocabulary overlap: Jaccard ${num(c.measures.vocabularyJaccard)}; ${pct(c.measures.simWordsInRealVocabulary)} of simulated words are word types of the real sample.`,
        ],
        table: { columns: ["measure", "simulated", "real"], rows: rows(c) },
      },
      {
        heading: "Reply length",
        plots: [
          {
            kind: "bars",
            title: "Words per reply",
            valueLabel: "share of replies",
            domain: [0, 1],
            data: [
              ...sim.length.bins.map((b) => ({ label: b.label, value: b.share, series: "simulated" })),
              ...real.length.bins.map((b) => ({ label: b.label, value: b.share, series: "real" })),
            ],
          },
        ],
      },
      {
        heading: "Wording and rule breaking",
        paragraphs: [judgeLine(c)],
        plots: [
          {
            kind: "bars",
            title: "Wording (equal-size samples) and flagged share",
            domain: [0, 1],
            data: [
              { label: "distinct-1", value: sim.distinct1, series: "simulated" },
              { label: "distinct-1", value: real.distinct1, series: "real" },
              { label: "distinct-2", value: sim.distinct2, series: "simulated" },
              { label: "distinct-2", value: real.distinct2, series: "real" },
              { label: "flagged by the judge", value: sim.flagged, series: "simulated" },
              { label: "flagged by the judge", value: real.flagged, series: "real" },
            ],
          },
        ],
      },
    ],
  };
}
