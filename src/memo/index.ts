/**
 * A text function's results, remembered per input: populations repeat a few attribute names and
 * labels thousands of times. Bounded: past `max` inputs the memory starts over.
 */
export function memoizeText(fn: (text: string) => string, max = 10_000): (text: string) => string {
  const memo = new Map<string, string>();
  return (text) => {
    let out = memo.get(text);
    if (out === undefined) {
      out = fn(text);
      if (memo.size >= max) memo.clear();
      memo.set(text, out);
    }
    return out;
  };
}
