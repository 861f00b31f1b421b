import { z } from "zod";
import { id } from "./common.ts";

/** Under which conditions the simulated people are asked (DESIGN section 5). */

const arm = z.strictObject({
  name: id,
  text: z.string().default("").describe("Shown to the simulated person before the questions"),
});

export const designSchema = z.strictObject({
  arms: z
    .array(arm)
    .min(1)
    .default([{ name: "control", text: "" }]),
  replicates: z.int().positive().default(1),
});
