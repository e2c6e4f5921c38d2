/**
 * Small async helpers for tests. They use the real timers captured when this module loads, so they keep working
 * under fake timers installed later (vi.useFakeTimers).
 */
const realSetTimeout = globalThis.setTimeout;

/** A promise with its resolve and reject functions, and whether it has settled. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  resolve(value: T | PromiseLike<T>): void;
  reject(reason?: unknown): void;
}

/** Creates a Deferred. Settling it twice does nothing (like a promise executor's functions). */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve(value) {
      settled = true;
      resolve(value);
    },
    reject(reason) {
      settled = true;
      reject(reason);
    },
  };
}

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Gives up after this long, rejecting with an Error. @default 5_000 */
  readonly timeoutMs?: number;
  /** Time between two checks. @default 5 */
  readonly intervalMs?: number;
  /** What was awaited, for the timeout error; a function is called at the timeout (to report the state then). */
  readonly message?: string | (() => string);
}

/** Resolves after `ms` real milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/**
 * Polls `condition` until it returns true, then resolves; checks at once, then every `intervalMs`. Rejects with an
 * Error naming `message` after `timeoutMs`, or with what `condition` threw (it is not retried).
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'condition');
      throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(options.intervalMs ?? 5);
  }
}
