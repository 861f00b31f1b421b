import { existsSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../errors/index.ts";
import { openStore, type ReflectionRecord, type Store } from "../../store/index.ts";
import { commandGroup } from "../group.ts";

/** What a profile that opens with an interview says about it (the intro names the speakers). */
function transcriptSummary(
  profile: string,
): { exchanges: number; words: number; interviewer: string } | null {
  const intro =
    /^Below (?:is the transcript of|are excerpts from) an interview with me[^\n]*"([^"]+)" asked the questions\./.exec(
      profile,
    );
  if (!intro) return null;
  const interviewer = intro[1];
  const exchanges = profile.split("\n\n").filter((p) => p.startsWith(`${interviewer}: `)).length;
  const words = profile.split(/\s+/).filter(Boolean).length;
  return { exchanges, words, interviewer };
}

/** The mock LLM server's replies are a test double's: say so wherever its text is shown. */
function mockNote(model: string): string {
  return /#mock$|^mock$/.test(model)
    ? " — the mock LLM server (a test double): not a language model's observations"
    : "";
}

const short = (text: string, n: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

async function show(store: Store, id: string, json: boolean, dbFile: string): Promise<string> {
  const records = await store.agentRecords(id);
  const reflections = await store.reflections(id);
  const interviews = (await store.interviews()).filter((s) => s.agentId === id);
  if (records.length === 0 && reflections.length === 0 && interviews.length === 0) {
    throw new UserError(
      `no person "${id}" in this database (it keeps the people of the studies run with it)`,
      {
        where: dbFile,
      },
    );
  }
  const studies = await Promise.all(
    records.map(async (r) => ({ ...r, study: (await store.getStudy(r.studyId))?.name ?? r.studyId })),
  );
  if (json) {
    return `${JSON.stringify(
      {
        agent_id: id,
        studies: studies.map((s) => ({
          study: s.study,
          version: s.studyId,
          source: s.source,
          attributes: s.attributes,
          profile: s.profile,
          transcript: transcriptSummary(s.profile),
        })),
        interviews: interviews.map((s) => ({
          id: s.id,
          script: s.script,
          status: s.status,
          turns: s.turns.length,
          words: s.turns.reduce((n, t) => n + t.text.split(/\s+/).filter(Boolean).length, 0),
          run: s.runId,
        })),
        reflections: reflections.map((r) => ({
          expert: r.expert,
          model: r.model,
          transcript_digest: r.transcriptDigest,
          run: r.runId,
          observations: r.observations,
        })),
      },
      null,
      2,
    )}\n`;
  }
  const lines = [`person ${id}`];
  const latest = studies.at(-1);
  if (latest) {
    lines.push(`  studies: ${studies.map((s) => `${s.study} (${s.source})`).join(", ")}`);
    const attrs = Object.entries(latest.attributes);
    lines.push(
      `  attributes (${attrs.length}): ${attrs.length ? short(attrs.map(([k, v]) => `${k} ${v}`).join("; "), 300) : "none"}`,
    );
    lines.push(
      `  profile (study ${latest.study}, ${latest.profile.split(/\s+/).filter(Boolean).length.toLocaleString("en-US")} words): ${short(latest.profile, 240)}`,
    );
  }
  const transcript = studies.map((s) => transcriptSummary(s.profile)).find((t) => t !== null);
  if (transcript) {
    lines.push(
      `  transcript: ${transcript.exchanges} exchanges, ${transcript.words.toLocaleString("en-US")} words as it opens the prompts (interviewer "${transcript.interviewer}")`,
    );
  }
  for (const s of interviews) {
    const words = s.turns.reduce((n, t) => n + t.text.split(/\s+/).filter(Boolean).length, 0);
    lines.push(
      `  interview ${s.id} (script ${s.script}, ${s.status}): ${s.turns.length} turns, ${words.toLocaleString("en-US")} words`,
    );
  }
  if (reflections.length === 0) lines.push("  reflections: none (interview+reflection studies write them)");
  const byModel = new Map<string, ReflectionRecord[]>();
  for (const r of reflections)
    byModel.set(`${r.model}|${r.transcriptDigest}`, [
      ...(byModel.get(`${r.model}|${r.transcriptDigest}`) ?? []),
      r,
    ]);
  for (const group of byModel.values()) {
    const { model, transcriptDigest } = group[0];
    lines.push(`  reflections by ${model} on transcript ${transcriptDigest.slice(0, 12)}${mockNote(model)}:`);
    for (const r of group) {
      lines.push(`    ${r.expert}:`);
      for (const o of r.observations) lines.push(`      - ${o}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  commandGroup(program, "agents", "Simulated people: preview interview agents before a study uses them")
    .command("show")
    .description(
      "A person as the database keeps them: attributes, profile, transcript summary, expert reflections",
    )
    .argument("<id>", "the person's agent id")
    .option("--db <file>", "SQLite database", "populace.db")
    .option("--json", "print one JSON document")
    .action(async (id: string, flags: { db: string; json?: boolean }) => {
      if (!existsSync(flags.db)) throw new UserError("database not found", { where: flags.db });
      const store = openStore(flags.db);
      try {
        process.stdout.write(await show(store, id, Boolean(flags.json), flags.db));
      } finally {
        await store.close();
      }
    });
}
