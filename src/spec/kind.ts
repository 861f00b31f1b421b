import type { z } from "zod";
import type { CommunitySpec } from "./community.ts";
import type { WebActionsSpec } from "./webactions.ts";

interface KindStudy {
  population?: unknown;
  instrument: {
    items: unknown[];
    flow?: string;
    randomize_options?: boolean;
    items_per_call: number;
    community?: CommunitySpec;
    webactions?: WebActionsSpec;
  };
  design: { arms: unknown[]; replicates: number };
  model: { mode: string };
  calibration?: unknown;
}

/**
 * What each kind of instrument needs. A survey needs its items and a population. A community
 * (its members come from its seed personas and write posts and replies) and a web-action study
 * (its people are the sessions' shoppers, its test cases their steps) need neither, and the
 * survey's settings are errors there. One kind per study.
 */
export function checkInstrumentKind(study: KindStudy, ctx: z.RefinementCtx<KindStudy>): void {
  const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const { instrument } = study;
  if (instrument.community && instrument.webactions) {
    at(["instrument"], "one kind of instrument per study: instrument.community or instrument.webactions");
    return;
  }
  if (!instrument.community && !instrument.webactions) {
    if (instrument.items.length === 0) {
      at(
        ["instrument", "items"],
        "required: list at least one item (or describe a community: instrument.community, or give instrument.webactions)",
      );
    }
    if (study.population === undefined) at(["population"], "required: where the simulated people come from");
    return;
  }
  if (instrument.community) {
    const surveyOnly = "a community asks no questions: remove it (or remove instrument.community)";
    if (instrument.items.length > 0) at(["instrument", "items"], surveyOnly);
    if (instrument.flow !== undefined) at(["instrument", "flow"], surveyOnly);
    if (instrument.randomize_options !== undefined) at(["instrument", "randomize_options"], surveyOnly);
    if (instrument.items_per_call !== 1) at(["instrument", "items_per_call"], surveyOnly);
    if (study.population !== undefined) {
      at(
        ["population"],
        "a community's members come from instrument.community.seed_personas: remove population",
      );
    }
    if (study.design.arms.length !== 1 || study.design.replicates !== 1) {
      at(
        ["design"],
        "a community has no arms or replicates: remove design (Multiverse makes other iterations)",
      );
    }
    if (study.calibration !== undefined)
      at(["calibration"], "a community has no answers to calibrate: remove it");
    if (study.model.mode !== "generate") {
      at(["model", "mode"], "a community's members write posts and replies: use generate");
    }
    return;
  }
  const web = "a web-action study";
  if (instrument.items.length > 0) {
    at(["instrument", "items"], `${web} asks no survey items: its test cases are the sessions' steps`);
  }
  for (const key of ["flow", "randomize_options"] as const) {
    if (instrument[key] !== undefined) at(["instrument", key], `survey items only; ${web} has none`);
  }
  if (study.population !== undefined) {
    at(
      ["population"],
      `${web} simulates the sessions' own shoppers (instrument.webactions.personas says who they are): remove population`,
    );
  }
  if (study.model.mode !== "generate") {
    at(["model", "mode"], `${web} asks for a reason and an action as JSON: use mode generate`);
  }
  if (study.calibration !== undefined) {
    at(["calibration"], `${web} is scored against its sessions (populace report), not calibrated`);
  }
}
