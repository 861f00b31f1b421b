import { useState } from "react";
import { api, type ThreadSummary } from "../api.ts";
import { MultiverseForm } from "../components/BranchForms.tsx";
import { Loading, TestDoubleNote, useLoad } from "../components/Load.tsx";
import { Link } from "../router.tsx";

function ThreadList({ run, threads }: { run: string; threads: ThreadSummary[] }) {
  return (
    <ol className="thread-list">
      {threads.map((t) => (
        <li key={t.thread}>
          <Link
            to={`/runs/${encodeURIComponent(run)}/threads/${encodeURIComponent(t.thread)}`}
            className="thread-title"
          >
            {t.title ?? `(${t.thread}: ${t.status === "failed" ? "the post failed" : "not written yet"})`}
          </Link>
          <div className="muted small">
            {t.thread} · by {t.author ?? "—"} · {t.replies} {t.replies === 1 ? "reply" : "replies"}
            {t.branches.length > 0 && (
              <>
                {" · "}
                {t.branches.map((b) => (
                  <span key={b} className="badge">
                    {b}
                  </span>
                ))}
              </>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

function Tests({ run }: { run: string }) {
  const { data, reload } = useLoad(() => api.tests(run), [run]);
  const [failure, setFailure] = useState<string | null>(null);
  const make = async () => {
    setFailure(null);
    try {
      await api.newTest(run, 20);
      reload();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  return (
    <div className="tests">
      <h2>Believability tests</h2>
      <ul>
        {(data ?? []).map((t) => (
          <li key={t.id}>
            {t.title}: <Link to={t.link}>judge ({t.pairs} pairs)</Link> ·{" "}
            <Link to={`${t.link}/results`}>results</Link>
          </li>
        ))}
      </ul>
      <button type="button" onClick={make}>
        New test: 20 threads beside real ones
      </button>
      {failure && <p className="error">{failure}</p>}
    </div>
  );
}

/** A community: its design, its threads, and the whole-community Multiverse iterations beside it. */
export function CommunityPage({ run }: { run: string }) {
  const { data, error, reload } = useLoad(() => api.community(run), [run]);
  const [showMultiverse, setShowMultiverse] = useState(false);
  if (!data) return <Loading error={error} />;
  const iterations = [...new Set(data.threads.map((t) => t.iteration))];
  return (
    <section>
      <h1>{data.name}</h1>
      <TestDoubleNote note={data.note} />
      <p className="goal">{data.goal}</p>
      {data.rules.length > 0 ? (
        <ol className="rules">
          {data.rules.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ol>
      ) : (
        <p className="muted">No rules.</p>
      )}
      <p className="muted small">
        {data.personas} members · {data.threads.filter((t) => t.iteration === "main").length} threads · model{" "}
        {data.model} · run {data.run} ({data.status})
      </p>
      <button type="button" onClick={() => setShowMultiverse((v) => !v)}>
        Multiverse: the whole community again…
      </button>
      {showMultiverse && <MultiverseForm run={run} onDone={reload} />}
      <Tests run={run} />
      <div className="columns">
        {iterations.map((it) => (
          <div key={it} className="column" data-iteration={it}>
            <h2>{it === "main" ? "Threads" : it}</h2>
            <ThreadList run={run} threads={data.threads.filter((t) => t.iteration === it)} />
          </div>
        ))}
      </div>
    </section>
  );
}
