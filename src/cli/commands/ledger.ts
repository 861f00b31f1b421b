import { existsSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { type LedgerEntry, summarizeLedger } from "../../ledger/index.ts";
import { openStore } from "../../store/index.ts";

interface LedgerCommandFlags {
  db: string;
  model?: string;
  domain?: string;
  json?: boolean;
}

const f3 = (x: number | null | undefined) => (typeof x === "number" ? x.toFixed(3) : "—");
const ci = (c: [number, number] | null | undefined) => (c ? ` [${f3(c[0])}, ${f3(c[1])}]` : "");
const pct = (x: number | null) => (x === null ? "—" : x.toFixed(3));

function table(entries: readonly LedgerEntry[]): string[] {
  const rows = entries.map((e) => [
    e.createdAt.slice(0, 10),
    e.study,
    e.domain,
    e.model,
    e.conditioning,
    e.metric,
    `${f3(e.value)}${ci(e.ci)}`,
    e.reference ? `${f3(e.reference.value)}${ci(e.reference.ci)}` : "",
    e.signAgree === null ? "" : `${e.signAgree ? "yes" : "no"}/${e.significanceAgree ? "yes" : "no"}`,
    e.n === null ? "" : String(e.n),
  ]);
  const header = [
    "date",
    "study",
    "domain",
    "model",
    "conditioning",
    "metric",
    "simulated",
    "human",
    "sign/signif.",
    "n",
  ];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  return [header, ...rows].map((r) =>
    r
      .map((c, k) => c.padEnd(widths[k]))
      .join("  ")
      .trimEnd(),
  );
}

export function register(program: Command): void {
  program
    .command("ledger")
    .description(
      "List the validation ledger: every comparison of simulated with human data, and the track record",
    )
    .option("--db <file>", "database holding the ledger", "populace.db")
    .option("--model <id>", "only entries of this model")
    .option("--domain <tag>", "only entries of this domain")
    .option("--json", "print one JSON document: the entries and the summary")
    .action(async (flags: LedgerCommandFlags) => {
      if (!existsSync(flags.db)) throw new UserError("database not found", { where: flags.db });
      const store = openStore(flags.db);
      try {
        const entries = await store.ledgerEntries({ model: flags.model, domain: flags.domain });
        const summary = summarizeLedger(entries);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ db: flags.db, entries, summary }, null, 2)}\n`);
          return;
        }
        const lines = [
          `validation ledger ${flags.db}: ${summary.n_entries} entries from ${summary.n_studies} studies`,
        ];
        if (entries.length > 0) lines.push("", ...table(entries), "");
        if (summary.effects.n > 0) {
          lines.push(
            `effects: simulated and human effects agree in sign ${pct(summary.effects.sign_agreement)} and in ` +
              `significance ${pct(summary.effects.significance_agreement)} of ${summary.effects.n} comparisons`,
          );
          for (const m of summary.effects_by_model) {
            lines.push(
              `  ${m.model}: sign ${pct(m.sign_agreement)}, significance ${pct(m.significance_agreement)} (${m.n})`,
            );
          }
        }
        if (summary.normalized_accuracy.length > 0) {
          lines.push("mean normalized accuracy by model and conditioning:");
          for (const g of summary.normalized_accuracy) {
            lines.push(
              `  ${g.model}, ${g.conditioning}: ${g.mean.toFixed(3)} (${g.n} ${g.n === 1 ? "entry" : "entries"})`,
            );
          }
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        await store.close();
      }
    });
}
