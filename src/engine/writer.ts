import type {
  CachedResponse,
  CacheEntry,
  CallRecord,
  JobOutcome,
  Store,
  TurnRecord,
} from "../store/types.ts";

const WRITE_BATCH = 2048;

/**
 * Collects a run's rows (ledger, cache, outcomes, turns) and commits them together: at once when a
 * batch is full or a paid answer must be made durable (flush), else on the next turn of the event
 * loop (or after `delayMs`, for free models whose answers come faster than commits are worth it).
 */
export class BatchWriter {
  calls: CallRecord[] = [];
  cache: CacheEntry[] = [];
  outcomes: JobOutcome[] = [];
  turns: TurnRecord[] = [];
  resets: { runId: string; seq: number }[] = [];
  /** Cache entries not yet committed, so a repeated request in the same turn still hits. */
  pendingCache = new Map<string, CachedResponse>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly store: Store;
  private readonly delayMs: number;

  constructor(store: Store, delayMs: number) {
    this.store = store;
    this.delayMs = delayMs;
  }

  poke(): void {
    if (this.calls.length + this.outcomes.length + this.turns.length >= WRITE_BATCH) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      const run = () => {
        this.scheduled = false;
        void this.flush();
      };
      if (this.delayMs > 0) setTimeout(run, this.delayMs);
      else setImmediate(run);
    }
  }

  flush(): Promise<void> {
    const batch = {
      calls: this.calls,
      cache: this.cache,
      outcomes: this.outcomes,
      turns: this.turns,
      resets: this.resets,
    };
    this.calls = [];
    this.cache = [];
    this.outcomes = [];
    this.turns = [];
    this.resets = [];
    const keys = batch.cache.map((e) => e.key);
    // Handed to the store at once rather than after the previous commit: a store that commits
    // elsewhere (SQLite's writer thread) then works through a queue instead of waiting for this
    // thread to notice each reply. Batches hold distinct jobs, so their order does not matter.
    const committed = this.store.commit(batch);
    this.chain = Promise.all([this.chain, committed]).then(() => {
      for (const k of keys) this.pendingCache.delete(k);
    });
    return this.chain;
  }
}
