import { z } from "zod";

/**
 * The `instrument` block of a classic study run as a template (src/instruments/classic): its
 * conditions are the arms (between subjects by default), each with the materials' own text and
 * question, read from the data directory when the study runs.
 *
 *   instrument: { template: classic, study: asian_disease }
 */
export const CLASSIC_STUDIES = ["asian_disease"] as const;

export const classicInstrumentSchema = z.strictObject({
  template: z.literal("classic"),
  study: z
    .enum(CLASSIC_STUDIES)
    .describe("asian_disease: Tversky & Kahneman's gain/loss framing (HumanStudy-Bench study_003)"),
});

export type ClassicInstrumentSpec = z.infer<typeof classicInstrumentSchema>;
