import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { contextElements } from "./elements.ts";
import { simplifyHtml, slug } from "./simplify.ts";

const here = join(import.meta.dirname, "testdata");
const page = (name: string) => readFileSync(join(here, name), "utf8");
const names = (html: string) => simplifyHtml(html).elements.map((e) => e.name);

function assertUnique(list: string[], what: string) {
  const seen = new Set<string>();
  for (const n of list) {
    assert.ok(!seen.has(n), `${what}: "${n}" is not unique`);
    seen.add(n);
  }
}

test("a product list keeps its structure, drops scripts, styles, hidden and visual parts", () => {
  const { html, elements } = simplifyHtml(page("product-list.html"));
  for (const gone of [
    "<script",
    "<style",
    "dataLayer",
    "<img",
    "<svg",
    "<head>",
    "href=",
    "class=",
    "Hidden sold-out item",
    "track",
    "<noscript",
  ]) {
    assert.ok(!html.includes(gone), `"${gone}" should be gone`);
  }
  for (const kept of [
    "<ul>",
    "<li ",
    "<h2>42 results",
    "<h3>",
    "<form ",
    "<fieldset ",
    "<legend>Brand</legend>",
    "<select ",
    "$39.99",
  ]) {
    assert.ok(html.includes(kept), `"${kept}" should be kept`);
  }
  const byName = new Map(elements.map((e) => [e.name, e]));
  // The paper's example shape: a product card's name, then the control's.
  for (const expected of [
    "results_for_running_shoes.columbia_shirt.view_product",
    "results_for_running_shoes.columbia_shirt.add_to_cart",
    "results_for_running_shoes.columbia_shirt.title",
    "results_for_running_shoes.salomon_speedcross_6.add_to_cart",
    "results_for_running_shoes.pagination.next",
    "results_for_running_shoes.sort_by.price_low_to_high",
    "filter.brand.salomon",
    "filter.customer_rating.4_stars_above",
    "header.search.search_the_store",
    "header.account.sign_in",
  ]) {
    assert.ok(byName.has(expected), `missing ${expected}; got ${[...byName.keys()].join(", ")}`);
  }
  assert.equal(byName.get("header.search.search_the_store")!.typeable, true);
  assert.equal(byName.get("filter.brand.salomon")!.kind, "checkbox");
  assert.equal(byName.get("results_for_running_shoes.columbia_shirt.add_to_cart")!.typeable, false);
  assertUnique(names(page("product-list.html")), "product list");
  // Every name in the output HTML is one of the elements, in the same order.
  assert.deepEqual(
    contextElements(html)
      .filter((e) => byName.has(e.name))
      .map((e) => e.name),
    elements.map((e) => e.name),
  );
});

test("a product page names its options, quantity and purchase buttons under the product", () => {
  const { html, elements } = simplifyHtml(page("product.html"));
  const list = elements.map((e) => e.name);
  const product = "columbia_mens_silver_ridge_utility";
  for (const n of [
    "color.blue",
    "color.sage",
    "size.select.m",
    "quantity",
    "add_to_cart",
    "buy_now",
    "add_to_list",
  ]) {
    assert.ok(list.includes(`${product}.${n}`), `missing ${product}.${n}; got ${list.join(", ")}`);
  }
  assert.ok(
    list.includes("customer_reviews.great_for_hiking.helpful") &&
      list.includes("customer_reviews.runs_small.helpful"),
  );
  assert.ok(
    html.includes("<caption>Product details</caption>") &&
      html.includes("<th>Material</th><td>100% Nylon</td>"),
  );
  assert.ok(html.includes(" checked") && html.includes(" selected"), "state of options is kept");
  assert.equal(elements.find((e) => e.name === `${product}.quantity`)?.typeable, true);
  assertUnique(list, "product page");
});

test("a cart names each line by its item, and a search form its field and button", () => {
  const cart = names(page("cart.html"));
  for (const n of [
    "shopping_cart.cart_form.columbia_shirt.increase_quantity",
    "shopping_cart.cart_form.wool_socks_3_pack.delete",
    "shopping_cart.cart_form.promo_code",
    "shopping_cart.cart_form.proceed_to_checkout",
  ]) {
    assert.ok(cart.includes(n), `missing ${n}; got ${cart.join(", ")}`);
  }
  assertUnique(cart, "cart");
  const search = simplifyHtml(page("search.html"));
  assert.deepEqual(
    search.elements.map((e) => [e.name, e.kind, e.typeable]),
    [
      ["webshop.form_buscar.search", "input", true],
      ["webshop.form_buscar.search_2", "button", false],
    ],
  );
  assert.match(search.html, /<h4>Instruction: i need a long clip-in hair extension/);
});

test("names are stable: the same page gives the same names, and edits elsewhere keep the others", () => {
  const original = page("product-list.html");
  assert.deepEqual(simplifyHtml(original), simplifyHtml(original));
  const before = names(original);
  const edits = [
    // another price, rating and result count
    original.replace("<b>39.99</b>", "<b>34.99</b>").replace("42 results", "43 results"),
    // a new product card at the end of the list
    original.replace(
      "</ul>",
      `<li class="card"><h3><a href="/p/n">Nike Pegasus 41</a></h3><button>View product</button><button>Add to cart</button></li></ul>`,
    ),
    // a promotional banner with its own link at the top of the page
    original.replace(
      '<main id="main">',
      `<main id="main"><div class="promo"><p>Free shipping over $50</p><a href="/ship">Details</a></div>`,
    ),
    // scripts and styles changed
    original.replace("dataLayer.push", "console.log").replace(".card{border:1px solid #ddd}", ".card{}"),
  ];
  for (const [i, edited] of edits.entries()) {
    const after = new Set(names(edited));
    const lost = before.filter((n) => !after.has(n));
    assert.deepEqual(lost, [], `edit ${i} renamed ${lost.join(", ")}`);
    assertUnique([...after], `edit ${i}`);
  }
});

test("repeated names are numbered within their group only; a suffixed name already on the page is skipped", () => {
  const html = `<ul><li><h3>A</h3><a href="#">Buy</a><a href="#">Buy</a></li><li><h3>B</h3><a href="#">Buy</a></li></ul>
    <div aria-label="Proto"><a href="#">HTTP/2</a><a href="#">HTTP</a><a href="#">HTTP</a></div>`;
  assert.deepEqual(names(html), ["a.buy", "a.buy_2", "b.buy", "proto.http_2", "proto.http", "proto.http_3"]);
  assert.equal(
    slug("  Columbia Men's  Silver-Ridge™ Shirt, Blue — Size XL  "),
    "columbia_mens_silver_ridge_shirt",
  );
  assert.equal(slug("★★★"), "");
});

test("every real HTML file on this machine simplifies with unique names and no scripts or styles", (t) => {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      const s = statSync(p, { throwIfNoEntry: false });
      if (s?.isDirectory()) walk(p);
      else if (s?.isFile() && /\.html?$/.test(e) && s.size < 2_000_000) files.push(p);
    }
  };
  walk("/usr/share/doc");
  if (files.length === 0) {
    t.skip("no HTML files under /usr/share/doc on this machine");
    return;
  }
  let named = 0;
  for (const f of files.slice(0, 400)) {
    const raw = readFileSync(f, "utf8");
    const { html, elements } = simplifyHtml(raw);
    assert.ok(!/<script|<style/i.test(html), `${f}: script or style left`);
    assertUnique(
      elements.map((e) => e.name),
      f,
    );
    assert.ok(html.length <= raw.length, `${f}: the simplified page is longer than the original`);
    named += elements.length;
  }
  assert.ok(named > 0, "the real pages have links to name");
});
