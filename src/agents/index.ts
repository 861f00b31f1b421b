/**
 * Agents: where simulated people come from (the genagents GSS agent bank, any demographic CSV,
 * persona texts, real GSS panel respondents, interview transcripts), how they are conditioned,
 * and the first-person profile that opens their prompts.
 */
export { ageGroup, canonicalAttributeName, canonicalAttributes } from "./attributes.ts";
export { AGENT_BANK_FILE, type AgentBankOptions, loadAgentBank } from "./bank.ts";
export {
  conditionedProfile,
  conditioningLabel,
  conditioningProblem,
  defaultConditioning,
  interviewForExperts,
  profileText,
  usesInterview,
  withConditioning,
} from "./conditioning.ts";
export { type CsvAgentOptions, loadCsvAgents } from "./csv.ts";
export { type GssPanelAgentOptions, loadGssPanelAgents } from "./gss-panel.ts";
export * from "./interviews/index.ts";
export { personaAgents } from "./persona.ts";
export { attributeProfile } from "./profile.ts";
export type { Agent, Conditioning, ConditioningMode, InterviewRecord } from "./types.ts";
