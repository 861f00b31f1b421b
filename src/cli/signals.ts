/**
 * Ctrl-C handling for long runs: the first stops starting new work (in-flight calls finish and
 * are saved), the second aborts in-flight calls too (their jobs stay pending for the next run).
 */
export function interruptSignals(onFirst?: () => void): {
  stop: AbortSignal;
  abort: AbortSignal;
  dispose(): void;
} {
  const stop = new AbortController();
  const abort = new AbortController();
  const handler = () => {
    if (!stop.signal.aborted) {
      stop.abort(new Error("interrupted"));
      onFirst?.();
    } else abort.abort(new Error("interrupted twice"));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
