/**
 * Per-token rate limits. On Node: an in-process token bucket per token id. In the worker, the
 * Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml) when it is bound.
 */

/** Answers whether one more request of `key` may go ahead now. */
export type RateLimiter = (key: string) => boolean | Promise<boolean>;

export interface BucketOptions {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket per key: `burst` tokens, refilled at `perSecond`. Keys idle long enough to have
 * refilled are dropped when the table grows, so it stays small.
 *
 * @example
 * ```ts
 * const limit = tokenBuckets({ perSecond: 50, burst: 100 }, () => performance.now());
 * if (!limit("token-id")) throw new ApiError("rate_limited", "…");
 * ```
 */
export function tokenBuckets(
  options: BucketOptions,
  nowMs: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const fullAfterMs = (options.burst / options.perSecond) * 1000;
  return (key) => {
    const now = nowMs();
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= 10_000)
        for (const [k, b] of buckets) if (now - b.at >= fullAfterMs) buckets.delete(k);
      bucket = { tokens: options.burst, at: now };
      buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}
