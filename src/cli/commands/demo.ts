import { mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { compareEntries, trackRecordSection } from "../../ledger/index.ts";
import { renderReport } from "../../report/index.ts";
import { databaseError, openStore } from "../../store/index.ts";
import { runDemo } from "../../study/demo.ts";
import { DEFAULT_MODEL } from "../../study/index.ts";
import { positiveInt, positiveNumber } from "../options.ts";
import { writeFileAtomic } from "../output.ts";
import { progressView } from "../progress.ts";
import { interruptSignals } from "../signals.ts";

/** With a provider key in the environment the demo asks that provider; otherwise the offline baseline. */
export function demoModel(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POPULACE_MODEL) return env.POPULACE_MODEL;
  if (env.OPENAI_API_KEY) return "openai:gpt-4o-mini";
  if (env.ANTHROPIC_API_KEY) return "anthropic:claude-3-5-haiku-latest";
  if (env.GOOGLE_GENERATIVE_AI_API_KEY || env.GEMINI_API_KEY) return "google:gemini-2.5-flash";
  return DEFAULT_MODEL;
}

/** The --out folder, made if missing; a file in its place is a one-line error. */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === "EEXIST" || code === "ENOTDIR"
        ? "cannot make the output folder: a file is in the way"
        : `cannot make the output folder (${code ?? error})`,
      { where: dir },
    );
  }
  if (!statSync(dir).isDirectory()) throw new UserError("is a file, not a folder", { where: dir });
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("Simulate ~200 real GSS panel respondents on 10 items and compare with their own answers")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .option("--out <dir>", "where the database and report go", "out/demo")
    .option("--model <id>", "model id (default: a provider whose key is set, else baseline:demographic)")
    .option("--n <people>", "number of respondents", positiveInt, 200)
    .option("--budget <usd>", "spending cap when a paid model is used", positiveNumber, 1)
    .option("--json", "print the figures as JSON")
    .option("--no-ledger", "do not add the comparison to the validation ledger of its database")
    .action(async (opts) => {
      const outDir = resolve(opts.out);
      makeFolder(outDir);
      const dbPath = resolve(outDir, "populace.db");
      const store = openStore(dbPath);
      const modelId: string = opts.model ?? demoModel();
      const view = opts.json ? null : progressView("demo");
      const signals = interruptSignals();
      const started = performance.now();
      try {
        if (!opts.json) {
          process.stdout.write(
            modelId === DEFAULT_MODEL
              ? "model: baseline:demographic — a statistical baseline (answers drawn from real GSS respondents who share\n" +
                  "       each agent's demographics, the person simulated held out); not a language model\n"
              : `model: ${modelId} (budget $${opts.budget})\n`,
          );
        }
        const demo = await runDemo({
          dataDir: resolveDataDir(opts.dataDir),
          store,
          n: opts.n,
          modelId,
          budgetUsd: modelId === DEFAULT_MODEL ? undefined : opts.budget,
          onProgress: (p) => view?.update(p),
          stop: signals.stop,
          abort: signals.abort,
        });
        view?.stop();
        // The demo is a comparison with human data: it goes into the validation ledger like compare's.
        const context = { domain: "gss-attitudes", model: demo.run.model.id };
        const entries = compareEntries(demo.fidelity, {
          command: "demo",
          study: demo.run.run.studyName,
          conditioning: "demographic",
          runId: demo.run.run.id,
          inputs: { run: demo.run.run.id },
          ...context,
        });
        const earlier = await store.ledgerEntries({ domain: context.domain });
        if (opts.ledger) await store.addLedgerEntries(entries);
        const track = trackRecordSection(earlier, {
          ...context,
          exclude: new Set(entries.map((e) => e.key)),
          db: dbPath,
        });
        const reportPath = resolve(outDir, "report.html");
        writeFileAtomic(
          reportPath,
          renderReport({ ...demo.report, sections: [...demo.report.sections, track] }),
        );
        const seconds = (performance.now() - started) / 1000;
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ run: demo.run.run.id, model: demo.run.model.id, model_kind: demo.run.model.kind, overall: demo.overall, items: demo.items, report: reportPath, db: dbPath, seconds })}\n`,
          );
          return;
        }
        const pct = (x: number | null) => (x === null ? "   —" : `${(x * 100).toFixed(1).padStart(5)}%`);
        const out = process.stdout;
        out.write(
          `\nrun ${demo.run.run.id}: ${demo.run.run.status}${demo.run.resumed ? " (resumed)" : ""}\n\n`,
        );
        out.write("item       pairs  accuracy  retest ceiling  normalized\n");
        for (const r of demo.items) {
          out.write(
            `${r.item.padEnd(10)} ${String(r.n).padStart(5)}  ${pct(r.accuracy)}    ${pct(r.retest_accuracy)}          ` +
              `${r.normalized_accuracy === null ? "—" : r.normalized_accuracy.toFixed(2)}\n`,
          );
        }
        const o = demo.overall;
        out.write(
          `${"overall".padEnd(10)} ${String(o.n_pairs).padStart(5)}  ${pct(o.accuracy)}                    ` +
            `${o.normalized_accuracy === null ? "—" : o.normalized_accuracy.toFixed(2)}\n\n`,
        );
        out.write(`failed answers: ${o.n_failed}\nreport: ${reportPath}\ndatabase: ${dbPath}\n`);
        out.write(`(${seconds.toFixed(1)} s)\n`);
      } catch (error) {
        throw databaseError(error, dbPath);
      } finally {
        signals.dispose();
        await store.close();
      }
    });
}
