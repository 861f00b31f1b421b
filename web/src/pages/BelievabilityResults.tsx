import { api } from "../api.ts";
import { Loading, TestDoubleNote, useLoad } from "../components/Load.tsx";
import { Link } from "../router.tsx";

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

/** Error rates: how often judges took the simulated conversation for the real one. */
export function BelievabilityResultsPage({ test }: { test: string }) {
  const { data, error } = useLoad(() => api.results(test), [test]);
  if (!data) return <Loading error={error} />;
  const p = data.pooled;
  return (
    <section>
      <h1>Results: {data.title}</h1>
      <TestDoubleNote note={data.note} />
      <p className="small">
        <Link to={`/runs/${encodeURIComponent(data.run)}`}>← the community ({data.run})</Link>
      </p>
      <p>
        {data.pairs} pairs of one real conversation (r/ChangeMyView) and one simulated, paired by wording
        (mean TF-IDF cosine {data.mean_similarity.toFixed(2)}). An error is taking the simulated one for the
        real one: 50% is chance; Park et al. (2022) found {pct(data.paper)} for SimReddit.
      </p>
      <table className="results">
        <tbody>
          <tr>
            <th>error rate, all judgments pooled</th>
            <td data-figure="pooled">
              {pct(p.estimate)} ({p.wrong} of {p.judgments}; 95% CI {pct(p.lower)}–{pct(p.upper)}, Wilson)
            </td>
          </tr>
          <tr>
            <th>mean of the judges' error rates</th>
            <td data-figure="judge-mean">
              {data.judgeMean
                ? `${pct(data.judgeMean.estimate)} (${data.judgeMean.judges} judges, sd ${pct(data.judgeMean.sd)}; 95% CI ${pct(data.judgeMean.lower)}–${pct(data.judgeMean.upper)}, t)`
                : "— (needs 2 judges)"}
            </td>
          </tr>
        </tbody>
      </table>
      <h2>Judges</h2>
      <table className="results">
        <thead>
          <tr>
            <th>judge</th>
            <th>judged</th>
            <th>wrong</th>
            <th>error rate</th>
          </tr>
        </thead>
        <tbody>
          {data.judges.map((j) => (
            <tr key={j.judge}>
              <td>{j.judge}</td>
              <td>{j.judged}</td>
              <td>{j.wrong}</td>
              <td>{pct(j.errorRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        Share this page's test with judges:{" "}
        <code>{`${window.location.origin}/believability/${data.id}`}</code>
      </p>
    </section>
  );
}
