import { existsSync } from "node:fs";
import { canonicalAttributeName } from "../agents/index.ts";
import {
  readMargins,
  readWeights,
  sampleVsTarget,
  sampleVsTargetSection,
  type WeightMap,
} from "../analysis/weighting/index.ts";
import { parseNumber, readCsv } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import type { ReportSection } from "../report/index.ts";
import { attributeOf, type RunAnswers, readRunAnswers } from "../results/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { describe, type LedgerFlags, runDescription } from "./ledger.ts";
import { chooseRun } from "./runs.ts";

/**
 * The simulated side of compare, effects and calibrate: a CSV (--sim FILE) or a stored run
 * (--run RUN --db FILE), read through the store like `populace results`.
 */
export interface SimSource {
  sim?: string;
  run?: string;
}

export function checkSimSource(flags: SimSource, what = "simulated answers"): void {
  if ((flags.sim === undefined) === (flags.run === undefined)) {
    throw new UserError(
      `give the ${what} as --sim FILE or as --run RUN (with --db FILE), not both or neither`,
    );
  }
}

export interface OpenedRun {
  store: Store;
  data: RunAnswers;
  description: Awaited<ReturnType<typeof runDescription>>;
}

/** Opens --db and reads --run; the caller closes the store. */
export async function openRun(runId: string, db: string): Promise<OpenedRun> {
  if (!existsSync(db)) throw new UserError("database not found", { where: db });
  const store = openStore(db);
  try {
    const run = await chooseRun(store, runId, db);
    return { store, data: await readRunAnswers(store, run), description: await runDescription(store, run) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Runs `fn` with the --run (when given), closing its store afterwards. */
export async function withRun<T>(
  flags: SimSource & { db: string },
  fn: (run: OpenedRun | undefined) => Promise<T>,
): Promise<T> {
  if (flags.run === undefined) return fn(undefined);
  const opened = await openRun(flags.run, flags.db);
  try {
    return await fn(opened);
  } finally {
    await opened.store.close();
  }
}

/** The comparison's description for the ledger, from the flags, the run and the human file. */
export function ledgerDescription(flags: LedgerFlags, run: OpenedRun | undefined, humanFile: string) {
  return describe(flags, run?.description, humanFile);
}

/** --weights FILE: person id → weight. */
export function weightsFlag(path: string | undefined): WeightMap | undefined {
  return path === undefined ? undefined : readWeights(path);
}

/** --weight-column COL of a one-row-per-person (or long) file: person → weight, the first non-empty. */
export function weightColumn(path: string, col: string, idColumn = "person_id"): WeightMap {
  const table = readCsv(path);
  const wi = table.header.indexOf(col);
  const ii = table.header.indexOf(idColumn);
  if (wi < 0)
    throw new UserError(`--weight-column ${col}: no such column (columns: ${table.header.join(", ")})`, {
      where: `${path}:1`,
    });
  if (ii < 0) throw new UserError(`no ${idColumn} column to match weights to people`, { where: `${path}:1` });
  const weights = new Map<string, number>();
  table.rows.forEach((row, r) => {
    const id = row[ii].trim();
    const text = row[wi].trim();
    if (text === "" || weights.has(id)) return;
    const w = parseNumber(text);
    if (w === null) return;
    if (w === undefined || w < 0) {
      throw new UserError(`weight "${text}" is not a number ≥ 0`, {
        where: `${path}:${table.lines[r]}, column ${col}`,
      });
    }
    weights.set(id, w);
  });
  return { file: `${path} (column ${col})`, weights };
}

/** A person's attributes for the sample-vs-target table: the run's agent, else the data's columns. */
export function personAttributes(
  run: OpenedRun | undefined,
  fromData: ReadonlyMap<string, Record<string, string>>,
  variables: readonly string[],
): Map<string, Record<string, string | undefined>> {
  const out = new Map<string, Record<string, string | undefined>>();
  if (run) {
    for (const agent of run.data.agents.values()) {
      out.set(
        agent.agentId,
        Object.fromEntries(variables.map((v) => [v, attributeOf(agent, v, canonicalAttributeName)])),
      );
    }
    return out;
  }
  for (const [person, attrs] of fromData) {
    out.set(
      person,
      Object.fromEntries(
        variables.map((v) => [
          v,
          attrs[v] ??
            Object.entries(attrs).find(([k]) => canonicalAttributeName(k) === canonicalAttributeName(v))?.[1],
        ]),
      ),
    );
  }
  return out;
}

/**
 * --margins FILE: the report's "Sample vs. target" section for the simulated people (the run's
 * agents, else the people of `fromData`, optionally only `persons`), weighted by `weights`.
 */
export function targetSections(
  marginsFile: string | undefined,
  run: OpenedRun | undefined,
  fromData: ReadonlyMap<string, Record<string, string>>,
  weights: ReadonlyMap<string, number> | undefined,
  persons?: readonly string[],
): ReportSection[] {
  if (marginsFile === undefined) return [];
  const margins = readMargins(marginsFile);
  const people = personAttributes(
    run,
    fromData,
    margins.flatMap((m) => m.variables),
  );
  const who = persons ?? [...people.keys()];
  return [
    sampleVsTargetSection(
      sampleVsTarget(
        who.map((p) => ({ values: people.get(p) ?? {}, weight: weights?.get(p) ?? 1 })),
        margins,
      ),
    ),
  ];
}
