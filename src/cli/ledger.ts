import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import type { LedgerEntry } from "../ledger/index.ts";
import { trackRecordSection } from "../ledger/index.ts";
import type { ReportSection } from "../report/index.ts";
import { openStore, type RunRecord, type Store } from "../store/index.ts";

/**
 * The validation-ledger options shared by compare, effects and calibrate: where the ledger is
 * (--db, the same database runs are stored in), how to describe the comparison, and --no-ledger.
 */
export interface LedgerFlags {
  db: string;
  ledger: boolean;
  domain?: string;
  studyName?: string;
  simModel?: string;
  conditioning?: string;
}

export function withLedgerOptions(command: Command): Command {
  return command
    .option("--db <file>", "database of runs (--run) and of the validation ledger", "populace.db")
    .option("--no-ledger", "do not add this comparison to the validation ledger")
    .option(
      "--domain <tag>",
      'ledger: domain tag for similar studies (default: "gss-attitudes" for GSS items, else "unspecified")',
    )
    .option(
      "--study-name <name>",
      "ledger: the study's name (default: the run's study, else the human file's name)",
    )
    .option(
      "--sim-model <id>",
      "ledger: the model that simulated the answers (default: the run's model, else unknown)",
    )
    .option(
      "--conditioning <mode>",
      "ledger: how the simulated people were conditioned (default: from the run, else unknown)",
    );
}

/** A file's content digest: part of a ledger key, so a changed file is a new comparison. */
export function fileDigest(path: string | undefined): string | null {
  if (path === undefined) return null;
  return createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16);
}

/** What a run says about itself for the ledger: model, conditioning, study, domain. */
export async function runDescription(
  store: Store,
  run: RunRecord,
): Promise<{ model: string; conditioning: string; study: string; domain: string }> {
  const spec = (await store.getStudy(run.studyId))?.spec as
    | { population?: { source?: string }; instrument?: { items?: { gss?: string }[] } }
    | undefined;
  const source = spec?.population?.source;
  const items = spec?.instrument?.items ?? [];
  return {
    model: run.modelId,
    conditioning: source === "personas" ? "persona" : source ? "demographic" : "unknown",
    study: run.studyName,
    domain:
      items.length > 0 && items.every((i) => typeof i.gss === "string") ? "gss-attitudes" : "unspecified",
  };
}

/** The flags' description of a comparison, filling what they leave out from the run or the files. */
export function describe(
  flags: LedgerFlags,
  fromRun: { model: string; conditioning: string; study: string; domain: string } | undefined,
  humanFile: string,
) {
  return {
    study: flags.studyName ?? fromRun?.study ?? basename(humanFile, extname(humanFile)),
    domain: flags.domain ?? fromRun?.domain ?? "unspecified",
    model: flags.simModel ?? fromRun?.model ?? "unknown",
    conditioning: flags.conditioning ?? fromRun?.conditioning ?? "unknown",
  };
}

/**
 * Adds the entries to the ledger (unless --no-ledger) and returns the report section with the
 * track record of similar studies from before them. `store` is the --db store when the command
 * already opened it (for --run); otherwise it is opened here, and with --no-ledger only read if
 * it exists.
 */
export async function recordInLedger(
  flags: LedgerFlags,
  entries: LedgerEntry[],
  context: { domain: string; model: string },
  opened?: Store,
): Promise<{ section: ReportSection; written: number }> {
  const use = async <T>(fn: (s: Store) => Promise<T>): Promise<T | undefined> => {
    if (opened) return fn(opened);
    if (!flags.ledger && !existsSync(flags.db)) return undefined;
    const store = openStore(flags.db);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  let written = 0;
  const result = await use(async (store) => {
    const earlier = await store.ledgerEntries({ domain: context.domain });
    if (flags.ledger && entries.length > 0) {
      try {
        await store.addLedgerEntries(entries);
        written = entries.length;
      } catch (error) {
        // The comparison itself is done; a ledger that cannot be written is said, not fatal.
        process.stderr.write(
          `warning: the validation ledger in ${flags.db} was not written (${(error as Error).message}); give --no-ledger to skip it\n`,
        );
      }
    }
    return earlier;
  });
  const exclude = new Set(entries.map((e) => e.key));
  return {
    section: trackRecordSection(result ?? [], { ...context, exclude, db: flags.db }),
    written,
  };
}
