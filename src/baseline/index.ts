/**
 * The offline statistical baseline. It is NOT a language model: for each question it draws the
 * answer of a real GSS panel respondent who shares the agent's demographics (political views,
 * party, degree, sex, age group, race; fewer when the cell is too small). Any simulation worth
 * running should beat it; reports label it with BASELINE_LABEL.
 */
import { ageGroup, canonicalAttributes } from "../agents/attributes.ts";
import { loadGssPanel } from "../datasets/gss-panel/index.ts";
import { UserError } from "../errors/index.ts";
import { askableVariables, GSS_DEMOGRAPHICS, readGssCodebook } from "../instruments/gss/index.ts";
import type { LanguageModel, ModelRequest, ModelResponse, Subject } from "../llm/types.ts";
import { ProviderError } from "../llm/types.ts";
import { createRng, type Rng } from "../random/index.ts";
import { AGE_GROUP, CellIndex, type ItemAnswers } from "./cells.ts";

export const BASELINE_LABEL =
  "statistical baseline (answers drawn from real GSS respondents who share the agent's demographics; not a language model)";

export const DEFAULT_CONDITION_ON = ["polviews", "partyid", "degree", "sex", AGE_GROUP, "race"] as const;

export interface BaselineOptions {
  dataDir: string;
  dataset?: "gss-panel";
  /** Which interview supplies the answers (default "1"). */
  wave?: "1" | "2";
  /** Conditioning attributes, highest priority first; back-off drops from the end. */
  conditionOn?: string[];
  /** Smallest number of answers a cell needs before it is used (default 5). */
  minCell?: number;
  seed: number | string;
  /** Added to every option's count for distribution-mode probabilities (default 0.5). */
  smoothing?: number;
}

export interface BaselineModel extends LanguageModel {
  readonly label: string;
  /**
   * The cell that answers an item for a subject (after hold-out and back-off): the attributes it
   * matched on, its number of answers and each answer value's share. For reports and tests.
   */
  cellFor(subject: Subject, itemId: string): { matched: string[]; n: number; shares: Record<string, number> };
  /** Whether the data has answers to this GSS item (the baseline answers nothing else). */
  canAnswer(itemId: string): boolean;
  /** The GSS items it can answer, in codebook order. */
  answerableItems(): string[];
}

const NO_USAGE = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };

/** A cell chosen for one item: counts with the held-out person removed, and how it was found. */
interface Cell {
  counts: Float64Array;
  total: number;
  /** Conditioning attributes the cell matched on. */
  matched: string[];
}

export function createBaselineModel(options: BaselineOptions): BaselineModel {
  const dataset = options.dataset ?? "gss-panel";
  if (dataset !== "gss-panel") {
    throw new UserError(`unknown dataset "${dataset}" (the baseline knows: gss-panel)`, { where: "dataset" });
  }
  const wave = options.wave ?? "1";
  if (wave !== "1" && wave !== "2")
    throw new UserError(`wave must be "1" or "2", got "${wave}"`, { where: "wave" });
  const conditionOn = options.conditionOn ?? [...DEFAULT_CONDITION_ON];
  conditionOn.forEach((a, i) => {
    if (a !== AGE_GROUP && !(GSS_DEMOGRAPHICS as readonly string[]).includes(a)) {
      throw new UserError(
        `cannot condition on "${a}" (known: ${[AGE_GROUP, ...GSS_DEMOGRAPHICS].join(", ")})`,
        { where: `conditionOn[${i}]` },
      );
    }
  });
  if (conditionOn.length > 30)
    throw new UserError("at most 30 conditioning attributes", { where: "conditionOn" });
  const minCell = options.minCell ?? 5;
  if (!Number.isInteger(minCell) || minCell < 1) {
    throw new UserError(`minCell must be a positive whole number, got ${minCell}`, { where: "minCell" });
  }
  const smoothing = options.smoothing ?? 0.5;
  if (!(smoothing > 0))
    throw new UserError(`smoothing must be positive, got ${smoothing}`, { where: "smoothing" });

  const codebook = readGssCodebook(options.dataDir);
  const index = new CellIndex(loadGssPanel(options.dataDir), wave, conditionOn, codebook);
  const snapshot = `${dataset}:wave${wave}:${conditionOn.join("+")}:min${minCell}`;

  /** The agent's conditioning values in conditionOn order (null = unknown or unrecognized). */
  function agentValues(attributes: Record<string, string>): (string | null)[] {
    const attrs = canonicalAttributes(attributes ?? {});
    return conditionOn.map((a) => {
      if (a === AGE_GROUP) {
        const age = attrs.get("age")?.value;
        if (age === undefined) return null;
        const c = codebook.classify("age", age);
        return c.kind === "option" ? ageGroup(c.value) : null;
      }
      const raw = attrs.get(a)?.value;
      if (raw === undefined) return null;
      const c = codebook.classify(a, raw);
      return c.kind === "option" ? c.value : null;
    });
  }

  /** Backs off from all known attributes, dropping the lowest priority first, to >= minCell answers. */
  function findCell(
    item: ItemAnswers,
    values: (string | null)[],
    heldOut: number | undefined,
    allowed: boolean[] | null,
  ): Cell {
    const known: number[] = [];
    values.forEach((v, j) => {
      if (v !== null) known.push(j);
    });
    const heldAnswer = heldOut === undefined ? -1 : item.answers[heldOut];
    let fallback: Cell | null = null;
    for (let m = known.length; m >= 0; m--) {
      let mask = 0;
      for (let j = 0; j < m; j++) mask |= 1 << known[j];
      const key = index.keyOf(values, mask)!;
      const raw = index.counts(item, mask, key);
      if (!raw) continue;
      const counts = Float64Array.from(raw);
      if (heldAnswer >= 0 && index.keyOf(index.demographicsOf(heldOut!), mask) === key) counts[heldAnswer]--;
      let total = 0;
      for (let i = 0; i < counts.length; i++) {
        if (allowed && !allowed[i]) counts[i] = 0;
        total += counts[i];
      }
      const cell = { counts, total, matched: known.slice(0, m).map((j) => conditionOn[j]) };
      if (total >= minCell) return cell;
      if (total > 0 && !fallback) fallback = cell;
    }
    // Fewer than minCell answers even among all respondents: use what there is.
    if (fallback) return fallback;
    throw new ProviderError(
      "bad_request",
      `${item.id}: no respondent in ${dataset} answered with one of the offered options`,
    );
  }

  function itemOf(id: string): ItemAnswers {
    const item = index.item(id);
    if (!item) {
      throw new ProviderError(
        "bad_request",
        `${id}: the statistical baseline answers only closed/numeric GSS items present in ${dataset}`,
      );
    }
    return item;
  }

  /** Which of the item's values the request's options allow, and the request's text for each. */
  function offered(
    item: ItemAnswers,
    options: string[] | undefined,
  ): { allowed: boolean[] | null; text: string[] } {
    if (!options || item.numeric) return { allowed: null, text: item.values };
    const allowed = item.values.map(() => false);
    const text = item.values.slice();
    for (const option of options) {
      const c = codebook.classify(item.id, option);
      if (c.kind !== "option") continue;
      const at = item.values.indexOf(c.value);
      if (at >= 0) {
        allowed[at] = true;
        text[at] = option;
      }
    }
    if (!allowed.some(Boolean)) {
      throw new ProviderError(
        "bad_request",
        `${item.id}: none of the offered options is an answer option of the GSS item`,
      );
    }
    return { allowed, text };
  }

  function rngFor(subject: Subject, itemId: string) {
    return createRng(`${options.seed}\u0001${subject.agentId}\u0001${itemId}\u0001${subject.replicate}`);
  }

  function generate(subject: Subject, values: (string | null)[], heldOut: number | undefined): ModelResponse {
    const answers: Record<string, string | number> = {};
    for (const it of subject.items) {
      const item = itemOf(it.id);
      const { allowed, text } = offered(item, it.options);
      const cell = findCell(item, values, heldOut, allowed);
      const drawn = draw(rngFor(subject, it.id), cell.counts);
      answers[it.id] = item.numeric ? Number(item.values[drawn]) : text[drawn];
    }
    return { text: JSON.stringify({ answers }), usage: { ...NO_USAGE }, modelSnapshot: snapshot };
  }

  function distribution(
    request: ModelRequest,
    subject: Subject,
    values: (string | null)[],
    heldOut: number | undefined,
  ): ModelResponse {
    if (subject.items.length !== 1) {
      throw new ProviderError(
        "bad_request",
        "distribution mode asks one item per call; the subject lists " + subject.items.length,
      );
    }
    const it = subject.items[0];
    const item = itemOf(it.id);
    if (item.numeric) {
      throw new ProviderError(
        "bad_request",
        `${it.id}: a numeric item has no lettered options for distribution mode`,
      );
    }
    const lettered =
      letteredOptions(request) ??
      (it.options ?? item.values).map((text, i) => ({ letter: letterOf(i), text }));
    const cell = findCell(item, values, heldOut, null);
    const weights = lettered.map(({ text }) => {
      const c = codebook.classify(item.id, text);
      const at = c.kind === "option" ? item.values.indexOf(c.value) : -1;
      return (at >= 0 ? cell.counts[at] : 0) + smoothing;
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    const drawn = rngFor(subject, it.id).weighted(weights);
    const logprobs = lettered
      .map(({ letter }, i) => ({ token: letter, logprob: Math.log(weights[i] / sum) }))
      .sort((a, b) => b.logprob - a.logprob || (a.token < b.token ? -1 : 1));
    const top =
      request.topLogprobs && request.topLogprobs > 0 ? logprobs.slice(0, request.topLogprobs) : logprobs;
    return {
      text: lettered[drawn].letter,
      firstTokenLogprobs: top,
      usage: { ...NO_USAGE },
      modelSnapshot: snapshot,
    };
  }

  return {
    id: "baseline:demographic",
    bucket: "baseline",
    kind: "baseline",
    supportsLogprobs: true,
    label: BASELINE_LABEL,
    canAnswer: (itemId) => index.item(itemId) !== null,
    answerableItems: () => askableVariables(codebook).filter((id) => index.item(id) !== null),
    cellFor(subject, itemId) {
      const item = itemOf(itemId);
      const cell = findCell(item, agentValues(subject.attributes), index.indexOf(subject.agentId), null);
      const shares: Record<string, number> = {};
      item.values.forEach((v, i) => {
        shares[v] = cell.counts[i] / cell.total;
      });
      return { matched: cell.matched, n: cell.total, shares };
    },
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const subject = request.subject;
      if (!subject || !Array.isArray(subject.items)) {
        throw new ProviderError("bad_request", "the baseline model needs the structured subject");
      }
      const values = agentValues(subject.attributes);
      // Hold out the simulated person: their own answers never feed the cells they are drawn from.
      const heldOut = index.indexOf(subject.agentId);
      if (request.topLogprobs !== undefined) return distribution(request, subject, values, heldOut);
      return generate(subject, values, heldOut);
    },
  };
}

/** Index drawn with probability proportional to non-negative counts (at least one positive). */
function draw(rng: Rng, counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  let u = rng.next() * total;
  let last = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] <= 0) continue;
    last = i;
    if (u < counts[i]) return i;
    u -= counts[i];
  }
  return last;
}

function letterOf(i: number): string {
  return String.fromCharCode(65 + i);
}

/** "A. text" lines of the last user message (the distribution-mode prompt), or null if none. */
function letteredOptions(request: ModelRequest): { letter: string; text: string }[] | null {
  const last = [...request.messages].reverse().find((m) => m.role === "user");
  if (!last) return null;
  const out: { letter: string; text: string }[] = [];
  for (const m of last.content.matchAll(/^\s*([A-Z])[.)]\s+(.+?)\s*$/gm))
    out.push({ letter: m[1], text: m[2] });
  return out.length > 0 ? out : null;
}
