import type { DatabaseSync } from "node:sqlite";
import type { AgentRecord } from "../types.ts";

/**
 * A run's agents: the agents of its study that its jobs name, or that answered in another's job
 * (the other participants of a multi-party episode, such as a game's group), in the order they
 * first appear in the plan. (Agents are stored per study version; several runs of one version
 * may sample different people.)
 */
export function runAgents(db: DatabaseSync, run: number): AgentRecord[] {
  const rows = db
    .prepare(
      `WITH people AS (
         SELECT agent_id, MIN(seq) AS first FROM (
           SELECT agent_id, seq FROM jobs WHERE run = ?
           UNION ALL SELECT agent_id, seq FROM responses WHERE run = ? AND agent_id <> ''
         ) GROUP BY agent_id
       )
       SELECT a.agent_id, a.source, a.attributes_json, a.profile
       FROM people p JOIN agents a ON a.agent_id = p.agent_id
         AND a.study_id = (SELECT study_id FROM runs WHERE num = ?)
       ORDER BY p.first`,
    )
    .all(run, run, run) as { agent_id: string; source: string; attributes_json: string; profile: string }[];
  return rows.map((r) => ({
    agentId: r.agent_id,
    source: r.source,
    attributes: JSON.parse(r.attributes_json) as Record<string, string>,
    profile: r.profile,
  }));
}
