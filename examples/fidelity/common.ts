/**
 * What the real-data examples share: their arguments ([OUT_DIR] [--db FILE]), running the CLI
 * for its JSON, and the validation-ledger flags of a comparison.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../src/data/index.ts";

/** The output folder (default under the system temp folder) and the --db ledger, if any. */
export function exampleArgs(name: string): { out: string; db: string | undefined } {
  const args = process.argv.slice(2);
  const at = args.indexOf("--db");
  const db = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (at >= 0 && !db) throw new Error("--db needs a file");
  const out = args[0] ?? join(tmpdir(), "populace-examples", name);
  mkdirSync(out, { recursive: true });
  return { out, db };
}

/** With --db, a comparison's description for that database's ledger; without, no ledger. */
export function ledgerFlags(
  db: string | undefined,
  study: string,
  domain: string,
  model: string,
  conditioning: string,
): string[] {
  return db
    ? [
        "--db",
        db,
        "--study-name",
        study,
        "--domain",
        domain,
        "--sim-model",
        model,
        "--conditioning",
        conditioning,
      ]
    : ["--no-ledger"];
}

/** bin/populace with these arguments; its stdout parsed as JSON. */
export function populace(args: string[]): Record<string, unknown> {
  const r = spawnSync(join(projectRoot, "bin/populace"), args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`populace ${args.join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}
