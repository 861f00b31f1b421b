import { loadGssPanelAgents } from "../agents/index.ts";
import type { AnswerRow, FidelityResult } from "../analysis/fidelity/index.ts";
import { compareFidelity } from "../analysis/fidelity/index.ts";
import { dataFile } from "../data/index.ts";
import { loadGssPanel } from "../datasets/index.ts";
import { DEFAULT_GSS_ITEMS, gssItems } from "../instruments/index.ts";
import type { ReportDoc } from "../report/index.ts";
import { readRunAnswers, simAnswerRows } from "../results/index.ts";
import { parseStudy } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { type RunStudyOptions, type RunStudyResult, runStudy } from "./run.ts";

export interface DemoOptions {
  dataDir: string;
  store: Store;
  n?: number;
  modelId?: string;
  seed?: number;
  budgetUsd?: number;
  onProgress?: RunStudyOptions["onProgress"];
  stop?: AbortSignal;
  abort?: AbortSignal;
}

export interface DemoItemRow {
  item: string;
  question: string;
  n: number;
  accuracy: number | null;
  /** 95% percentile bootstrap interval of the accuracy, resampling people. */
  accuracy_ci: [number | null, number | null] | null;
  retest_accuracy: number | null;
  normalized_accuracy: number | null;
}

export interface DemoResult {
  run: RunStudyResult;
  items: DemoItemRow[];
  overall: { n_pairs: number; accuracy: number | null; normalized_accuracy: number | null; n_failed: number };
  /** The comparison itself, as `populace compare --run` computes it. */
  fidelity: FidelityResult;
  report: ReportDoc;
}

/** Bootstrap resamples of people for the accuracy intervals (a fraction of a second for 200 people). */
const DEMO_BOOTSTRAP = 500;

/** The demo study: real GSS panel respondents, simulated from their wave-1 demographics. */
export function demoSpec(n: number, seed: number): string {
  return [
    "name: demo-gss-retest",
    "description: Real GSS panel respondents simulated from their wave-1 demographics, compared with",
    "  their own wave-1 answers and the wave-2 retest ceiling.",
    `seed: ${seed}`,
    "population:",
    "  source: gss-panel",
    `  n: ${n}`,
    '  panels: ["2006", "2008", "2010"]',
    "instrument:",
    "  items_per_call: 10",
    "  items:",
    ...DEFAULT_GSS_ITEMS.map((id) => `    - gss: ${id}`),
    "",
  ].join("\n");
}

/**
 * Runs the demo end to end: ~200 people × 10 GSS items on the chosen model, then accuracy per item
 * against the same people's wave-1 answers, next to how often they matched themselves two years
 * later (wave 2), which is the ceiling a simulation can be expected to reach.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  for (const [file, what] of [
    ["gss-panel/gss_panel_2006_2014_long.csv", "GSS panel 2006-2014 (answers, waves 1-2)"],
    ["gss-panel/gss_panel_codebook.csv", "GSS panel codebook (question text and options)"],
  ]) {
    dataFile(options.dataDir, file, what);
  }
  const n = options.n ?? 200;
  const seed = options.seed ?? 1;
  const study = parseStudy(demoSpec(n, seed), "demo-gss-retest.yaml");
  const questions = gssItems(options.dataDir, [...DEFAULT_GSS_ITEMS]);
  const agents = loadGssPanelAgents(options.dataDir, {
    n,
    seed,
    panels: ["2006", "2008", "2010"],
    reinterviewed: true,
  });
  const run = await runStudy({
    study,
    store: options.store,
    dataDir: options.dataDir,
    modelId: options.modelId,
    budgetUsd: options.budgetUsd,
    agents,
    questions,
    onProgress: options.onProgress,
    stop: options.stop,
    abort: options.abort,
  });

  const people = new Set(agents.map((a) => a.id));
  const human: AnswerRow[] = [];
  const retest: AnswerRow[] = [];
  for (const r of loadGssPanel(options.dataDir, { panels: ["2006", "2008", "2010"] })) {
    if (!people.has(r.personId)) continue;
    for (const q of questions) {
      const w1 = r.waves["1"]?.[q.id];
      const w2 = r.waves["2"]?.[q.id];
      if (w1) human.push({ person_id: r.personId, item: q.id, answer: w1, ...r.demographics });
      if (w2) retest.push({ person_id: r.personId, item: q.id, answer: w2 });
    }
  }
  // The simulated answers as every analysis of a run reads them (compare --run does the same).
  const answers = await readRunAnswers(options.store, run.run);
  const sim = simAnswerRows(answers, answers.arms[0]);
  const failed = answers.failed;
  const fidelity = compareFidelity(
    {
      sim: { name: "simulated", rows: sim },
      human: { name: "GSS wave 1", rows: human },
      retest: { name: "GSS wave 2", rows: retest },
    },
    { type: "categorical", bootstrap: { B: DEMO_BOOTSTRAP, seed } },
  );
  const items: DemoItemRow[] = questions.map((q) => {
    const m = fidelity.items[q.id];
    const accuracy = (m?.accuracy as number | null | undefined) ?? null;
    const ceiling = (m?.retest_accuracy as number | null | undefined) ?? null;
    return {
      item: q.id,
      question: q.text,
      n: m?.n ?? 0,
      accuracy,
      accuracy_ci: (m?.ci?.accuracy as [number | null, number | null] | undefined) ?? null,
      retest_accuracy: ceiling,
      normalized_accuracy: accuracy !== null && ceiling ? accuracy / ceiling : null,
    };
  });
  const o = fidelity.overall as Record<string, unknown>;
  const overall = {
    n_pairs: fidelity.overall.n_pairs,
    accuracy: (o.accuracy as number | null) ?? null,
    normalized_accuracy: (o.normalized_accuracy as number | null) ?? null,
    n_failed: failed,
  };
  return { run, items, overall, fidelity, report: demoReport(run, items, overall, n) };
}

function demoReport(
  run: RunStudyResult,
  items: DemoItemRow[],
  overall: DemoResult["overall"],
  n: number,
): ReportDoc {
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  const fmt = (x: number | null) => (x === null ? null : (x * 100).toFixed(1));
  const baseline = run.model.kind === "baseline";
  return {
    title: "Populace demo: simulated GSS respondents vs. themselves",
    subtitle: `${n} real GSS panel respondents × ${items.length} items · model ${run.model.id} · run ${run.run.id}`,
    notes: baseline
      ? [
          "Answers come from the statistical baseline: draws from real GSS respondents who share each agent's " +
            "demographics (the person simulated is held out). It is not a language model; it is the floor an LLM should beat.",
        ]
      : [],
    sections: [
      {
        heading: "Accuracy per item against the test-retest ceiling",
        paragraphs: [
          "Accuracy is the share of people whose simulated answer equals their own wave-1 answer. The ceiling " +
            "(black tick) is how often the same people gave the same answer again in wave 2, two years later. " +
            "Normalized accuracy = accuracy / ceiling (Park et al. report 0.85 for interview-based LLM agents on the GSS).",
          `Overall: accuracy ${pct(overall.accuracy)}% over ${overall.n_pairs} person-item pairs; normalized accuracy ` +
            `${overall.normalized_accuracy === null ? "—" : overall.normalized_accuracy.toFixed(2)}; failed answers: ${overall.n_failed}.`,
        ],
        plots: [
          {
            kind: "bars",
            title:
              "Simulated accuracy (bars, with 95% bootstrap intervals) and wave-2 retest agreement (ticks)",
            valueLabel: "share matching the wave-1 answer",
            domain: [0, 1],
            referenceLabel: "test-retest ceiling",
            data: items.map((r) => ({
              label: r.item,
              value: r.accuracy,
              reference: r.retest_accuracy,
              ...(r.accuracy_ci ? { lower: r.accuracy_ci[0], upper: r.accuracy_ci[1] } : {}),
            })),
          },
        ],
      },
      {
        heading: "Per-item figures",
        table: {
          columns: [
            "item",
            "question",
            "people compared",
            "accuracy %",
            "95% CI",
            "retest agreement %",
            "normalized accuracy",
          ],
          rows: items.map((r) => [
            r.item,
            r.question,
            r.n,
            fmt(r.accuracy),
            r.accuracy_ci ? `[${fmt(r.accuracy_ci[0])}, ${fmt(r.accuracy_ci[1])}]` : "—",
            fmt(r.retest_accuracy),
            r.normalized_accuracy === null ? null : r.normalized_accuracy.toFixed(2),
          ]),
        },
      },
    ],
  };
}
