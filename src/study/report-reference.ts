import { loadGssPanel } from "../datasets/index.ts";
import { UserError } from "../errors/index.ts";
import type { Question } from "../instruments/types.ts";

/** How real people answered an item: the yardstick beside the simulated distribution. */
export interface HumanReference {
  source: string;
  /** Respondents who gave a substantive answer (missing codes left out). */
  n: number;
  /** Closed items: each option's share, options in order. */
  shares?: { answer: string; share: number }[];
  /** Numeric items: the mean answer. */
  mean?: number;
}

export const GSS_REFERENCE_SOURCE =
  "first interviews of the GSS panels 2006, 2008, 2010 and 2016 (2006–2018), unweighted";

/**
 * The answer distribution of every GSS item among the GSS panel respondents' first interviews,
 * when the data directory has the panel files; `missing` says why not otherwise.
 */
export function gssReferences(
  questions: readonly Question[],
  dataDir: string,
): { references: Map<string, HumanReference>; missing?: string } {
  const references = new Map<string, HumanReference>();
  if (questions.length === 0) return { references };
  let people: ReturnType<typeof loadGssPanel>;
  try {
    people = loadGssPanel(dataDir);
  } catch (error) {
    if (error instanceof UserError) return { references, missing: error.message };
    throw error;
  }
  for (const q of questions) {
    const counts = new Map<string, number>();
    let n = 0;
    let sum = 0;
    for (const person of people) {
      const answer = person.waves["1"]?.[q.id];
      if (answer === undefined) continue;
      if (q.type === "numeric") {
        const x = Number(answer);
        if (!Number.isFinite(x)) continue;
        sum += x;
      } else if (!q.options?.includes(answer)) continue;
      n++;
      counts.set(answer, (counts.get(answer) ?? 0) + 1);
    }
    if (n === 0) continue;
    references.set(
      q.id,
      q.type === "numeric"
        ? { source: GSS_REFERENCE_SOURCE, n, mean: sum / n }
        : {
            source: GSS_REFERENCE_SOURCE,
            n,
            shares: (q.options ?? []).map((answer) => ({ answer, share: (counts.get(answer) ?? 0) / n })),
          },
    );
  }
  return { references };
}
