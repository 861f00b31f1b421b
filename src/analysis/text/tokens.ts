/**
 * Words of a text for counting: lower-cased runs of letters, digits and apostrophes. Quoted lines
 * (Markdown `>`, how forum replies quote the message they answer) are the other person's words
 * and can be left out; links count as one token.
 */
export function words(text: string, opts: { dropQuotes?: boolean } = {}): string[] {
  let t = text;
  if (opts.dropQuotes) t = t.replace(/^\s*(&gt;|>).*$/gm, " ");
  t = t.toLowerCase().replace(/https?:\/\/\S+/g, " httplink ");
  return t.match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu) ?? [];
}

/** The n-grams of a word list, words joined by a space. */
export function ngrams(tokens: readonly string[], n: number): string[] {
  if (n === 1) return tokens.slice();
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
  return out;
}

/** distinct-n: distinct n-grams over all n-grams of the texts (Li et al. 2016), 0 when there are none. */
export function distinctN(texts: readonly (readonly string[])[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const t of texts) {
    for (const g of ngrams(t, n)) {
      seen.add(g);
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}
