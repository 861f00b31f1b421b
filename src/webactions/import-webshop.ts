/**
 * WebShop (Yao et al. 2022) human trajectories → sessions. The WebShop site logs each session to
 * `user_session_logs/mturk/<session_id>.jsonl`, one line per page shown:
 * `{"page": "index"|"search_results"|"item_page"|"item_sub_page"|"done", "url", "goal", "content", …}`
 * (web_agent_site/app.py). The log records pages, not clicks, so each action is read off the
 * change from one page to the next, and each page is rebuilt from what the log holds (the
 * instruction, the query, result ASINs, chosen options), laid out as WebShop's templates lay it
 * out, then simplified and named like any page. Product titles, prices and unchosen options are
 * not in the log, so the rebuilt pages do not show them.
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { readJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import { escapeHtml } from "../report/index.ts";
import type { Session, SessionStep, WebAction } from "./session.ts";
import { simplifyHtml } from "./simplify.ts";

type Row = Record<string, unknown>;
interface PageRecord {
  page: string;
  url: string;
  line: number;
  instruction: string;
  content: Row;
}

const KEY = "data-ws";
const PAGES = new Set(["index", "search_results", "item_page", "item_sub_page", "done"]);
const SUB_PAGES = ["Description", "Features", "Reviews", "Attributes"];

function optionsOf(r: PageRecord): Record<string, string> {
  const o = r.content.options;
  return o && typeof o === "object" && !Array.isArray(o)
    ? Object.fromEntries(Object.entries(o as Row).map(([k, v]) => [k, String(v)]))
    : {};
}
const keywords = (r: PageRecord) =>
  Array.isArray(r.content.keywords)
    ? r.content.keywords.map(String).join(" ")
    : String(r.content.keywords ?? "");

/** The `sub_page` segment of /item_sub_page/<session>/<asin>/<keywords>/<page>/<sub_page>/<options>. */
function subPageOf(r: PageRecord): string {
  const parts = new URL(r.url, "http://webshop").pathname.split("/");
  return decodeURIComponent(parts[6] ?? "");
}

const button = (key: string, label: string) =>
  `<form><button type="submit" ${KEY}="${key}">${escapeHtml(label)}</button></form>`;

/** A page as WebShop's templates show it, from what the log holds; `seen` = options chosen per ASIN. */
function pageHtml(r: PageRecord, seen: Map<string, Map<string, Set<string>>>, subPages: Set<string>): string {
  const head = `<div id="instruction-text"><h4>Instruction: ${escapeHtml(r.instruction)}</h4></div>`;
  const back = button("back", "Back to Search");
  switch (r.page) {
    case "index":
      return `<div><h2>WebShop</h2>${head}<form role="search"><input type="text" aria-label="Search" placeholder="Search..." ${KEY}="search"><button type="submit" ${KEY}="search_button">Search</button></form></div>`;
    case "search_results": {
      const page = Number(r.content.page ?? 1);
      const asins = Array.isArray(r.content.search_result_asins)
        ? r.content.search_result_asins.map(String)
        : [];
      const nav = (page > 1 ? button("prev", "< Prev") : "") + button("next", "Next >");
      const items = asins
        .map((a) => `<li><a href="#" ${KEY}="asin:${escapeHtml(a)}">${escapeHtml(a)}</a></li>`)
        .join("");
      return `${head}${back}<section><h3>Page ${page}</h3>${nav}<ul>${items}</ul></section>`;
    }
    case "item_page": {
      const asin = String(r.content.asin ?? "");
      const chosen = optionsOf(r);
      const groups = [...(seen.get(asin) ?? new Map()).entries()]
        .map(([type, values]) => {
          const radios = [...values]
            .map(
              (v) =>
                `<label><input type="radio" ${chosen[type] === v ? "checked " : ""}${KEY}="option:${escapeHtml(type)}:${escapeHtml(v)}"> ${escapeHtml(v)}</label>`,
            )
            .join("");
          return `<div><h4>${escapeHtml(type)}</h4>${radios}</div>`;
        })
        .join("");
      const subs = SUB_PAGES.filter((s) => s !== "Attributes" || subPages.has(s))
        .map((s) => button(`sub:${s}`, s))
        .join("");
      return `${head}${back}${button("prev", "< Prev")}<main><h2>Product ${escapeHtml(asin)}</h2>${groups}${subs}${button("buy", "Buy Now")}</main>`;
    }
    case "item_sub_page":
      return `${head}${back}${button("prev", "< Prev")}<main><h2>${escapeHtml(subPageOf(r))} of product ${escapeHtml(String(r.content.asin ?? ""))}</h2></main>`;
    default:
      return `${head}<p>Thank you for shopping with us!</p>`;
  }
}

/** Which element's key leads from page `a` to page `b`, plus the text typed, or null when none can. */
function transition(a: PageRecord, b: PageRecord): { key: string; text?: string } | null {
  if (b.page === "index") return a.page === "index" ? null : { key: "back" };
  if (b.page === "search_results") {
    if (a.page === "index") return { key: "search", text: keywords(b) };
    if (a.page === "search_results" && keywords(a) === keywords(b)) {
      const d = Number(b.content.page) - Number(a.content.page);
      return d === 1 ? { key: "next" } : d === -1 ? { key: "prev" } : null;
    }
    return a.page === "item_page" ? { key: "prev" } : null;
  }
  if (b.page === "item_page") {
    if (a.page === "search_results") return { key: `asin:${String(b.content.asin)}` };
    if (a.page === "item_sub_page") return { key: "prev" };
    if (a.page === "item_page" && a.content.asin === b.content.asin) {
      const before = optionsOf(a);
      const changed = Object.entries(optionsOf(b)).find(([k, v]) => before[k] !== v);
      return changed ? { key: `option:${changed[0]}:${changed[1]}` } : null;
    }
    return null;
  }
  if (b.page === "item_sub_page") return a.page === "item_page" ? { key: `sub:${subPageOf(b)}` } : null;
  if (b.page === "done") return a.page === "item_page" ? { key: "buy" } : null;
  return null;
}

/** One WebShop trajectory log (one session) → a session; the user is the session (logs name no worker). */
export function importWebShopLog(path: string): Session {
  const id = basename(path).replace(/\.jsonl$/i, "");
  const records: PageRecord[] = [];
  for (const { line, value } of readJsonl(path)) {
    const row = (value ?? {}) as Row;
    const page = String(row.page ?? "");
    if (!PAGES.has(page))
      throw new UserError(`unknown page ${JSON.stringify(row.page)} (expected ${[...PAGES].join(", ")})`, {
        where: `${path}:${line}`,
      });
    const goal = (row.goal ?? {}) as Row;
    const record = {
      page,
      url: String(row.url ?? ""),
      line,
      instruction: String(goal.instruction_text ?? ""),
      content: (row.content ?? {}) as Row,
    };
    // A reload shows the same page again: no action between the two.
    const last = records.at(-1);
    if (last && last.url === record.url && last.page === record.page) continue;
    records.push(record);
  }
  if (records.length === 0) throw new UserError("the log has no pages", { where: path });
  const seen = new Map<string, Map<string, Set<string>>>();
  const subPages = new Set<string>();
  for (const r of records) {
    if (r.page === "item_sub_page") subPages.add(subPageOf(r));
    if (r.page !== "item_page") continue;
    const asin = String(r.content.asin ?? "");
    if (!seen.has(asin)) seen.set(asin, new Map());
    for (const [k, v] of Object.entries(optionsOf(r))) {
      const m = seen.get(asin)!;
      if (!m.has(k)) m.set(k, new Set());
      m.get(k)!.add(v);
    }
  }
  const steps: SessionStep[] = [];
  const purchase = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.page === "done") break;
    const page = simplifyHtml(pageHtml(r, seen, subPages), { keyAttribute: KEY });
    for (const e of page.elements) if (e.key === "buy") purchase.add(e.name);
    const next = records[i + 1];
    if (!next) {
      // The log ends without a purchase: the shopper left (the paper's terminate).
      steps.push({ context: page.html, action: { type: "terminate" } });
      break;
    }
    const t = transition(r, next);
    const el = t && page.elements.find((e) => e.key === t.key);
    if (!t || !el) {
      throw new UserError(
        `cannot tell which action leads from this ${r.page} page to the ${next.page} page on line ${next.line}`,
        {
          where: `${path}:${r.line}`,
        },
      );
    }
    const action: WebAction =
      t.text !== undefined
        ? { type: "type_and_submit", target: el.name, text: t.text }
        : { type: "click", target: el.name };
    steps.push({ context: page.html, action });
  }
  return { session: id, user: id, steps, purchase_targets: [...purchase] };
}

/** Every `*.jsonl` log in a folder (or the files given), sorted by name. */
export function importWebShop(paths: readonly string[]): Session[] {
  const files: string[] = [];
  for (const p of paths) {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) throw new UserError("no such file or folder", { where: p });
    if (s.isDirectory())
      files.push(
        ...readdirSync(p)
          .filter((f) => f.endsWith(".jsonl"))
          .sort()
          .map((f) => join(p, f)),
      );
    else files.push(p);
  }
  if (files.length === 0) throw new UserError(`no WebShop trajectory logs (*.jsonl) in ${paths.join(", ")}`);
  return files.map(importWebShopLog);
}
