/**
 * The demand-curve template (Gui & Toubia 2025): one product at prices from 0% to 200% of a
 * reference price in 20% steps; each arm states one price and asks whether the person would buy.
 * It becomes an ExperimentDesign, so it runs under every design mode.
 */
import { UserError } from "../../errors/index.ts";
import type { Question } from "../../instruments/types.ts";
import type { AggregateOutcome, ExperimentDesign } from "../modes/index.ts";

/** 0, 0.2, …, 2.0: Gui & Toubia's grid of price multipliers. */
export const DEMAND_GRID: readonly number[] = Array.from({ length: 11 }, (_, i) => (i * 2) / 10);

export interface DemandTemplate {
  /** As it reads in a sentence: "a 12-pack of sparkling water". */
  product: string;
  reference_price: number;
  /** Multipliers of the reference price. Default DEMAND_GRID. */
  grid?: readonly number[];
  /** Written before the amount. Default "$". */
  currency?: string;
  /** Shown before the price (the situation, the product's description). */
  scenario?: string;
}

export const PURCHASE_ITEM = "buy";

const money = (x: number, currency: string) => `${currency}${x.toFixed(2)}`;

/** The price of each grid point, rounded to cents. */
export function demandPrices(t: DemandTemplate): number[] {
  const grid = t.grid ?? DEMAND_GRID;
  if (!(t.reference_price > 0))
    throw new UserError(`reference_price must be above 0, got ${t.reference_price}`);
  if (grid.length < 2) throw new UserError("a demand curve needs at least 2 prices in its grid");
  if (grid.some((m) => !(m >= 0))) throw new UserError("grid multipliers must be 0 or more");
  const prices = grid.map((m) => Math.round(m * t.reference_price * 100) / 100);
  if (new Set(prices).size !== prices.length) throw new UserError("the grid gives the same price twice");
  return prices;
}

/** Arms named by price ("price_12.00"), each stating it; the treatment's value is the price. */
export function demandDesign(t: DemandTemplate): ExperimentDesign {
  const currency = t.currency ?? "$";
  return {
    treatment: `prices for ${t.product}`,
    scenario: t.scenario,
    arms: demandPrices(t).map((p) => ({
      name: `price_${p.toFixed(2)}`,
      text: `The price of ${t.product} is ${money(p, currency)}.`,
      value: p,
    })),
  };
}

export function purchaseQuestion(t: DemandTemplate): Question {
  return { id: PURCHASE_ITEM, type: "yes_no", text: `Would you buy ${t.product} at this price?` };
}

/** What the aggregate mode predicts: the share of participants who would buy. */
export function purchaseOutcome(t: DemandTemplate): AggregateOutcome {
  return { behaviour: `buy ${t.product} at that price` };
}

/** 1 for a purchase, 0 for none: "Yes"/"No" of the purchase question, or an aggregate percentage as a share. */
export function purchaseValue(answer: unknown): number {
  if (answer === "Yes") return 1;
  if (answer === "No") return 0;
  if (typeof answer === "number" && answer >= 0 && answer <= 100) return answer / 100;
  throw new UserError(`not a purchase answer: ${JSON.stringify(answer)} (expected Yes, No or a percentage)`);
}
