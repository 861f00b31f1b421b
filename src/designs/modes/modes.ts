import { UserError } from "../../errors/index.ts";
import type { Question } from "../../instruments/types.ts";
import { PROBE_PREAMBLE, type ProbeVariable, probeQuestions } from "./probe.ts";

/**
 * Design modes (Gui & Toubia 2025; DESIGN §5). In a blind between-prompt design a varied
 * treatment also moves what the model assumes about things left unsaid, so a study can also
 * state its design (unblinded), show all arms at once (within), or ask for the predicted result
 * of the whole experiment (aggregate). These functions build each mode's prompt parts; the
 * elicitation layer (questionRequest) turns them into a call, the same way for every mode.
 */
export type BlindingMode = "blind" | "unblinded" | "within" | "aggregate";

export const BLINDING_MODES: readonly BlindingMode[] = ["blind", "unblinded", "within", "aggregate"];

export interface DesignArm {
  name: string;
  /** What this arm shows, e.g. "The price is $12.00." */
  text: string;
  /** The treatment's number in this arm (e.g. the price), for regressions on the treatment. */
  value?: number;
  /** This arm's own questions in place of the shared items (a classic study's conditions ask differently). */
  questions?: Question[];
}

/** A variable stated in every prompt so it cannot move with the treatment (design.hold_fixed). */
export interface HeldFixed {
  name: string;
  value: string;
}

export interface ExperimentDesign {
  /** What is randomized, in words that fit "Participants are shown different …", e.g. "prices for the product". */
  treatment: string;
  arms: DesignArm[];
  /** Shown in every arm before the arm's text (the product, the situation). */
  scenario?: string;
  hold_fixed?: HeldFixed[];
}

/** How the aggregate mode asks for a predicted result: e.g. "buy the product", as a percentage. */
export interface AggregateOutcome {
  /** Completes "What percentage of participants would …?", e.g. "buy the product". */
  behaviour: string;
}

/** One call of a mode: the text before the questions, the questions, and which arm(s) it covers. */
export interface DesignCall {
  /** The arm shown, or null when the call covers every arm (within, aggregate). */
  arm: string | null;
  context: string;
  questions: Question[];
}

/** A question id of a call that covers every arm: "<arm>/<item>" (decodeAnswers splits it). */
export const ARM_SEPARATOR = "/";

/** The arm a stored call that covers every arm (within, aggregate) is filed under; its items are "<arm>/<item>". */
export const ALL_ARMS = "all-arms";

export function heldFixedText(held: readonly HeldFixed[] | undefined): string {
  if (!held || held.length === 0) return "";
  return `The following are the same for everyone: ${held.map((h) => `${h.name}: ${h.value}`).join("; ")}.`;
}

function checkDesign(d: ExperimentDesign): void {
  if (d.arms.length < 2) throw new UserError("a design mode compares arms: list at least 2");
  const names = new Set<string>();
  for (const a of d.arms) {
    if (names.has(a.name)) throw new UserError(`duplicate arm "${a.name}"`);
    if (a.name.includes(ARM_SEPARATOR))
      throw new UserError(`arm "${a.name}": a name may not contain "${ARM_SEPARATOR}"`);
    names.add(a.name);
  }
}

const join = (...parts: (string | undefined)[]) =>
  parts
    .filter((p) => p && p.trim() !== "")
    .map((p) => p!.trim())
    .join("\n\n");

/** "The price is $2.00.", "The price is $4.00." → a bulleted list of the arms' texts. */
const armList = (d: ExperimentDesign) => d.arms.map((a) => `- ${a.text.trim()}`).join("\n");

/**
 * The calls one person makes under a mode. Blind and unblinded: one call per arm listed (a
 * between-subjects design gives each person one of them). Within: one call with every arm, its
 * questions repeated per arm. Aggregate: one call asking, per arm, the percentage of participants
 * who would show `outcome.behaviour`. With a probe, each arm's probe questions come first (the
 * aggregate mode predicts a whole experiment and has no arm per person, so it is not probed).
 */
export function designCalls(
  mode: BlindingMode,
  design: ExperimentDesign,
  items: readonly Question[],
  opts: { arms?: string[]; outcome?: AggregateOutcome; probe?: ProbeVariable[] } = {},
): DesignCall[] {
  checkDesign(design);
  const probe = opts.probe && opts.probe.length > 0 ? probeQuestions(opts.probe) : [];
  const preamble = probe.length > 0 ? PROBE_PREAMBLE : undefined;
  const asked = (a: DesignArm) => [...probe, ...(a.questions ?? items)];
  const held = heldFixedText(design.hold_fixed);
  const chosen = opts.arms
    ? opts.arms.map((n) => {
        const a = design.arms.find((x) => x.name === n);
        if (!a)
          throw new UserError(`"${n}" is not an arm (arms: ${design.arms.map((x) => x.name).join(", ")})`);
        return a;
      })
    : design.arms;
  switch (mode) {
    case "blind":
      return chosen.map((a) => ({
        arm: a.name,
        context: join(design.scenario, held, a.text, preamble),
        questions: asked(a),
      }));
    case "unblinded":
      return chosen.map((a) => ({
        arm: a.name,
        context: join(
          `You are taking part in an experiment. Participants are randomly shown different ${design.treatment}; ` +
            `the versions are:\n${armList(design)}\nEverything else is the same for every participant${held ? "" : ", including everything described below"}. ` +
            "Your answers are compared across versions, so answer for the version you are shown.",
          design.scenario,
          held,
          `You are shown this version: ${a.text.trim()}`,
          preamble,
        ),
        questions: asked(a),
      }));
    case "within":
      return [
        {
          arm: null,
          context: join(
            design.scenario,
            held,
            `Consider ${design.arms.length} versions of this situation, which differ only in ${design.treatment}:\n${armList(design)}\nAnswer the questions for each version.`,
            preamble,
          ),
          questions: design.arms.flatMap((a) =>
            asked(a).map((q) => ({
              ...q,
              id: `${a.name}${ARM_SEPARATOR}${q.id}`,
              text: `${a.text.trim()} ${q.text}`,
            })),
          ),
        },
      ];
    case "aggregate": {
      const behaviour = opts.outcome?.behaviour;
      if (!behaviour)
        throw new UserError("the aggregate mode needs the outcome it predicts (what participants would do)");
      return [
        {
          arm: null,
          context: join(
            `Researchers run an experiment with many participants like you. Each participant is randomly shown one version of the situation below, which differ only in ${design.treatment}:\n${armList(design)}`,
            design.scenario,
            held,
            "Predict the result of the whole experiment.",
          ),
          questions: design.arms.map((a) => ({
            id: `${a.name}${ARM_SEPARATOR}share`,
            type: "numeric",
            text: `Of the participants shown "${a.text.trim()}", what percentage would ${behaviour}?`,
            min: 0,
            max: 100,
          })),
        },
      ];
    }
    default:
      throw new UserError(`unknown design mode "${String(mode)}" (use ${BLINDING_MODES.join(", ")})`);
  }
}

/**
 * Answers of one call back to (arm, item, answer) rows: a call for one arm keeps its item ids; a
 * call over every arm has ids "<arm>/<item>".
 */
export function decodeAnswers(
  call: DesignCall,
  answers: Record<string, unknown>,
): { arm: string; item: string; answer: unknown }[] {
  return Object.entries(answers).map(([id, answer]) => {
    if (call.arm !== null) return { arm: call.arm, item: id, answer };
    const i = id.indexOf(ARM_SEPARATOR);
    if (i < 0) throw new Error(`answer id "${id}" of an all-arms call has no arm`);
    return { arm: id.slice(0, i), item: id.slice(i + 1), answer };
  });
}

/** Separates the design mode from the arm in a stored arm when one run holds several modes: "unblinded@price_2.00". */
export const MODE_SEPARATOR = "@";

/** The arm a design call is stored under: the arm (or ALL_ARMS), prefixed by the mode when the run has several. */
export function storedArm(mode: BlindingMode, arm: string | null, severalModes: boolean): string {
  const base = arm ?? ALL_ARMS;
  return severalModes ? `${mode}${MODE_SEPARATOR}${base}` : base;
}

/**
 * A stored design row read back: a call over every arm is stored under ALL_ARMS with items
 * "<arm>/<item>", and comes back as the arm and the item (the mode prefix kept). Item ids and
 * arm names cannot hold "/" or "@", so this never splits a survey's own names.
 */
export function decodeStoredRow(arm: string, item: string): { arm: string; item: string } {
  const at = arm.lastIndexOf(MODE_SEPARATOR);
  if (arm.slice(at + 1) !== ALL_ARMS) return { arm, item };
  const i = item.indexOf(ARM_SEPARATOR);
  if (i <= 0) return { arm, item };
  return { arm: arm.slice(0, at + 1) + item.slice(0, i), item: item.slice(i + 1) };
}

/** The mode and the arm of a decoded stored arm ("unblinded@price_2.00"); mode null in a one-mode run. */
export function splitStoredArm(arm: string): { mode: string | null; arm: string } {
  const at = arm.indexOf(MODE_SEPARATOR);
  return at < 0 ? { mode: null, arm } : { mode: arm.slice(0, at), arm: arm.slice(at + 1) };
}
