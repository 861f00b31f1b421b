import type { z } from "zod";
import type { InstrumentSpec } from "./instrument.ts";

interface KindStudy {
  population?: unknown;
  instrument: InstrumentSpec;
  design: { arms: unknown[]; replicates: number };
  model: { mode: string };
  calibration?: unknown;
}

/**
 * Who takes part, by kind of instrument. Surveys, games and templates ask a population. A
 * community's members come from its seed personas, and a web-action study's people are its
 * sessions' shoppers: neither takes a population, a calibration plan or distribution mode, and a
 * community has no arms (its Multiverse makes other iterations).
 */
export function checkInstrumentKind(study: KindStudy, ctx: Pick<z.RefinementCtx, "addIssue">): void {
  const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const { instrument } = study;
  const community = "community" in instrument;
  const web = "webactions" in instrument;
  // (A survey's missing population is reported by the study schema, even when other parts fail.)
  if (!community && !web) return;
  if (community) {
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
  const what = "a web-action study";
  if (study.population !== undefined) {
    at(
      ["population"],
      `${what} simulates the sessions' own shoppers (instrument.webactions.personas says who they are): remove population`,
    );
  }
  if (study.model.mode !== "generate") {
    at(["model", "mode"], `${what} asks for a reason and an action as JSON: use mode generate`);
  }
  if (study.calibration !== undefined) {
    at(["calibration"], `${what} is scored against its sessions (populace report), not calibrated`);
  }
}
