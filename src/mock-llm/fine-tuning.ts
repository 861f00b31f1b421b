/**
 * OpenAI's Files and Fine-tuning jobs APIs as the mock serves them: uploads (multipart, purpose
 * `fine-tune`), and jobs that move one stage each time they are retrieved (validating_files →
 * queued → running → succeeded), validating the training file on the way, and end with a
 * `fine_tuned_model` id the mock then answers for. Nothing is trained: this is a test double.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRng, hash32 } from "../random/index.ts";
import { estimateTokens } from "./policy.ts";

type Json = Record<string, unknown>;

const FILE_PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"];
const STAGES = ["validating_files", "queued", "running", "succeeded"] as const;
type JobStatus = (typeof STAGES)[number] | "failed" | "cancelled";
const ORGANIZATION = "org-populace-mock";
/** OpenAI's guide asks for at least 10 training examples. */
const MIN_EXAMPLES = 10;

interface StoredFile {
  object: Json;
  content: Buffer;
}

interface Job {
  object: Json & { status: JobStatus };
  events: Json[];
  tokens: number;
}

interface Reply {
  status: number;
  body: unknown;
  /** A raw body (file content) instead of JSON. */
  text?: string;
}

function openaiError(
  status: number,
  message: string,
  param: string | null = null,
  code: string | null = null,
): Reply {
  const type = status >= 500 ? "server_error" : "invalid_request_error";
  return { status, body: { error: { message, type, param, code } } };
}

/** Why a chat-format training file would be refused, or null when it is fine. */
export function trainingFileProblem(text: string): string | null {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length < MIN_EXAMPLES) {
    return `Training file has ${lines.length} example(s), but must have at least ${MIN_EXAMPLES} examples`;
  }
  for (let i = 0; i < lines.length; i++) {
    const at = `line ${i + 1}`;
    let ex: unknown;
    try {
      ex = JSON.parse(lines[i]);
    } catch {
      return `Invalid file format: ${at} is not valid JSON`;
    }
    const messages = (ex as Json)?.messages;
    if (!Array.isArray(messages) || messages.length === 0)
      return `Invalid file format: ${at} has no "messages" list`;
    let trained = 0;
    for (const [j, m] of (messages as Json[]).entries()) {
      const where = `${at}, messages[${j}]`;
      if (!m || typeof m !== "object") return `Invalid file format: ${where} is not an object`;
      if (!["system", "user", "assistant", "tool"].includes(String(m.role))) {
        return `Invalid file format: ${where} has an unrecognized role ${JSON.stringify(m.role)}`;
      }
      if (typeof m.content !== "string" && !(m.role === "assistant" && Array.isArray(m.tool_calls))) {
        return `Invalid file format: ${where} has no content`;
      }
      if (m.weight !== undefined) {
        if (m.role !== "assistant")
          return `Invalid file format: ${where}: weight is only allowed on assistant messages`;
        if (m.weight !== 0 && m.weight !== 1) return `Invalid file format: ${where}: weight must be 0 or 1`;
      }
      if (m.role === "assistant" && m.weight !== 0) trained++;
    }
    if (trained === 0) return `Invalid file format: ${at} has no assistant message to train on`;
  }
  return null;
}

export interface FineTuningApi {
  /** Whether this module serves the route. */
  serves(method: string, path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): Promise<void>;
  /** A model the mock answers for: a fine-tuned model id of a job that succeeded. */
  hasModel(model: string): boolean;
  models(): Json[];
}

export function createFineTuningApi(seed: string): FineTuningApi {
  const files = new Map<string, StoredFile>();
  const jobs = new Map<string, Job>();
  const tuned = new Set<string>();
  const ids = createRng(`${seed}:fine-tuning-ids`);
  const now = () => Math.floor(Date.now() / 1000);
  const newId = (prefix: string) =>
    `${prefix}${Array.from({ length: 24 }, () => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[ids.int(62)]).join("")}`;

  function event(job: Job, message: string, level = "info", type = "message", data: Json = {}): void {
    job.events.push({
      object: "fine_tuning.job.event",
      id: newId("ftevent-"),
      created_at: now(),
      level,
      message,
      data,
      type,
    });
  }

  /** One stage further, as a real job would move between two looks at it. */
  function advance(job: Job): void {
    const j = job.object;
    if (j.status === "validating_files") {
      const file = files.get(String(j.training_file));
      const problem = file
        ? trainingFileProblem(file.content.toString("utf8"))
        : "The training file was deleted";
      if (problem) {
        j.status = "failed";
        j.error = { code: "invalid_training_file", message: problem, param: "training_file" };
        j.finished_at = now();
        event(job, problem, "error");
        return;
      }
      j.status = "queued";
      event(job, "Files validated, moving job to queued state");
    } else if (j.status === "queued") {
      j.status = "running";
      j.estimated_finish = now() + 60;
      event(job, "Fine-tuning job started");
    } else if (j.status === "running") {
      const epochs =
        (j.hyperparameters as Json).n_epochs === "auto" ? 3 : Number((j.hyperparameters as Json).n_epochs);
      const rng = createRng(`${seed}:${j.id}:loss`);
      for (let e = 1; e <= epochs; e++) {
        const loss = Math.round((1.5 / e + rng.next() * 0.1) * 1000) / 1000;
        event(job, `Step ${e}/${epochs}: training loss=${loss}`, "info", "metrics", {
          step: e,
          train_loss: loss,
        });
      }
      const suffix = j.user_provided_suffix ? String(j.user_provided_suffix) : "";
      const model = `ft:${j.model}:${ORGANIZATION}:${suffix}:${String(j.id).slice(-8)}`;
      const results = newId("file-");
      files.set(results, {
        object: {
          id: results,
          object: "file",
          bytes: 0,
          created_at: now(),
          filename: "step_metrics.csv",
          purpose: "fine-tune-results",
          status: "processed",
        },
        content: Buffer.from("step,train_loss\n"),
      });
      Object.assign(j, {
        status: "succeeded",
        fine_tuned_model: model,
        finished_at: now(),
        estimated_finish: null,
        trained_tokens: job.tokens * epochs,
        result_files: [results],
      });
      tuned.add(model);
      event(job, `New fine-tuned model created: ${model}`);
      event(job, "The job has successfully completed");
    }
  }

  async function route(
    req: IncomingMessage,
    path: string,
    raw: Buffer,
    url: URL,
  ): Promise<{ status: number; body: unknown; text?: string }> {
    const method = req.method ?? "GET";
    if (path === "/v1/files" && method === "POST") {
      const type = req.headers["content-type"] ?? "";
      if (!type.startsWith("multipart/form-data"))
        return openaiError(400, "Expected a multipart/form-data upload with fields file and purpose");
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(raw), { headers: { "content-type": type } }).formData();
      } catch {
        return openaiError(400, "Could not parse the multipart form");
      }
      const purpose = form.get("purpose");
      const file = form.get("file");
      if (typeof purpose !== "string")
        return openaiError(400, "Missing required parameter: 'purpose'.", "purpose");
      if (!FILE_PURPOSES.includes(purpose)) {
        return openaiError(
          400,
          `'${purpose}' is not one of ${FILE_PURPOSES.map((p) => `'${p}'`).join(", ")} - 'purpose'`,
          "purpose",
        );
      }
      if (!file || typeof file === "string")
        return openaiError(400, "Missing required parameter: 'file'.", "file");
      const content = Buffer.from(await file.arrayBuffer());
      const id = newId("file-");
      const object = {
        id,
        object: "file",
        bytes: content.length,
        created_at: now(),
        expires_at: null,
        filename: file.name,
        purpose,
        status: "processed",
        status_details: null,
      };
      files.set(id, { object, content });
      return { status: 200, body: object };
    }
    if (path === "/v1/files" && method === "GET") {
      const purpose = url.searchParams.get("purpose");
      const data = [...files.values()]
        .map((f) => f.object)
        .filter((o) => !purpose || o.purpose === purpose)
        .reverse();
      return {
        status: 200,
        body: {
          object: "list",
          data,
          first_id: data[0]?.id ?? null,
          last_id: data.at(-1)?.id ?? null,
          has_more: false,
        },
      };
    }
    const fileMatch = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (fileMatch) {
      const f = files.get(fileMatch[1]);
      if (!f) return openaiError(404, `No such File object: ${fileMatch[1]}`, "id");
      if (fileMatch[2] && method === "GET")
        return { status: 200, body: null, text: f.content.toString("utf8") };
      if (method === "GET") return { status: 200, body: f.object };
      if (method === "DELETE") {
        files.delete(fileMatch[1]);
        return { status: 200, body: { id: fileMatch[1], object: "file", deleted: true } };
      }
    }
    if (path === "/v1/fine_tuning/jobs" && method === "POST") {
      let body: Json;
      try {
        body = JSON.parse(raw.toString("utf8")) as Json;
      } catch {
        return openaiError(400, "We could not parse the JSON body of your request.");
      }
      if (typeof body.model !== "string" || body.model === "")
        return openaiError(400, "Missing required parameter: 'model'.", "model");
      if (typeof body.training_file !== "string")
        return openaiError(400, "Missing required parameter: 'training_file'.", "training_file");
      const file = files.get(body.training_file);
      if (!file) return openaiError(400, `invalid training_file: ${body.training_file}`, "training_file");
      if (file.object.purpose !== "fine-tune") {
        return openaiError(
          400,
          `File ${body.training_file} has purpose '${file.object.purpose}'; fine-tuning needs purpose 'fine-tune'`,
          "training_file",
        );
      }
      if (typeof body.suffix === "string" && body.suffix.length > 64)
        return openaiError(400, "suffix must be at most 64 characters", "suffix");
      const method_ = (body.method as Json | undefined) ?? {
        type: "supervised",
        supervised: { hyperparameters: body.hyperparameters ?? {} },
      };
      const given = ((method_.supervised as Json | undefined)?.hyperparameters ??
        body.hyperparameters ??
        {}) as Json;
      const hyperparameters = {
        batch_size: given.batch_size ?? "auto",
        learning_rate_multiplier: given.learning_rate_multiplier ?? "auto",
        n_epochs: given.n_epochs ?? "auto",
      };
      const id = newId("ftjob-");
      const job: Job = {
        object: {
          object: "fine_tuning.job",
          id,
          model: body.model,
          created_at: now(),
          error: null,
          fine_tuned_model: null,
          finished_at: null,
          hyperparameters,
          organization_id: ORGANIZATION,
          result_files: [],
          status: "validating_files",
          trained_tokens: null,
          training_file: body.training_file,
          validation_file: typeof body.validation_file === "string" ? body.validation_file : null,
          integrations: [],
          seed: typeof body.seed === "number" ? body.seed : hash32(`${seed}:${id}`) % 2147483647,
          estimated_finish: null,
          method: { type: "supervised", supervised: { hyperparameters } },
          metadata: (body.metadata as Json | undefined) ?? null,
          user_provided_suffix: typeof body.suffix === "string" ? body.suffix : null,
        },
        events: [],
        tokens: estimateTokens(file.content.length),
      };
      jobs.set(id, job);
      event(job, `Validating training file: ${body.training_file}`);
      event(job, "Created fine-tuning job");
      return { status: 200, body: job.object };
    }
    if (path === "/v1/fine_tuning/jobs" && method === "GET") {
      const all = [...jobs.values()].map((j) => j.object).reverse();
      return { status: 200, body: page(all, url) };
    }
    const jobMatch = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    if (jobMatch) {
      const job = jobs.get(jobMatch[1]);
      if (!job)
        return openaiError(404, `Could not find fine-tuning job ${jobMatch[1]}`, "fine_tuning_job_id");
      if (!jobMatch[2] && method === "GET") {
        advance(job);
        return { status: 200, body: job.object };
      }
      if (jobMatch[2] === "/events" && method === "GET")
        return { status: 200, body: page([...job.events].reverse(), url) };
      if (jobMatch[2] === "/cancel" && method === "POST") {
        if (["succeeded", "failed", "cancelled"].includes(job.object.status)) {
          return openaiError(
            400,
            `Job ${job.object.id} has already ${job.object.status === "cancelled" ? "been cancelled" : job.object.status}`,
          );
        }
        job.object.status = "cancelled";
        job.object.finished_at = now();
        event(job, "Fine-tuning job cancelled");
        return { status: 200, body: job.object };
      }
    }
    return openaiError(404, `no route for ${method} ${path}`);
  }

  return {
    serves: (_method, path) =>
      path === "/v1/files" || path.startsWith("/v1/files/") || path.startsWith("/v1/fine_tuning/jobs"),
    async handle(req, res, path, raw) {
      const auth = req.headers.authorization;
      const out: Reply =
        typeof auth === "string" && auth.includes("mock-invalid-key")
          ? openaiError(401, "Incorrect API key provided", null, "invalid_api_key")
          : await route(req, path, raw, new URL(req.url ?? "/", "http://mock"));
      if (res.destroyed) return;
      if (out.text !== undefined) {
        res.writeHead(out.status, { "content-type": "application/octet-stream" });
        res.end(out.text);
        return;
      }
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(JSON.stringify(out.body));
    },
    hasModel: (model) => tuned.has(model),
    models: () => [...tuned].map((id) => ({ id, object: "model", created: 0, owned_by: ORGANIZATION })),
  };
}

/** OpenAI's cursor pages: `after` an id, at most `limit` (default 20), newest first. */
function page(all: Json[], url: URL): Json {
  const limit = Math.max(1, Math.min(100, Number(url.searchParams.get("limit") ?? 20) || 20));
  const after = url.searchParams.get("after");
  const start = after ? all.findIndex((x) => x.id === after) + 1 : 0;
  const data = all.slice(start, start + limit);
  return { object: "list", data, has_more: start + limit < all.length };
}
