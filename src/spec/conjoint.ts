import { z } from "zod";
import { conjointDesignProblems } from "../designs/conjoint/index.ts";

/**
 * Proposed `instrument` block of a conjoint study (issue 12, not yet part of studySchema):
 *
 *   instrument:
 *     template: conjoint
 *     question: Which of these two immigrants should be given priority to come to the United States?
 *     profile_noun: immigrant
 *     attributes:
 *       - { name: Education, levels: [no formal, high school, college degree] }
 *       - { name: Job, levels: [janitor, nurse, doctor] }
 *     restrictions:
 *       - { when: { Education: [no formal, high school] }, exclude: { Job: [doctor] } }
 *     tasks: 5
 *     repeat_task: 1
 */
export const conjointInstrumentSchema = z
  .strictObject({
    template: z.literal("conjoint"),
    question: z.string().min(1, "must not be empty").describe("The choice asked in every task"),
    profile_noun: z
      .string()
      .min(1)
      .default("profile")
      .describe('What a profile is: "immigrant" → Immigrant A/B'),
    intro: z.string().optional().describe("Shown before the profiles of every task"),
    attributes: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          levels: z.array(z.string().min(1)).min(2, "at least 2 levels"),
        }),
      )
      .min(1, "list at least one attribute"),
    restrictions: z
      .array(
        z.strictObject({
          when: z.record(z.string(), z.array(z.string()).min(1)),
          exclude: z.record(z.string(), z.array(z.string()).min(1)),
        }),
      )
      .default([])
      .describe("Impossible combinations: a profile matching `when` never takes an `exclude` level"),
    tasks: z.int().positive().default(5).describe("Forced-choice tasks per person"),
    repeat_task: z.int().positive().optional().describe("Show this task again at the end, profiles swapped"),
    randomize_attribute_order: z.boolean().default(true).describe("Per person, held for all their tasks"),
  })
  .superRefine((design, ctx) => {
    for (const p of conjointDesignProblems(design))
      ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  });

export type ConjointInstrumentSpec = z.infer<typeof conjointInstrumentSchema>;
