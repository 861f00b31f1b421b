import { useState } from "react";
import { api, type Branch, type Utterance } from "../api.ts";
import { MultiverseForm, WhatIfForm } from "../components/BranchForms.tsx";
import { Loading, TestDoubleNote, useLoad } from "../components/Load.tsx";
import { Link } from "../router.tsx";

interface Tree {
  byParent: Map<string, Utterance[]>;
  branches: Map<string, Branch>;
}

function branchLabel(id: string, b: Branch | undefined): string {
  if (!b) return id;
  if (b.kind === "whatif") {
    // "what if a troll …" rather than "what if A troll …"; names keep their capital.
    const who = b.as?.replace(/^(A|An|The) /, (article) => article.toLowerCase());
    return `${id}: what if ${who} ${b.text ? "said this" : "replied"}${b.continue ? `, then ${b.continue} more` : ""}`;
  }
  if (b.kind === "multiverse") return `${id}: another way it could go (temperature ${b.temperature})`;
  return id;
}

interface CardProps {
  tree: Tree;
  run: string;
  onChange: (branches: string[]) => void;
  open: string | null;
  setOpen: (key: string | null) => void;
}

function UtteranceCard({ u, parentAuthor, ...p }: CardProps & { u: Utterance; parentAuthor: string | null }) {
  const [title, ...body] = u.kind === "post" ? u.text.split("\n") : [null, u.text];
  const key = (what: string) => `${what}:${u.utterance}`;
  return (
    <article
      className={`utterance ${u.kind}`}
      id={u.utterance}
      data-utterance={u.utterance}
      data-branch={u.branch}
    >
      <header>
        <span className="author" title={u.persona}>
          {u.author}
        </span>
        <span className="muted small">
          {parentAuthor ? ` replying to ${parentAuthor}` : ""} · {u.utterance} ·{" "}
          {u.temperature === null ? "text given" : `temperature ${u.temperature}`}
        </span>
      </header>
      <p className="persona">{u.persona}</p>
      {title !== null && <h2 className="post-title">{title}</h2>}
      <p className="text">{body.join("\n").trim()}</p>
      <div className="actions">
        <button type="button" onClick={() => p.setOpen(p.open === key("whatif") ? null : key("whatif"))}>
          WhatIf…
        </button>
        <button
          type="button"
          onClick={() => p.setOpen(p.open === key("multiverse") ? null : key("multiverse"))}
        >
          Multiverse…
        </button>
      </div>
      {p.open === key("whatif") && (
        <WhatIfForm
          run={p.run}
          utterance={u.utterance}
          onDone={(job) => p.onChange(job.result?.branches ?? [])}
        />
      )}
      {p.open === key("multiverse") && (
        <MultiverseForm
          run={p.run}
          utterance={u.utterance}
          onDone={(job) => p.onChange(job.result?.branches ?? [])}
        />
      )}
    </article>
  );
}

/**
 * A run of replies, each answering the one before, shown one under the other (a thread's replies
 * form a chain); where WhatIf or Multiverse branched from an utterance, the alternatives follow
 * it side by side, each a chain of its own.
 */
function Chain({ first, parentAuthor, ...p }: CardProps & { first: Utterance; parentAuthor: string | null }) {
  const cards = [];
  let at: Utterance | undefined = first;
  let before = parentAuthor;
  while (at) {
    cards.push(<UtteranceCard key={at.utterance} u={at} parentAuthor={before} {...p} />);
    const kids: Utterance[] = p.tree.byParent.get(at.utterance) ?? [];
    if (kids.length <= 1) {
      before = at.author;
      at = kids[0];
      continue;
    }
    const author = at.author;
    const own = at.branch;
    cards.push(
      <div key={`${at.utterance}:fork`} className="branches">
        {kids.map((k) => (
          <div key={k.branch} className="alternative" data-branch={k.branch}>
            <div className="alternative-label">
              {k.branch === own ? `${own}: as it went` : branchLabel(k.branch, p.tree.branches.get(k.branch))}
            </div>
            <Chain first={k} parentAuthor={author} {...p} />
          </div>
        ))}
      </div>,
    );
    at = undefined;
  }
  return <div className="chain">{cards}</div>;
}

/** One thread: its post, its replies nested, and where WhatIf or Multiverse branched, the alternatives side by side. */
export function ThreadPage({ run, thread }: { run: string; thread: string }) {
  const { data, error, reload } = useLoad(() => api.thread(run, thread), [run, thread]);
  const [open, setOpen] = useState<string | null>(null);
  const [fresh, setFresh] = useState<string[]>([]);
  if (!data) return <Loading error={error} />;
  const byParent = new Map<string, Utterance[]>();
  for (const u of data.utterances) {
    if (u.parent === null) continue;
    byParent.set(u.parent, [...(byParent.get(u.parent) ?? []), u]);
  }
  const tree: Tree = { byParent, branches: new Map(data.branches.map((b) => [b.branch, b])) };
  const post = data.utterances.find((u) => u.kind === "post");
  const onChange = (branches: string[]) => {
    setFresh(branches);
    setOpen(null);
    reload();
  };
  return (
    <section>
      <p className="small">
        <Link to={`/runs/${encodeURIComponent(run)}`}>← all threads</Link>
      </p>
      <TestDoubleNote note={data.note} />
      {fresh.length > 0 && (
        <p className="fresh" role="status">
          New: {fresh.join(", ")}
        </p>
      )}
      {post ? (
        <Chain
          first={post}
          parentAuthor={null}
          tree={tree}
          run={run}
          onChange={onChange}
          open={open}
          setOpen={setOpen}
        />
      ) : (
        <p className="muted">This thread has no post.</p>
      )}
    </section>
  );
}
