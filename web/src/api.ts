/** The server's API (its OpenAPI document is at /openapi.json). */

export interface Run {
  id: string;
  study: string;
  kind: "community" | "survey";
  model: string;
  model_kind: string;
  test_double: boolean;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface Utterance {
  thread: string;
  utterance: string;
  parent: string | null;
  branch: string;
  author: string;
  persona: string;
  kind: "post" | "reply";
  text: string;
  temperature: number | null;
}

export interface Branch {
  branch: string;
  kind: "whatif" | "multiverse" | "iteration";
  status: string;
  from: string | null;
  thread: string | null;
  temperature: number;
  as?: string;
  text?: string | null;
  continue?: number;
}

export interface ThreadSummary {
  thread: string;
  iteration: string;
  status: string;
  title: string | null;
  author: string | null;
  replies: number;
  branches: string[];
}

export interface Community {
  run: string;
  name: string;
  goal: string;
  rules: string[];
  model: string;
  status: string;
  note: string | null;
  personas: number;
  threads: ThreadSummary[];
  branches: Branch[];
}

export interface Thread {
  thread: string;
  iteration: string;
  note: string | null;
  utterances: Utterance[];
  branches: Branch[];
}

export interface Job {
  id: string;
  kind: string;
  run: string;
  state: "queued" | "running" | "done" | "failed";
  progress: { done: number; failed: number; total: number; calls: number; cacheHits: number };
  result: { branches: string[]; existing: boolean; status: string; calls: number } | null;
  error: string | null;
}

export interface Message {
  author: string;
  text: string;
}

export interface BelievabilityTest {
  id: string;
  run: string;
  title: string;
  pairs: number;
  link: string;
  created_at: string;
}

export interface JudgePairs {
  id: string;
  title: string;
  judge: string;
  pairs: { pair: number; A: Message[]; B: Message[] }[];
  answered: Record<string, "A" | "B">;
}

export interface BelievabilityResults {
  id: string;
  run: string;
  note: string | null;
  title: string;
  pairs: number;
  mean_similarity: number;
  judges: { judge: string; judged: number; wrong: number; errorRate: number }[];
  pooled: {
    estimate: number | null;
    lower: number | null;
    upper: number | null;
    judgments: number;
    wrong: number;
  };
  judgeMean: { estimate: number; lower: number; upper: number; judges: number; sd: number } | null;
  paper: number;
}

export interface InterviewSession {
  id: string;
  link: string;
  status: "consent" | "in_progress" | "completed";
  script: string;
  topics: string[];
  question: string | null;
  turns: { speaker: string; text: string }[];
  progress: { module: number; modules: number; topic: string | null };
  words: number;
  note: string | null;
}

export class ApiError extends Error {}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: init?.body ? { "content-type": "application/json" } : undefined,
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(body?.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

const enc = encodeURIComponent;

export const api = {
  runs: () => call<Run[]>("/api/runs"),
  community: (run: string) => call<Community>(`/api/runs/${enc(run)}/community`),
  thread: (run: string, thread: string) => call<Thread>(`/api/runs/${enc(run)}/threads/${enc(thread)}`),
  whatif: (run: string, body: { utterance: string; as: string; text?: string; continue: number }) =>
    call<Job>(`/api/runs/${enc(run)}/whatif`, { method: "POST", body: JSON.stringify(body) }),
  multiverse: (
    run: string,
    body: { utterance?: string; community?: boolean; n: number; temperature: number },
  ) => call<Job>(`/api/runs/${enc(run)}/multiverse`, { method: "POST", body: JSON.stringify(body) }),
  job: (id: string) => call<Job>(`/api/jobs/${enc(id)}`),
  tests: (run: string) => call<BelievabilityTest[]>(`/api/runs/${enc(run)}/believability`),
  newTest: (run: string, pairs: number) =>
    call<BelievabilityTest>("/api/believability", { method: "POST", body: JSON.stringify({ run, pairs }) }),
  pairs: (test: string, judge: string) =>
    call<JudgePairs>(`/api/believability/${enc(test)}/pairs?judge=${enc(judge)}`),
  judge: (test: string, body: { judge: string; pair: number; choice: "A" | "B" }) =>
    call<{ judged: number; of: number }>(`/api/believability/${enc(test)}/judgments`, {
      method: "POST",
      body: JSON.stringify(body),
    }),
  results: (test: string) => call<BelievabilityResults>(`/api/believability/${enc(test)}/results`),
  newInterview: () => call<InterviewSession>("/api/interviews", { method: "POST" }),
  interview: (id: string) => call<InterviewSession>(`/api/interviews/${enc(id)}`),
  consent: (id: string) => call<InterviewSession>(`/api/interviews/${enc(id)}/consent`, { method: "POST" }),
  answer: (id: string, text: string) =>
    call<InterviewSession>(`/api/interviews/${enc(id)}/answers`, {
      method: "POST",
      body: JSON.stringify({ text }),
    }),
};

/** Polls a job until it ends, telling `onUpdate` each state. */
export async function follow(job: Job, onUpdate: (job: Job) => void): Promise<Job> {
  let current = job;
  onUpdate(current);
  while (current.state === "queued" || current.state === "running") {
    await new Promise((r) => setTimeout(r, 400));
    current = await api.job(current.id);
    onUpdate(current);
  }
  return current;
}
