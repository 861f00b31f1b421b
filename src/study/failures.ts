import type { JobRecord } from "../store/types.ts";

export interface FailureGroup {
  /** The reason without its details: "invalid answer after 2 repairs", "rate_limit (HTTP 429) after 6 attempts". */
  reason: string;
  jobs: number;
  /** One full reason of the group, as stored. */
  example: string;
}

/**
 * Failed jobs counted by kind of reason, most frequent first: a reason's head (before its first
 * ": ") names the kind, the rest the details of one job (an item, a reply, a message).
 */
export function failureSummary(failed: readonly (JobRecord & { reasons: string[] })[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const job of failed) {
    const seen = new Set<string>();
    for (const full of job.reasons) {
      const head = headOf(full);
      if (seen.has(head)) continue;
      seen.add(head);
      const g = groups.get(head);
      if (g) g.jobs++;
      else groups.set(head, { reason: head, jobs: 1, example: full });
    }
  }
  return [...groups.values()].sort((a, b) => b.jobs - a.jobs || a.reason.localeCompare(b.reason));
}

function headOf(reason: string): string {
  const inner = reason.replace(/^episode stopped at turn \d+: /, "");
  const cut = inner.indexOf(": ");
  return cut < 0 ? inner : inner.slice(0, cut);
}
