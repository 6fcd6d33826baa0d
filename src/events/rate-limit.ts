/**
 * A per-isolate limiter over fixed windows: at most `perKey` hits a window for one key and
 * `total` for all keys together. Memory is bounded: the counts reset every window.
 */
export class FixedWindowLimiter {
  private windowStart = -Infinity;
  private counts = new Map<string, number>();
  private hits = 0;

  constructor(private readonly limits: { windowMs: number; perKey: number; total: number }) {}

  /** Counts a hit for `key` at epoch ms `now`; false when over a limit (the hit is not counted). */
  allow(key: string, now: number): boolean {
    if (now - this.windowStart >= this.limits.windowMs) {
      this.windowStart = now;
      this.counts = new Map();
      this.hits = 0;
    }
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limits.perKey || this.hits >= this.limits.total) return false;
    this.counts.set(key, count + 1);
    this.hits++;
    return true;
  }
}
