/**
 * Conditioning: which of what is known about a person opens their prompts. One mode per study
 * today; several modes of one study will be arms (the episode engine's stages), each calling
 * `conditionedProfile` for the same agent with its own mode.
 */
import { UserError } from "../errors/index.ts";
import { interviewText, keptExchanges } from "./interviews/render.ts";
import { attributeProfile } from "./profile.ts";
import type { Agent, Conditioning, ConditioningMode } from "./types.ts";

/** What a source's agents are conditioned on unless the study says otherwise. */
export function defaultConditioning(source: Agent["source"]): ConditioningMode {
  if (source === "interview") return "interview";
  if (source === "persona") return "persona";
  return "demographic";
}

/** Why an agent cannot be conditioned this way, or undefined when it can. */
export function conditioningProblem(agent: Agent, c: Conditioning): string | undefined {
  if (c.mode === "interview") {
    if (!agent.interview)
      return "has no interview transcript (interview conditioning needs source: interviews)";
    if (agent.interview.exchanges.length === 0) return "has an interview with no exchanges";
    if (c.keep !== undefined && !(c.keep > 0 && c.keep <= 1)) return `keep must be in (0, 1], got ${c.keep}`;
    return undefined;
  }
  if (c.mode === "persona") {
    return agent.persona?.trim()
      ? undefined
      : "has no persona text (persona conditioning needs source: personas)";
  }
  if (Object.keys(agent.attributes).length === 0) {
    const where = agent.interview
      ? " (give the interviews a demographics CSV, or a genagents scratch.json beside nodes.json)"
      : "";
    return `has no demographic attributes${where}`;
  }
  return undefined;
}

/** The agents with their conditioning set; a UserError names the first person who lacks what it needs. */
export function withConditioning(agents: readonly Agent[], c: Conditioning): Agent[] {
  for (const agent of agents) {
    const problem = conditioningProblem(agent, c);
    if (problem) {
      throw new UserError(`${c.mode} conditioning: person "${agent.id}" ${problem}`, {
        where: "conditioning",
      });
    }
  }
  return agents.map((a) => ({ ...a, conditioning: c }));
}

/**
 * The first-person text that opens every prompt for this person. `interview`: the transcript
 * (or its kept share), nothing else; `demographic`: the attributes only; `persona` (and agents
 * without a conditioning): persona text, then the attributes.
 */
export function profileText(agent: Agent): string {
  const c = agent.conditioning;
  if (c?.mode === "interview") {
    const interview = agent.interview;
    if (!interview) throw new UserError(`person "${agent.id}" has no interview to condition on`);
    const keep = c.keep ?? 1;
    const kept =
      keep < 1 ? keptExchanges(interview.exchanges.length, agent.id, { keep, seed: c.seed ?? 1 }) : undefined;
    return interviewText(interview, kept);
  }
  return attributeProfile(agent, c?.mode !== "demographic");
}

/** The profile under another conditioning than the agent's own (for arms of conditioning). */
export function conditionedProfile(agent: Agent, c: Conditioning): string {
  return profileText({ ...agent, conditioning: c });
}
