import type { JobRecord, Store } from "../store/types.ts";
import { MAIN, whatifPersonaId } from "./ids.ts";
import { type BranchJob, type CommunityJob, communityJob, type WritingJob } from "./jobs.ts";
import type { Member, Said } from "./programs.ts";

/** One post or reply as stored: where it is, who wrote it (and their persona), at which temperature. */
export interface Utterance {
  thread: string;
  utterance: string;
  /** null for a post. */
  parent: string | null;
  /** MAIN, a branch id (whatif-N, multiverse-N-K), or a community-wide Multiverse iteration. */
  branch: string;
  author: string;
  persona: string;
  kind: "post" | "reply";
  text: string;
  /** null for a reply whose text was given (a WhatIf --text), not generated. */
  temperature: number | null;
}

export interface ThreadInfo {
  thread: string;
  iteration: string;
  /** null until the post is written (or when it failed). */
  post: Utterance | null;
  status: "pending" | "ok" | "failed";
}

export interface BranchInfo {
  branch: string;
  kind: "whatif" | "multiverse" | "iteration";
  status: JobRecord["status"];
  /** The utterance it continues (null for a community-wide iteration). */
  from: string | null;
  thread: string | null;
  temperature: number;
  /** The WhatIf persona and given text. */
  as?: string;
  text?: string | null;
  continue?: number;
}

/** A community run as stored: its members, threads, utterances and branches. */
export interface Community {
  personas: Map<string, string>;
  /** Members by iteration (MAIN or a community-wide Multiverse iteration), in id order. */
  pools: Map<string, Member[]>;
  utterances: Utterance[];
  byId: Map<string, Utterance>;
  threads: ThreadInfo[];
  branches: BranchInfo[];
  /** Jobs by stage index, with what each is for. */
  jobs: { job: JobRecord; inputs: CommunityJob }[];
  /** Why jobs failed, by job id (the reason of each failed row). */
  failures: Map<string, string[]>;
}

/** Order of utterance ids within a job: by their last number. */
function numberOf(id: string): number {
  return Number(id.slice(id.lastIndexOf(".") + 1));
}

/** Seeds (s1…) before generated personas (p1…), each by number. */
function memberOrder(id: string): number {
  const local = id.slice(id.lastIndexOf(".") + 1);
  const n = Number(local.slice(1));
  return (local.startsWith("s") ? 0 : 1e9) + n;
}

/**
 * Reads a community run back from the store: the jobs say what each was for (and, for branches,
 * where they start), the rows hold the members and the utterances. A thread's own utterances
 * follow one another; a branch's first utterance replies to the utterance it was made from.
 */
export async function readCommunity(store: Store, runId: string): Promise<Community> {
  const jobs: { job: JobRecord; inputs: CommunityJob }[] = [];
  const byJob = new Map<string, { job: JobRecord; inputs: CommunityJob }>();
  for (const job of await store.jobs(runId)) {
    const inputs = communityJob(job);
    if (!inputs) continue;
    const entry = { job, inputs };
    jobs.push(entry);
    byJob.set(job.jobId, entry);
  }
  const personas = new Map<string, string>();
  const pools = new Map<string, Member[]>();
  const rows: { inputs: WritingJob; item: string; author: string; text: string }[] = [];
  const failures = new Map<string, string[]>();
  for await (const r of store.responses(runId)) {
    const entry = byJob.get(r.jobId);
    if (!entry) continue;
    if (r.status === "failed") {
      const list = failures.get(r.jobId) ?? [];
      list.push(`${r.item}: ${r.reason}`);
      failures.set(r.jobId, list);
    }
    if (r.status !== "ok" || typeof r.answer !== "string") continue;
    if (entry.inputs.kind === "personas") {
      personas.set(r.agentId, r.answer);
      const pool = pools.get(entry.inputs.iteration) ?? [];
      pool.push({ id: r.agentId, text: r.answer });
      pools.set(entry.inputs.iteration, pool);
    } else rows.push({ inputs: entry.inputs, item: r.item, author: r.agentId, text: r.answer });
  }
  for (const { inputs } of jobs) {
    if (inputs.kind === "whatif") personas.set(whatifPersonaId(inputs.branch), inputs.as);
  }
  // Rows come job by job (within a job, by author): put each job's utterances in the order said.
  const byInputs = new Map<WritingJob, typeof rows>();
  for (const row of rows) {
    const list = byInputs.get(row.inputs) ?? [];
    list.push(row);
    byInputs.set(row.inputs, list);
  }
  const ordered = [...byInputs.values()].flatMap((list) =>
    list.sort((a, b) => numberOf(a.item) - numberOf(b.item)),
  );
  for (const pool of pools.values()) pool.sort((a, b) => memberOrder(a.id) - memberOrder(b.id));
  const utterances: Utterance[] = [];
  const byId = new Map<string, Utterance>();
  let previous: { inputs: WritingJob; utterance: string } | null = null;
  for (const row of ordered) {
    const { inputs } = row;
    const first = previous?.inputs !== inputs;
    const parent =
      inputs.kind === "post"
        ? null
        : inputs.kind === "replies"
          ? first
            ? `${inputs.thread}.0`
            : previous!.utterance
          : first
            ? inputs.from
            : previous!.utterance;
    const given = inputs.kind === "whatif" && inputs.text !== null && first;
    const u: Utterance = {
      thread: inputs.thread,
      utterance: row.item,
      parent,
      branch: inputs.kind === "whatif" || inputs.kind === "multiverse" ? inputs.branch : inputs.iteration,
      author: row.author,
      persona: personas.get(row.author) ?? "",
      kind: inputs.kind === "post" ? "post" : "reply",
      text: row.text,
      temperature: given ? null : inputs.temperature,
    };
    utterances.push(u);
    byId.set(u.utterance, u);
    previous = { inputs, utterance: u.utterance };
  }
  const threads: ThreadInfo[] = [];
  const branches: BranchInfo[] = [];
  for (const { job, inputs } of jobs) {
    if (inputs.kind === "post") {
      const post = byId.get(`${inputs.thread}.0`) ?? null;
      threads.push({ thread: inputs.thread, iteration: inputs.iteration, post, status: job.status });
    } else if (inputs.kind === "personas" && inputs.iteration !== MAIN) {
      branches.push({
        branch: inputs.iteration,
        kind: "iteration",
        status: job.status,
        from: null,
        thread: null,
        temperature: inputs.temperature,
      });
    } else if (inputs.kind === "whatif" || inputs.kind === "multiverse") {
      branches.push(branchInfo(job, inputs));
    }
  }
  return { personas, pools, utterances, byId, threads, branches, jobs, failures };
}

function branchInfo(job: JobRecord, b: BranchJob): BranchInfo {
  const info: BranchInfo = {
    branch: b.branch,
    kind: b.kind,
    status: job.status,
    from: b.from,
    thread: b.thread,
    temperature: b.temperature,
  };
  if (b.kind === "whatif") {
    info.as = b.as;
    info.text = b.text;
    info.continue = b.continue;
  }
  return info;
}

/** Root → `id`: the conversation a reply to `id` answers. */
export function pathTo(community: Community, id: string): Said[] {
  const path: Said[] = [];
  let at = community.byId.get(id);
  while (at) {
    path.unshift({ utterance: at.utterance, author: at.author, text: at.text });
    at = at.parent === null ? undefined : community.byId.get(at.parent);
  }
  return path;
}
