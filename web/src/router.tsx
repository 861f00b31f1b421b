import { type MouseEvent, type ReactNode, useEffect, useState } from "react";

/** The browser's path, kept in step with links and the back button. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener("popstate", update);
    window.addEventListener("populace:navigate", update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener("populace:navigate", update);
    };
  }, []);
  return path;
}

export function navigate(to: string): void {
  window.history.pushState(null, "", to);
  window.dispatchEvent(new Event("populace:navigate"));
  window.scrollTo(0, 0);
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className}>
      {children}
    </a>
  );
}

export interface Route {
  /** e.g. "/runs/:run/threads/:thread" */
  pattern: string;
  render: (params: Record<string, string>) => ReactNode;
}

/** The first route whose pattern matches the path, with its parameters decoded. */
export function match(routes: readonly Route[], path: string): ReactNode | null {
  const parts = path.replace(/\/+$/, "").split("/");
  for (const route of routes) {
    const want = route.pattern.replace(/\/+$/, "").split("/");
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length; i++) {
      if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(parts[i]);
      else if (want[i] !== parts[i]) ok = false;
    }
    if (ok) return route.render(params);
  }
  return null;
}
