import type { Command } from "commander";
import { dataFile, resolveDataDir } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import {
  type BelievabilityPair,
  believabilityResults,
  CMV_THREADS,
  createBelievabilityTest,
  readThreadsFile,
} from "../../simulacra/index.ts";
import { openStore } from "../../store/index.ts";
import { communityRun } from "../../study/index.ts";
import { commandGroup } from "../group.ts";
import { intFlag } from "../options.ts";

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

export function register(program: Command): void {
  const group = commandGroup(program, "simulacra", "Simulated communities held against real ones");
  group
    .command("believability")
    .description(
      "A believability test: the run's threads beside real ones, judged at /believability/ID of populace serve",
    )
    .argument("<run>", "a community run")
    .option(
      "--real <file>",
      "real threads in the reddit-cmv-threads format (default: the CMV threads of the data directory)",
    )
    .option("--pairs <n>", "pairs to make (at most one per thread with replies)", "20")
    .option("--title <text>", "what judges see as the title")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)")
    .action(async (runId: string, opts) => {
      const store = openStore(opts.db);
      try {
        const { run } = await communityRun(store, runId);
        const file =
          opts.real ?? dataFile(resolveDataDir(opts.dataDir), CMV_THREADS, "r/ChangeMyView threads");
        const test = await createBelievabilityTest(store, run.id, readThreadsFile(file), {
          pairs: intFlag(opts.pairs, "--pairs", 1),
          title: opts.title,
        });
        const pairs = test.pairs as BelievabilityPair[];
        const mean = pairs.reduce((s, p) => s + p.similarity, 0) / pairs.length;
        process.stdout.write(
          `believability test ${test.id}: ${pairs.length} pairs (mean TF-IDF cosine of a pair ${mean.toFixed(2)}); ` +
            `judges open /believability/${test.id} of \`populace serve --db ${opts.db}\`, results at /believability/${test.id}/results\n`,
        );
      } finally {
        await store.close();
      }
    });
  group
    .command("believability-results")
    .description(
      "A believability test's error rates: per judge, pooled (Wilson 95% CI), the judges' mean (t CI)",
    )
    .argument("<test>", "the test's id")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--json", "print one JSON document")
    .action(async (id: string, opts) => {
      const store = openStore(opts.db);
      try {
        const test = await store.getBelievabilityTest(id);
        if (!test) throw new UserError(`no believability test "${id}" in ${opts.db}`);
        const r = believabilityResults(await store.judgments(id), (test.pairs as unknown[]).length);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ id, run: test.runId, ...r }, null, 2)}\n`);
          return;
        }
        const p = r.pooled;
        process.stdout.write(
          `${test.title} (${test.runId}, ${r.pairs} pairs): error rate ${pct(p.estimate)} (${p.wrong} of ${p.judgments} judgments; ` +
            `95% CI ${pct(p.lower)}–${pct(p.upper)}, Wilson)` +
            (r.judgeMean
              ? `; judges' mean ${pct(r.judgeMean.estimate)} (${r.judgeMean.judges} judges, 95% CI ${pct(r.judgeMean.lower)}–${pct(r.judgeMean.upper)})`
              : "") +
            `; Park et al. 2022: ${pct(r.paper)}, chance 50%\n`,
        );
        for (const j of r.judges)
          process.stdout.write(`  ${j.judge}: ${j.wrong} wrong of ${j.judged} (${pct(j.errorRate)})\n`);
      } finally {
        await store.close();
      }
    });
}
