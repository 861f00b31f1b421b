import type { z } from "zod";
import { ALL_ARMS } from "../designs/modes/index.ts";
import { UserError } from "../errors/index.ts";
import type { DesignSpec } from "./design.ts";
import { blindingModes, checkDesignModes, usesDesignModes } from "./design-modes.ts";
import { type InstrumentSpec, type SurveySpec, surveyOf } from "./instrument.ts";
import type { ModelSpec } from "./model.ts";

interface ExperimentStudy {
  instrument: InstrumentSpec;
  design: DesignSpec;
  model: ModelSpec;
}

/** What kind of instrument a study runs: a survey, an economic game, or one of the templates. */
export type InstrumentKind =
  | "survey"
  | "game"
  | "demand"
  | "conjoint"
  | "classic"
  | "community"
  | "webactions";

export function instrumentKind(instrument: InstrumentSpec): InstrumentKind {
  if ("game" in instrument) return "game";
  if ("community" in instrument) return "community";
  if ("webactions" in instrument) return "webactions";
  if ("template" in instrument) return instrument.template;
  return "survey";
}

/** Whether a study runs as a design (its prompts built per design mode): templates with arms of their own, or a survey with design modes. */
export function runsAsDesign(study: { instrument: InstrumentSpec; design: DesignSpec }): boolean {
  const kind = instrumentKind(study.instrument);
  return kind === "demand" || kind === "classic" || (kind === "survey" && usesDesignModes(study.design));
}

/** The default design block (a spec without `design:`): templates that make their own arms need it untouched. */
function armsGiven(design: DesignSpec): boolean {
  return !(design.arms.length === 1 && design.arms[0].name === "control" && design.arms[0].text === "");
}

/**
 * Cross-field rules between the instrument and the design: which instruments take design modes,
 * what each mode needs, templates that make their own arms, and what a design run cannot do.
 */
export function checkExperiment(study: ExperimentStudy, ctx: Pick<z.RefinementCtx, "addIssue">): void {
  const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const kind = instrumentKind(study.instrument);
  const design = study.design;
  const modes = blindingModes(design);
  if (kind === "demand" || kind === "classic") {
    if (armsGiven(design))
      at(
        ["design", "arms"],
        `the ${kind} template makes its own arms (${kind === "demand" ? "one per price of its grid" : "the study's conditions"}): remove design.arms`,
      );
  }
  if (design.block_on && design.assignment !== "between" && kind !== "classic")
    at(["design", "block_on"], "blocking randomizes between subjects: set design.assignment: between");
  if (kind === "game" || kind === "conjoint") {
    if (study.model.mode === "distribution")
      at(["model", "mode"], `a ${kind} reads each move as JSON: use mode: generate`);
  }
  if (!runsAsDesign(study)) {
    if (usesDesignModes(design)) {
      const field =
        design.blinding !== undefined ? "blinding" : design.probe !== undefined ? "probe" : "hold_fixed";
      at(
        ["design", field],
        `design modes, the probe and held-fixed covariates apply to surveys and the demand and classic templates, not to a ${kind}`,
      );
    }
    return;
  }
  const dual = kind === "demand";
  checkDesignModes(design, (path, message) => at(["design", ...path], message), {
    treatment: dual || kind === "classic",
    // A classic study refuses the aggregate mode below: no outcome to predict is asked for.
    outcome: dual || kind === "classic",
  });
  if (kind === "classic" && modes.includes("aggregate"))
    at(
      ["design", "blinding"],
      "the classic template compares people's own choices: the aggregate mode does not apply",
    );
  if (kind === "survey" && design.arms.length < 2)
    at(["design", "arms"], "design modes compare arms: list at least 2");
  if (modes.includes("within") && design.assignment === "between")
    at(
      ["design", "blinding"],
      "the within mode shows every arm to each person: it cannot be between subjects",
    );
  if (modes.some((m) => m === "within" || m === "aggregate")) {
    design.arms.forEach((a, i) => {
      if (a.name === ALL_ARMS)
        at(
          ["design", "arms", i, "name"],
          `"${ALL_ARMS}" names the calls that cover every arm: rename the arm`,
        );
    });
  }
  if (study.model.mode === "distribution")
    at(["model", "mode"], "a design asks each call's questions together in JSON: use mode: generate");
  if (kind === "survey" && "items" in study.instrument) {
    if (study.instrument.flow === "sequential")
      at(["instrument", "flow"], "a design asks each arm's questions in one call: remove flow: sequential");
    if (study.instrument.items_per_call !== 1)
      at(
        ["instrument", "items_per_call"],
        "a design asks each arm's questions in one call: remove items_per_call",
      );
  }
}

/** Items (answers per person and arm) and arms of a study, for the limit on a study's size. */
export function experimentSize(study: { instrument: InstrumentSpec; design: DesignSpec }): {
  items: number;
  arms: number;
} {
  const i = study.instrument;
  const modes = blindingModes(study.design).length;
  const probe = study.design.probe?.length ?? 0;
  if ("items" in i) return { items: (i.items.length + probe) * modes, arms: study.design.arms.length };
  if ("game" in i) {
    const rounds = "rounds" in i ? i.rounds : 1;
    return { items: 4 * rounds + 2, arms: study.design.arms.length };
  }
  if ("community" in i || "webactions" in i) return { items: 1, arms: study.design.arms.length };
  if (i.template === "demand") return { items: (1 + probe) * modes, arms: i.grid.length };
  if (i.template === "conjoint") return { items: i.tasks + 1, arms: study.design.arms.length };
  return { items: (2 + probe) * modes, arms: 2 };
}

/** The survey of a study, for commands that work on questionnaires only; else an error naming what the study is. */
export function requireSurvey(
  study: { spec: { instrument: InstrumentSpec }; file: string },
  purpose: string,
): SurveySpec {
  const survey = surveyOf(study.spec.instrument);
  if (!survey)
    throw new UserError(
      `${purpose} needs a survey (instrument.items); this study is a ${instrumentKind(study.spec.instrument)}`,
      { where: study.file },
    );
  return survey;
}
