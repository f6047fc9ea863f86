/**
 * The harness's view of the target's clock: local time plus whatever the operator moved the
 * target's clock by (control `advance-clock`, undone by `reset`). Tokens are minted on this clock
 * so that checks after an advance still present fresh `iat`/`exp` values. One per run: checks that
 * move the clock are `exclusive`, so no concurrent check sees it change under it.
 */
export class TargetClock {
  private offsetSeconds = 0;

  /** The target's current time in epoch seconds. */
  nowSeconds(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  advanced(seconds: number): void {
    this.offsetSeconds += seconds;
  }

  reset(): void {
    this.offsetSeconds = 0;
  }
}
