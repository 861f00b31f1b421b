import { api } from "../api.ts";
import { Loading, useLoad } from "../components/Load.tsx";
import { Link } from "../router.tsx";

export function RunsPage() {
  const { data, error } = useLoad(() => api.runs(), []);
  if (!data) return <Loading error={error} />;
  const communities = data.filter((r) => r.kind === "community");
  return (
    <section>
      <h1>Runs</h1>
      {communities.length === 0 && <p className="muted">No community runs in this database yet.</p>}
      <ul className="runs">
        {data.map((r) => (
          <li key={r.id}>
            {r.kind === "community" ? (
              <Link to={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
            ) : (
              <span>{r.id}</span>
            )}
            <span className="muted">
              {" "}
              · {r.kind} · {r.model}
              {r.test_double ? " (test double)" : ""} · {r.status}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
