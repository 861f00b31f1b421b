import { z } from "zod";
import { readJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { describeIssues } from "./session.ts";

const personaSchema = z
  .object({
    user: z.string().trim().min(1, "must be a non-empty string"),
    persona: z.string().trim().min(1, "must be a non-empty string"),
  })
  .strict();

/** Personas JSONL, one `{"user", "persona"}` a line: who each shopper is, in their own words or a survey's. */
export function readPersonas(path: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = new Map<string, number>();
  for (const { line, value } of readJsonl(path)) {
    const parsed = personaSchema.safeParse(value);
    if (!parsed.success) throw new UserError(describeIssues(parsed.error), { where: `${path}:${line}` });
    const first = lines.get(parsed.data.user);
    if (first !== undefined) {
      throw new UserError(`user "${parsed.data.user}" has a second persona (first on line ${first})`, {
        where: `${path}:${line}`,
      });
    }
    lines.set(parsed.data.user, line);
    out.set(parsed.data.user, parsed.data.persona);
  }
  return out;
}
