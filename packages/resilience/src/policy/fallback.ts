import { contextFor, type Policy, type PolicyFn } from './policy.js';

export interface FallbackOptions {
  /** Which failures to replace. @default every failure, except when the caller's own signal aborted */
  readonly when?: (error: unknown) => boolean;
}

/**
 * Replaces a failure with a value: `fallback([])` resolves with `[]`, `fallback((error) => cached())` with what
 * the function returns (it may be async; its own failure rejects the call). A function is always called, so to
 * fall back to a function value, return it from one. Failures `when` rejects pass through, and so does the
 * signal's reason once the caller aborted. `execute` resolves with `T | F`.
 */
export function fallback<F>(fn: (error: unknown) => F | PromiseLike<F>, options?: FallbackOptions): Policy<F>;
export function fallback<F>(value: F, options?: FallbackOptions): Policy<F>;
export function fallback<F>(valueOrFn: unknown, options: FallbackOptions = {}): Policy<F> {
  const when = options.when ?? (() => true);
  const replace =
    typeof valueOrFn === 'function' ? (valueOrFn as (error: unknown) => F | PromiseLike<F>) : () => valueOrFn as F;

  return {
    async execute<T>(fn: PolicyFn<T>, outer?: AbortSignal): Promise<T | F> {
      try {
        return await fn(contextFor(outer, 1));
      } catch (error) {
        if (outer?.aborted || !when(error)) throw error;
        return replace(error);
      }
    },
  };
}
