/**
 * Scores predicted next actions against real sessions, as Lu et al. (2025) do: exact-match
 * accuracy averaged within each session and then over sessions, and the session outcome
 * (purchase or terminate) from the predicted final action, scored by F1.
 */
import type { Prediction } from "./predictions.ts";
import type { Session, WebAction } from "./session.ts";

/** What an action amounts to: a click on a purchase target counts as "purchase", not "click". */
export type ActionKind = "click" | "type_and_submit" | "terminate" | "purchase";
export const ACTION_KINDS: ActionKind[] = ["click", "type_and_submit", "purchase", "terminate"];

export type Outcome = "purchase" | "terminate" | "other";
const OUTCOMES: Outcome[] = ["purchase", "terminate", "other"];

export function actionKind(action: WebAction, purchaseTargets: ReadonlySet<string>): ActionKind {
  if (action.type === "click" && action.target !== undefined && purchaseTargets.has(action.target)) {
    return "purchase";
  }
  return action.type;
}

/** A session's outcome from its final action; a missing prediction is "other" (never right). */
export function outcomeOf(
  action: WebAction | null | undefined,
  purchaseTargets: ReadonlySet<string>,
): Outcome {
  if (!action) return "other";
  const kind = actionKind(action, purchaseTargets);
  return kind === "purchase" || kind === "terminate" ? kind : "other";
}

const normText = (s: string | undefined) => (s ?? "").trim().toLowerCase();

/** Same type, same target, and for type_and_submit the same text after trimming and lower-casing. */
export function exactMatch(truth: WebAction, pred: WebAction | null | undefined): boolean {
  if (!pred || pred.type !== truth.type) return false;
  if (truth.type === "terminate") return true;
  if (pred.target !== truth.target) return false;
  return truth.type !== "type_and_submit" || normText(pred.text) === normText(truth.text);
}

export interface WebActionScore {
  n_sessions: number;
  /** Sessions with at least one test case (two or more steps); the ones accuracy averages over. */
  n_sessions_scored: number;
  /** Every step after the first of every session. */
  n_test_cases: number;
  /** Test cases with a prediction (a failed prediction, `action: null`, is not one). */
  n_predictions: number;
  /** Test cases without a prediction; each counts as wrong. */
  n_missing: number;
  /** Mean over sessions of the share of its test cases predicted exactly. */
  accuracy: number | null;
  /** Share of all test cases predicted exactly (sessions weighted by their length). */
  accuracy_micro: number | null;
  /** Exact-match accuracy by the true action's kind. */
  by_kind: Record<ActionKind, { n: number; exact: number; accuracy: number | null }>;
  /** Sessions whose final step is a test case. */
  n_outcomes: number;
  outcome_f1_purchase: number | null;
  outcome_f1_terminate: number | null;
  /** Mean of the two F1s; null when either is undefined. */
  outcome_f1_macro: number | null;
  /** confusion[true outcome][predicted outcome] = sessions. */
  outcome_confusion: Record<Outcome, Record<Outcome, number>>;
  /** Shares of action kinds over the test cases: the humans' actions and the predictions made. */
  distribution: { human: Record<ActionKind, number>; predicted: Record<ActionKind, number> };
  n_human_actions: number;
}

function f1(confusion: Record<Outcome, Record<Outcome, number>>, cls: Outcome): number | null {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const t of OUTCOMES) {
    for (const p of OUTCOMES) {
      const n = confusion[t][p];
      if (t === cls && p === cls) tp += n;
      else if (p === cls) fp += n;
      else if (t === cls) fn += n;
    }
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? null : (2 * tp) / denom;
}

function kindCounts(): Record<ActionKind, number> {
  return { click: 0, type_and_submit: 0, purchase: 0, terminate: 0 };
}

function shares(counts: Record<ActionKind, number>): Record<ActionKind, number> {
  const total = ACTION_KINDS.reduce((s, k) => s + counts[k], 0);
  const out = kindCounts();
  for (const k of ACTION_KINDS) out[k] = total === 0 ? 0 : counts[k] / total;
  return out;
}

export function scoreWebActions(
  sessions: readonly Session[],
  predictions: readonly Prediction[],
): WebActionScore {
  const predicted = new Map<string, WebAction | null>();
  for (const p of predictions) predicted.set(`${p.session}\u0000${p.step}`, p.action);
  const confusion = Object.fromEntries(
    OUTCOMES.map((t) => [t, Object.fromEntries(OUTCOMES.map((p) => [p, 0]))]),
  ) as Record<Outcome, Record<Outcome, number>>;
  const byKind = Object.fromEntries(
    ACTION_KINDS.map((k) => [k, { n: 0, exact: 0, accuracy: null }]),
  ) as WebActionScore["by_kind"];
  const human = kindCounts();
  const made = kindCounts();
  let sessionAccSum = 0;
  let scored = 0;
  let cases = 0;
  let exactTotal = 0;
  let nPred = 0;
  let outcomes = 0;
  for (const s of sessions) {
    if (s.steps.length < 2) continue;
    const targets = new Set(s.purchase_targets);
    let exact = 0;
    for (let i = 1; i < s.steps.length; i++) {
      const truth = s.steps[i].action;
      const pred = predicted.get(`${s.session}\u0000${i}`) ?? null;
      const kind = actionKind(truth, targets);
      const hit = exactMatch(truth, pred);
      human[kind]++;
      byKind[kind].n++;
      if (hit) {
        exact++;
        byKind[kind].exact++;
      }
      if (pred) {
        nPred++;
        made[actionKind(pred, targets)]++;
      }
    }
    const n = s.steps.length - 1;
    cases += n;
    exactTotal += exact;
    sessionAccSum += exact / n;
    scored++;
    const last = s.steps.length - 1;
    confusion[outcomeOf(s.steps[last].action, targets)][
      outcomeOf(predicted.get(`${s.session}\u0000${last}`), targets)
    ]++;
    outcomes++;
  }
  for (const k of ACTION_KINDS) byKind[k].accuracy = byKind[k].n ? byKind[k].exact / byKind[k].n : null;
  const fp = f1(confusion, "purchase");
  const ft = f1(confusion, "terminate");
  return {
    n_sessions: sessions.length,
    n_sessions_scored: scored,
    n_test_cases: cases,
    n_predictions: nPred,
    n_missing: cases - nPred,
    accuracy: scored ? sessionAccSum / scored : null,
    accuracy_micro: cases ? exactTotal / cases : null,
    by_kind: byKind,
    n_outcomes: outcomes,
    outcome_f1_purchase: fp,
    outcome_f1_terminate: ft,
    outcome_f1_macro: fp === null || ft === null ? null : (fp + ft) / 2,
    outcome_confusion: confusion,
    distribution: { human: shares(human), predicted: shares(made) },
    n_human_actions: cases,
  };
}
