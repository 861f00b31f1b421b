/**
 * Conditioning: which of what is known about a person opens their prompts. A study may compare
 * several: each is an arm of conditioning, calling `conditionedProfile` for the same agent with
 * its own mode.
 */
import { UserError } from "../errors/index.ts";
import { interviewForReader, interviewText, keptExchanges } from "./interviews/render.ts";
import { attributeProfile } from "./profile.ts";
import type { Agent, Conditioning, ConditioningMode } from "./types.ts";

/** What a source's agents are conditioned on unless the study says otherwise. */
export function defaultConditioning(source: Agent["source"]): ConditioningMode {
  if (source === "interview") return "interview";
  if (source === "persona") return "persona";
  return "demographic";
}

/** Whether the mode conditions on the interview transcript (with or without expert reflections). */
export function usesInterview(mode: ConditioningMode): boolean {
  return mode === "interview" || mode === "interview+reflection";
}

/**
 * The name of a conditioning among several of one study: its mode, with the kept share of an
 * ablation (`interview-keep0.2`), unless it was given a name.
 */
export function conditioningLabel(c: Conditioning): string {
  if (c.label) return c.label;
  return c.keep !== undefined && c.keep < 1 ? `${c.mode}-keep${c.keep}` : c.mode;
}

/** Why an agent cannot be conditioned this way, or undefined when it can. */
export function conditioningProblem(agent: Agent, c: Conditioning): string | undefined {
  if (usesInterview(c.mode)) {
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
 * The first-person text that opens every prompt for this person. `interview` (and
 * `interview+reflection`): the transcript
 * (or its kept share), nothing else; `demographic`: the attributes only; `persona` (and agents
 * without a conditioning): persona text, then the attributes.
 */
export function profileText(agent: Agent): string {
  // interview+reflection opens with the transcript too: the reflections come after it, per call.
  const c = agent.conditioning;
  if (c && usesInterview(c.mode)) {
    const interview = agent.interview;
    if (!interview) throw new UserError(`person "${agent.id}" has no interview to condition on`);
    return interviewText(interview, keptOf(agent, c));
  }
  return attributeProfile(agent, c?.mode !== "demographic");
}

function keptOf(agent: Agent, c: Conditioning): number[] | undefined {
  const keep = c.keep ?? 1;
  const n = agent.interview?.exchanges.length ?? 0;
  return keep < 1 ? keptExchanges(n, agent.id, { keep, seed: c.seed ?? 1 }) : undefined;
}

/**
 * The interview as an expert reads it under this conditioning (the same kept share, introduced in
 * the third person): what expert reflections are written from.
 */
export function interviewForExperts(agent: Agent, c: Conditioning): string {
  if (!agent.interview) throw new UserError(`person "${agent.id}" has no interview to reflect on`);
  return interviewForReader(agent.interview, keptOf(agent, c));
}

/** The profile under another conditioning than the agent's own (for arms of conditioning). */
export function conditionedProfile(agent: Agent, c: Conditioning): string {
  return profileText({ ...agent, conditioning: c });
}
