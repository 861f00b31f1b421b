/**
 * Agents: where simulated people come from (the genagents GSS agent bank, any demographic CSV,
 * persona texts, real GSS panel respondents) and the first-person profile that conditions them.
 */
export { ageGroup, canonicalAttributeName, canonicalAttributes } from "./attributes.ts";
export { AGENT_BANK_FILE, type AgentBankOptions, loadAgentBank } from "./bank.ts";
export { type CsvAgentOptions, loadCsvAgents } from "./csv.ts";
export { type GssPanelAgentOptions, loadGssPanelAgents } from "./gss-panel.ts";
export { personaAgents } from "./persona.ts";
export { profileText } from "./profile.ts";
export type { Agent } from "./types.ts";
