/**
 * Okapi BM25 over short texts: relevance without an embeddings API. For a query q and document d,
 *   score(d, q) = Σ_{t ∈ q} idf(t) · f(t, d) · (k1 + 1) / (f(t, d) + k1 · (1 − b + b · |d| / avgdl))
 *   idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))
 * with f the term's count in d, |d| the document's length in terms, avgdl the mean length, N the
 * number of documents and n(t) how many contain t (this idf never goes negative). k1 = 1.2,
 * b = 0.75, the usual defaults.
 */

const STOP = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have he her him his how i if " +
    "in into is it its me my of on or our she so than that the their them then there they this to too us " +
    "was we were what when where which who why will with would you your"
  ).split(" "),
);

/** Lower-cased words without stop words, with a light English suffix strip (plural s, -ing, -ed). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []) {
    const word = w.replace(/'s$/, "");
    if (STOP.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** An index that grows as documents are added; documents are numbered by the caller. */
export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly docs = new Map<number, { counts: Map<string, number>; length: number }>();
  private readonly df = new Map<string, number>();
  private totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.docs.size;
  }

  add(id: number, text: string): void {
    if (this.docs.has(id)) throw new Error(`document ${id} is already indexed`);
    const counts = new Map<string, number>();
    const list = terms(text);
    for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const t of counts.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.docs.set(id, { counts, length: list.length });
    this.totalLength += list.length;
  }

  idf(term: string): number {
    const n = this.df.get(term) ?? 0;
    return Math.log(1 + (this.docs.size - n + 0.5) / (n + 0.5));
  }

  /** BM25 score of each listed document for the query (0 where no query term occurs). */
  scores(query: string, ids: readonly number[]): number[] {
    const q = [...new Set(terms(query))];
    const avgdl = this.docs.size ? this.totalLength / this.docs.size : 0;
    const idf = q.map((t) => this.idf(t));
    return ids.map((id) => {
      const doc = this.docs.get(id);
      if (!doc) throw new Error(`document ${id} is not indexed`);
      let s = 0;
      const norm = this.k1 * (1 - this.b + (this.b * doc.length) / (avgdl || 1));
      q.forEach((t, i) => {
        const f = doc.counts.get(t);
        if (f) s += (idf[i] * f * (this.k1 + 1)) / (f + norm);
      });
      return s;
    });
  }
}
