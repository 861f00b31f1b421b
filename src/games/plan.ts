import { assignArms, type PlannedJob } from "../designs/index.ts";
import { formGroups, type GameParams, seats } from "../instruments/games/index.ts";
import { personSeats, seatItems } from "./items.ts";

/** What a game job carries: its people in seat order, or one person left over. */
export interface GameInputs {
  /** Person ids in seat order (one id when the partner is a strategy or a stated move). */
  group: string[];
  /** Set for a person left over when the population does not divide into groups. */
  unmatched?: { of: number; size: number };
}

export interface GamePlan {
  jobs: PlannedJob[];
  groups: number;
  /** People (× arms × replicates) left over, not played. */
  unmatched: number;
}

/** A game's jobs are named `FIRST_PERSON/GAME/ARM/rN`. */
export function gameJobId(first: string, g: GameParams, arm: string, replicate: number): string {
  return `${first}/${g.game}/${arm}/r${replicate}`;
}

/**
 * The jobs of a game: against other people, one job per group (people shuffled with the seed
 * and cut into groups of the game's size, anew for each arm and replicate; the order within a
 * group is the seat order, so roles fall at random); people left over get a job that plays
 * nothing and stores why. Against a strategy or a stated move, one job per person. Between
 * subjects, groups form among the people of the same arm.
 */
export function gameJobs(
  g: GameParams,
  agents: readonly { id: string; attributes: Readonly<Record<string, string>> }[],
  design: {
    arms: readonly string[];
    replicates: number;
    assignment?: "within" | "between";
    blockOn?: string[];
  },
  seed: number | string,
): GamePlan {
  const size = seats(g).length;
  const paired = g.partner.type === "person";
  const assigned =
    design.assignment === "between"
      ? assignArms({ agents, arms: design.arms, blockOn: design.blockOn, seed }).arms
      : undefined;
  const jobs: PlannedJob[] = [];
  let groups = 0;
  let unmatched = 0;
  const firstItems = seatItems(g, 0);
  const personItems = seatItems(g, personSeats(g)[0]);
  for (let replicate = 1; replicate <= design.replicates; replicate++) {
    design.arms.forEach((arm, a) => {
      const ids = agents.filter((_, i) => !assigned || assigned[i] === a).map((x) => x.id);
      const add = (group: string[], items: string[], extra: Partial<GameInputs> = {}) =>
        jobs.push({
          jobId: gameJobId(group[0], g, arm, replicate),
          seq: jobs.length,
          agentId: group[0],
          items,
          arm,
          replicate,
          inputs: { group, ...extra } satisfies GameInputs,
        });
      if (!paired) {
        for (const id of ids) add([id], personItems);
        return;
      }
      const formed = formGroups(ids, size, `${seed}:${arm}:r${replicate}`);
      groups += formed.groups.length;
      unmatched += formed.unmatched.length;
      for (const group of formed.groups) add(group, firstItems);
      for (const id of formed.unmatched) add([id], ["role"], { unmatched: { of: ids.length, size } });
    });
  }
  return { jobs, groups, unmatched };
}
