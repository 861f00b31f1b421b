import type { Interval } from "../analysis/calibration/index.ts";
import type { Estimate } from "../analysis/effects/index.ts";
import { type Cell, formatP, type PlotSpec, type ReportDoc, type ReportSection } from "../report/index.ts";
import { conditioningsSection } from "./conditionings-report.ts";
import type { CalibrationReport, ItemReport, StudyReport } from "./report.ts";
import { estimandText } from "./report-calibration.ts";
import { experimentSections } from "./report-experiment.ts";

const num = (x: number | null, digits = 3): number | null => (x === null ? null : Number(x.toFixed(digits)));
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const f3 = (x: number | null) => (x === null ? "—" : x.toFixed(3));
const count = (n: number) => n.toLocaleString("en-US");
const interval = (lo: number | null, hi: number | null) =>
  lo === null || hi === null ? "—" : `[${f3(lo)}, ${f3(hi)}]`;

const MODES: Record<string, string> = {
  generate: "generate: the model answers in JSON, checked against each question",
  distribution: "distribution: option probabilities read from the model's logprobs (one question per call)",
};

const TYPES: Record<string, string> = {
  multiple_choice: "multiple choice",
  yes_no: "yes/no",
  likert: "Likert scale",
  linear_scale: "linear scale",
  numeric: "number",
  free_text: "free text",
};

/** The report as a page: run facts, each item's answers per arm, failures, calibration. */
export function studyReportDoc(report: StudyReport): ReportDoc {
  const { run, model, jobs, usage } = report;
  const sections: ReportSection[] = [
    {
      heading: "Run",
      table: {
        columns: ["", "value"],
        rows: [
          ["study", `${report.study.name} (version ${report.study.version})`],
          ["run", `${run.id} (${run.status})`],
          ["model", model.label ? `${model.id}: ${model.label}` : model.id],
          ["elicitation", MODES[run.mode] ?? run.mode],
          [
            "arms",
            report.arms.map((a) => (a.text ? `${a.name}: “${a.text}”` : `${a.name} (no text)`)).join(" · "),
          ],
          [
            "design",
            `${report.assignment.subjects === "between" ? `between subjects (one arm each, seeded${report.assignment.block_on.length ? `, blocked on ${report.assignment.block_on.join(", ")}` : ""})` : "within subjects (everyone under every arm)"}; people per arm: ${Object.entries(
              report.assignment.people_per_arm,
            )
              .map(([arm, n]) => `${arm} ${n}`)
              .join(", ")}`,
          ],
          ["jobs", `${jobs.total} (ok ${jobs.ok}, failed ${jobs.failed}, pending ${jobs.pending})`],
          ["model calls (answered)", String(usage.calls)],
          ["failed call attempts", String(usage.failed_attempts)],
          ["jobs answered from the cache", String(usage.cache_hits)],
          [
            "tokens",
            `input ${usage.input_tokens} (cached ${usage.cached_input_tokens}), output ${usage.output_tokens}, reasoning ${usage.reasoning_tokens}`,
          ],
          [
            "cost (USD)",
            usage.cost_usd === null ? "unknown (a model without a price)" : usage.cost_usd.toFixed(4),
          ],
        ],
      },
      paragraphs: report.study.description ? [report.study.description] : undefined,
    },
    ...(report.conditionings ? [conditioningsSection(report.conditionings)] : []),
    overviewSection(report),
    ...report.items.map((item) => itemSection(item, report.arms.length > 1)),
    ...experimentSections(report),
    {
      heading: "Failures",
      ...(report.failures.jobs === 0
        ? { paragraphs: ["No job failed."] }
        : {
            paragraphs: [`${report.failures.jobs} jobs failed. The most common reasons:`],
            table: {
              columns: ["reason", "jobs"],
              rows: report.failures.reasons.map((r) => [r.reason, r.jobs]),
            },
          }),
    },
    calibrationSection(report.calibration),
  ];
  return {
    title: `Study report: ${report.study.name}`,
    subtitle: `run ${run.id} · ${model.id}`,
    notes: report.notes,
    sections,
  };
}

function overviewSection(report: StudyReport): ReportSection {
  const rows: Cell[][] = report.items.map((item) => {
    let summary = "";
    if (item.means) {
      summary = item.means
        .map((m) => `${report.arms.length > 1 ? `${m.arm}: ` : ""}mean ${f3(m.mean)}`)
        .join("; ");
    } else if (item.answers) {
      const top = item.answers.toSorted((a, b) => b.count - a.count)[0];
      summary = `most common: ${top.answer}`;
    }
    return [item.item, item.text, TYPES[item.type] ?? item.type, item.ok, item.failed, item.skipped, summary];
  });
  return {
    heading: "Answers",
    paragraphs: [
      "Simulated answers, not calibrated. Shares are of each arm's valid answers; intervals are 95% confidence intervals.",
    ],
    table: { columns: ["item", "question", "type", "valid", "failed", "skipped", "summary"], rows },
  };
}

function itemSection(item: ItemReport, multiArm: boolean): ReportSection {
  const paragraphs = [
    `“${item.text}” (${TYPES[item.type] ?? item.type}; ${item.ok} valid answers, ${item.failed} failed${item.skipped ? `, ${item.skipped} skipped by the survey's flow` : ""})`,
  ];
  const plots: PlotSpec[] = [];
  let table: ReportSection["table"];
  const ref = item.reference;
  if (item.answers) {
    const arms = [...new Set(item.answers.map((a) => a.arm))];
    const options = [...new Set(item.answers.map((a) => a.answer))];
    const share = (list: ItemReport["answers"], arm: string, option: string) =>
      list?.find((a) => a.arm === arm && a.answer === option);
    const refShare = (option: string) => ref?.shares?.find((s) => s.answer === option)?.share;
    table = {
      columns: [
        "answer",
        ...arms.map((a) => (multiArm ? a : "simulated")),
        ...(item.expected ? arms.map((a) => `${multiArm ? `${a} ` : ""}expected`) : []),
        ...(ref?.shares ? [`human reference (n ${count(ref.n)})`] : []),
      ],
      rows: options.map((option) => [
        option,
        ...arms.map((arm) => {
          const s = share(item.answers, arm, option);
          return s ? `${pct(s.share)} (${s.count})` : null;
        }),
        ...(item.expected
          ? arms.map((arm) => {
              const s = share(item.expected, arm, option);
              return s ? pct(s.share) : null;
            })
          : []),
        ...(ref?.shares ? [pct(refShare(option) ?? 0)] : []),
      ]),
      caption:
        [
          item.expected
            ? "Expected: the mean of the stored option probabilities (distribution mode), beside the share of top answers."
            : "",
          ref ? `Human reference: ${ref.source}.` : "",
        ]
          .filter(Boolean)
          .join(" ") || undefined,
    };
    plots.push({
      kind: "bars",
      title: `${item.item}: answers${multiArm ? " per arm" : ""}`,
      valueLabel: "share of valid answers",
      domain: [0, 1],
      ...(ref?.shares ? { referenceLabel: "human reference (GSS respondents)" } : {}),
      data: item.answers.map((s) => ({
        label: s.answer,
        value: s.share,
        ...(multiArm ? { series: s.arm } : {}),
        ...(ref?.shares ? { reference: refShare(s.answer) ?? 0 } : {}),
      })),
    });
    if (item.expected) {
      plots.push({
        kind: "bars",
        title: `${item.item}: expected distribution (mean option probabilities)`,
        valueLabel: "mean probability",
        domain: [0, 1],
        data: item.expected.map((s) => ({
          label: s.answer,
          value: s.share,
          ...(multiArm ? { series: s.arm } : {}),
        })),
      });
    }
  }
  if (item.means) {
    const rows: Cell[][] = item.means.map((m) => [
      m.arm,
      m.n,
      m.mean,
      interval(m.lower, m.upper),
      m.sd,
      m.median,
      m.min,
      m.max,
    ]);
    if (ref?.mean !== undefined) rows.push([`human reference`, ref.n, ref.mean, "", null, null, null, null]);
    const meansTable = {
      columns: ["arm", "n", "mean", "95% CI", "SD", "median", "min", "max"],
      rows,
      caption:
        [
          item.scale ? `Scored ${item.scale}.` : "",
          ref?.mean !== undefined ? `Human reference: ${ref.source}.` : "",
        ]
          .filter(Boolean)
          .join(" ") || undefined,
    };
    // A closed item's table is its distribution; the means then go in a paragraph and a plot.
    if (table)
      paragraphs.push(
        `Means (${item.scale ?? "as answered"}): ${item.means.map((m) => `${m.arm} ${f3(m.mean)} ${interval(m.lower, m.upper)}`).join("; ")}.`,
      );
    else table = meansTable;
    plots.push({
      kind: "intervals",
      title: `${item.item}: mean per arm with 95% CI`,
      valueLabel: item.scale ? `mean score (${item.scale})` : "mean",
      data: item.means.map((m) => ({ label: m.arm, estimate: m.mean, lower: m.lower, upper: m.upper })),
    });
  }
  if (item.histogram) {
    plots.push({
      kind: "bars",
      title: `${item.item}: distribution of answers`,
      valueLabel: "share of valid answers",
      domain: [0, 1],
      data: item.histogram.map((s) => ({
        label: s.answer,
        value: s.share,
        ...(multiArm ? { series: s.arm } : {}),
      })),
    });
  }
  if (item.differences && item.differences.length > 0) {
    const e = (x: Estimate) => `${f3(x.estimate)} ${interval(x.lower, x.upper)}`;
    paragraphs.push(
      ...item.differences.map(
        (d) =>
          `${d.arm} − ${d.reference} (${d.outcome}): difference ${e(d.difference)}, p ${formatP(d.difference.p) ?? "—"}; ` +
          `effect size d ${e(d.d)} (n ${d.n} vs. ${d.n_reference}).`,
      ),
    );
    plots.push({
      kind: "intervals",
      title: `${item.item}: difference from ${item.differences[0].reference} (${item.differences[0].outcome}), 95% CI`,
      rule: 0,
      valueLabel: "difference",
      data: item.differences.map((d) => ({
        label: `${d.arm} − ${d.reference}`,
        estimate: d.difference.estimate,
        lower: d.difference.lower,
        upper: d.difference.upper,
      })),
    });
  }
  if (item.differences_note) paragraphs.push(item.differences_note);
  return { heading: `${item.item}`, level: 3, paragraphs, ...(table ? { table } : {}), plots };
}

function calibrationSection(c: CalibrationReport): ReportSection {
  const paragraphs = [c.statement];
  const e = c.estimates;
  if (!e) return { heading: "Calibration", paragraphs };
  const per = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([arm, n]) => (e.estimand === "ate" ? `${n} (${arm})` : String(n)))
      .join(", ");
  paragraphs.push(
    `Human data: ${c.human_data} (column ${e.outcome}). Labeled people (human and simulated answer): ${per(e.n_labeled)}; ` +
      `simulated-only agents: ${per(e.n_unlabeled)}.` +
      (e.human_not_in_run
        ? ` ${e.human_not_in_run} human outcomes belong to no agent of this run and are not used.`
        : "") +
      (e.imputed
        ? ` ${e.imputed} agents had no valid simulated answer and were given the arm's mean simulated answer.`
        : ""),
  );
  if (e.estimand === "ate") {
    paragraphs.push(
      "Agents without a human outcome are split at random between the two arms, so the arms are independent samples.",
    );
  }
  const lambda =
    typeof e.ppi_plus_plus.lambda === "number"
      ? num(e.ppi_plus_plus.lambda)
      : Object.entries(e.ppi_plus_plus.lambda)
          .map(([arm, l]) => `${arm} ${l.toFixed(3)}`)
          .join(", ");
  const rows: [string, Interval, string | number | null][] = [
    ["PPI++ (calibrated)", e.ppi_plus_plus, lambda],
    ["human only (classical)", e.classical, 0],
    ["classic PPI", e.ppi, 1],
    ["simulated only (not calibrated)", e.simulated, null],
  ];
  const level = `${Math.round((1 - e.alpha) * 1000) / 10}%`;
  return {
    heading: "Calibration",
    paragraphs,
    glossary: [
      {
        term: "PPI++",
        meaning:
          "prediction-powered inference: human answers correct the simulated ones' bias; λ weighs the simulated answers (0 = ignore them).",
      },
      { term: "classic PPI", meaning: "the same with λ = 1: every simulated answer counts fully." },
    ],
    table: {
      columns: ["estimate", "value", "SE", `${level} lower`, `${level} upper`, "λ"],
      rows: rows.map(([name, i, l]) => [name, num(i.estimate), num(i.se), num(i.lower), num(i.upper), l]),
      caption:
        "The simulated-only interval treats simulated answers as if they were people's: it ignores the simulator's bias and is not valid.",
    },
    plots: [
      {
        kind: "intervals",
        title: `${estimandText(c.plan!)}, ${level} intervals`,
        data: rows.map(([name, i]) => ({
          label: name,
          estimate: i.estimate,
          lower: i.lower,
          upper: i.upper,
        })),
        ...(e.estimand === "ate" ? { rule: 0 } : {}),
      },
    ],
  };
}
