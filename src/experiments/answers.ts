import type { DesignAnswer } from "../analysis/demand/index.ts";
import { type ProbeResult, probeDiagnostics } from "../analysis/designs/index.ts";
import { purchaseValue } from "../designs/demand/index.ts";
import { decodeStoredRow, PROBE_PREFIX, splitStoredArm } from "../designs/modes/index.ts";
import type { Store } from "../store/types.ts";
import { type DesignExperiment, SHARE_ITEM } from "./compile.ts";

/**
 * A design run's answers in long form (mode, person, arm, its treatment value, item, number):
 * every probe answer, and the outcome where it is a number (a purchase as 1/0, an aggregate
 * prediction as a share, a classic study's coded outcome). Rows that failed are left out.
 */
export async function readDesignAnswers(
  store: Store,
  runId: string,
  e: DesignExperiment,
): Promise<DesignAnswer[]> {
  const value = new Map(e.design.arms.map((a, i) => [a.name, a.value ?? i]));
  const out: DesignAnswer[] = [];
  for await (const r of store.responses(runId)) {
    if (r.status !== "ok" || r.answer === null) continue;
    const decoded = decodeStoredRow(r.arm, r.item);
    const { mode, arm } = splitStoredArm(decoded.arm);
    const treatment = value.get(arm);
    if (treatment === undefined) continue;
    const row = { mode: mode ?? e.modes[0], person: r.agentId, arm, treatment };
    const item = decoded.item;
    if (item.startsWith(PROBE_PREFIX) && typeof r.answer === "number") {
      out.push({ ...row, item, value: r.answer });
    } else if (e.outcomeItem && (item === e.outcomeItem || item === SHARE_ITEM)) {
      const v = e.kind === "demand" || item === SHARE_ITEM ? purchaseValue(r.answer) : Number(r.answer);
      if (Number.isFinite(v)) out.push({ ...row, item: e.outcomeItem, value: v });
    }
  }
  return out;
}

/** Each mode's design diagnostics from its probe answers; modes without probe answers are left out. */
export function designDiagnostics(
  answers: readonly DesignAnswer[],
  opts: { alpha?: number } = {},
): { mode: string; probe: ProbeResult }[] {
  const modes = [...new Set(answers.map((a) => a.mode))];
  return modes.flatMap((mode) => {
    const probes = answers.filter((a) => a.mode === mode && a.item.startsWith(PROBE_PREFIX));
    if (probes.length === 0) return [];
    return [
      {
        mode,
        probe: probeDiagnostics(
          probes.map((a) => ({
            variable: a.item.slice(PROBE_PREFIX.length),
            arm: a.arm,
            treatment: a.treatment,
            value: a.value,
            person: a.person,
          })),
          opts,
        ),
      },
    ];
  });
}
