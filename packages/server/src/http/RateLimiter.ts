// Token-bucket rate limiting (client-server-api "Rate limiting"): each key
// (user ID or client IP, per action kind) holds up to burst_count tokens,
// refilled at per_second. An empty bucket answers 429 M_LIMIT_EXCEEDED with
// retry_after_ms. Buckets live in memory; idle full buckets are swept.
import { MatrixError } from '@weft/core';
import type { RateLimit } from '../config/HomeserverConfig.js';

interface Bucket { tokens: number; updatedMs: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = 0;

  constructor(
    private readonly limits: Readonly<Record<string, RateLimit>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key` under limit `kind`, or throws 429 M_LIMIT_EXCEEDED. */
  take(kind: string, key: string): void {
    const limit = this.limits[kind];
    if (!limit) throw new Error(`unknown rate limit kind ${kind}`);
    const nowMs = this.now();
    this.sweep(nowMs);
    const id = `${kind}\0${key}`;
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = { tokens: limit.burst_count, updatedMs: nowMs }));
    b.tokens = Math.min(limit.burst_count, b.tokens + ((nowMs - b.updatedMs) / 1000) * limit.per_second);
    b.updatedMs = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfterMs = Math.ceil(((1 - b.tokens) / limit.per_second) * 1000);
    throw new MatrixError(429, 'M_LIMIT_EXCEEDED', 'Too many requests', { retry_after_ms: retryAfterMs });
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < 60_000) return;
    this.lastSweepMs = nowMs;
    for (const [id, b] of this.buckets) {
      const limit = this.limits[id.slice(0, id.indexOf('\0'))]!;
      if (b.tokens + ((nowMs - b.updatedMs) / 1000) * limit.per_second >= limit.burst_count) this.buckets.delete(id);
    }
  }
}
