import { UserError } from "../errors/index.ts";
import type { Agent } from "./types.ts";

/** Agents from persona texts; ids default to "persona-1", "persona-2", ... */
export function personaAgents(personas: readonly { id?: string; text: string }[]): Agent[] {
  const seen = new Set<string>();
  return personas.map((p, i) => {
    const text = typeof p.text === "string" ? p.text.trim() : "";
    if (text === "") throw new UserError("persona text is empty", { where: `personas[${i}].text` });
    const id = p.id?.trim() || `persona-${i + 1}`;
    if (seen.has(id)) throw new UserError(`duplicate persona id "${id}"`, { where: `personas[${i}].id` });
    seen.add(id);
    return { id, source: "persona", attributes: {}, persona: text };
  });
}
