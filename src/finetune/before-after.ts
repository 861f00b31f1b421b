/**
 * Before/after fine-tuning for surveys (Wang et al.): the same study run on the base and on the
 * tuned model, each compared with the same people's real answers by the existing analysis:
 * accuracy and distribution distance, heterogeneity, subgroup alignment (DPD), belief–action
 * coherence, and regression recovery when a formula is given.
 */
import type { Agent } from "../agents/index.ts";
import {
  type AnswerRow,
  type AnswerSet,
  compareFidelity,
  type FidelityResult,
} from "../analysis/fidelity/index.ts";
import {
  compareRegressions,
  type RegressionResult,
  type RegressionSpec,
} from "../analysis/regression/index.ts";
import { UserError } from "../errors/index.ts";
import { labelKey } from "../instruments/index.ts";
import type { Question } from "../instruments/types.ts";
import type { ReportDoc, ReportSection } from "../report/index.ts";
import type { LoadedStudy } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { type RunStudyOptions, runStudy } from "../study/index.ts";
import { respondentAgent } from "./survey.ts";

export interface BeforeAfterOptions {
  study: LoadedStudy;
  questions: Question[];
  store: Store;
  dataDir: string;
  human: AnswerSet;
  /** The people to simulate, from the human file (e.g. a split's test persons); else the study's population. */
  persons?: string[];
  profileColumns?: string[];
  models: { base: string; tuned: string };
  by?: string[];
  minGroup?: number;
  coherence?: { belief: string; action: string }[];
  regression?: RegressionSpec;
  run?: Pick<RunStudyOptions, "budgetUsd" | "concurrency" | "pricesFile" | "stop" | "abort" | "onProgress">;
}

export interface ModelSide {
  model: string;
  run: string;
  status: string;
  n_ok: number;
  n_failed: number;
  accuracy: number | null;
  /** Mean Jensen–Shannon distance over items, simulated vs. human answer distributions (log 2). */
  mean_jsd: number | null;
  /** Mean over items of the simulated/human entropy ratio (1 = as varied as people). */
  heterogeneity: number | null;
  /** Max − min accuracy over groups, per --by attribute. */
  dpd: Record<string, number | null>;
  coherence: FidelityResult["coherence"];
  fidelity: FidelityResult;
  regression?: RegressionResult;
}

export interface BeforeAfterResult {
  study: string;
  n_persons: number;
  base: ModelSide;
  tuned: ModelSide;
}

/** A closed answer's option position (1-based), a numeric answer as its number; null if neither. */
function optionNumber(questions: Question[], item: string, answer: unknown): number | null {
  const q = questions.find((x) => x.id === item);
  const text = String(answer ?? "").trim();
  if (q?.options?.length) {
    const key = labelKey(text);
    const at = q.options.findIndex((o) => labelKey(o) === key);
    return at < 0 ? null : at + 1;
  }
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

async function side(
  options: BeforeAfterOptions,
  model: string,
  agents: Agent[] | undefined,
  humanRows: AnswerRow[],
): Promise<ModelSide> {
  const result = await runStudy({
    study: options.study,
    store: options.store,
    dataDir: options.dataDir,
    modelId: model,
    agents,
    questions: options.questions,
    ...options.run,
  });
  const sim: AnswerRow[] = [];
  let failed = 0;
  for await (const r of options.store.responses(result.run.id)) {
    if (r.status === "ok" && r.answer !== null && r.answer !== undefined)
      sim.push({ person_id: r.agentId, item: r.item, answer: String(r.answer) });
    else failed++;
  }
  if (sim.length === 0)
    throw new UserError(`${model}: no answers to compare (${failed} failed) in run ${result.run.id}`);
  const fidelity = compareFidelity(
    { sim: { name: model, rows: sim }, human: { name: options.human.name, rows: humanRows } },
    { type: "categorical", by: options.by, minGroup: options.minGroup },
  );
  if (options.coherence?.length) {
    // Correlations need numbers: a closed answer counts as its option's position (1, 2, …).
    const wanted = new Set(options.coherence.flatMap((c) => [c.belief, c.action]));
    const numeric = (rows: AnswerRow[]) =>
      rows
        .filter((r) => wanted.has(r.item))
        .map((r) => ({ ...r, answer: optionNumber(options.questions, r.item, r.answer) }));
    fidelity.coherence = compareFidelity(
      {
        sim: { name: model, rows: numeric(sim) },
        human: { name: options.human.name, rows: numeric(humanRows) },
      },
      { type: "numeric", coherence: options.coherence },
    ).coherence;
  }
  const o = fidelity.overall as Record<string, unknown>;
  const jsd = Object.values(fidelity.items)
    .map((i) => i.jsd)
    .filter((v): v is number => typeof v === "number");
  let regression: RegressionResult | undefined;
  if (options.regression) {
    const wide = (rows: AnswerRow[]) => {
      const people = new Map<string, Record<string, string>>();
      for (const r of rows) {
        const id = String(r.person_id);
        let row = people.get(id);
        if (!row) {
          // Every column on every row (empty when the person has no answer): complete rows only enter the fit.
          row = {
            person_id: id,
            ...Object.fromEntries(options.human.attributeNames.map((a) => [a, ""])),
            ...Object.fromEntries(options.questions.map((q) => [q.id, ""])),
            ...Object.fromEntries(options.human.attributes.get(id) ?? []),
          };
          people.set(id, row);
        }
        row[r.item] = String(r.answer);
      }
      return [...people.values()];
    };
    regression = compareRegressions(
      { name: options.human.name, rows: wide(humanRows) },
      { name: model, rows: wide(sim) },
      options.regression,
      { labels: { human: "human", sim: model } },
    );
  }
  return {
    model,
    run: result.run.id,
    status: result.run.status,
    n_ok: sim.length,
    n_failed: failed,
    accuracy: (o.accuracy as number | null | undefined) ?? null,
    mean_jsd: mean(jsd),
    heterogeneity: ((o.heterogeneity as { mean_ratio: number | null }) ?? { mean_ratio: null }).mean_ratio,
    dpd: Object.fromEntries(Object.entries(fidelity.subgroups).map(([k, v]) => [k, v.dpd])),
    coherence: fidelity.coherence,
    fidelity,
    regression,
  };
}

export async function runBeforeAfter(options: BeforeAfterOptions): Promise<BeforeAfterResult> {
  const agents = options.persons?.map((p) => {
    if (!options.human.answers.has(p))
      throw new UserError(`person "${p}" of the split has no answers in ${options.human.name}`);
    return respondentAgent(options.human, p, options.profileColumns);
  });
  const asked = new Set(options.questions.map((q) => q.id));
  const humanRows = (people: Set<string> | undefined): AnswerRow[] => {
    const rows: AnswerRow[] = [];
    for (const [person, answers] of options.human.answers) {
      if (people && !people.has(person)) continue;
      const attrs = Object.fromEntries(options.human.attributes.get(person) ?? []);
      for (const [item, answer] of answers)
        if (asked.has(item)) rows.push({ ...attrs, person_id: person, item, answer });
    }
    return rows;
  };
  const rows = humanRows(agents ? new Set(agents.map((a) => a.id)) : undefined);
  const base = await side(options, options.models.base, agents, rows);
  const tuned = await side(options, options.models.tuned, agents, rows);
  return {
    study: options.study.spec.name,
    n_persons: agents?.length ?? base.fidelity.overall.n_persons,
    base,
    tuned,
  };
}

export function beforeAfterReport(r: BeforeAfterResult, title?: string): ReportDoc {
  const sides = [r.base, r.tuned];
  const label = (s: ModelSide, i: number) => `${i === 0 ? "base" : "tuned"} (${s.model})`;
  const rows: [string, (s: ModelSide) => number | string | null][] = [
    ["answers (failed)", (s) => `${s.n_ok} (${s.n_failed})`],
    ["accuracy vs. the same people", (s) => s.accuracy],
    ["mean JSD of answer distributions", (s) => s.mean_jsd],
    ["heterogeneity (entropy ratio sim/human)", (s) => s.heterogeneity],
    ...Object.keys(r.base.dpd).map((k): [string, (s: ModelSide) => number | null] => [
      `DPD of accuracy by ${k}`,
      (s) => s.dpd[k],
    ]),
  ];
  const sections: ReportSection[] = [
    {
      heading: "Base vs. tuned",
      paragraphs: [
        `The study ${r.study} run on the base and on the fine-tuned model for ${r.n_persons} people, each compared with ` +
          "the same people's real answers. Lower JSD and DPD are better; a heterogeneity ratio near 1 means the simulated " +
          "people are as varied as the real ones (Wang et al. report fine-tuning raises it).",
      ],
      table: {
        columns: ["figure", ...sides.map(label)],
        rows: rows.map(([name, f]) => [name, ...sides.map(f)]),
      },
      plots: [
        {
          kind: "bars",
          title: "Accuracy per item: base vs. tuned",
          domain: [0, 1],
          valueLabel: "share matching the person's real answer",
          data: Object.keys(r.base.fidelity.items).flatMap((item) =>
            sides.map((s, i) => ({
              label: item,
              series: label(s, i),
              value: (s.fidelity.items[item]?.accuracy as number | null | undefined) ?? null,
            })),
          ),
        },
      ],
    },
  ];
  if (r.base.coherence?.length) {
    sections.push({
      heading: "Belief–action coherence",
      table: {
        columns: ["belief → action", "human r", ...sides.map((s, i) => `${label(s, i)} r`)],
        rows: r.base.coherence.map((c, j) => [
          `${c.belief} → ${c.action}`,
          c.human_r,
          c.sim_r,
          r.tuned.coherence?.[j]?.sim_r ?? null,
        ]),
      },
    });
  }
  if (r.base.regression && r.tuned.regression) {
    const t = r.tuned.regression;
    sections.push({
      heading: `Regression recovery: ${r.base.regression.outcome}`,
      paragraphs: [
        "Wang et al. find that even tuned models do not recover the human coefficients; compare each estimate with the human one.",
      ],
      table: {
        columns: ["term", "human", "base", "tuned", "base sign agrees", "tuned sign agrees"],
        rows: r.base.regression.coefficients.map((c, j) => [
          c.term,
          c.human.coef,
          c.sim.coef,
          t.coefficients[j]?.sim.coef ?? null,
          c.sign_agree ? "yes" : "no",
          t.coefficients[j]?.sign_agree ? "yes" : "no",
        ]),
      },
    });
  }
  // The mock server names its organization in the models it "tunes": its answers are a test double's.
  const mock = sides.some((s) => s.model.includes(":org-populace-mock:"));
  return {
    title: title ?? `Before/after fine-tuning: ${r.study}`,
    subtitle: `base ${r.base.model} · tuned ${r.tuned.model}`,
    notes: mock
      ? [
          "The tuned model comes from the mock LLM server: its answers are a test double's, not a language model's, and nothing was trained.",
        ]
      : [],
    sections,
  };
}
