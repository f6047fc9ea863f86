import type { SimClock } from './clock.ts';

/**
 * jti replay cache (§4.6, §8.4). Entries are partitioned by the identity that signed the token (a
 * host or an agent) and kept until the end of the token's effective validity window: `exp` plus the
 * clock skew tolerated on `exp` (§8.2), after which the token would be refused as expired anyway.
 */
export class ReplayCache {
  private readonly partitions = new Map<string, Map<string, number>>();
  private lastSweepSeconds = 0;

  constructor(
    private readonly clock: SimClock,
    /** Seconds an entry outlives its token's `exp`. */
    private readonly retentionAfterExpSeconds: number,
  ) {}

  /** True when `jti` was already recorded for `identity` and has not aged out yet. */
  seen(identity: string, jti: string): boolean {
    const until = this.partitions.get(identity)?.get(jti);
    return until !== undefined && until >= this.clock.nowSeconds();
  }

  /** Records `jti` for `identity`, remembered until `exp` + retention. */
  record(identity: string, jti: string, exp: number): void {
    this.sweep();
    let partition = this.partitions.get(identity);
    if (partition === undefined) {
      partition = new Map();
      this.partitions.set(identity, partition);
    }
    partition.set(jti, exp + this.retentionAfterExpSeconds);
  }

  clear(): void {
    this.partitions.clear();
  }

  private sweep(): void {
    const now = this.clock.nowSeconds();
    if (now - this.lastSweepSeconds < 60) return;
    this.lastSweepSeconds = now;
    for (const [identity, partition] of this.partitions) {
      for (const [jti, until] of partition) if (until < now) partition.delete(jti);
      if (partition.size === 0) this.partitions.delete(identity);
    }
  }
}
