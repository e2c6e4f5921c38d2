import { describe, expect, it } from 'vitest';
import { fallback } from './fallback.js';

describe('fallback', () => {
  it('replaces a failure with a value or with what a function returns', async () => {
    await expect(fallback('n/a').execute(() => Promise.reject(new Error('down')))).resolves.toBe('n/a');
    const fromCache = fallback(async (error) => `cached after ${(error as Error).message}`);
    await expect(fromCache.execute(() => Promise.reject(new Error('down')))).resolves.toBe('cached after down');
    await expect(fallback('n/a').execute(() => 'live')).resolves.toBe('live');
  });

  it('lets through what `when` rejects, and the caller’s abort', async () => {
    const policy = fallback(0, { when: (e) => (e as Error).message === 'down' });
    await expect(policy.execute(() => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    const controller = new AbortController();
    controller.abort(new Error('left'));
    await expect(fallback(0).execute(({ signal }) => Promise.reject(signal.reason), controller.signal)).rejects.toThrow(
      'left',
    );
  });
});
