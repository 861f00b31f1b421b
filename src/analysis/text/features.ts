import { ngrams, words } from "./tokens.ts";

/** A sparse row: feature indices and their values. */
export interface SparseRow {
  index: Int32Array;
  value: Float64Array;
}

/** A text as n-gram ids (each once) with their counts. */
export interface EncodedText {
  ids: Int32Array;
  counts: Float64Array;
}

export interface GramOptions {
  /** n-gram lengths used, e.g. [1, 2]. */
  ngrams: readonly number[];
  dropQuotes?: boolean;
}

/**
 * Numbers for n-grams, so that a corpus is split into words once and every cross-validation fold
 * works on integers. Ids carry no information about labels: a fold's features are still chosen
 * from its own training texts only (Vectorizer.fit).
 */
export class GramIndex {
  private readonly ids = new Map<string, number>();
  private readonly o: GramOptions;

  constructor(o: GramOptions) {
    this.o = o;
  }

  get size(): number {
    return this.ids.size;
  }

  /** The text's n-grams; with `grow` false, n-grams never seen before are left out. */
  encode(text: string, grow = true): EncodedText {
    const w = words(text, { dropQuotes: this.o.dropQuotes });
    const counts = new Map<number, number>();
    for (const n of this.o.ngrams) {
      for (const g of ngrams(w, n)) {
        let id = this.ids.get(g);
        if (id === undefined) {
          if (!grow) continue;
          id = this.ids.size;
          this.ids.set(g, id);
        }
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return { ids: Int32Array.from(counts.keys()), counts: Float64Array.from(counts.values()) };
  }
}

/**
 * TF-IDF features fitted on training texts: log(1 + count) × idf, each row scaled to unit length,
 * over the n-grams seen in at least minDf training texts (smoothed idf = ln((1 + N)/(1 + df)) + 1).
 */
export class Vectorizer {
  /** Feature index of each n-gram id, −1 when it is not a feature. */
  private readonly feature: Int32Array;
  private readonly idf: Float64Array;
  readonly size: number;

  private constructor(feature: Int32Array, idf: Float64Array) {
    this.feature = feature;
    this.idf = idf;
    this.size = idf.length;
  }

  static fit(texts: readonly EncodedText[], gramCount: number, minDf: number): Vectorizer {
    const df = new Int32Array(gramCount);
    for (const t of texts) for (const id of t.ids) df[id]++;
    const feature = new Int32Array(gramCount).fill(-1);
    const idf: number[] = [];
    for (let id = 0; id < gramCount; id++) {
      if (df[id] < minDf) continue;
      feature[id] = idf.length;
      idf.push(Math.log((1 + texts.length) / (1 + df[id])) + 1);
    }
    return new Vectorizer(feature, Float64Array.from(idf));
  }

  transform(text: EncodedText): SparseRow {
    const index: number[] = [];
    const value: number[] = [];
    let norm = 0;
    for (let k = 0; k < text.ids.length; k++) {
      const id = text.ids[k];
      const f = id < this.feature.length ? this.feature[id] : -1;
      if (f < 0) continue;
      const v = Math.log1p(text.counts[k]) * this.idf[f];
      index.push(f);
      value.push(v);
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    const out = { index: Int32Array.from(index), value: Float64Array.from(value) };
    if (norm > 0) for (let k = 0; k < out.value.length; k++) out.value[k] /= norm;
    return out;
  }
}
