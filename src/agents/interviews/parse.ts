/**
 * Reading transcripts into turns: plain text with `Speaker: text` lines, JSONL with one
 * `{"speaker", "text"}` object per line, and the genagents memory stream (nodes.json, whose
 * observation nodes each hold one "Interviewer: …\n\nName: …" exchange). Every problem names the
 * file and line.
 */
import { UserError } from "../../errors/index.ts";
import type { TranscriptFormat, Turn } from "./types.ts";

/** Turns as read, before exchanges, labels and redaction. `group` ties a turn to its genagents node. */
export interface RawTurn extends Turn {
  group?: number;
}

export interface RawTranscript {
  file: string;
  format: TranscriptFormat;
  turns: RawTurn[];
  /** Turns whose text was empty, dropped. */
  emptyTurns: number;
  /** genagents nodes that are not observations (reflections), left out of the transcript. */
  otherNodes: number;
}

interface SourceLine {
  text: string;
  line: number;
  group?: number;
}

// "Speaker: text", optionally after a timestamp ("[00:12:31] Interviewer: …") as transcription
// tools write them. A label is 1-4 words starting with a letter.
const SPEAKER_LINE =
  /^\s*(?:[[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*)?([\p{L}][\p{L}\p{N}.'’ -]{0,39}?)[ \t]*:(?:[ \t]+(.*)|$)/u;

function speakerOf(text: string): { label: string; rest: string } | null {
  const m = SPEAKER_LINE.exec(text);
  if (!m) return null;
  const label = m[1].trim();
  if (label.split(/\s+/).length > 4) return null;
  return { label, rest: m[2] ?? "" };
}

/** Case- and spacing-insensitive key of a speaker label. */
export function labelKey(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, " ");
}

function linesOf(text: string, firstLine = 1, group?: number): SourceLine[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ text: t, line: firstLine + i, group }));
}

/**
 * Which `Label:` openings are speakers. A label used once in a long transcript ("Note: …" inside
 * an answer) is read as text, unless it is the interviewer's or no other speaker would be left.
 */
function speakerLabels(lines: SourceLine[], interviewerKey: string): Set<string> {
  const counts = new Map<string, number>();
  for (const l of lines) {
    const s = speakerOf(l.text);
    if (s) counts.set(labelKey(s.label), (counts.get(labelKey(s.label)) ?? 0) + 1);
  }
  const speakers = new Set<string>();
  for (const [key, n] of counts) if (n >= 2 || key === interviewerKey) speakers.add(key);
  const others = [...speakers].filter((k) => k !== interviewerKey);
  if (others.length === 0) for (const key of counts.keys()) speakers.add(key);
  return speakers;
}

/** Lines into turns: a speaker line opens a turn, other lines continue it (paragraphs kept). */
function turnsOf(lines: SourceLine[], file: string, interviewerKey: string) {
  const speakers = speakerLabels(lines, interviewerKey);
  const turns: RawTurn[] = [];
  let current: { speaker: string; parts: string[]; line: number; group?: number } | null = null;
  let emptyTurns = 0;
  const close = () => {
    if (!current) return;
    const text = current.parts
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    if (text === "") emptyTurns++;
    else turns.push({ speaker: current.speaker, text, line: current.line, group: current.group });
    current = null;
  };
  for (const l of lines) {
    const s = speakerOf(l.text);
    // A new genagents node always starts a new turn, even when its first line is not a speaker line.
    if ((s && speakers.has(labelKey(s.label))) || (current && l.group !== current.group)) {
      close();
      if (!s || !speakers.has(labelKey(s.label))) {
        throw new UserError(`expected a "Speaker: text" turn at the start of this node`, {
          where: `${file}:${l.line}`,
        });
      }
      current = { speaker: s.label, parts: [s.rest], line: l.line, group: l.group };
    } else if (current) {
      current.parts.push(l.text.trim());
    } else if (l.text.trim() !== "") {
      throw new UserError(
        `text before the first "Speaker: text" turn (a transcript starts with a line such as "Interviewer: …")`,
        { where: `${file}:${l.line}` },
      );
    }
  }
  close();
  return { turns, emptyTurns };
}

function nonEmpty(text: string, file: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw new UserError("the transcript is empty", { where: file });
  return body;
}

export function parseTextTranscript(text: string, file: string, interviewerKey: string): RawTranscript {
  const lines = linesOf(nonEmpty(text, file));
  const { turns, emptyTurns } = turnsOf(lines, file, interviewerKey);
  if (turns.length === 0) {
    throw new UserError(`no "Speaker: text" turns found (expected lines such as "Interviewer: …")`, {
      where: `${file}:1`,
    });
  }
  return { file, format: "text", turns, emptyTurns, otherNodes: 0 };
}

export function parseJsonlTranscript(text: string, file: string): RawTranscript {
  const turns: RawTurn[] = [];
  let emptyTurns = 0;
  linesOf(nonEmpty(text, file)).forEach(({ text: raw, line }) => {
    if (raw.trim() === "") return;
    const where = `${file}:${line}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new UserError(`not a JSON object: ${(error as Error).message}`, { where });
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new UserError(`expected an object {"speaker": "...", "text": "..."}`, { where });
    }
    const { speaker, text: said } = value as Record<string, unknown>;
    for (const [name, v] of [
      ["speaker", speaker],
      ["text", said],
    ] as const) {
      if (typeof v !== "string") {
        throw new UserError(`"${name}" must be a string, got ${v === undefined ? "nothing" : typeof v}`, {
          where,
        });
      }
    }
    if ((speaker as string).trim() === "") throw new UserError(`"speaker" is empty`, { where });
    if ((said as string).trim() === "") emptyTurns++;
    else turns.push({ speaker: (speaker as string).trim(), text: (said as string).trim(), line });
  });
  return { file, format: "jsonl", turns, emptyTurns, otherNodes: 0 };
}

/** The 1-based line on which each element of a top-level JSON array starts. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectValue && !/\s/.test(ch) && ch !== "]") {
      lines.push(line);
      expectValue = false;
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 1) expectValue = true;
  }
  return lines;
}

function jsonErrorLine(text: string, message: string): number {
  const m = /line (\d+)/.exec(message);
  if (m) return Number(m[1]);
  const p = /position (\d+)/.exec(message);
  return p ? text.slice(0, Number(p[1])).split("\n").length : 1;
}

/** genagents nodes.json: the observation nodes, in order, each one exchange. */
export function parseGenagentsNodes(text: string, file: string, interviewerKey: string): RawTranscript {
  const body = nonEmpty(text, file);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    throw new UserError(`not valid JSON: ${message}`, { where: `${file}:${jsonErrorLine(body, message)}` });
  }
  if (!Array.isArray(data)) {
    throw new UserError("expected a genagents memory stream: a JSON array of nodes", { where: file });
  }
  const starts = elementLines(body);
  const lines: SourceLine[] = [];
  let otherNodes = 0;
  data.forEach((node, i) => {
    const where = `${file}:${starts[i] ?? 1}`;
    if (!node || typeof node !== "object" || Array.isArray(node)) {
      throw new UserError(`node [${i}] is not an object`, { where });
    }
    const { content, node_type: type } = node as Record<string, unknown>;
    if (typeof content !== "string") throw new UserError(`node [${i}] has no "content" text`, { where });
    if (type !== undefined && type !== "observation") {
      otherNodes++;
      return;
    }
    // A node's text sits on one JSON line; every turn in it is located at that node.
    for (const l of linesOf(content, starts[i] ?? 1, i)) lines.push({ ...l, line: starts[i] ?? 1 });
  });
  const { turns, emptyTurns } = turnsOf(lines, file, interviewerKey);
  if (turns.length === 0) {
    throw new UserError(
      `no "Speaker: text" turns in the observation nodes (${data.length} nodes, ${otherNodes} of them not observations)`,
      { where: file },
    );
  }
  return { file, format: "genagents", turns, emptyTurns, otherNodes };
}
