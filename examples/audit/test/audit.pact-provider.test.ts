/**
 * Audit as a provider of audit.chain-verified: every pact in `pacts/` that expects it is verified against the
 * running service, whose verifyChain() writes the event to its outbox and whose relay publishes it to Pact's
 * capture. Runs after the consumer pact tests (vitest project `pact-providers`, `sequence.groupOrder` 1).
 */
import { verifyMessageProvider } from '@humangov/testing/pact';
import { createTestContext, forwardingTransport, type TestContext } from '@humangov-examples/kit/testing';
import { afterAll, beforeAll, it } from 'vitest';
import { type RunningAudit, startAudit } from '../src/index.js';

let context: TestContext;
let audit: RunningAudit;
let forwarding: ReturnType<typeof forwardingTransport>;

beforeAll(async () => {
  const base = await createTestContext('audit-provider');
  forwarding = forwardingTransport(base.transport);
  context = { ...base, transport: forwarding.transport };
  audit = await startAudit(context, { relayPollMs: 20 });
});
afterAll(async () => {
  await audit.close();
  await context.dispose();
});

it('publishes audit.chain-verified as its consumers expect', { timeout: 60_000 }, async () => {
  await verifyMessageProvider({
    provider: 'audit',
    producers: {
      'audit.chain-verified': async ({ transport }) => {
        forwarding.captureInto(transport);
        await audit.verifyChain();
        await forwarding.published('audit.chain-verified', 1);
      },
    },
  });
});
