/**
 * The `interviews` population source: transcript files (or a folder of them) become agents,
 * each with its redacted transcript and, when known, demographics from a CSV by person id or
 * from a genagents scratch.json beside its nodes.json.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative } from "node:path";
import { column, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { seededSample } from "../sample.ts";
import type { Agent } from "../types.ts";
import {
  labelKey,
  parseGenagentsNodes,
  parseJsonlTranscript,
  parseTextTranscript,
  type RawTranscript,
} from "./parse.ts";
import { identifyingField } from "./redact.ts";
import { buildTranscript } from "./transcript.ts";
import type { Redaction, TranscriptFormat } from "./types.ts";

export interface DemographicsCsv {
  file: string;
  /** Column holding the person id (matched against transcript ids). */
  idColumn: string;
  /** Columns that become attributes (default: all but the id). */
  columns?: string[];
}

export interface InterviewSourceOptions {
  /** Transcript files; `id` overrides the id taken from the file name. */
  files?: readonly (string | { file: string; id?: string })[];
  /**
   * A folder searched (with its subfolders) for *.txt, *.md, *.jsonl and nodes.json; LICENSE,
   * README, PROVENANCE, CHANGELOG and NOTICE files are skipped.
   */
  dir?: string;
  format?: "auto" | TranscriptFormat;
  /** Speaker label of the interviewer (default "Interviewer"). */
  interviewer?: string;
  demographics?: DemographicsCsv;
  /** Mask PII (default true). */
  redact?: boolean;
  n?: number;
  seed: number | string;
}

const TEXT_EXTENSIONS = new Set([".txt", ".md", ".text"]);
/** Files a data folder carries beside its transcripts (the sample has LICENSE and PROVENANCE). */
const NOT_TRANSCRIPTS = /^(license|licence|readme|provenance|changelog|notice)([-_.].*)?$/i;
const ID_OK = /^[A-Za-z0-9_.:-]+$/;

function formatOf(file: string, format: InterviewSourceOptions["format"]): TranscriptFormat {
  if (format && format !== "auto") return format;
  const ext = extname(file).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".json") return "genagents";
  return "text";
}

/** The folder that names a genagents agent: nodes.json sits in <agent>/memory_stream/ or in <agent>/. */
function agentFolder(file: string): string {
  const folder = dirname(file);
  return basename(folder) === "memory_stream" ? dirname(folder) : folder;
}

function defaultId(file: string, format: TranscriptFormat): string {
  const name =
    format === "genagents" && basename(file) === "nodes.json"
      ? basename(agentFolder(file))
      : basename(file, extname(file));
  return name.replace(/[^A-Za-z0-9_.:-]+/g, "-").replace(/^-+|-+$/g, "") || "interview";
}

function listDir(dir: string, format: InterviewSourceOptions["format"]): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError("not a folder", { where: dir });
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read the folder (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: dir,
    });
  }
  const wanted = (name: string) => {
    if (NOT_TRANSCRIPTS.test(basename(name))) return false;
    const ext = extname(name).toLowerCase();
    const f = format && format !== "auto" ? format : undefined;
    if (basename(name) === "nodes.json") return !f || f === "genagents";
    if (ext === ".jsonl" || ext === ".ndjson") return !f || f === "jsonl";
    return TEXT_EXTENSIONS.has(ext) && (!f || f === "text");
  };
  const files = entries
    .filter((e) => wanted(e))
    .map((e) => join(dir, e))
    .filter((p) => statSync(p).isFile())
    .sort();
  if (files.length === 0) {
    throw new UserError("no transcripts here (looked for *.txt, *.md, *.jsonl and nodes.json)", {
      where: dir,
    });
  }
  return files;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the transcript (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: file,
    });
  }
}

interface Demographics {
  attributes: Record<string, string>;
  from: string;
  /** Values of dropped name fields: masked in the transcript too. */
  names: string[];
  dropped: Redaction[];
}

function keepAttribute(name: string, value: string, where: string, d: Demographics, redact: boolean): void {
  const kind = redact ? identifyingField(name) : undefined;
  if (kind) {
    d.dropped.push({ kind, where: `${where} (${name})` });
    if (kind === "name") d.names.push(value, ...value.split(/\s+/).filter((w) => w.length > 2));
  } else if (value !== "") d.attributes[name] = value;
}

/** genagents scratch.json: a flat object of the person's attributes. */
function readScratch(file: string, redact: boolean): Demographics {
  let data: unknown;
  try {
    data = JSON.parse(readText(file));
  } catch (error) {
    throw new UserError(`not valid JSON: ${(error as Error).message}`, { where: file });
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    throw new UserError("expected a JSON object of the person's attributes", { where: file });
  }
  const d: Demographics = { attributes: {}, from: file, names: [], dropped: [] };
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    if (typeof value === "object") {
      throw new UserError(`attribute "${name}" is not a single value`, { where: file });
    }
    keepAttribute(name, String(value).trim(), file, d, redact);
  }
  return d;
}

function readDemographicsCsv(spec: DemographicsCsv, redact: boolean): Map<string, Demographics> {
  const table = readCsv(spec.file);
  const idCol = column(table, spec.idColumn);
  const names = spec.columns ?? table.header.filter((_, i) => i !== idCol);
  const cols = names.map((name) => ({ name, i: column(table, name) }));
  const byId = new Map<string, Demographics>();
  table.rows.forEach((row, r) => {
    const where = `${table.file}:${table.lines[r]}`;
    const id = row[idCol].trim();
    if (id === "") throw new UserError(`empty id in column "${spec.idColumn}"`, { where });
    if (byId.has(id)) throw new UserError(`duplicate person id "${id}"`, { where });
    const d: Demographics = { attributes: {}, from: where, names: [], dropped: [] };
    for (const { name, i } of cols) keepAttribute(name, row[i].trim(), where, d, redact);
    byId.set(id, d);
  });
  return byId;
}

function parse(file: string, format: TranscriptFormat, interviewer: string): RawTranscript {
  const text = readText(file);
  if (format === "jsonl") return parseJsonlTranscript(text, file);
  if (format === "genagents") return parseGenagentsNodes(text, file, labelKey(interviewer));
  return parseTextTranscript(text, file, labelKey(interviewer));
}

/** Agents from interview transcripts, sorted by id, then sampled (n) with the seed. */
export function loadInterviewAgents(options: InterviewSourceOptions): Agent[] {
  if (Boolean(options.files?.length) === Boolean(options.dir)) {
    throw new UserError("give either files or dir (one of them)");
  }
  const interviewer = options.interviewer ?? "Interviewer";
  const entries = options.dir
    ? listDir(options.dir, options.format).map((file) => ({ file, id: undefined as string | undefined }))
    : options.files!.map((f) => (typeof f === "string" ? { file: f, id: undefined } : f));
  const redact = options.redact !== false;
  const csv = options.demographics ? readDemographicsCsv(options.demographics, redact) : undefined;
  const seen = new Map<string, string>();
  const agents: Agent[] = [];
  for (const entry of entries) {
    const format = formatOf(entry.file, options.format);
    const id = entry.id ?? defaultId(entry.file, format);
    if (!ID_OK.test(id)) {
      throw new UserError(`person id "${id}" may use letters, digits and _ . : - only`, {
        where: entry.file,
      });
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      const hint = options.dir ? ` (relative to the folder: ${relative(options.dir, earlier)})` : "";
      throw new UserError(`two transcripts for person "${id}": this one and ${earlier}${hint}`, {
        where: entry.file,
      });
    }
    seen.set(id, entry.file);
    const raw = parse(entry.file, format, interviewer);
    const scratch = join(agentFolder(entry.file), "scratch.json");
    const demographics =
      csv?.get(id) ??
      (format === "genagents" && existsSync(scratch) ? readScratch(scratch, redact) : undefined);
    const transcript = buildTranscript(raw, { interviewer, redact, names: demographics?.names });
    if (demographics) transcript.redactions.push(...demographics.dropped);
    agents.push({
      id,
      source: "interview",
      attributes: { ...(demographics?.attributes ?? {}) },
      interview: { ...transcript, demographics: demographics?.from },
    });
  }
  agents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return seededSample(agents, options.n, options.seed, "transcripts");
}
