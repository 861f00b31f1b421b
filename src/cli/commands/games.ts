import { existsSync } from "node:fs";
import type { Command } from "commander";
import { compareGamePlay, type Decision, gamePlayReport, readDecisions } from "../../analysis/games/index.ts";
import { resolveDataDir } from "../../data/index.ts";
import { HUMAN_GAMES, type HumanGameInfo, type HumanGameName, readHumanGame } from "../../datasets/index.ts";
import { UserError } from "../../errors/index.ts";
import { readGameDecisions } from "../../games/index.ts";
import type { Role } from "../../instruments/games/index.ts";
import { formatP } from "../../report/index.ts";
import { intFlag, parseAlpha, parseLabels } from "../options.ts";
import { emitResult, type ReportFlags, withReportOptions } from "../output.ts";
import { checkSimSource } from "../run-input.ts";
import { withStoredRun } from "../runs.ts";

interface GamesFlags extends ReportFlags {
  human: string;
  sim?: string;
  run?: string;
  db: string;
  simArm?: string;
  role?: string;
  by?: string;
  bins: string;
  minGroup: string;
  alpha: string;
  labels: string;
  dataDir?: string;
}

const show = (v: number | null | undefined) => (typeof v === "number" ? v.toFixed(3) : "—");

interface HumanSide {
  decisions: Decision[];
  measure: string;
  note?: string;
  /** A named data set: the game and role its people played. */
  info?: HumanGameInfo;
}

/** A named human data set of the data directory, or a CSV of decisions in the simulated format. */
function humanSide(name: string, dataDir: string | undefined): HumanSide {
  if (name in HUMAN_GAMES) {
    const d = readHumanGame(resolveDataDir(dataDir), name as HumanGameName);
    const dropped = Object.entries(d.dropped).map(([why, n]) => `${n} ${why}`);
    return {
      decisions: d.decisions,
      measure: d.info.measure,
      note: `Human data: ${d.info.description}${dropped.length ? ` (left out: ${dropped.join(", ")})` : ""}.`,
      info: d.info,
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
      .option("--sim <file>", "simulated decisions: CSV person_id,value[,round][,partner], values 0–1")
      .option("--run <run>", "simulated decisions from a stored game run (with --db)")
      .option("--db <file>", "SQLite database of --run", "populace.db")
      .option("--sim-arm <arm>", "--run: the arm whose play is compared (needed when the run has several)")
      .option("--role <role>", "--run: the role compared (default: the role of the named human data set)")
      .option("--by <what>", "also compare per round or per partner move: round | partner")
      .option("--bins <n>", "JSD and histograms round values to the nearest 1/n", "10")
      .option("--min-group <n>", "fewest decisions for a round or partner group to be compared", "10")
      .option("--alpha <a>", "1 − confidence level", "0.05")
      .option("--labels <human,sim>", "names of the two sides", "human,simulated")
      .option("--data-dir <dir>", "real-data directory (default: POPULACE_DATA_DIR or ../shared/datasets)"),
  ).action(async (f: GamesFlags) => {
    if (f.by !== undefined && f.by !== "round" && f.by !== "partner")
      throw new UserError(`--by must be round or partner, got "${f.by}"`);
    checkSimSource(f, "simulated decisions");
    const labels = parseLabels(f.labels);
    const h = humanSide(f.human, f.dataDir);
    const notes = h.note ? [h.note] : [];
    let sim = f.run !== undefined ? await runDecisions(f, h) : readDecisions(f.sim!);
    if (f.run !== undefined && f.by === "partner") {
      // A run's decisions made before anything of the partner was seen (round 1 of simultaneous play) have no partner move.
      const seen = sim.filter((d) => d.partner !== undefined);
      if (seen.length === 0)
        throw new UserError(
          `--by partner: no decision of run ${f.run} followed a partner's move (one-shot simultaneous play); use a stated partner move, a second mover, or several rounds`,
        );
      if (seen.length < sim.length)
        notes.push(
          `By partner: ${sim.length - seen.length} simulated decisions made before any partner move was seen (round 1) are left out of the groups and of the totals.`,
        );
      sim = seen;
    }
    const res = compareGamePlay(h.decisions, sim, {
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
      `difference ${show(res.mean_difference.estimate)} (p ${formatP(res.mean_difference.p) ?? "—"}), W1 ${show(res.w1)}, JSD ${show(res.jsd)}`,
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
      (o) => gamePlayReport(res, h.measure, { ...o, notes: notes.length ? notes : undefined }),
      () => [...lines, ...notes.slice(h.note ? 1 : 0).map((n) => `note: ${n}`)].join("\n"),
    );
  });
}

/**
 * The decisions of a stored game run, for the role the human data played (or --role), after
 * checking that the run played the same game under the same rules of response.
 */
async function runDecisions(f: GamesFlags, h: HumanSide): Promise<Decision[]> {
  return withStoredRun(f.db, f.run, async (store, run, spec) => {
    const g = spec.instrument;
    if (!("game" in g))
      throw new UserError(`run ${run.id} is not a game run (its study has no instrument.game)`);
    if (h.info && h.info.game !== g.game)
      throw new UserError(
        `--human ${f.human} is ${h.info.game} play, and run ${run.id} played the ${g.game} game`,
      );
    const role = (f.role ?? h.info?.role) as Role | undefined;
    if (!role) throw new UserError("--role: which role's decisions to compare (the human file does not say)");
    if (g.game === "ultimatum" && role === "responder" && h.info) {
      const binary = h.info.measure.startsWith("accepted");
      if (binary && g.method !== "direct")
        throw new UserError(
          `--human ${f.human} holds accept/reject decisions: run the ultimatum game with method: direct (run ${run.id} used the strategy method)`,
        );
      if (!binary && g.method === "direct")
        throw new UserError(
          `--human ${f.human} holds the smallest offer accepted (strategy method): run ${run.id} used method: direct`,
        );
    }
    const read = await readGameDecisions(store, run.id, g, role, f.simArm);
    if (read.decisions.length === 0)
      throw new UserError(
        `run ${run.id} has no valid ${role} decisions (is it finished? see populace report)`,
      );
    return read.decisions;
  });
}
