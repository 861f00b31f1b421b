import { z } from "zod";

/**
 * A simulated online community (Social Simulacra, Park et al. 2022; DESIGN section 8): the
 * designer's goal, rules and a few member personas; the model expands the personas, writes one
 * top-level post per thread and replies until each thread stops.
 */
export const communitySchema = z.strictObject({
  goal: z
    .string()
    .trim()
    .min(1, "describe what the community is for")
    .describe('What the community is for, e.g. "people learning to bake bread at home"'),
  rules: z
    .array(z.string().trim().min(1, "a rule must not be empty"))
    .describe("Rules shown to every member who writes (an empty list: no rules)"),
  seed_personas: z
    .array(z.string().trim().min(1, "a persona must not be empty"))
    .min(1, "give at least one seed persona")
    .describe("A few members, a line or two each; the model writes more people like them"),
  personas: z
    .int("must be a whole number")
    .positive("must be at least 1")
    .max(100_000)
    .describe("How many personas to generate from the seeds (the seeds are members too)"),
  threads: z
    .int("must be a whole number")
    .positive("must be at least 1")
    .max(100_000)
    .describe("Top-level posts, one thread each"),
  max_replies: z
    .int("must be a whole number")
    .min(0)
    .max(1000)
    .default(8)
    .describe("Replies per thread at most"),
  p_reply: z
    .number()
    .min(0, "a probability is between 0 and 1")
    .max(1, "a probability is between 0 and 1")
    .default(0.8)
    .describe("Probability that a thread goes on after its post and after each reply"),
  temperature: z.number().min(0).max(2).default(0.7).describe("Sampling temperature of every generation"),
  context_chars: z
    .int("must be a whole number")
    .min(200, "at least 200 characters")
    .default(8000)
    .describe("The thread shown to a replier is cut to this many characters, oldest replies first"),
});

export type CommunitySpec = z.infer<typeof communitySchema>;
