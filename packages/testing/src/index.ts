/**
 * @humangov/testing: helpers for testing HumanGov services and transports. Only tests and examples import it.
 * The transport conformance suite is on its own subpath, `@humangov/testing/conformance` (it needs vitest).
 */
export { type Collector, type CollectorOptions, collect, createCollector } from './collect.js';
// Errors of the harness and of the Pact file reader (errors.ts holds the /pact subpath's too).
export {
  HarnessError,
  type HarnessErrorCode,
  isPactFileError,
  PactFileError,
  type PactFileErrorCode,
} from './errors.js';
// Harness on the memory transport, and the fault-injecting transport wrapper.
export {
  FAULT_SIDE,
  type FaultKind,
  type FaultRule,
  type FaultSide,
  type FaultStats,
  type InjectedFault,
} from './harness/fault-rules.js';
export {
  createFaultyTransport,
  type Faults,
  type FaultyTransport,
  type FaultyTransportOptions,
} from './harness/faulty-transport.js';
export {
  createHarness,
  type ExpectEventOptions,
  type Harness,
  type HarnessOptions,
  type HarnessWaitOptions,
} from './harness/harness.js';
export type { DeepPartial, Mismatch } from './harness/match.js';
// Pact file reader (pure TypeScript; no Pact JS): V1-V4 pacts as one typed model.
export type {
  Pact,
  PactAsyncMessageInteraction,
  PactBody,
  PactHttpInteraction,
  PactHttpRequest,
  PactHttpResponse,
  PactInteraction,
  PactInteractionBase,
  PactMatcher,
  PactMessage,
  PactMessageTestCase,
  PactProviderState,
  PactRule,
  PactRuleSet,
  PactSpecificationMajor,
  PactSyncMessageInteraction,
} from './pact-file/model.js';
export { appendPactPath, type PactPathToken, parsePactPath } from './pact-file/pact-path.js';
export { parsePact, type ReadPactOptions, readPact, readPactTestCase } from './pact-file/read-pact.js';
export { type Deferred, deferred, delay, type WaitForOptions, waitFor } from './wait.js';

export const version = '0.1.0';
