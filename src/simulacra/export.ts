import type { Community, Utterance } from "./read.ts";

/** One utterance in the export format (`populace threads RUN`), field names as documented. */
export interface ThreadRow {
  thread: string;
  utterance: string;
  parent: string | null;
  branch: string;
  author: string;
  persona: string;
  kind: "post" | "reply";
  text: string;
  temperature: number | null;
}

export function threadRow(u: Utterance): ThreadRow {
  return {
    thread: u.thread,
    utterance: u.utterance,
    parent: u.parent,
    branch: u.branch,
    author: u.author,
    persona: u.persona,
    kind: u.kind,
    text: u.text,
    temperature: u.temperature,
  };
}

/** Utterances thread by thread (in thread order), each thread's own before its branches, parents before children. */
export function exportOrder(c: Community): Utterance[] {
  const byThread = new Map<string, Utterance[]>();
  for (const t of c.threads) byThread.set(t.thread, []);
  for (const u of c.utterances) {
    const list = byThread.get(u.thread) ?? [];
    list.push(u);
    byThread.set(u.thread, list);
  }
  return [...byThread.values()].flat();
}

/** Children of each utterance, grouped by branch (the thread's own continuation first). */
export function childrenOf(c: Community): Map<string, Utterance[]> {
  const out = new Map<string, Utterance[]>();
  for (const u of c.utterances) {
    if (u.parent === null) continue;
    const list = out.get(u.parent) ?? [];
    list.push(u);
    out.set(u.parent, list);
  }
  return out;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );

/**
 * The community as one self-contained HTML page: every thread's post and its replies one under
 * the other (each answers the one before), and where branches grow from an utterance, the
 * alternatives side by side, each labelled with its branch and its utterances with their author,
 * persona and temperature.
 */
export function threadsHtml(c: Community, title: string, notes: readonly string[]): string {
  const children = childrenOf(c);
  const card = (u: Utterance): string => {
    const [title0, ...body] = u.kind === "post" ? u.text.split("\n") : ["", u.text];
    const head =
      `<div class="meta"><b>${esc(u.author)}</b> · ${esc(u.utterance)}` +
      ` · temperature ${u.temperature === null ? "— (text given)" : u.temperature}</div>` +
      `<div class="persona">${esc(u.persona)}</div>`;
    const text =
      u.kind === "post"
        ? `<h3>${esc(title0)}</h3><p>${esc(body.join("\n").trim())}</p>`
        : `<p>${esc(u.text)}</p>`;
    return `<div class="${u.kind}" id="${esc(u.utterance)}">${head}${text}</div>`;
  };
  const chain = (first: Utterance): string => {
    let out = "";
    for (let at: Utterance | undefined = first; at; ) {
      out += card(at);
      const kids: Utterance[] = children.get(at.utterance) ?? [];
      if (kids.length <= 1) {
        at = kids[0];
        continue;
      }
      out += `<div class="branches">${kids
        .map((k) => `<div class="alt"><div class="alt-label">${esc(k.branch)}</div>${chain(k)}</div>`)
        .join("")}</div>`;
      at = undefined;
    }
    return out;
  };
  const threads = c.threads.map((t) => (t.post ? `<section>${chain(t.post)}</section>` : "")).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1b1b}
.note{background:#fff4d6;border:1px solid #e6c66a;padding:.5rem .8rem;border-radius:6px;margin:.4rem 0}
section{border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem;margin:1rem 0;background:#fafafa}
h3{margin:.2rem 0}.meta{font-size:12px;color:#555}.persona{font-size:12px;color:#777;font-style:italic}
.reply{margin:.5rem 0 .5rem 1.2rem;border-left:3px solid #ccd;padding-left:.7rem}
.branches{display:flex;gap:.8rem;align-items:flex-start;overflow-x:auto;margin-left:1.2rem}
.alt{flex:1 0 300px;max-width:520px;border:1px dashed #99a;border-radius:6px;padding:.4rem}
.alt-label{font-size:12px;font-weight:600;color:#3a4bb5}
p{margin:.3rem 0;white-space:pre-wrap}
</style></head><body><h1>${esc(title)}</h1>
${notes.map((n) => `<div class="note">${esc(n)}</div>`).join("\n")}
${threads}
</body></html>
`;
}

/** Whether a run's text comes from a test double (the mock LLM server or the instant model), not a model. */
export function isTestDouble(modelId: string, modelKind: string): boolean {
  return modelKind === "instant" || /(^|[#:/])mock(\b|$)/.test(modelId);
}

/** The banner shown wherever a test double's text is shown. */
export function testDoubleNote(modelId: string): string {
  return `The text here was written by ${modelId}, a test double (seeded filler words), not a language model: it shows the machinery, not how people or models write.`;
}
