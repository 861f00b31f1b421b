import { formatP } from "../report/index.ts";
import type { StudyReport } from "./report.ts";
import { experimentText } from "./report-experiment.ts";

const f3 = (x: number | null) => (x === null ? "—" : x.toFixed(3));
const count = (n: number) => n.toLocaleString("en-US");
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const ci = (lo: number | null, hi: number | null) =>
  lo === null || hi === null ? "" : ` [${f3(lo)}, ${f3(hi)}]`;

/** The study report for a terminal: the same figures as the page, item by item, arm by arm. */
export function studyReportText(r: StudyReport): string {
  const lines = [
    `study ${r.study.name}, run ${r.run.id} (${r.run.status})`,
    `model ${r.model.id}${r.model.label ? `: ${r.model.label}` : ""}`,
    `design: ${r.assignment.subjects} subjects${r.assignment.block_on.length ? `, blocked on ${r.assignment.block_on.join(", ")}` : ""}; people per arm: ${Object.entries(
      r.assignment.people_per_arm,
    )
      .map(([arm, n]) => `${arm} ${n}`)
      .join(", ")}`,
    `jobs ${r.jobs.total}: ok ${r.jobs.ok}, failed ${r.jobs.failed}, pending ${r.jobs.pending}`,
    `calls ${r.usage.calls} (${r.usage.failed_attempts} failed attempts), ${r.usage.cache_hits} jobs from the cache, ` +
      `tokens in ${r.usage.input_tokens} out ${r.usage.output_tokens}, cost ${
        r.usage.cost_usd === null ? "unknown" : `$${r.usage.cost_usd.toFixed(4)}`
      }`,
  ];
  const multiArm = r.arms.length > 1;
  for (const item of r.items) {
    lines.push(
      `  ${item.item}: ${item.ok} valid, ${item.failed} failed${item.skipped ? `, ${item.skipped} skipped by the flow` : ""}`,
    );
    const rows: [string, string][] = [];
    const arms = [...new Set([...(item.answers ?? []), ...(item.means ?? [])].map((a) => a.arm))];
    for (const arm of arms) {
      const label = multiArm ? arm : "simulated";
      const shares = item.answers?.filter((a) => a.arm === arm) ?? [];
      if (shares.length > 0)
        rows.push([label, shares.map((a) => `${a.answer} ${pct(a.share)} (${a.count})`).join(", ")]);
      const expected = item.expected?.filter((a) => a.arm === arm) ?? [];
      if (expected.length > 0)
        rows.push([`${label}, expected`, expected.map((a) => `${a.answer} ${pct(a.share)}`).join(", ")]);
      const m = item.means?.find((x) => x.arm === arm);
      if (m)
        rows.push([
          label,
          `mean ${f3(m.mean)}${ci(m.lower, m.upper)} (n ${m.n}${item.scale ? `; ${item.scale}` : ""})`,
        ]);
    }
    const ref = item.reference;
    if (ref?.shares)
      rows.push([
        `human (n ${count(ref.n)})`,
        ref.shares.map((s) => `${s.answer} ${pct(s.share)}`).join(", "),
      ]);
    if (ref?.mean !== undefined) rows.push([`human (n ${count(ref.n)})`, `mean ${f3(ref.mean)}`]);
    for (const d of item.differences ?? []) {
      rows.push([
        `${d.arm} − ${d.reference}`,
        `${d.outcome}: ${f3(d.difference.estimate)}${ci(d.difference.lower, d.difference.upper)}, ` +
          `p ${formatP(d.difference.p) ?? "—"}, d ${f3(d.d.estimate)}${ci(d.d.lower, d.d.upper)}`,
      ]);
    }
    const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
    for (const [label, text] of rows) lines.push(`    ${`${label}:`.padEnd(width)}${text}`);
  }
  lines.push(...experimentText(r));
  for (const f of r.failures.reasons) lines.push(`  failed ×${f.jobs}: ${f.reason}`);
  const c = r.conditionings;
  if (c) {
    lines.push("conditionings (tokens and cost per person):");
    for (const a of c.arms) {
      const fid = c.human_data
        ? `accuracy ${f3(a.accuracy)}${ci(...(a.accuracy_ci ?? [null, null]))}` +
          (c.retest_data
            ? `, normalized ${f3(a.normalized_accuracy)}${ci(...(a.normalized_accuracy_ci ?? [null, null]))}`
            : "") +
          c.by.map((b) => `, DPD ${b} ${f3(a.dpd[b] ?? null)}`).join("") +
          "; "
        : "";
      const p = a.per_respondent;
      lines.push(
        `  ${a.arm}: ${a.respondents} people; ${fid}${count(Math.round(p.input_tokens))} input tokens ` +
          `(${count(Math.round(p.cached_input_tokens))} cached), ${count(Math.round(p.output_tokens))} output, ` +
          `${p.cost_usd === null ? "cost unknown" : `$${p.cost_usd.toFixed(5)}`}`,
      );
    }
  }
  const e = r.calibration.estimates;
  if (e) {
    const show = (name: string, i: { estimate: number; lower: number; upper: number }) =>
      `  ${name.padEnd(24)} ${f3(i.estimate)} [${f3(i.lower)}, ${f3(i.upper)}]`;
    lines.push(
      show("PPI++ (calibrated)", e.ppi_plus_plus),
      show("human only", e.classical),
      show("simulated only", e.simulated),
    );
  }
  for (const note of r.notes) if (note !== r.calibration.statement) lines.push(`note: ${note}`);
  lines.push(r.calibration.statement);
  return `${lines.join("\n")}\n`;
}
