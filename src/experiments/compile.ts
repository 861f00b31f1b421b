import { demandDesign, PURCHASE_ITEM, purchaseOutcome, purchaseQuestion } from "../designs/demand/index.ts";
import {
  type AggregateOutcome,
  type BlindingMode,
  type ExperimentDesign,
  PROBE_PREFIX,
  type ProbeVariable,
  probeQuestions,
} from "../designs/modes/index.ts";
import { asianDiseaseTemplate } from "../instruments/classic/index.ts";
import type { Question } from "../instruments/types.ts";
import { blindingModes, type StudySpec } from "../spec/index.ts";

/** The item of a classic study's coded outcome (1 when the answer codes as the template's outcome). */
export const OUTCOME_ITEM = "outcome";
/** The aggregate mode's item: the predicted percentage of participants. */
export const SHARE_ITEM = "share";

/**
 * A study run as a design (Gui & Toubia 2025): its arms with their texts and treatment values,
 * the questions every arm asks (or each arm its own), the probe, the modes it runs under side by
 * side, and how people meet the arms. Surveys with design modes, the demand template and the
 * classic studies all become one.
 */
export interface DesignExperiment {
  kind: "survey" | "demand" | "classic";
  modes: BlindingMode[];
  design: ExperimentDesign;
  /** The questions every arm asks (arms with their own `questions` ask those). */
  items: Question[];
  probe: ProbeVariable[];
  /** What the aggregate mode predicts. */
  outcome?: AggregateOutcome;
  /** The item whose answer is the outcome (demand: the purchase; classic: the coded outcome). */
  outcomeItem?: string;
  /** Classic studies: per arm, each option's outcome (1/0), stored as OUTCOME_ITEM. */
  coding?: Map<string, Record<string, 0 | 1>>;
  assignment: "within" | "between";
  blockOn?: string[];
  /** Notes for the report (e.g. where a classic study's human figures come from). */
  notes: string[];
}

const CLASSIC_TREATMENT: Record<string, string> = {
  asian_disease: "framings of the same two programs (as lives saved or as lives lost)",
};

/**
 * The design a spec describes; `items` are the survey's questions (already resolved), `dataDir`
 * holds a classic study's materials. Returns undefined for a study that does not run as a design.
 */
export function compileDesign(
  spec: StudySpec,
  items: readonly Question[],
  dataDir: string,
): DesignExperiment {
  const d = spec.design;
  const modes = blindingModes(d);
  const probe = d.probe ?? [];
  const held = d.hold_fixed;
  const predict = d.predict ? { behaviour: d.predict } : undefined;
  const base = {
    modes,
    probe,
    assignment: d.assignment ?? ("within" as const),
    blockOn: d.block_on,
    notes: [] as string[],
  };
  const instrument = spec.instrument;
  if ("template" in instrument && instrument.template === "demand") {
    const design = demandDesign(instrument);
    return {
      ...base,
      kind: "demand",
      design: { ...design, treatment: d.treatment ?? design.treatment, hold_fixed: held },
      items: [purchaseQuestion(instrument)],
      outcome: predict ?? purchaseOutcome(instrument),
      outcomeItem: PURCHASE_ITEM,
    };
  }
  if ("template" in instrument && instrument.template === "classic") {
    const t = asianDiseaseTemplate(dataDir);
    return {
      ...base,
      kind: "classic",
      // The conditions are between subjects in the original study; within only when asked for.
      assignment: d.assignment ?? "between",
      design: {
        treatment: d.treatment ?? CLASSIC_TREATMENT[instrument.study],
        hold_fixed: held,
        arms: t.conditions.map((c, i) => ({
          name: c.arm,
          text: c.context,
          value: i,
          questions: [c.question],
        })),
      },
      items: [],
      outcomeItem: OUTCOME_ITEM,
      coding: new Map(t.conditions.map((c) => [c.arm, c.coding])),
      notes: [
        `${t.title}. Outcome 1: ${t.outcome}. Treated arm ${t.treated}, control ${t.control}.`,
        ...t.notes,
      ],
    };
  }
  return {
    ...base,
    kind: "survey",
    design: {
      treatment: d.treatment ?? "versions of the text shown",
      hold_fixed: held,
      arms: d.arms.map((a, i) => ({ name: a.name, text: a.text, value: a.value ?? i })),
    },
    items: [...items],
    outcome: predict,
  };
}

/**
 * The questions whose answers a design run stores, once each by id, after its rows are read back
 * to their arms: the probe, every arm's questions, the aggregate share, a classic study's outcome.
 */
export function designQuestions(e: DesignExperiment): Question[] {
  const out = new Map<string, Question>();
  for (const q of probeQuestions(e.probe)) out.set(q.id, q);
  for (const q of e.items) out.set(q.id, q);
  for (const a of e.design.arms) for (const q of a.questions ?? []) if (!out.has(q.id)) out.set(q.id, q);
  if (e.coding)
    out.set(OUTCOME_ITEM, {
      id: OUTCOME_ITEM,
      type: "numeric",
      text: "The answer coded as the study's outcome (1 or 0)",
      min: 0,
      max: 1,
    });
  if (e.modes.includes("aggregate"))
    out.set(SHARE_ITEM, {
      id: SHARE_ITEM,
      type: "numeric",
      text: `Predicted percentage of participants who would ${e.outcome?.behaviour ?? "do it"}`,
      min: 0,
      max: 100,
    });
  return [...out.values()];
}

export const isProbeItem = (item: string) => item.startsWith(PROBE_PREFIX);
