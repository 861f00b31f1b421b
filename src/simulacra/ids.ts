/**
 * Names in a simulated community. A run holds the main community and, beside it, the branches
 * made later from it (WhatIf and Multiverse), so every name says where it belongs:
 *
 * - threads: `t7` in the main community; `multiverse-2-1.t7` in iteration 1 of community-wide
 *   Multiverse request 2 (a whole new community from the same design);
 * - utterances: `t7.0` (the post), `t7.3` (the thread's third reply); in a branch made from one
 *   of its utterances, `t7.whatif-1.1`, `t7.multiverse-3-2.4`;
 * - personas: `s1`… (the designer's seeds), `p1`… (generated), `multiverse-2-1.p4` (generated for
 *   an iteration), `whatif-1.as` (the persona a WhatIf names).
 */

/** The branch of the community as first generated. */
export const MAIN = "main";

/** The stages of a community run, in order (stage s numbers its jobs from s × STAGE_SPAN). */
export const STAGE = { personas: 0, posts: 1, replies: 2, branches: 3 } as const;

/** Every job of a community (and its persona rows) belongs to this agent id. */
export const COMMUNITY_AGENT = "community";

export function threadId(iteration: string, n: number): string {
  return iteration === MAIN ? `t${n}` : `${iteration}.t${n}`;
}

/** The thread's own utterances are numbered from its post (0); a branch's from its first reply (1). */
export function utteranceId(thread: string, n: number, branch?: string): string {
  return branch === undefined ? `${thread}.${n}` : `${thread}.${branch}.${n}`;
}

export function seedPersonaId(i: number): string {
  return `s${i}`;
}

export function personaId(iteration: string, i: number): string {
  return iteration === MAIN ? `p${i}` : `${iteration}.p${i}`;
}

export function whatifPersonaId(branch: string): string {
  return `${branch}.as`;
}

export function whatifBranch(n: number): string {
  return `whatif-${n}`;
}

/** Alternative k of Multiverse request n (an utterance's continuation or a whole community). */
export function multiverseBranch(n: number, k: number): string {
  return `multiverse-${n}-${k}`;
}

/** The Multiverse request a branch belongs to: `multiverse-3-2` → `multiverse-3`. */
export function multiverseRequest(branch: string): string {
  return branch.replace(/-\d+$/, "");
}
