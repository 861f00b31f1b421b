/**
 * Budget guard. Before a call starts, its worst-case cost (estimated input plus the maximum
 * output) is reserved; a call whose reservation would take spending past the cap is never
 * started. After the call, the reservation is replaced by the real cost.
 */
export class Budget {
  readonly capUsd?: number;
  readonly capCalls?: number;
  private spentUsd: number;
  private calls: number;
  private reservedUsd = 0;
  private reservedCalls = 0;

  constructor(options: { capUsd?: number; capCalls?: number; spentUsd?: number; calls?: number }) {
    this.capUsd = options.capUsd;
    this.capCalls = options.capCalls;
    this.spentUsd = options.spentUsd ?? 0;
    this.calls = options.calls ?? 0;
  }

  /** Reserves a call of worst-case cost `usd`; false when it could exceed a cap. */
  reserve(usd: number): boolean {
    if (this.capUsd !== undefined && this.spentUsd + this.reservedUsd + usd > this.capUsd + 1e-12)
      return false;
    if (this.capCalls !== undefined && this.calls + this.reservedCalls + 1 > this.capCalls) return false;
    this.reservedUsd += usd;
    this.reservedCalls += 1;
    return true;
  }

  settle(reservedUsd: number, actualUsd: number): void {
    this.reservedUsd -= reservedUsd;
    this.reservedCalls -= 1;
    this.spentUsd += actualUsd;
    this.calls += 1;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Calls reserved and not yet settled: while there are some, a refused reservation may fit later. */
  get hasReservations(): boolean {
    return this.reservedCalls > 0;
  }

  /** Resolves when the next reserved call settles (its real cost is usually below its worst case). */
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private waiting: (() => void)[] = [];

  get spent(): number {
    return this.spentUsd;
  }
}
