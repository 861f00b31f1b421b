import { z } from "zod";
import { DEMAND_GRID } from "../designs/demand/index.ts";

/**
 * Proposed `instrument` block of the demand-curve template (issue 12, not yet part of
 * studySchema). Its arms are the grid's prices (design.arms stays empty), its item the
 * purchase question, its treatment the price.
 *
 *   instrument:
 *     template: demand
 *     product: a 12-pack of sparkling water
 *     reference_price: 6
 *     grid: [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2]   # the default (Gui & Toubia)
 */
export const demandInstrumentSchema = z
  .strictObject({
    template: z.literal("demand"),
    product: z
      .string()
      .min(1, "must not be empty")
      .describe('As it reads in a sentence: "a 12-pack of sparkling water"'),
    reference_price: z.number().positive(),
    grid: z
      .array(z.number().min(0))
      .min(2, "at least 2 prices")
      .default([...DEMAND_GRID])
      .describe("Multipliers of the reference price (default 0 to 2 in steps of 0.2)"),
    currency: z.string().default("$"),
    scenario: z.string().optional().describe("Shown before the price"),
  })
  .superRefine((d, ctx) => {
    const prices = d.grid.map((m) => Math.round(m * d.reference_price * 100) / 100);
    prices.forEach((p, i) => {
      if (prices.indexOf(p) !== i)
        ctx.addIssue({
          code: "custom",
          path: ["grid", i],
          message: `gives the price ${p} twice (grid[${prices.indexOf(p)}])`,
        });
    });
  });

export type DemandInstrumentSpec = z.infer<typeof demandInstrumentSchema>;
