import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPactError } from '../errors.js';
import { verifyHttpProvider } from './http-provider.js';
import { verifyMessageProvider } from './message-provider.js';
import { pactSources } from './pact-sources.js';

describe('pact sources of a provider verification', () => {
  it('tells a provider verified before any consumer test ran to run the consumers first', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'humangov-pact-empty-'));
    const error = await verifyMessageProvider({ provider: 'audit', pactDir: empty, producers: {} }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(isPactError(error, 'HUMANGOV_PACT_OPTIONS_INVALID')).toBe(true);
    expect(error?.message).toMatch(
      /no pact files in .* to verify provider 'audit' against: run the consumers' pact tests/,
    );
  });

  it('names a pact file that does not exist, and a base URL that is not one', async () => {
    expect(() => pactSources({ provider: 'audit', pactFiles: ['/nowhere/a-b.json'] })).toThrow(
      /no pact file at \/nowhere\/a-b\.json/,
    );
    const error = await verifyHttpProvider({ provider: 'citizen-registry', baseUrl: 'localhost:8080' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/baseUrl must be an absolute http\(s\) URL, got 'localhost:8080'/);
  });
});
