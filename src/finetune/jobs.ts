/**
 * Fine-tuning jobs at OpenAI (or any server speaking its Files and Fine-tuning APIs, such as the
 * mock): upload a training file, create a job, follow it. Keys and endpoint follow the openai
 * provider's rules: OPENAI_API_KEY, and OPENAI_BASE_URL when set.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { UserError } from "../errors/index.ts";
import { parseModelId } from "../llm/index.ts";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export interface FineTuningJob {
  id: string;
  object: "fine_tuning.job";
  model: string;
  status: "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";
  fine_tuned_model: string | null;
  training_file: string;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  created_at: number;
  finished_at: number | null;
  [field: string]: unknown;
}

export interface JobEvent {
  id: string;
  created_at: number;
  level: string;
  message: string;
  type?: string;
}

export interface JobsClientOptions {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export interface JobsClient {
  baseURL: string;
  uploadFile(path: string): Promise<{ id: string; bytes: number; filename: string }>;
  createJob(request: {
    model: string;
    training_file: string;
    suffix?: string;
    seed?: number;
    n_epochs?: number;
  }): Promise<FineTuningJob>;
  retrieveJob(id: string): Promise<FineTuningJob>;
  listEvents(id: string, limit?: number): Promise<JobEvent[]>;
  cancelJob(id: string): Promise<FineTuningJob>;
}

export function isFinished(job: FineTuningJob): boolean {
  return TERMINAL.has(job.status);
}

/** "openai:gpt-4o-mini-2024-07-18" or "gpt-4o-mini-2024-07-18" → the OpenAI model name to tune. */
export function baseModelName(id: string): string {
  if (!id.includes(":")) return id;
  const parsed = parseModelId(id);
  if (parsed.provider !== "openai") {
    throw new UserError(
      `--model ${id}: fine-tuning jobs go to OpenAI's API; give openai:MODEL (OPENAI_BASE_URL points elsewhere)`,
    );
  }
  return parsed.model;
}

/** The Populace model id of a fine-tuned model: "openai:ft:…". */
export function tunedModelId(fineTunedModel: string): string {
  return `openai:${fineTunedModel}`;
}

export function jobsClient(options: JobsClientOptions = {}): JobsClient {
  const env = options.env ?? process.env;
  const key = env.OPENAI_API_KEY;
  if (!key) throw new UserError("fine-tuning needs an API key: set the environment variable OPENAI_API_KEY");
  const baseURL = (env.OPENAI_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, "");
  const http = options.fetch ?? fetch;

  async function call<T>(method: string, path: string, body?: BodyInit, json = false): Promise<T> {
    let res: Response;
    try {
      res = await http(`${baseURL}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(json ? { "content-type": "application/json" } : {}) },
        body,
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new UserError(`cannot reach ${baseURL} (${(error as Error).cause ?? (error as Error).message})`);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new UserError(
        `${method} ${baseURL}${path}: HTTP ${res.status}, not a JSON answer: ${text.slice(0, 200)}`,
      );
    }
    if (!res.ok) {
      const e = (data as { error?: { message?: string; param?: string | null } }).error;
      const param = e?.param ? ` (${e.param})` : "";
      throw new UserError(
        `${method} ${baseURL}${path}: HTTP ${res.status}: ${e?.message ?? text.slice(0, 200)}${param}`,
      );
    }
    return data as T;
  }

  return {
    baseURL,
    async uploadFile(path) {
      let content: Buffer;
      try {
        content = readFileSync(path);
      } catch (error) {
        throw new UserError(
          `cannot read the training file (${(error as NodeJS.ErrnoException).code ?? error})`,
          { where: path },
        );
      }
      const form = new FormData();
      form.append("purpose", "fine-tune");
      form.append("file", new Blob([new Uint8Array(content)], { type: "application/jsonl" }), basename(path));
      return call("POST", "/files", form);
    },
    createJob(request) {
      const { n_epochs, ...rest } = request;
      const body = {
        ...rest,
        ...(n_epochs !== undefined
          ? { method: { type: "supervised", supervised: { hyperparameters: { n_epochs } } } }
          : {}),
      };
      return call("POST", "/fine_tuning/jobs", JSON.stringify(body), true);
    },
    retrieveJob: (id) => call("GET", `/fine_tuning/jobs/${encodeURIComponent(id)}`),
    async listEvents(id, limit = 20) {
      const page = await call<{ data: JobEvent[] }>(
        "GET",
        `/fine_tuning/jobs/${encodeURIComponent(id)}/events?limit=${limit}`,
      );
      return page.data;
    },
    cancelJob: (id) => call("POST", `/fine_tuning/jobs/${encodeURIComponent(id)}/cancel`),
  };
}
