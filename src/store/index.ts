import { SqliteStore } from "./sqlite/index.ts";
import type { Store } from "./types.ts";

export type * from "./types.ts";
export { SqliteStore };

/** Opens the store named by `location`: a SQLite file path (default ./populace.db). */
export function openStore(location = "populace.db"): Store {
  return new SqliteStore(location);
}
