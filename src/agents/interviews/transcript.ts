/**
 * From turns as read to a transcript: who interviewed and who was interviewed, turns grouped
 * into exchanges, speaker labels reduced to first names, PII masked.
 */
import { UserError } from "../../errors/index.ts";
import { labelKey, type RawTranscript } from "./parse.ts";
import { redactor } from "./redact.ts";
import type { Exchange, Redaction, Transcript, Turn } from "./types.ts";

export interface TranscriptOptions {
  /** The interviewer's speaker label (case ignored). */
  interviewer: string;
  /** Mask PII (default true). */
  redact?: boolean;
  /** More names to mask besides the respondent's surname (e.g. a last_name from demographics). */
  names?: readonly string[];
}

function countWords(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

export function buildTranscript(raw: RawTranscript, options: TranscriptOptions): Transcript {
  const interviewerKey = labelKey(options.interviewer);
  const labels = new Map<string, string>();
  const words = new Map<string, number>();
  for (const t of raw.turns) {
    const key = labelKey(t.speaker);
    if (!labels.has(key)) labels.set(key, t.speaker);
    words.set(key, (words.get(key) ?? 0) + countWords(t.text));
  }
  if (!labels.has(interviewerKey)) {
    throw new UserError(
      `no turn by the interviewer "${options.interviewer}" (speakers: ${[...labels.values()].join(", ")}); ` +
        "set interviewer: to the label the interviewer's turns start with",
      { where: raw.file },
    );
  }
  const others = [...words.entries()].filter(([k]) => k !== interviewerKey).sort((a, b) => b[1] - a[1]);
  if (others.length === 0) {
    throw new UserError(`only the interviewer "${options.interviewer}" speaks: no answers to learn from`, {
      where: raw.file,
    });
  }
  // Speakers other than the interviewer are shown by their first name; the rest of their label
  // (a surname) is masked wherever it appears.
  const shown = new Map<string, string>();
  const surnames: string[] = [];
  for (const [key, label] of labels) {
    if (key === interviewerKey) {
      shown.set(key, label);
      continue;
    }
    const [first, ...rest] = label.split(/\s+/);
    shown.set(key, first);
    if (rest.length) surnames.push(rest.join(" "), ...rest.filter((w) => w.length > 2));
  }
  const redactions: Redaction[] = [];
  const mask = options.redact === false ? null : redactor([...surnames, ...(options.names ?? [])]);
  const turns: (Turn & { group?: number })[] = raw.turns.map((t) => ({
    speaker: shown.get(labelKey(t.speaker))!,
    text: mask ? mask.mask(t.text, `${raw.file}:${t.line}`, redactions) : t.text,
    line: t.line,
    group: t.group,
  }));
  const exchanges: Exchange[] = [];
  if (raw.format === "genagents") {
    // One memory node, one exchange.
    let group: number | undefined;
    for (const t of turns) {
      if (exchanges.length === 0 || t.group !== group) exchanges.push([]);
      group = t.group;
      exchanges[exchanges.length - 1].push({ speaker: t.speaker, text: t.text, line: t.line });
    }
  } else {
    const interviewerShown = shown.get(interviewerKey);
    for (const t of turns) {
      if (exchanges.length === 0 || t.speaker === interviewerShown) exchanges.push([]);
      exchanges[exchanges.length - 1].push({ speaker: t.speaker, text: t.text, line: t.line });
    }
  }
  let total = 0;
  for (const n of words.values()) total += n;
  return {
    file: raw.file,
    format: raw.format,
    interviewer: shown.get(interviewerKey)!,
    respondent: shown.get(others[0][0])!,
    exchanges,
    words: total,
    emptyTurns: raw.emptyTurns,
    redactions,
  };
}
