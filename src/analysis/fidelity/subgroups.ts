import { UserError } from "../../errors/index.ts";
import type { AnswerSet, AnswerType } from "./answers.ts";
import type { GroupFidelity, SubgroupFidelity } from "./compare.ts";
import { overallOf } from "./metrics.ts";
import type { Pair } from "./pairs.ts";

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Accuracy (or MAE) per group of a person attribute, groups in the attribute's natural order,
 * and the demographic parity difference (max − min) over the groups with at least minGroup persons.
 */
export function subgroups(
  by: string[],
  human: AnswerSet,
  persons: string[],
  pairsOf: Map<string, Pair[]>,
  type: AnswerType,
  minGroup: number,
  withRetest: boolean,
  valueRank: Record<string, (value: string) => number | undefined> = {},
): Record<string, SubgroupFidelity> {
  const out: Record<string, SubgroupFidelity> = {};
  for (const col of by) {
    if (!human.attributeNames.includes(col)) {
      throw new UserError(
        `--by ${col}: the human file has no person attribute "${col}" ` +
          `(attributes: ${human.attributeNames.join(", ") || "none"})`,
        { where: human.name },
      );
    }
    const members = new Map<string, Pair[][]>();
    let missing = 0;
    for (const person of persons) {
      const v = human.attributes.get(person)?.get(col);
      if (v === undefined) {
        missing++;
        continue;
      }
      const list = members.get(v) ?? [];
      list.push(pairsOf.get(person)!);
      members.set(v, list);
    }
    const metric = type === "categorical" ? "accuracy" : "mae";
    const groups: Record<string, GroupFidelity> = {};
    const eligible: number[] = [];
    const order = orderValues([...members.keys()], valueRank[col]);
    for (const [value, groupPairs] of order.map((v) => [v, members.get(v)!] as const)) {
      const o = overallOf(groupPairs, type, withRetest) as unknown as Record<string, number>;
      const inDpd = groupPairs.length >= minGroup;
      const g: GroupFidelity = { n_persons: groupPairs.length, n_pairs: o.n_pairs, in_dpd: inDpd };
      g[metric] = num(o[metric]);
      if (withRetest && type === "categorical")
        g.normalized_accuracy_pooled = num(o.normalized_accuracy_pooled);
      groups[value] = g;
      if (inDpd && Number.isFinite(o[metric])) eligible.push(o[metric]);
    }
    const dpd = eligible.length >= 2 ? Math.max(...eligible) - Math.min(...eligible) : Number.NaN;
    out[col] = { metric, min_group: minGroup, groups, order, dpd: num(dpd), n_persons_missing: missing };
  }
  return out;
}

/** Values in their natural order (rank) first, the rest sorted (numbers by value). */
function orderValues(values: string[], rank?: (value: string) => number | undefined): string[] {
  const at = (v: string) => rank?.(v) ?? Number.POSITIVE_INFINITY;
  return values.sort((a, b) => at(a) - at(b) || a.localeCompare(b, "en", { numeric: true }));
}
