/** A simulated person's seed: where it came from, what is known about them, and persona text. */
export interface Agent {
  id: string;
  source: "agent-bank" | "csv" | "persona" | "gss-panel" | "web-session";
  /** Known attributes, by name as the source spells them (values as text). */
  attributes: Record<string, string>;
  /** Free-text self-description, used as-is in the profile. */
  persona?: string;
}
