import { statSync } from "node:fs";
import { basename, relative } from "node:path";
import type { Command } from "commander";
import {
  type Agent,
  describeRedactions,
  loadInterviewAgents,
  profileText,
  type Redaction,
  withConditioning,
} from "../../agents/index.ts";
import { UserError } from "../../errors/index.ts";
import { commandGroup } from "../group.ts";
import { numberFlag } from "../options.ts";

interface TranscriptsFlags {
  format: "auto" | "text" | "jsonl" | "genagents";
  interviewer: string;
  demographics?: string;
  idColumn?: string;
  redact: boolean;
  show?: string;
  keep?: string;
  seed: string;
  json?: boolean;
}

function load(paths: string[], flags: TranscriptsFlags): Agent[] {
  const common = {
    format: flags.format,
    interviewer: flags.interviewer,
    redact: flags.redact,
    seed: 1,
    demographics: flags.demographics
      ? { file: flags.demographics, idColumn: flags.idColumn ?? "person_id" }
      : undefined,
  };
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const files = paths.filter((p) => !isDir(p));
  const agents = files.length ? loadInterviewAgents({ ...common, files }) : [];
  for (const dir of paths.filter(isDir)) agents.push(...loadInterviewAgents({ ...common, dir }));
  const seen = new Map<string, string>();
  for (const a of agents) {
    const earlier = seen.get(a.id);
    if (earlier)
      throw new UserError(`two transcripts for person "${a.id}": this one and ${earlier}`, {
        where: a.interview!.file,
      });
    seen.set(a.id, a.interview!.file);
  }
  return agents;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** "  p1: 2 emails at p1.txt:3, p1.txt:9; 1 name at people.csv:2 (last_name)", at most 5 places a kind. */
function masksByPerson(agents: readonly Agent[]): string[] {
  return agents
    .filter((a) => a.interview!.redactions.length > 0)
    .map((a) => {
      const byKind = new Map<string, Redaction[]>();
      for (const r of a.interview!.redactions) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
      const parts = [...byKind.values()].map((rs) => {
        const places = [...new Set(rs.map((r) => relative(".", r.where) || r.where))];
        const shown = places.length > 5 ? [...places.slice(0, 5), `${places.length - 5} more`] : places;
        return `${describeRedactions(rs)} at ${shown.join(", ")}`;
      });
      return `  ${a.id}: ${parts.join("; ")}`;
    });
}

export function register(program: Command): void {
  commandGroup(program, "agents", "Simulated people: preview interview agents before a study uses them")
    .command("preview")
    .description(
      "Read interview transcripts as a study would (source: interviews) and report people, exchanges, words and what was masked",
    )
    .argument("<paths...>", "transcript files (.txt/.md, .jsonl, genagents nodes.json) or folders of them")
    .option("--format <f>", "auto (by extension) | text | jsonl | genagents", "auto")
    .option("--interviewer <label>", "speaker label of the interviewer", "Interviewer")
    .option(
      "--demographics <csv>",
      "attributes by person id (else a genagents scratch.json beside nodes.json)",
    )
    .option("--id-column <col>", "person id column of --demographics", "person_id")
    .option("--no-redact", "keep emails, phone numbers, street addresses and surnames")
    .option("--show <id>", "print this person's interview as it opens their prompts")
    .option("--keep <share>", "with --show: keep this share of the exchanges (an ablation), e.g. 0.2")
    .option("--seed <s>", "with --keep: seed of the kept share", "1")
    .option("--json", "print one JSON document")
    .action((paths: string[], flags: TranscriptsFlags) => {
      if (!["auto", "text", "jsonl", "genagents"].includes(flags.format)) {
        throw new UserError(`--format must be auto, text, jsonl or genagents, got "${flags.format}"`);
      }
      const keep = numberFlag("keep", flags.keep, (n) => n > 0 && n <= 1, "a share in (0, 1]");
      const agents = load(paths, flags);
      const out = process.stdout;
      if (flags.show !== undefined) {
        const agent = agents.find((a) => a.id === flags.show);
        if (!agent) {
          throw new UserError(`no person "${flags.show}" (people: ${agents.map((a) => a.id).join(", ")})`);
        }
        const [conditioned] = withConditioning([agent], { mode: "interview", keep, seed: flags.seed });
        out.write(`${profileText(conditioned)}\n`);
        return;
      }
      const all = agents.flatMap((a) => a.interview!.redactions);
      if (flags.json) {
        const masked: Record<string, number> = {};
        for (const r of all) masked[r.kind] = (masked[r.kind] ?? 0) + 1;
        const people = agents.map((a) => {
          const t = a.interview!;
          return {
            id: a.id,
            file: t.file,
            format: t.format,
            interviewer: t.interviewer,
            respondent: t.respondent,
            exchanges: t.exchanges.length,
            turns: t.exchanges.reduce((n, e) => n + e.length, 0),
            words: t.words,
            empty_turns: t.emptyTurns,
            demographics: t.demographics ?? null,
            attributes: Object.keys(a.attributes).length,
            redactions: t.redactions,
          };
        });
        out.write(`${JSON.stringify({ people, masked, redacted: flags.redact }, null, 2)}\n`);
        return;
      }
      const words = agents.reduce((n, a) => n + a.interview!.words, 0);
      const exchanges = agents.reduce((n, a) => n + a.interview!.exchanges.length, 0);
      const fmt = (n: number) => n.toLocaleString("en-US");
      out.write(
        `${agents.length} ${agents.length === 1 ? "person" : "people"}: ${fmt(exchanges)} exchanges, ${fmt(words)} words\n\n`,
      );
      const rows = [["person", "format", "exchanges", "words", "respondent", "demographics"]];
      for (const a of agents) {
        const t = a.interview!;
        const n = Object.keys(a.attributes).length;
        rows.push([
          a.id,
          t.format,
          fmt(t.exchanges.length),
          fmt(t.words),
          t.respondent,
          t.demographics ? `${basename(t.demographics)} (${n} attributes)` : "none",
        ]);
      }
      out.write(`${table(rows)}\n\n`);
      if (!flags.redact) out.write("redaction off (--no-redact): nothing was masked\n");
      else if (all.length === 0) out.write("masked: nothing\n");
      else out.write(`masked: ${describeRedactions(all)}\n${masksByPerson(agents).join("\n")}\n`);
    });
}
