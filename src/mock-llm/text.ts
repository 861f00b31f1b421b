/**
 * The mock's free text: seeded sentences of common English words, with some words taken from the
 * request's last user message so that text written for a prompt shares its topic words (a forum
 * thread about bicycles mentions bicycles). It is a test double's output: fluent-looking filler
 * that varies from request to request, never what a language model would write.
 */

const WORDS = (
  "about above after again against also always another answer anyone anything around asked away " +
  "back because before being believe better between both bring called came case change children " +
  "city clear close come could course days different does doing done down during each early else " +
  "enough even ever every example fact family feel felt find first found friend from give going " +
  "good great group half hand happen hard have having head hear help here high home hope house " +
  "idea important into issue just keep kind knew know last later learn least leave less life like " +
  "little live long look made make many maybe mean might mind money more most much must name need " +
  "never next night nothing number often once only open other over own part people perhaps place " +
  "point problem public put question quite rather read real really reason right room said same " +
  "saw school seem seen should show side since small some someone something sometimes soon start " +
  "still story such sure take talk tell than that their them then there these thing think those " +
  "though thought three through time today together told took true trying turn under until upon " +
  "used very want watch water week well went were what when where which while whole why will with " +
  "without word work world would write year years young"
).split(" ");
const CAPITALIZED = WORDS.map((w) => w[0].toUpperCase() + w.slice(1));

const wordsOf = new Map<string, string[]>();

/** Words of a prompt worth echoing: letters only, at least four of them, lower-cased (at most 400). */
export function promptWords(text: string): string[] {
  const known = wordsOf.get(text);
  if (known) return known;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[a-z]{4,}/g)) {
    if (!seen.has(m[0])) {
      seen.add(m[0]);
      out.push(m[0]);
    }
    if (out.length >= 400) break;
  }
  // Prompts repeat (a benchmark's people, a survey's questions): their words are found once.
  if (wordsOf.size >= 2048) wordsOf.clear();
  wordsOf.set(text, out);
  return out;
}

/**
 * One to three sentences of four to thirteen words; about a quarter of the words come from
 * `topic` (the prompt's words) when there are any. `draw` is a single number in [0, 1) from the
 * caller's stream, so a text costs the caller's stream one draw whatever its length.
 */
const NO_TOPIC: readonly string[] = [];
/** Texts made, by topic and draw: a repeated request (a benchmark's) gets its text back without making it again. */
const made = new WeakMap<readonly string[], Map<number, string>>();

export function mockText(draw: number, topic: readonly string[] = NO_TOPIC): string {
  let byDraw = made.get(topic);
  if (!byDraw) {
    byDraw = new Map();
    made.set(topic, byDraw);
  }
  let text = byDraw.get(draw);
  if (text === undefined) {
    text = makeText(draw, topic);
    if (byDraw.size >= 4096) byDraw.clear();
    byDraw.set(draw, text);
  }
  return text;
}

function makeText(draw: number, topic: readonly string[]): string {
  // mulberry32 from the draw: cheap enough for the instant model's benchmark.
  let state = Math.floor(draw * 4294967296) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const sentences = 1 + Math.floor(next() * 3);
  let out = "";
  for (let s = 0; s < sentences; s++) {
    const n = 4 + Math.floor(next() * 10);
    out +=
      s === 0
        ? CAPITALIZED[Math.floor(next() * WORDS.length)]
        : ` ${CAPITALIZED[Math.floor(next() * WORDS.length)]}`;
    for (let i = 1; i < n; i++) {
      const u = next();
      // One draw picks both: below 0.25 (when there is a topic) a prompt word, else a common word.
      out +=
        topic.length > 0 && u < 0.25
          ? ` ${topic[Math.floor((u / 0.25) * topic.length)]}`
          : ` ${WORDS[Math.floor(u * WORDS.length)]}`;
    }
    out += next() < 0.15 ? "?" : ".";
  }
  return out;
}
