import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors/index.ts";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Where real human data lives: --data-dir, else POPULACE_DATA_DIR, else the `shared/datasets`
 * folder beside this checkout (this repository's development setup), else ./datasets.
 */
export function resolveDataDir(option?: string): string {
  if (option) return resolve(option);
  if (process.env.POPULACE_DATA_DIR) return resolve(process.env.POPULACE_DATA_DIR);
  const beside = resolve(projectRoot, "../shared/datasets");
  if (existsSync(beside)) return beside;
  return resolve("datasets");
}

/** Path of a file inside the data directory, or a UserError saying exactly what is missing. */
export function dataFile(dataDir: string, relative: string, what: string): string {
  const path = join(dataDir, relative);
  if (!existsSync(path)) {
    throw new UserError(
      `missing ${what}: expected ${relative} in the data directory ${dataDir} ` +
        `(set --data-dir or POPULACE_DATA_DIR to the folder that holds it)`,
      { where: path },
    );
  }
  return path;
}

export { projectRoot };
