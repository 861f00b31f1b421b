import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BelievabilityPage } from "./pages/Believability.tsx";
import { BelievabilityResultsPage } from "./pages/BelievabilityResults.tsx";
import { CommunityPage } from "./pages/Community.tsx";
import { InterviewPage, NewInterviewPage } from "./pages/Interview.tsx";
import { RunsPage } from "./pages/Runs.tsx";
import { ThreadPage } from "./pages/Thread.tsx";
import { Link, match, type Route, usePath } from "./router.tsx";
import "./styles.css";

const routes: Route[] = [
  { pattern: "/", render: () => <RunsPage /> },
  { pattern: "/runs/:run", render: (p) => <CommunityPage run={p.run} /> },
  { pattern: "/runs/:run/threads/:thread", render: (p) => <ThreadPage run={p.run} thread={p.thread} /> },
  { pattern: "/believability/:test", render: (p) => <BelievabilityPage test={p.test} /> },
  { pattern: "/believability/:test/results", render: (p) => <BelievabilityResultsPage test={p.test} /> },
  { pattern: "/interview", render: () => <NewInterviewPage /> },
  { pattern: "/interview/:session", render: (p) => <InterviewPage session={p.session} /> },
];

function App() {
  const path = usePath();
  const page = match(routes, path);
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          Populace
        </Link>
        <span className="tagline">simulated people, real data to hold them against</span>
      </header>
      <main>{page ?? <p className="error">No page at {path}.</p>}</main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
