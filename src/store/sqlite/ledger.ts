import type { DatabaseSync } from "node:sqlite";
import type { LedgerEntry, LedgerFilter } from "../types.ts";

/**
 * The validation ledger (DESIGN §10): one row per metric of every comparison of simulated with
 * human data. The key names what was measured on which data, so running the same comparison
 * again replaces its rows instead of counting it twice.
 */
export const LEDGER_TABLE = `
  CREATE TABLE ledger (
    key TEXT PRIMARY KEY, created_at TEXT NOT NULL, command TEXT NOT NULL, study TEXT NOT NULL,
    domain TEXT NOT NULL, items_json TEXT NOT NULL, model TEXT NOT NULL, conditioning TEXT NOT NULL,
    metric TEXT NOT NULL, value REAL, ci_lower REAL, ci_upper REAL, n INTEGER,
    reference_value REAL, reference_ci_lower REAL, reference_ci_upper REAL,
    sign_agree INTEGER, significance_agree INTEGER, run_id TEXT, details_json TEXT NOT NULL
  );
  CREATE INDEX ledger_model ON ledger(model);
  CREATE INDEX ledger_domain ON ledger(domain);`;

const bool = (b: boolean | null) => (b === null ? null : b ? 1 : 0);

export function addLedgerEntries(db: DatabaseSync, entries: readonly LedgerEntry[]): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.exec("BEGIN");
  try {
    for (const e of entries) {
      insert.run(
        e.key,
        e.createdAt,
        e.command,
        e.study,
        e.domain,
        JSON.stringify(e.items),
        e.model,
        e.conditioning,
        e.metric,
        e.value,
        e.ci?.[0] ?? null,
        e.ci?.[1] ?? null,
        e.n,
        e.reference?.value ?? null,
        e.reference?.ci?.[0] ?? null,
        e.reference?.ci?.[1] ?? null,
        bool(e.signAgree),
        bool(e.significanceAgree),
        e.runId,
        JSON.stringify(e.details),
      );
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

type Row = Record<string, string | number | null>;

export function ledgerEntries(db: DatabaseSync, filter: LedgerFilter = {}): LedgerEntry[] {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.model !== undefined) {
    where.push("model = ?");
    args.push(filter.model);
  }
  if (filter.domain !== undefined) {
    where.push("domain = ?");
    args.push(filter.domain);
  }
  const rows = db
    .prepare(
      `SELECT * FROM ledger ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, study, metric, key`,
    )
    .all(...args) as Row[];
  const num = (v: string | number | null) => (v === null ? null : Number(v));
  const pair = (a: string | number | null, b: string | number | null): [number, number] | null =>
    a === null || b === null ? null : [Number(a), Number(b)];
  const flag = (v: string | number | null) => (v === null ? null : Number(v) === 1);
  return rows.map((r) => ({
    key: String(r.key),
    createdAt: String(r.created_at),
    command: String(r.command),
    study: String(r.study),
    domain: String(r.domain),
    items: JSON.parse(String(r.items_json)) as string[],
    model: String(r.model),
    conditioning: String(r.conditioning),
    metric: String(r.metric),
    value: num(r.value),
    ci: pair(r.ci_lower, r.ci_upper),
    n: num(r.n),
    reference:
      r.reference_value === null && r.reference_ci_lower === null
        ? null
        : { value: num(r.reference_value), ci: pair(r.reference_ci_lower, r.reference_ci_upper) },
    signAgree: flag(r.sign_agree),
    significanceAgree: flag(r.significance_agree),
    runId: r.run_id === null ? null : String(r.run_id),
    details: JSON.parse(String(r.details_json)) as Record<string, unknown>,
  }));
}
