import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { storeContract } from "../contract.ts";
import { SqliteStore } from "./index.ts";

// The store contract on real SQLite files (and in memory, as tests and the demo may use it).
const dir = mkdtempSync(join(tmpdir(), "populace-sqlite-contract-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
storeContract("sqlite file", () => new SqliteStore(join(dir, `contract-${n++}.db`)));
storeContract("sqlite in memory", () => new SqliteStore(":memory:"));
