/**
 * Interview scripts: a semi-structured interview as modules, each with a topic, an opening
 * question, probes the interviewer may use or adapt, and a budget (words the person says in the
 * module, and questions asked: the time budget, as an episode may not read the clock).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { UserError } from "../errors/index.ts";
import { id, parseYamlWith } from "../spec/index.ts";

const moduleSchema = z
  .strictObject({
    id,
    topic: z.string().min(1, "must not be empty"),
    opening: z.string().min(1, "must not be empty").describe("The question that opens the module"),
    probes: z
      .array(z.string().min(1))
      .default([])
      .describe("Follow-up questions the interviewer may use or adapt"),
    words: z
      .int()
      .positive()
      .optional()
      .describe("The module ends once the person has said this many words in it"),
    turns: z
      .int()
      .positive()
      .max(50)
      .optional()
      .describe("At most this many questions in the module, the opening included (the time budget)"),
  })
  .refine((m) => m.words !== undefined || m.turns !== undefined, {
    message: "give a budget: words, turns or both",
  });

export const scriptSchema = z
  .strictObject({
    name: id,
    interviewer: z.string().min(1).default("Interviewer").describe("The interviewer's speaker label"),
    greeting: z.string().min(1).optional().describe("Said before the first question"),
    closing: z.string().min(1).optional().describe("Said after the last answer"),
    modules: z.array(moduleSchema).min(1, "list at least one module"),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.modules.forEach((m, i) => {
      if (seen.has(m.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["modules", i, "id"],
          message: `duplicate module id "${m.id}" (also modules[${seen.get(m.id)}])`,
        });
      } else seen.set(m.id, i);
    });
  });

export type InterviewScript = z.infer<typeof scriptSchema>;
export type ScriptModule = InterviewScript["modules"][number];

/** A module asks at most this many questions when it gives only a word budget. */
export const MAX_TURNS = 12;

/** The script shipped with Populace: the American Voices Project's topics, in Populace's words. */
export const DEFAULT_SCRIPT = new URL("./american-voices.yaml", import.meta.url).pathname;

export interface LoadedScript {
  script: InterviewScript;
  file: string;
  /** Hash of the parsed script: part of the run id, so editing the script starts a new run. */
  version: string;
}

export function parseScript(text: string, file: string): LoadedScript {
  const script = parseYamlWith(scriptSchema, text, file, "an interview script");
  const version = createHash("sha256").update(JSON.stringify(script)).digest("hex").slice(0, 16);
  return { script, file, version };
}

export function loadScript(file = DEFAULT_SCRIPT): LoadedScript {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(
      `cannot read the interview script (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        where: file,
      },
    );
  }
  return parseScript(text, file);
}
