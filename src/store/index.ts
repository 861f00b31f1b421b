import { SqliteStore } from "./sqlite/index.ts";
import { databaseError, type OpenOptions } from "./sqlite/open.ts";
import type { Store } from "./types.ts";

export type * from "./types.ts";
export { databaseError, type OpenOptions, SqliteStore };

/**
 * Opens the store named by `location`: a SQLite file path (default ./populace.db). With
 * `readOnly`, a missing file is an error and nothing is written (results, report).
 */
export function openStore(location = "populace.db", options: OpenOptions = {}): Store {
  return new SqliteStore(location, options);
}
