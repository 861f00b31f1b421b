import { type FormEvent, useState } from "react";
import { api, type Message } from "../api.ts";
import { Loading, useLoad } from "../components/Load.tsx";
import { Link } from "../router.tsx";

const STORED = "populace:judge";

/** Forum text: lines quoting the message answered (Markdown "> ") shown as quotes, the rest as paragraphs. */
function ForumText({ text }: { text: string }) {
  const blocks: { quote: boolean; lines: string[] }[] = [];
  for (const line of text.split("\n")) {
    const quote = /^\s*(>|&gt;)/.test(line);
    const body = quote ? line.replace(/^\s*(>|&gt;)\s?/, "") : line;
    const last = blocks.at(-1);
    if (last && last.quote === quote) last.lines.push(body);
    else blocks.push({ quote, lines: [body] });
  }
  return (
    <>
      {blocks.map((b, i) =>
        b.quote ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks of one text, in order
          <blockquote key={i}>{b.lines.join("\n").trim()}</blockquote>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks of one text, in order
          <p key={i} className="text">
            {b.lines.join("\n").trim()}
          </p>
        ),
      )}
    </>
  );
}

function Conversation({ side, messages }: { side: "A" | "B"; messages: Message[] }) {
  return (
    <div className="conversation" data-side={side}>
      <h2>Conversation {side}</h2>
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages have no id of their own and never move
        <div key={i} className="message" style={{ marginLeft: `${Math.min(i, 4) * 0.9}rem` }}>
          <span className="author">{m.author}</span>
          <ForumText text={m.text} />
        </div>
      ))}
    </div>
  );
}

function WhoIsJudging({ onJudge }: { onJudge: (judge: string) => void }) {
  const [name, setName] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onJudge(name.trim());
  };
  return (
    <form className="branch-form" onSubmit={submit} aria-label="Who is judging">
      <label>
        Your name or an id (it keeps your answers apart from other judges')
        <input name="judge" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <button type="submit">Start</button>
    </form>
  );
}

function Judging({ test, judge }: { test: string; judge: string }) {
  const { data, error } = useLoad(() => api.pairs(test, judge), [test, judge]);
  const [answered, setAnswered] = useState<Record<string, "A" | "B"> | null>(null);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  if (!data) return <Loading error={error} />;
  const done = answered ?? data.answered;
  const current = data.pairs.find((p) => done[String(p.pair)] === undefined);
  const choose = async (choice: "A" | "B") => {
    if (!current) return;
    setSending(true);
    setFailure(null);
    try {
      await api.judge(test, { judge, pair: current.pair, choice });
      setAnswered({ ...done, [String(current.pair)]: choice });
    } catch (e) {
      setFailure((e as Error).message);
    } finally {
      setSending(false);
    }
  };
  const count = Object.keys(done).length;
  if (!current) {
    return (
      <section>
        <h1>{data.title}</h1>
        <p className="fresh" role="status">
          Thank you, {judge}: you judged all {data.pairs.length} pairs.
        </p>
        <Link to={`/believability/${encodeURIComponent(test)}/results`}>See the results</Link>
      </section>
    );
  }
  return (
    <section>
      <h1>{data.title}</h1>
      <p>
        One of these conversations comes from a real online forum; the other was simulated. Which one is real?{" "}
        <span className="muted small">
          Pair {current.pair} of {data.pairs.length} · {count} judged · judging as {judge}
        </span>
      </p>
      <div className="pair">
        <Conversation side="A" messages={current.A} />
        <Conversation side="B" messages={current.B} />
      </div>
      <div className="actions big choose">
        <button type="button" disabled={sending} onClick={() => choose("A")}>
          A is the real one
        </button>
        <button type="button" disabled={sending} onClick={() => choose("B")}>
          B is the real one
        </button>
      </div>
      {failure && <p className="error">{failure}</p>}
    </section>
  );
}

/** The judge's page, shared by link: who is judging, then one pair at a time. */
export function BelievabilityPage({ test }: { test: string }) {
  const fromLink = new URLSearchParams(window.location.search).get("judge");
  const [judge, setJudge] = useState<string | null>(fromLink ?? window.localStorage.getItem(STORED));
  const start = (name: string) => {
    window.localStorage.setItem(STORED, name);
    setJudge(name);
  };
  if (!judge) {
    return (
      <section>
        <h1>Which conversation is real?</h1>
        <p>You will see pairs of conversations; in each, one is real and one was simulated.</p>
        <WhoIsJudging onJudge={start} />
      </section>
    );
  }
  return <Judging test={test} judge={judge} />;
}
