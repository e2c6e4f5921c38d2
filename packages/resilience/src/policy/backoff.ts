/**
 * Backoff delays for `retry`: exponential growth, randomised ("jitter") so that many clients that failed together
 * do not retry together. Both schemes are from the AWS Architecture Blog post "Exponential Backoff And Jitter".
 */
export type Jitter = 'full' | 'decorrelated';

export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Full jitter: before retry `n` (1 for the first retry) wait a uniformly random time between zero and the
 * exponential ceiling `min(maxDelayMs, initialDelayMs * 2^(n-1))`. Spreads retries the most; some waits are short.
 */
export function fullJitter(retry: number, options: BackoffOptions, random: () => number): number {
  return random() * fullJitterCeiling(retry, options);
}

/** The upper bound of `fullJitter` for retry `n`. */
export function fullJitterCeiling(retry: number, { initialDelayMs, maxDelayMs }: BackoffOptions): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** (retry - 1));
}

/**
 * Decorrelated jitter: each wait is random between `initialDelayMs` and three times the previous wait (the
 * first "previous" is `initialDelayMs`), capped at `maxDelayMs`. Waits grow like exponential backoff but each
 * depends on the last one rather than on the retry number.
 */
export function decorrelatedJitter(previousMs: number, options: BackoffOptions, random: () => number): number {
  const [low, high] = decorrelatedBounds(previousMs, options);
  return low + random() * (high - low);
}

/** The `[low, high]` range of `decorrelatedJitter` after a wait of `previousMs`. */
export function decorrelatedBounds(
  previousMs: number,
  { initialDelayMs, maxDelayMs }: BackoffOptions,
): [number, number] {
  const high = Math.min(maxDelayMs, Math.max(initialDelayMs, previousMs * 3));
  return [Math.min(initialDelayMs, high), high];
}
