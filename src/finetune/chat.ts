/**
 * Chat-format fine-tuning data as OpenAI-compatible fine-tuning accepts it: one JSON object a
 * line, `{"messages": [{"role", "content", "weight"?}]}`, where `weight: 0` on an assistant turn
 * keeps it as context without training on it.
 */
import { writeFileSync } from "node:fs";
import { toJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";

export interface FineTuneMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Assistant turns only: 0 = context, not trained on; 1 (or absent) = trained on. */
  weight?: 0 | 1;
}

export interface FineTuneExample {
  messages: FineTuneMessage[];
}

export function writeExamples(path: string, examples: readonly FineTuneExample[]): void {
  try {
    writeFileSync(path, toJsonl(examples));
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? error})`, { where: path });
  }
}
