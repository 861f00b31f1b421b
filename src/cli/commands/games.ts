import { existsSync } from "node:fs";
import type { Command } from "commander";
import { compareGamePlay, type Decision, gamePlayReport, readDecisions } from "../../analysis/games/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { HUMAN_GAMES, type HumanGameName, readHumanGame } from "../../datasets/index.ts";
import { UserError } from "../../errors/index.ts";
import { intFlag, parseAlpha, parseLabels } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";

interface GamesFlags extends ReportFlags {
  human: string;
  sim: string;
  by?: string;
  bins: string;
  minGroup: string;
  alpha: string;
  labels: string;
  dataDir?: string;
}

const show = (v: number | null | undefined) => (typeof v === "number" ? v.toFixed(3) : "—");

/** A named human data set of the data directory, or a CSV of decisions in the simulated format. */
function humanSide(
  name: string,
  dataDir: string | undefined,
): { decisions: Decision[]; measure: string; note?: string } {
  if (name in HUMAN_GAMES) {
    const d = readHumanGame(resolveDataDir(dataDir), name as HumanGameName);
    const dropped = Object.entries(d.dropped).map(([why, n]) => `${n} ${why}`);
    return {
      decisions: d.decisions,
      measure: d.info.measure,
      note: `Human data: ${d.info.description}${dropped.length ? ` (left out: ${dropped.join(", ")})` : ""}.`,
    };
  }
  if (existsSync(name)) return { decisions: readDecisions(name), measure: "value" };
  throw new UserError(
    `--human ${name}: neither a human game data set (${Object.keys(HUMAN_GAMES).join(", ")}) nor a file`,
  );
}

export function register(program: Command): void {
  withReportOptions(
    program
      .command("games")
      .description(
        "Compare simulated with human play of an economic game: distributions, means, by round or partner move",
      )
      .requiredOption(
        "--human <name|file>",
        `human data: ${Object.keys(HUMAN_GAMES).join(" | ")}, or a decisions CSV`,
      )
      .requiredOption(
        "--sim <file>",
        "simulated decisions: CSV person_id,value[,round][,partner], values 0–1",
      )
      .option("--by <what>", "also compare per round or per partner move: round | partner")
      .option("--bins <n>", "JSD and histograms round values to the nearest 1/n", "10")
      .option("--min-group <n>", "fewest decisions for a round or partner group to be compared", "10")
      .option("--alpha <a>", "1 − confidence level", "0.05")
      .option("--labels <human,sim>", "names of the two sides", "human,simulated")
      .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)"),
  ).action((f: GamesFlags) => {
    if (f.by !== undefined && f.by !== "round" && f.by !== "partner")
      throw new UserError(`--by must be round or partner, got "${f.by}"`);
    const labels = parseLabels(f.labels);
    const h = humanSide(f.human, f.dataDir);
    const res = compareGamePlay(h.decisions, readDecisions(f.sim), {
      by: f.by as "round" | "partner" | undefined,
      bins: intFlag(f.bins, "--bins", 1),
      minGroup: intFlag(f.minGroup, "--min-group", 1),
      alpha: parseAlpha(f.alpha),
      labels,
    });
    const lines = [
      `${h.measure}`,
      `${labels.human.padEnd(12)} mean ${show(res.human.mean)} [${show(res.human.lower)}, ${show(res.human.upper)}]  ${res.human.n_decisions} decisions, ${res.human.n_people} people`,
      `${labels.sim.padEnd(12)} mean ${show(res.sim.mean)} [${show(res.sim.lower)}, ${show(res.sim.upper)}]  ${res.sim.n_decisions} decisions, ${res.sim.n_people} people`,
      `difference ${show(res.mean_difference.estimate)} (p ${show(res.mean_difference.p)}), W1 ${show(res.w1)}, JSD ${show(res.jsd)}`,
    ];
    if (res.by) {
      lines.push(`by ${res.by}:`);
      for (const g of res.groups) {
        lines.push(
          `  ${String(g.group).padEnd(6)} ${labels.human} ${show(g.human?.mean)}  ${labels.sim} ${show(g.sim?.mean)}  W1 ${show(g.w1)}`,
        );
      }
    }
    emitResult(
      f,
      res,
      (o) => gamePlayReport(res, h.measure, { ...o, notes: h.note ? [h.note] : undefined }),
      () => lines.join("\n"),
    );
  });
}
