/**
 * Shopping sessions for tests, written here: real shop pages (testdata/, simplified) visited in a
 * seeded order, each step's action an element of its page, ending in a purchase or in leaving.
 * Some steps carry the shopper's rationale. Used by tests only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toJsonl } from "../data/index.ts";
import { createRng } from "../random/index.ts";
import type { Session, SessionStep } from "./session.ts";
import { simplifyHtml } from "./simplify.ts";

const page = (name: string) =>
  simplifyHtml(readFileSync(join(import.meta.dirname, "testdata", name), "utf8")).html;

const PAGES = {
  search: page("search.html"),
  list: page("product-list.html"),
  product: page("product.html"),
  cart: page("cart.html"),
};

export const PURCHASE_TARGETS = [
  "columbia_mens_silver_ridge_utility.add_to_cart",
  "columbia_mens_silver_ridge_utility.buy_now",
  "shopping_cart.cart_form.proceed_to_checkout",
];

/** What a shopper may do on each page (none of them a purchase, except on the last step). */
const MOVES: Record<keyof typeof PAGES, SessionStep["action"][]> = {
  search: [{ type: "type_and_submit", target: "webshop.form_buscar.search", text: "hiking shirt" }],
  list: [
    { type: "click", target: "results_for_running_shoes.columbia_shirt.title" },
    { type: "click", target: "results_for_running_shoes.salomon_speedcross_6.view_product" },
    { type: "click", target: "filter.brand.columbia" },
    { type: "type_and_submit", target: "header.search.search_the_store", text: "trail shoes" },
  ],
  product: [
    { type: "click", target: "columbia_mens_silver_ridge_utility.size.select.m" },
    { type: "click", target: "columbia_mens_silver_ridge_utility.color.sage" },
    { type: "type_and_submit", target: "columbia_mens_silver_ridge_utility.quantity", text: "2" },
  ],
  cart: [
    { type: "click", target: "shopping_cart.cart_form.columbia_shirt.increase_quantity" },
    { type: "type_and_submit", target: "shopping_cart.cart_form.promo_code", text: "SPRING10" },
  ],
};

const REASONS = [
  "I want a light shirt for hiking, so I look at this one first.",
  "The reviews look good, so I check the details.",
  "I need the medium size.",
  "This is more than I wanted to spend, so I stop here.",
];

export interface ShopSessionsOptions {
  /** Steps per session (default 3). */
  steps?: number;
  seed?: string;
  /** Users the sessions belong to, in turn (default one user per two sessions). */
  users?: number;
  /** Every how many steps a step carries the shopper's rationale (default 3; 0 for none). */
  rationaleEvery?: number;
}

export function shopSessions(n: number, options: ShopSessionsOptions = {}): Session[] {
  const rng = createRng(`shop-sessions:${options.seed ?? "1"}`);
  const steps = options.steps ?? 3;
  const users = options.users ?? Math.max(1, Math.ceil(n / 2));
  const every = options.rationaleEvery ?? 3;
  const order: (keyof typeof PAGES)[] = ["search", "list", "product", "list", "product", "cart"];
  let counted = 0;
  return Array.from({ length: n }, (_, i) => {
    const out: SessionStep[] = [];
    for (let t = 0; t < steps; t++) {
      const last = t === steps - 1;
      const kind = last ? (i % 2 ? "product" : "cart") : order[(t + i) % (order.length - 1)];
      const moves = MOVES[kind];
      let action = moves[rng.int(moves.length)];
      if (last) {
        // Sessions end in a purchase or in leaving, as in the paper's data.
        action =
          i % 3 === 2
            ? { type: "terminate" }
            : { type: "click", target: kind === "cart" ? PURCHASE_TARGETS[2] : PURCHASE_TARGETS[0] };
      }
      const step: SessionStep = { context: PAGES[kind], action };
      if (every > 0 && counted++ % every === 0) step.reasoning = REASONS[rng.int(REASONS.length)];
      out.push(step);
    }
    return {
      session: `s${i + 1}`,
      user: `u${(i % users) + 1}`,
      steps: out,
      purchase_targets: PURCHASE_TARGETS,
    };
  });
}

/** Writes sessions (and personas, when given) and a web-action study spec in `dir`; returns the spec's path. */
export function writeWebStudy(
  dir: string,
  name: string,
  sessions: readonly Session[],
  options: { personas?: Record<string, string>; webactions?: string; extra?: string } = {},
): string {
  writeFileSync(join(dir, `${name}.sessions.jsonl`), toJsonl(sessions));
  let block = `sessions: ${name}.sessions.jsonl`;
  if (options.personas) {
    writeFileSync(
      join(dir, `${name}.personas.jsonl`),
      toJsonl(Object.entries(options.personas).map(([user, persona]) => ({ user, persona }))),
    );
    block += `, personas: ${name}.personas.jsonl`;
  }
  if (options.webactions) block += `, ${options.webactions}`;
  const spec = join(dir, `${name}.yaml`);
  writeFileSync(
    spec,
    `name: ${name}\nseed: 5\ninstrument:\n  webactions: { ${block} }\nmodel: { max_output_tokens: 200 }\n${options.extra ?? ""}`,
  );
  return spec;
}
