/**
 * What the reflection stage found, read back when the answering stage is planned: each person's
 * observations (from the experts' turns) and, when they were embedded, their vectors (from the
 * embedding turn's reply). The observations are also kept in the store's reflections table, by
 * the transcript they were written from, so `populace agents show` and later studies find them.
 */
import { createHash } from "node:crypto";
import type { PlannedJob } from "../designs/index.ts";
import { readEmbeddings } from "../llm/index.ts";
import type { ReflectionRecord, Store } from "../store/types.ts";
import type { Expert } from "./experts.ts";
import { EMBEDDINGS_SPEAKER } from "./program.ts";
import type { Observation, PersonReflections } from "./select.ts";

/** A person's reflections, or why there are none (the reason of their failed reflection turns). */
export type Found = PersonReflections | { failed: string };

/** The digest a reflection is kept under: of the transcript text the experts read. */
export function transcriptDigest(system: string): string {
  return createHash("sha256").update(system).digest("hex").slice(0, 32);
}

interface Turns {
  observations: Observation[];
  failed: string[];
  vectorsText?: string;
}

/**
 * Reads the reflection jobs' turns (the stage's jobs in plan order) and returns what each found,
 * by job seq; saves what was written in the store's reflections table.
 */
export async function loadReflections(
  store: Store,
  runId: string,
  jobs: readonly PlannedJob[],
  experts: readonly Expert[],
  keep: { digest: (job: PlannedJob) => string; model: string },
): Promise<Map<number, Found>> {
  const bySeq = new Map(jobs.map((j) => [j.seq, j]));
  const names = new Set(experts.map((e) => e.name));
  const turns = new Map<number, Turns>();
  const records: ReflectionRecord[] = [];
  const now = new Date().toISOString();
  for await (const t of store.turns(runId)) {
    const job = bySeq.get(t.seq);
    if (!job) continue;
    let found = turns.get(t.seq);
    if (!found) {
      found = { observations: [], failed: [] };
      turns.set(t.seq, found);
    }
    if (t.speaker === EMBEDDINGS_SPEAKER) {
      if (t.status === "ok") found.vectorsText = t.text;
      continue;
    }
    if (!names.has(t.speaker)) continue;
    if (t.status !== "ok") {
      found.failed.push(t.reason ?? "no reason recorded");
      continue;
    }
    const value = (t.payload as { value?: unknown } | null)?.value;
    const texts = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
    for (const text of texts) found.observations.push({ expert: t.speaker, text });
    records.push({
      transcriptDigest: keep.digest(job),
      expert: t.speaker,
      model: t.model ?? keep.model,
      agentId: job.agentId,
      observations: texts,
      runId,
      createdAt: now,
    });
  }
  if (records.length) await store.saveReflections(records);
  const out = new Map<number, Found>();
  for (const job of jobs) {
    const found = turns.get(job.seq);
    if (!found || found.observations.length === 0) {
      out.set(job.seq, { failed: found?.failed[0] ?? "the reflection job wrote no observations" });
      continue;
    }
    const person: PersonReflections = { observations: found.observations };
    if (found.vectorsText !== undefined) {
      const vectors = readEmbeddings(found.vectorsText, found.observations.length);
      if (Array.isArray(vectors)) person.vectors = vectors;
    }
    out.set(job.seq, person);
  }
  return out;
}
