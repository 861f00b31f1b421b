import { type ReactNode, useCallback, useEffect, useState } from "react";

/** Data loaded from the API, with a way to load it again (after a WhatIf adds a branch). */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      (e: Error) => {
        if (live) setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

export function Loading({ error, children }: { error: string | null; children?: ReactNode }) {
  if (error) return <p className="error">{error}</p>;
  return <p className="muted">{children ?? "Loading…"}</p>;
}

export function TestDoubleNote({ note }: { note: string | null }) {
  if (!note) return null;
  return (
    <p className="note" role="note">
      {note}
    </p>
  );
}
